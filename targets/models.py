"""部门整体绩效目标表: the targets a department declares for a year, its versions and log."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from budgets.fields import MoneyField, non_negative
from budgets.models import NOT_YET_FILLED
from perfeval.fields import LimitedTextField
from perfeval.limits import COMMENT_MAX_CHARS, NARRATIVE_MAX_CHARS, ROW_TEXT_MAX_CHARS
from reports.models import MAX_YEAR, MIN_YEAR, Report, TransitionLog
from scoring.models import Indicator

# The four budget figures of the form's header, in the printed order.
BUDGET_FIELDS = ("budget_fiscal", "budget_other", "budget_basic", "budget_project")


class TargetForm(models.Model):
    """部门整体绩效目标表: one version of a department's targets for a year.

    Version 1 is the one declared with the budget; each 调整 (adjustment) after approval is a
    new version ``based_on`` the approved one, with its reason, reviewed again. An approved
    version is never changed.
    """

    department = models.ForeignKey(
        "departments.Department",
        on_delete=models.PROTECT,
        related_name="target_forms",
        verbose_name=_("部门"),
    )
    year = models.PositiveSmallIntegerField(
        _("年度"),
        validators=[
            MinValueValidator(MIN_YEAR, message=_("年度不能早于 %(limit_value)s 年。")),
            MaxValueValidator(MAX_YEAR, message=_("年度不能晚于 %(limit_value)s 年。")),
        ],
    )
    framework = models.ForeignKey(
        "scoring.Framework",
        on_delete=models.PROTECT,
        related_name="target_forms",
        verbose_name=_("指标体系"),
    )
    number = models.PositiveSmallIntegerField(
        _("版本"), default=1, editable=False, help_text=_("1 为年初申报，2 起为每次调整。")
    )
    based_on = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="adjustments",
        verbose_name=_("调整所依据的版本"),
    )
    adjustment_reason = LimitedTextField(
        _("调整原因"), blank=True, limit=COMMENT_MAX_CHARS, help_text=_("调整版本必须填写。")
    )
    annual_goal = LimitedTextField(_("年度总体目标"), blank=True, limit=NARRATIVE_MAX_CHARS)
    budget_fiscal = MoneyField(_("财政拨款（万元）"), **NOT_YET_FILLED)
    budget_other = MoneyField(_("其他资金（万元）"), **NOT_YET_FILLED)
    budget_basic = MoneyField(_("基本支出（万元）"), **NOT_YET_FILLED)
    budget_project = MoneyField(_("项目支出（万元）"), **NOT_YET_FILLED)
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=Report.Status.choices,
        default=Report.Status.DRAFT,
        editable=False,
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("部门整体绩效目标表")
        verbose_name_plural = _("部门整体绩效目标表")
        ordering = ["-year", "department__code", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "year", "number"],
                name="target_form_one_per_version",
                violation_error_message=_(
                    "该部门该年度的这一版绩效目标表已存在：请打开已有的目标表。"
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(year__gte=MIN_YEAR, year__lte=MAX_YEAR),
                name="target_form_year_in_range",
            ),
            models.CheckConstraint(
                condition=models.Q(number__gte=1), name="target_form_number_positive"
            ),
            *non_negative("target_form", *BUDGET_FIELDS),
        ]

    def __str__(self):
        return f"{self.department} {self.year} 年部门整体绩效目标表（第 {self.number} 版）"

    def get_absolute_url(self):
        return reverse("target_detail", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.status in Report.EDITABLE_STATUSES

    @property
    def is_locked(self) -> bool:
        """An approved version stays as approved: an adjustment is a new version."""
        return self.status == Report.Status.APPROVED

    @property
    def is_adjustment(self) -> bool:
        return self.number > 1


class TargetRow(models.Model):
    """The target for one level-3 indicator: a row of the 绩效指标 table."""

    class ValueType(models.TextChoices):
        QUANTITATIVE = "quantitative", _("定量")
        QUALITATIVE = "qualitative", _("定性")

    class Comparator(models.TextChoices):
        AT_LEAST = "≥", "≥"
        AT_MOST = "≤", "≤"
        EQUAL = "=", "="

    form = models.ForeignKey(
        TargetForm, on_delete=models.CASCADE, related_name="rows", verbose_name=_("绩效目标表")
    )
    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.PROTECT,
        related_name="target_rows",
        limit_choices_to={"level": Indicator.Level.THIRD},
        verbose_name=_("三级指标"),
    )
    value_type = models.CharField(
        _("指标值类型"), max_length=16, choices=ValueType.choices, default=ValueType.QUANTITATIVE
    )
    comparator = models.CharField(_("比较符"), max_length=1, choices=Comparator.choices, blank=True)
    value = models.CharField(
        _("指标值"), max_length=200, blank=True, help_text=_("如 100、80；定性指标如“效果显著”。")
    )
    unit = models.CharField(_("计量单位"), max_length=20, blank=True, help_text=_("如 %、个。"))
    explanation = LimitedTextField(_("指标解释"), blank=True, limit=ROW_TEXT_MAX_CHARS)
    standard = LimitedTextField(_("评（扣）分标准"), blank=True, limit=ROW_TEXT_MAX_CHARS)

    class Meta:
        verbose_name = _("绩效指标目标")
        verbose_name_plural = _("绩效指标目标")
        ordering = [
            "form",
            "indicator__parent__parent__order",
            "indicator__parent__order",
            "indicator__order",
            "indicator__pk",
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["form", "indicator"], name="target_row_one_per_indicator"
            ),
        ]

    def __str__(self):
        return f"{self.indicator.name}：{self.target_text or '—'}"

    @property
    def target_text(self) -> str:
        """年度指标值 as the self-assessment prints it: "≥80%", "100%", "效果显著"."""
        if not self.value:
            return ""
        return f"{self.comparator}{self.value}{self.unit}"


class TargetTransition(TransitionLog):
    """One step of a target form's workflow: who moved it, when, from which state to which."""

    form = models.ForeignKey(
        TargetForm,
        on_delete=models.PROTECT,
        related_name="transitions",
        verbose_name=_("绩效目标表"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="target_transitions",
        verbose_name=_("操作人"),
    )

    class Meta:
        verbose_name = _("绩效目标审核记录")
        verbose_name_plural = _("绩效目标审核记录")
        ordering = ["form", "created_at", "pk"]

    def __str__(self):
        return f"{self.form}：{self.get_action_display()}（{self.user}）"
