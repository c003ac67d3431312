"""项目支出绩效自评: a project framework (the table's layout, as data), and per project of a
report its self-assessment table and indicator rows.

The project itself and its money (全年预算数, 全年执行数, 资金来源) are ``budgets.Project``;
its table adds what only the table states: 年初预算数, 主管部门 and 实施单位, the year's
target and what was done, the indicators, and the conclusion. Both kinds of row belong to
the report (a ``report`` key) and are written only by ``projects.writers``.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from budgets.fields import MoneyField, non_negative
from perfeval.fields import LimitedTextField
from perfeval.limits import NARRATIVE_MAX_CHARS, ROW_TEXT_MAX_CHARS
from scoring.models import NEGATIVE_NUMBER_MESSAGE, score_field

from . import layout


class ProjectFramework(models.Model):
    """The layout of a 项目支出绩效自评表: the 分值 of 预算执行, the rate below which a reason
    is needed, and the 一级/二级指标 with their 分值 (the 三级指标 are each project's own)."""

    name = models.CharField(_("名称"), max_length=100)
    version = models.CharField(_("版本"), max_length=32)
    description = LimitedTextField(_("说明"), blank=True, limit=NARRATIVE_MAX_CHARS)
    table_note = LimitedTextField(
        _("表注"), blank=True, limit=NARRATIVE_MAX_CHARS, help_text=_("印在表末“注：”后。")
    )
    execution_points = score_field(_("预算执行分值"), default=Decimal("10"))
    reason_below_rate = score_field(
        _("须说明原因的执行率（%）"),
        default=Decimal("90"),
        help_text=_("预算执行率低于此值时，必须填写原因。"),
    )
    groups = models.JSONField(
        _("一级、二级指标"),
        default=list,
        help_text=_(
            '如 [{"name": "产出指标", "points": "50", "children": ["数量指标", "质量指标"]}]。'
        ),
    )
    is_default = models.BooleanField(_("新项目默认使用"), default=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("项目自评表格式")
        verbose_name_plural = _("项目自评表格式")
        ordering = ["name", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["name", "version"], name="project_framework_unique_version"
            ),
            models.UniqueConstraint(
                fields=["is_default"],
                condition=models.Q(is_default=True),
                name="project_framework_single_default",
                violation_error_message=_("只能有一个默认项目自评表格式：请先取消原默认格式。"),
            ),
        ]

    def __str__(self):
        return f"{self.name}（{self.version}）"

    def save(self, *args, **kwargs):
        if self.is_locked:
            stored = ProjectFramework.objects.filter(pk=self.pk).values(*LOCKED_FIELDS).get()
            if any(stored[name] != getattr(self, name) for name in LOCKED_FIELDS):
                raise ValidationError(self.locked_message())
        super().save(*args, **kwargs)

    def clean(self):
        errors = layout.groups_errors(self.groups, self.execution_points)
        if errors:
            raise ValidationError({"groups": errors})

    @property
    def is_locked(self) -> bool:
        """A layout a project's table uses is never edited, so no table changes (the admin's
        rule, ``perfeval.access.ReferenceRule``, asks it too)."""
        return self.pk is not None and self.assessments.exists()

    def locked_message(self) -> str:
        return f"项目自评表格式“{self}”已被项目使用，不能再修改分值和指标：请另建一个新版本。"

    @property
    def layout(self) -> layout.Layout:
        return layout.Layout.from_data(
            self.groups, self.execution_points, self.reason_below_rate, self.table_note
        )


# What a project table depends on: the name and default flag may change, these may not.
LOCKED_FIELDS = ("execution_points", "reason_below_rate", "groups", "table_note")


class ProjectAssessment(models.Model):
    """A project's 项目支出绩效自评表: the header, the execution reason, the year's target and
    what was done, and the conclusion (the indicators are its ``ProjectIndicator`` rows)."""

    report = models.ForeignKey(
        "reports.Report",
        on_delete=models.CASCADE,
        related_name="project_assessments",
        verbose_name=_("自评报告"),
    )
    project = models.OneToOneField(
        "budgets.Project",
        on_delete=models.CASCADE,
        related_name="assessment",
        verbose_name=_("项目"),
    )
    framework = models.ForeignKey(
        ProjectFramework,
        on_delete=models.PROTECT,
        related_name="assessments",
        verbose_name=_("自评表格式"),
    )
    competent_department = models.CharField(_("主管部门"), max_length=100, blank=True)
    implementing_unit = models.CharField(_("实施单位"), max_length=100, blank=True)
    initial_budget = MoneyField(_("年初预算数（万元）"), null=True, blank=True)
    execution_reason = LimitedTextField(
        _("执行率偏低原因"),
        blank=True,
        limit=ROW_TEXT_MAX_CHARS,
        help_text=_("预算执行率低于格式规定的比例（通常 90%）时必须填写。"),
    )
    goal = LimitedTextField(_("年度总体目标：预期目标"), blank=True, limit=NARRATIVE_MAX_CHARS)
    goal_result = LimitedTextField(
        _("年度总体目标：实际完成情况"), blank=True, limit=NARRATIVE_MAX_CHARS
    )
    conclusion = LimitedTextField(_("评价结论"), blank=True, limit=NARRATIVE_MAX_CHARS)
    problems = LimitedTextField(_("存在问题"), blank=True, limit=NARRATIVE_MAX_CHARS)
    measures = LimitedTextField(_("改进措施"), blank=True, limit=NARRATIVE_MAX_CHARS)
    # Made-up figures of the demo, printed as such (the seed report lists no projects).
    is_demo = models.BooleanField(_("示例数据"), default=False, editable=False)

    history = HistoricalRecords(verbose_name=_("修改记录"))

    class Meta:
        verbose_name = _("项目支出绩效自评表")
        verbose_name_plural = _("项目支出绩效自评表")
        ordering = ["report", "project__order", "project__pk"]
        constraints = non_negative("project_assessment", "initial_budget")

    def __str__(self):
        return f"{self.project.name} 自评表"

    def clean(self):
        if self.project_id and self.report_id and self.project.report_id != self.report_id:
            raise ValidationError({"project": _("项目必须属于同一份自评报告。")})


class ProjectIndicator(models.Model):
    """A 三级指标 row of a project's table: under a 一级/二级指标 of its framework."""

    report = models.ForeignKey(
        "reports.Report",
        on_delete=models.CASCADE,
        related_name="project_indicators",
        verbose_name=_("自评报告"),
    )
    assessment = models.ForeignKey(
        ProjectAssessment,
        on_delete=models.CASCADE,
        related_name="indicators",
        verbose_name=_("项目自评表"),
    )
    level1 = models.CharField(_("一级指标"), max_length=50)
    level2 = models.CharField(_("二级指标"), max_length=50)
    name = models.CharField(_("三级指标"), max_length=200)
    target = models.CharField(_("年度指标值"), max_length=200, blank=True)
    actual = models.CharField(_("实际完成值"), max_length=200, blank=True)
    points = score_field(_("分值"))
    score = score_field(_("得分"), null=True, blank=True)
    deviation = LimitedTextField(_("偏差原因分析及改进措施"), blank=True, limit=ROW_TEXT_MAX_CHARS)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    history = HistoricalRecords(verbose_name=_("修改记录"))

    class Meta:
        verbose_name = _("项目绩效指标")
        verbose_name_plural = _("项目绩效指标")
        ordering = ["assessment", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(points__gte=0),
                name="project_indicator_points_not_negative",
                violation_error_message=NEGATIVE_NUMBER_MESSAGE,
            ),
            models.CheckConstraint(
                condition=models.Q(score__gte=0) | models.Q(score__isnull=True),
                name="project_indicator_score_not_negative",
                violation_error_message=NEGATIVE_NUMBER_MESSAGE,
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        errors: dict[str, object] = {}
        if self.assessment_id and self.report_id and self.assessment.report_id != self.report_id:
            errors["assessment"] = _("指标必须属于同一份自评报告的项目。")
        if self.score is not None and self.points is not None and self.score > self.points:
            errors["score"] = f"得分 {self.score} 超过分值 {self.points}：得分不能高于分值。"
        if self.assessment_id and not errors.get("assessment"):
            place = self.assessment.framework.layout.place_error(self.level1, self.level2)
            if place:
                errors["level2"] = place
        if errors:
            raise ValidationError(errors)
