"""Departments and their organisational units in CSV/XLSX, for the admin."""

from import_export import fields, widgets

from perfeval.resources import PerfevalResource, choice_field, text_field

from .models import Department, OrgUnit


class DepartmentResource(PerfevalResource):
    """One row per department, matched on its code: importing again updates, never duplicates."""

    name = text_field("name", "部门名称")
    code = text_field("code", "部门编码")
    short_name = text_field("short_name", "简称")
    reporting_unit = text_field("reporting_unit", "报告单位")
    region = text_field("region", "所属地区")

    class Meta(PerfevalResource.Meta):
        model = Department
        fields = ["code", "name", "short_name", "reporting_unit", "region"]
        import_id_fields = ["code"]


class OrgUnitResource(PerfevalResource):
    """Matched on department code and unit name."""

    department = fields.Field(
        attribute="department",
        column_name="部门编码",
        widget=widgets.ForeignKeyWidget(Department, field="code"),
    )
    kind = choice_field("kind", "机构类别", OrgUnit.Kind.choices, "机构类别")
    name = text_field("name", "机构名称")
    order = fields.Field(
        attribute="order", column_name="排序", widget=widgets.IntegerWidget(coerce_to_string=False)
    )

    class Meta(PerfevalResource.Meta):
        model = OrgUnit
        fields = ["department", "kind", "name", "order"]
        import_id_fields = ["department", "name"]
