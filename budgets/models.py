"""Money of one report: income by source, expenditure by nature, 三公经费 and projects."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from perfeval.fields import LimitedTextField
from perfeval.limits import NARRATIVE_MAX_CHARS

from .fields import MoneyField, money_checks_in_python, non_negative

# An amount a new or copied report has no figure for yet: empty, never a made-up 0.00. An
# empty amount may be saved (drafts are incomplete) and is reported as still to fill
# (reports.checks), which blocks only submission.
NOT_YET_FILLED = {"null": True, "blank": True}


def _shown_amount(value) -> str:
    """An amount as a line's name shows it (the admin, the change log)."""
    return "（未填）" if value is None else str(value)


class FundSource(models.TextChoices):
    """Where spent money came from, as the 自评表 groups it (资金来源)."""

    FISCAL = "fiscal", _("财政拨款")
    OTHER = "other", _("其他资金")


class IncomeLine(models.Model):
    """One source of the year's income (收入), with its budget and what was received."""

    class Source(models.TextChoices):
        GENERAL_BUDGET = "general_budget", _("一般公共预算财政拨款")
        GOVERNMENT_FUND = "government_fund", _("政府性基金预算财政拨款")
        STATE_CAPITAL = "state_capital", _("国有资本经营预算财政拨款")
        OPERATIONS = "operations", _("事业收入")
        BUSINESS = "business", _("经营收入")
        SUBORDINATE = "subordinate", _("附属单位上缴收入")
        CARRYOVER = "carryover", _("上年结转结余")
        OTHER = "other", _("其他收入")

    FISCAL_SOURCES = (Source.GENERAL_BUDGET, Source.GOVERNMENT_FUND, Source.STATE_CAPITAL)

    report = models.ForeignKey(
        "reports.Report",
        on_delete=models.CASCADE,
        related_name="income_lines",
        verbose_name=_("自评报告"),
    )
    source = models.CharField(_("收入来源"), max_length=32, choices=Source.choices)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    budget = MoneyField(
        _("全年预算数（万元）"), null=True, blank=True, help_text=_("不掌握时可不填。")
    )
    actual = MoneyField(_("全年执行数（万元）"), **NOT_YET_FILLED)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    history = HistoricalRecords(verbose_name=_("修改记录"))
    validate_constraints = money_checks_in_python

    class Meta:
        verbose_name = _("收入")
        verbose_name_plural = _("收入")
        ordering = ["report", "order", "pk"]
        constraints = non_negative("income_line", "budget", "actual")

    def __str__(self):
        return f"{self.get_source_display()} {_shown_amount(self.actual)}"

    @property
    def is_fiscal(self) -> bool:
        return self.source in self.FISCAL_SOURCES


class ExpenditureLine(models.Model):
    """Spending by nature (基本支出 = 人员经费 + 公用经费, and 项目支出) and fund source."""

    class Nature(models.TextChoices):
        PERSONNEL = "personnel", _("人员经费")
        PUBLIC_OPERATING = "public_operating", _("公用经费")
        PROJECT = "project", _("项目支出")

    BASIC_NATURES = (Nature.PERSONNEL, Nature.PUBLIC_OPERATING)

    report = models.ForeignKey(
        "reports.Report",
        on_delete=models.CASCADE,
        related_name="expenditure_lines",
        verbose_name=_("自评报告"),
    )
    nature = models.CharField(_("支出性质"), max_length=32, choices=Nature.choices)
    fund_source = models.CharField(
        _("资金来源"), max_length=16, choices=FundSource.choices, default=FundSource.FISCAL
    )
    description = models.CharField(_("说明"), max_length=200, blank=True)
    budget = MoneyField(_("全年预算数（万元）"), **NOT_YET_FILLED)
    actual = MoneyField(_("全年执行数（万元）"), **NOT_YET_FILLED)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    history = HistoricalRecords(verbose_name=_("修改记录"))
    validate_constraints = money_checks_in_python

    class Meta:
        verbose_name = _("支出")
        verbose_name_plural = _("支出")
        ordering = ["report", "order", "pk"]
        constraints = non_negative("expenditure_line", "budget", "actual")

    def __str__(self):
        return (
            f"{self.get_nature_display()}（{self.get_fund_source_display()}） "
            f"{_shown_amount(self.actual)}"
        )

    @property
    def is_basic(self) -> bool:
        return self.nature in self.BASIC_NATURES


class ThreePublicKind(models.TextChoices):
    OVERSEAS_TRAVEL = "overseas_travel", _("因公出国（境）费")
    OFFICIAL_VEHICLES = "official_vehicles", _("公务用车购置及运行维护费")
    OFFICIAL_RECEPTION = "official_reception", _("公务接待费")


def choice_order(field: str, choices: type[models.TextChoices]) -> models.Case:
    """Order rows by the position of their choice in the enum, not by its code."""
    return models.Case(
        *(models.When(**{field: value}, then=models.Value(i)) for i, value in enumerate(choices)),
        output_field=models.IntegerField(),
    )


class ThreePublicLine(models.Model):
    """One of the 三公经费: budget, this year's 决算 and last year's 决算."""

    Kind = ThreePublicKind

    report = models.ForeignKey(
        "reports.Report",
        on_delete=models.CASCADE,
        related_name="three_public_lines",
        verbose_name=_("自评报告"),
    )
    kind = models.CharField(_("项目"), max_length=32, choices=Kind.choices)
    budget = MoneyField(_("预算数（万元）"), **NOT_YET_FILLED)
    actual = MoneyField(_("决算数（万元）"), **NOT_YET_FILLED)
    previous_actual = MoneyField(_("上年决算数（万元）"), **NOT_YET_FILLED)
    count = models.PositiveIntegerField(
        _("数量"),
        null=True,
        blank=True,
        help_text=_("出国（境）团组数、购置车辆数或接待批次；不适用时不填。"),
    )

    history = HistoricalRecords(verbose_name=_("修改记录"))
    validate_constraints = money_checks_in_python

    class Meta:
        verbose_name = _("“三公”经费")
        verbose_name_plural = _("“三公”经费")
        # The order the report prints them in, not the alphabetical order of their codes.
        ordering = ["report", choice_order("kind", ThreePublicKind)]
        constraints = [
            models.UniqueConstraint(fields=["report", "kind"], name="three_public_one_per_kind"),
            *non_negative("three_public_line", "budget", "actual", "previous_actual"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {_shown_amount(self.actual)}"


class Project(models.Model):
    """A project of the year with its money and what it achieved."""

    report = models.ForeignKey(
        "reports.Report",
        on_delete=models.CASCADE,
        related_name="projects",
        verbose_name=_("自评报告"),
    )
    name = models.CharField(_("项目名称"), max_length=200)
    fund_source = models.CharField(
        _("资金来源"), max_length=16, choices=FundSource.choices, default=FundSource.FISCAL
    )
    budget = MoneyField(_("全年预算数（万元）"), **NOT_YET_FILLED)
    actual = MoneyField(_("全年执行数（万元）"), **NOT_YET_FILLED)
    achievement = LimitedTextField(_("实施内容和成效"), blank=True, limit=NARRATIVE_MAX_CHARS)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    history = HistoricalRecords(verbose_name=_("修改记录"))
    validate_constraints = money_checks_in_python

    class Meta:
        verbose_name = _("项目")
        verbose_name_plural = _("项目")
        ordering = ["report", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["report", "name"], name="project_unique_name"),
            *non_negative("project", "budget", "actual"),
        ]

    def __str__(self):
        return self.name
