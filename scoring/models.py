"""Indicator frameworks (指标体系) as data, and each report's indicator results."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from perfeval.fields import LimitedTextField
from perfeval.limits import NARRATIVE_MAX_CHARS, ROW_TEXT_MAX_CHARS

from . import rules

NEGATIVE_NUMBER_MESSAGE = _("不能为负数：请填写 0 或正数。")


def score_field(verbose_name, **kwargs):
    return models.DecimalField(
        verbose_name,
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"), message=NEGATIVE_NUMBER_MESSAGE)],
        **kwargs,
    )


class Framework(models.Model):
    """A named, versioned tree of level-1, level-2 and level-3 indicators with weights."""

    name = models.CharField(_("指标体系名称"), max_length=100)
    version = models.CharField(_("版本"), max_length=32)
    description = LimitedTextField(_("说明"), blank=True, limit=NARRATIVE_MAX_CHARS)
    table_note = LimitedTextField(
        _("自评表注"),
        blank=True,
        help_text=_("印在自评表末尾“注：”后的说明。"),
        limit=NARRATIVE_MAX_CHARS,
    )
    is_default = models.BooleanField(_("新报告默认使用"), default=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("指标体系")
        verbose_name_plural = _("指标体系")
        ordering = ["name", "version"]
        constraints = [
            models.UniqueConstraint(fields=["name", "version"], name="framework_unique_version"),
            models.UniqueConstraint(
                fields=["is_default"],
                condition=models.Q(is_default=True),
                name="framework_single_default",
                violation_error_message=_("只能有一个默认指标体系：请先取消原默认体系。"),
            ),
        ]

    def __str__(self):
        return f"{self.name}（{self.version}）"

    def save(self, *args, **kwargs):
        if self.pk and self.is_locked:
            stored = Framework.objects.filter(pk=self.pk).values(*FRAMEWORK_CONTENT).get()
            if any(stored[field] != getattr(self, field) for field in FRAMEWORK_CONTENT):
                raise ValidationError(self.locked_message())
        super().save(*args, **kwargs)

    @property
    def is_locked(self) -> bool:
        """A framework that a report, a 绩效目标表 or a 监控表 uses is never edited, so none of
        them changes."""
        return self.pk is not None and any(uses for _, uses in self._uses())

    def locked_message(self) -> str:
        used = "、".join(f"{uses} 份{noun}" for noun, uses in self._uses() if uses)
        return (
            f"指标体系“{self}”已被 {used}使用，不能再修改："
            "请在指标体系列表中勾选它，执行“复制为新版本”，然后修改副本。"
        )

    def _uses(self) -> list[tuple[str, int]]:
        # The year's documents name the framework by these related names (targets, monitoring).
        return [
            ("自评报告", self.reports.count()),
            ("绩效目标表", self.target_forms.count()),
            ("监控表", self.checkpoint_reports.count()),
        ]

    def grade_bands(self) -> list[tuple[str, Decimal]]:
        return [(band.name, band.min_score) for band in self.bands.all()]


# What a report depends on: the name and default flag may change, these may not.
FRAMEWORK_CONTENT = ("table_note",)


class GradeBand(models.Model):
    """A grade of a framework and the lowest total score that earns it (优 ≥ 90, …)."""

    framework = models.ForeignKey(
        Framework, on_delete=models.CASCADE, related_name="bands", verbose_name=_("指标体系")
    )
    name = models.CharField(_("等级"), max_length=16)
    min_score = score_field(_("最低分"))

    class Meta:
        verbose_name = _("评价等级")
        verbose_name_plural = _("评价等级")
        ordering = ["framework", "-min_score"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "name"], name="grade_band_unique_name"),
            models.UniqueConstraint(
                fields=["framework", "min_score"], name="grade_band_unique_min_score"
            ),
        ]

    def __str__(self):
        return f"{self.name}（≥ {rules.num(self.min_score)}）"

    def save(self, *args, **kwargs):
        _refuse_if_locked(self.framework)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        _refuse_if_locked(self.framework)
        return super().delete(*args, **kwargs)


def _refuse_if_locked(framework: Framework) -> None:
    if framework.is_locked:
        raise ValidationError(framework.locked_message())


class Indicator(models.Model):
    """A node of a framework: level 1 (一级指标), 2 (二级指标) or 3 (三级指标)."""

    class Level(models.IntegerChoices):
        FIRST = 1, _("一级指标")
        SECOND = 2, _("二级指标")
        THIRD = 3, _("三级指标")

    framework = models.ForeignKey(
        Framework, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("指标体系")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("上级指标"),
    )
    level = models.PositiveSmallIntegerField(_("层级"), choices=Level.choices, editable=False)
    name = models.CharField(_("指标名称"), max_length=200)
    weight = score_field(
        _("权重（分）"), null=True, blank=True, help_text=_("三级指标可不设权重。")
    )
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    rule = models.CharField(
        _("自动评分规则"),
        max_length=32,
        blank=True,
        choices=list(rules.RULES.items()),
        help_text=_("按报告自身数据计算建议得分；不需要时留空。"),
    )
    rule_params = models.JSONField(
        _("规则参数"),
        default=dict,
        blank=True,
        help_text=_('如 {"figure": "total", "tiers": [[10, 1], [20, 0.75], [30, 0.5]]}。'),
    )

    class Meta:
        verbose_name = _("指标")
        verbose_name_plural = _("指标")
        ordering = ["framework", "level", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level=1, parent__isnull=True)
                | models.Q(level__gt=1, parent__isnull=False),
                name="indicator_parent_matches_level",
                violation_error_message=_("一级指标不能有上级指标，二、三级指标必须选择上级指标。"),
            ),
            models.CheckConstraint(
                condition=models.Q(level=3) | models.Q(weight__isnull=False),
                name="indicator_weight_required_above_level3",
                violation_error_message=_("一级、二级指标必须填写权重。"),
            ),
            models.CheckConstraint(
                condition=models.Q(weight__gte=0) | models.Q(weight__isnull=True),
                name="indicator_weight_not_negative",
                violation_error_message=NEGATIVE_NUMBER_MESSAGE,
            ),
            models.UniqueConstraint(
                fields=["framework", "name"],
                condition=models.Q(parent__isnull=True),
                name="indicator_unique_top_level_name",
            ),
            models.UniqueConstraint(
                fields=["parent", "name"], name="indicator_unique_name_under_parent"
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # The level follows from the parent, so it is never typed.
        self.level = 1 if self.parent is None else self.parent.level + 1
        _refuse_if_locked(self.framework)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        _refuse_if_locked(self.framework)
        return super().delete(*args, **kwargs)

    def clean(self):
        errors: dict[str, object] = {}
        if self.parent is not None:
            if self.parent.framework_id != self.framework_id:
                errors["parent"] = _("上级指标必须属于同一个指标体系。")
            elif self.parent.level >= Indicator.Level.THIRD:
                errors["parent"] = _("三级指标下不能再设指标：请选择一级或二级指标作为上级。")
        params_errors = rules.rule_params_errors(self.rule, self.rule_params)
        if params_errors:
            errors["rule_params"] = params_errors
        if errors:
            raise ValidationError(errors)


class IndicatorResult(models.Model):
    """A report's result for one level-3 indicator: the row of the 自评表."""

    report = models.ForeignKey(
        "reports.Report",
        on_delete=models.CASCADE,
        related_name="indicator_results",
        verbose_name=_("自评报告"),
    )
    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.PROTECT,
        related_name="results",
        limit_choices_to={"level": Indicator.Level.THIRD},
        verbose_name=_("三级指标"),
    )
    target = models.CharField(_("年度指标值"), max_length=200, blank=True)
    actual = models.CharField(_("全年完成值"), max_length=200, blank=True)
    score = score_field(
        _("自评得分"),
        null=True,
        blank=True,
        help_text=_("整组评分的二级指标在“整组得分”中填写，本行留空。"),
    )
    deviation = LimitedTextField(_("偏差及原因分析"), blank=True, limit=ROW_TEXT_MAX_CHARS)
    override_reason = LimitedTextField(
        _("不采用建议得分的理由"),
        blank=True,
        limit=ROW_TEXT_MAX_CHARS,
        help_text=_("自评得分与自动评分规则的建议得分不同时必须填写。"),
    )
    actual_reason = LimitedTextField(
        _("不采用计算值的理由"),
        blank=True,
        limit=ROW_TEXT_MAX_CHARS,
        help_text=_("全年完成值由本报告数据计算；填写了与计算值不同的完成值时必须说明理由。"),
    )

    history = HistoricalRecords(verbose_name=_("修改记录"))

    class Meta:
        verbose_name = _("三级指标自评")
        verbose_name_plural = _("三级指标自评")
        ordering = [
            "report",
            "indicator__parent__parent__order",
            "indicator__parent__order",
            "indicator__order",
            "indicator__pk",
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "indicator"], name="indicator_result_one_per_indicator"
            ),
            models.CheckConstraint(
                condition=models.Q(score__gte=0) | models.Q(score__isnull=True),
                name="indicator_result_score_not_negative",
                violation_error_message=NEGATIVE_NUMBER_MESSAGE,
            ),
        ]

    def __str__(self):
        return f"{self.indicator.name}：{self.score if self.score is not None else '—'}"


class GroupResult(models.Model):
    """A score given once for a whole level-2 group (the seed's 预决算信息公开管理（4）)."""

    report = models.ForeignKey(
        "reports.Report",
        on_delete=models.CASCADE,
        related_name="group_results",
        verbose_name=_("自评报告"),
    )
    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.PROTECT,
        related_name="group_results",
        limit_choices_to={"level": Indicator.Level.SECOND},
        verbose_name=_("二级指标"),
    )
    score = score_field(_("整组得分"))
    deviation = LimitedTextField(_("偏差及原因分析"), blank=True, limit=ROW_TEXT_MAX_CHARS)
    override_reason = LimitedTextField(
        _("不采用建议得分的理由"),
        blank=True,
        limit=ROW_TEXT_MAX_CHARS,
        help_text=_("整组得分与组内各三级指标建议得分之和不同时必须填写。"),
    )

    history = HistoricalRecords(verbose_name=_("修改记录"))

    class Meta:
        verbose_name = _("二级指标整组得分")
        verbose_name_plural = _("二级指标整组得分")
        ordering = ["report", "indicator__parent__order", "indicator__order", "indicator__pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "indicator"], name="group_result_one_per_group"
            ),
            models.CheckConstraint(
                condition=models.Q(score__gte=0),
                name="group_result_score_not_negative",
                violation_error_message=NEGATIVE_NUMBER_MESSAGE,
            ),
        ]

    def __str__(self):
        return f"{self.indicator.name}：{self.score}"
