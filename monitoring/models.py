"""运行监控: the year's checkpoints, each department's 监控表 at a checkpoint, its rows and log."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from perfeval.fields import LimitedTextField
from perfeval.limits import ROW_TEXT_MAX_CHARS
from reports.models import MAX_YEAR, MIN_YEAR, Report, TransitionLog

from . import warnings

NOT_NEGATIVE = MinValueValidator(Decimal("0"), message=_("不能为负数：请填写 0 或正数。"))


def due_default(period_end: datetime.date) -> datetime.date:
    """The 10th of the month after the period ends: when the department reports by."""
    first_of_next = (period_end.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    return first_of_next.replace(day=10)


def money_field(verbose_name, **kwargs):
    return models.DecimalField(
        verbose_name,
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[NOT_NEGATIVE],
        **kwargs,
    )


class Checkpoint(models.Model):
    """A monitoring checkpoint of a year, set by administrators: the period it counts to,
    the share of the budget that should be spent by then, and when departments report."""

    year = models.PositiveSmallIntegerField(
        _("年度"),
        validators=[
            MinValueValidator(MIN_YEAR, message=_("年度不能早于 %(limit_value)s 年。")),
            MaxValueValidator(MAX_YEAR, message=_("年度不能晚于 %(limit_value)s 年。")),
        ],
    )
    name = models.CharField(_("监控期间"), max_length=32, help_text=_("如“1—4月”。"))
    period_end = models.DateField(_("统计截止日"), help_text=_("执行数统计到的日期。"))
    expected_share = models.DecimalField(
        _("应达到的执行率（%）"),
        max_digits=5,
        decimal_places=2,
        validators=[
            NOT_NEGATIVE,
            MaxValueValidator(Decimal("100"), message=_("执行率不能超过 100%。")),
        ],
    )
    due = models.DateField(
        _("报送截止日"), blank=True, help_text=_("不填则为统计截止日下个月的 10 日。")
    )
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("监控检查点")
        verbose_name_plural = _("监控检查点")
        ordering = ["-year", "period_end"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "period_end"],
                name="checkpoint_unique_period_end",
                violation_error_message=_("该年度已有相同统计截止日的检查点。"),
            ),
            models.CheckConstraint(
                condition=models.Q(expected_share__gte=0, expected_share__lte=100),
                name="checkpoint_expected_share_percent",
                violation_error_message=_("应达到的执行率必须在 0 到 100 之间。"),
            ),
        ]

    def __str__(self):
        return f"{self.year}年{self.name}"

    def save(self, *args, **kwargs):
        if self.due is None and self.period_end is not None:
            self.due = due_default(self.period_end)
        super().save(*args, **kwargs)

    def clean(self):
        if self.due is None and self.period_end is not None:
            self.due = due_default(self.period_end)

    @property
    def is_locked(self) -> bool:
        """Once a department has submitted at it, its dates and share stay as they were."""
        return (
            self.pk is not None
            and self.reports.filter(
                status__in=(Report.Status.SUBMITTED, Report.Status.APPROVED)
            ).exists()
        )


class CheckpointReport(models.Model):
    """绩效运行监控表: one department's execution and indicator progress at a checkpoint."""

    department = models.ForeignKey(
        "departments.Department",
        on_delete=models.PROTECT,
        related_name="checkpoint_reports",
        verbose_name=_("部门"),
    )
    checkpoint = models.ForeignKey(
        Checkpoint, on_delete=models.PROTECT, related_name="reports", verbose_name=_("检查点")
    )
    framework = models.ForeignKey(
        "scoring.Framework",
        on_delete=models.PROTECT,
        related_name="checkpoint_reports",
        verbose_name=_("指标体系"),
    )
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=Report.Status.choices,
        default=Report.Status.DRAFT,
        editable=False,
    )
    budget = money_field(_("全年预算数（万元）"))
    executed = money_field(_("执行数（万元）"), help_text=_("年初至统计截止日的执行数。"))
    expected_year = money_field(_("预计全年执行数（万元）"))
    execution_reason = LimitedTextField(_("偏差原因"), blank=True, limit=ROW_TEXT_MAX_CHARS)
    execution_measure = LimitedTextField(_("纠偏措施"), blank=True, limit=ROW_TEXT_MAX_CHARS)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("运行监控表")
        verbose_name_plural = _("运行监控表")
        ordering = ["-checkpoint__year", "checkpoint__period_end", "department__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "checkpoint"],
                name="checkpoint_report_one_per_department",
                violation_error_message=_("该部门在这个检查点已有监控表：请打开它继续填写。"),
            ),
        ]

    def __str__(self):
        return f"{self.department}{self.checkpoint}运行监控表"

    def get_absolute_url(self):
        return reverse("checkpoint_report_detail", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.status in Report.EDITABLE_STATUSES

    @property
    def year(self) -> int:
        return self.checkpoint.year

    @property
    def execution_rate(self) -> Decimal | None:
        """执行率 from the stored figures, never typed."""
        return warnings.execution_rate(self.executed, self.budget)


class ProgressRow(models.Model):
    """One level-3 indicator's progress at a checkpoint."""

    report = models.ForeignKey(
        CheckpointReport, on_delete=models.CASCADE, related_name="rows", verbose_name=_("监控表")
    )
    indicator = models.ForeignKey(
        "scoring.Indicator",
        on_delete=models.PROTECT,
        related_name="progress_rows",
        limit_choices_to={"level": 3},
        verbose_name=_("三级指标"),
    )
    year_target = models.CharField(_("全年指标值"), max_length=200, blank=True)
    actual_to_date = models.CharField(_("实际完成值"), max_length=200, blank=True)
    expected_year = models.CharField(_("全年预计完成值"), max_length=200, blank=True)
    likelihood = models.CharField(
        _("完成目标可能性"), max_length=16, choices=warnings.LIKELIHOOD_CHOICES, blank=True
    )
    at_risk = models.BooleanField(_("可能偏离目标"), default=False)
    reason_category = models.CharField(
        _("偏差原因类别"), max_length=16, choices=warnings.REASON_CATEGORY_CHOICES, blank=True
    )
    reason = LimitedTextField(_("偏差原因"), blank=True, limit=ROW_TEXT_MAX_CHARS)
    measure = LimitedTextField(_("纠偏措施"), blank=True, limit=ROW_TEXT_MAX_CHARS)

    class Meta:
        verbose_name = _("指标监控")
        verbose_name_plural = _("指标监控")
        ordering = [
            "report",
            "indicator__parent__parent__order",
            "indicator__parent__order",
            "indicator__order",
            "indicator__pk",
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "indicator"], name="progress_row_one_per_indicator"
            ),
        ]

    def __str__(self):
        return f"{self.indicator.name}：{self.actual_to_date or '—'}"


class CheckpointTransition(TransitionLog):
    """One step of a 监控表's workflow: who moved it, when, from which state to which."""

    report = models.ForeignKey(
        CheckpointReport,
        on_delete=models.PROTECT,
        related_name="transitions",
        verbose_name=_("运行监控表"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="checkpoint_transitions",
        verbose_name=_("操作人"),
    )

    class Meta:
        verbose_name = _("监控表审核记录")
        verbose_name_plural = _("监控表审核记录")
        ordering = ["report", "created_at", "pk"]

    def __str__(self):
        return f"{self.report}：{self.get_action_display()}（{self.user}）"
