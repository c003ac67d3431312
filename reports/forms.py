"""Forms of the report editor."""

from django import forms

from .models import Report

# The editor's narrative sections, in the report's order: (key, title, fields).
NARRATIVE_SECTIONS = (
    ("overview", "部门概况", ("functions", "organisation", "work_plan", "spending_scope")),
    (
        "spending",
        "资金管理及使用情况",
        (
            "personnel_description",
            "public_operating_description",
            "three_public_variance_reason",
            "three_public_change_reason",
            "basic_management",
            "project_usage",
            "project_fund_management",
        ),
    ),
    ("projects_text", "项目实施情况", ("project_organisation", "project_management")),
    ("assets", "资产管理", ("asset_management",)),
    ("performance", "绩效情况", ("performance", "annual_goal", "annual_goal_result")),
    ("problems", "问题与改进", ("problems", "improvements")),
)
SECTION_FIELDS = {key: fields for key, _, fields in NARRATIVE_SECTIONS}
SECTION_TITLES = {key: title for key, title, _ in NARRATIVE_SECTIONS}


def narrative_form_class(section: str) -> type[forms.ModelForm]:
    return forms.modelform_factory(
        Report,
        fields=SECTION_FIELDS[section],
        widgets={field: forms.Textarea(attrs={"rows": 6}) for field in SECTION_FIELDS[section]},
    )
