"""A report's income, expenditure, 三公经费 lines and projects in CSV/XLSX, for the admin.

Each line names its report by 部门编码 and 年度; the ``id`` column updates an existing line,
an empty one adds a line. Lines of a report that is not a draft or returned are refused.
"""

from import_export import fields, widgets

from perfeval.resources import (
    PerfevalResource,
    choice_field,
    money_field,
    report_field,
    text_field,
    year_field,
)

from .models import ExpenditureLine, FundSource, IncomeLine, Project, ThreePublicLine
from .writers import line_save

ID = "id"
ADMIN_IMPORT_REASON = "管理后台导入"


class ReportLineResource(PerfevalResource):
    report = report_field()
    year = year_field()

    class Meta(PerfevalResource.Meta):
        pass

    def do_instance_save(self, instance, is_create):
        # Through the one writer of lines (the report locked, history, stored totals); the
        # row was validated like a form already.
        line_save(instance, validate=False, reason=ADMIN_IMPORT_REASON)


class IncomeLineResource(ReportLineResource):
    source = choice_field("source", "收入来源", IncomeLine.Source.choices, "收入来源")
    description = text_field("description", "说明")
    budget = money_field("budget", "全年预算数（万元）")
    actual = money_field("actual", "全年执行数（万元）")

    class Meta(ReportLineResource.Meta):
        model = IncomeLine
        fields = [ID, "report", "year", "source", "description", "budget", "actual"]


class ExpenditureLineResource(ReportLineResource):
    nature = choice_field("nature", "支出性质", ExpenditureLine.Nature.choices, "支出性质")
    fund_source = choice_field("fund_source", "资金来源", FundSource.choices, "资金来源")
    description = text_field("description", "说明")
    budget = money_field("budget", "全年预算数（万元）")
    actual = money_field("actual", "全年执行数（万元）")

    class Meta(ReportLineResource.Meta):
        model = ExpenditureLine
        fields = [ID, "report", "year", "nature", "fund_source", "description", "budget", "actual"]


class ThreePublicLineResource(ReportLineResource):
    kind = choice_field("kind", "项目", ThreePublicLine.Kind.choices, "三公经费项目")
    budget = money_field("budget", "预算数（万元）")
    actual = money_field("actual", "决算数（万元）")
    previous_actual = money_field("previous_actual", "上年决算数（万元）")
    count = fields.Field(
        attribute="count", column_name="数量", widget=widgets.IntegerWidget(coerce_to_string=False)
    )

    class Meta(ReportLineResource.Meta):
        model = ThreePublicLine
        fields = [ID, "report", "year", "kind", "budget", "actual", "previous_actual", "count"]


class ProjectResource(ReportLineResource):
    name = text_field("name", "项目名称")
    fund_source = choice_field("fund_source", "资金来源", FundSource.choices, "资金来源")
    budget = money_field("budget", "全年预算数（万元）")
    actual = money_field("actual", "全年执行数（万元）")
    achievement = text_field("achievement", "实施内容和成效")

    class Meta(ReportLineResource.Meta):
        model = Project
        fields = [ID, "report", "year", "name", "fund_source", "budget", "actual", "achievement"]
