"""The self-assessment report of one department for one year, with its narrative."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

MIN_YEAR = 2000

# The clerk's text of every section, in the report's order.
NARRATIVE_FIELDS = (
    "annual_goal",
    "annual_goal_result",
    "functions",
    "organisation",
    "work_plan",
    "spending_scope",
    "personnel_description",
    "public_operating_description",
    "three_public_variance_reason",
    "three_public_change_reason",
    "basic_management",
    "project_usage",
    "project_fund_management",
    "project_organisation",
    "project_management",
    "asset_management",
    "performance",
    "problems",
    "improvements",
)
MAX_YEAR = 2100


def narrative_field(verbose_name, help_text=""):
    return models.TextField(verbose_name, blank=True, help_text=help_text)


class Report(models.Model):
    """部门整体支出绩效自评报告: one per department and year."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("待审核")
        RETURNED = "returned", _("已退回")
        APPROVED = "approved", _("已批准")

    department = models.ForeignKey(
        "departments.Department",
        on_delete=models.PROTECT,
        related_name="reports",
        verbose_name=_("部门"),
    )
    year = models.PositiveSmallIntegerField(
        _("年度"),
        validators=[
            MinValueValidator(MIN_YEAR, message=_("年度不能早于 %(limit_value)s 年。")),
            MaxValueValidator(MAX_YEAR, message=_("年度不能晚于 %(limit_value)s 年。")),
        ],
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    framework = models.ForeignKey(
        "scoring.Framework",
        on_delete=models.PROTECT,
        related_name="reports",
        verbose_name=_("指标体系"),
    )
    report_date = models.DateField(
        _("报告日期"), null=True, blank=True, help_text=_("封面按“二〇二三年九月”的格式打印年月。")
    )

    # 自评表 header: 年度总体目标
    annual_goal = narrative_field(_("年初设定目标"))
    annual_goal_result = narrative_field(_("全年完成情况"))

    # 一、部门概况
    functions = narrative_field(_("（一）部门职能概述"))
    organisation = narrative_field(_("（二）部门组织机构及人员情况"))
    work_plan = narrative_field(_("（三）年度重点工作计划"))
    spending_scope = narrative_field(
        _("（四）支出使用方向、主要内容和涉及范围"),
        _("接在自动生成的收支规模句子之后。"),
    )

    # 二、部门整体支出资金管理及使用情况
    personnel_description = narrative_field(
        _("人员经费主要内容"), _("接在“人员经费 … 万元，占基本支出的 …%，”之后。")
    )
    public_operating_description = narrative_field(
        _("公用经费主要内容"), _("接在“公用经费 … 万元，占基本支出的 …%，”之后。")
    )
    three_public_variance_reason = narrative_field(_("“三公”经费决算数与预算数差异的原因"))
    three_public_change_reason = narrative_field(_("“三公”经费比上年增减的主要原因"))
    basic_management = narrative_field(_("基本支出管理情况"))
    project_usage = narrative_field(_("项目资金实际使用情况"))
    project_fund_management = narrative_field(
        _("项目资金管理情况"), _("接在“项目支出决算数为 … 万元，”之后。")
    )

    # 三、部门项目实施情况
    project_organisation = narrative_field(_("（一）项目组织情况"))
    project_management = narrative_field(_("（二）项目管理情况"))

    # 四 to 七
    asset_management = narrative_field(_("四、资产管理情况"))
    performance = narrative_field(_("五、部门整体支出绩效情况"))
    problems = narrative_field(_("六、存在的主要问题"))
    improvements = narrative_field(_("七、改进措施和有关建议"))

    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("自评报告")
        verbose_name_plural = _("自评报告")
        ordering = ["-year", "department__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "year"],
                name="report_one_per_department_year",
                violation_error_message=_(
                    "该部门该年度的自评报告已存在：请打开已有报告继续填写，不要重复新建。"
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(year__gte=MIN_YEAR, year__lte=MAX_YEAR),
                name="report_year_in_range",
            ),
        ]

    def __str__(self):
        return f"{self.department} {self.year} 年部门整体支出绩效自评报告"

    @property
    def title(self) -> str:
        return f"{self.year} 年部门整体支出绩效自评报告"
