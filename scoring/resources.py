"""Framework nodes (指标) in CSV/XLSX, for the admin: one row per indicator, parents first.

A node names its framework by 指标体系 and 版本 and its parent by the path of names from
level 1 ("投入管理/预算编审管理"), so a sheet reads like the framework's tree. After the
rows are saved every framework touched is checked against the weight rules; a broken one
rolls the whole import back.
"""

from import_export import fields, widgets

from perfeval.resources import AmountWidget, PerfevalResource, choice_field, text_field

from . import rules
from .models import Framework, Indicator
from .services import framework_validate

PATH_SEPARATOR = "/"


class FrameworkWidget(widgets.ForeignKeyWidget):
    """The framework by name, with the version from the 版本 column."""

    def __init__(self, **kwargs):
        super().__init__(Framework, field="name", **kwargs)

    def clean(self, value, row=None, **kwargs):
        name = str(value or "").strip()
        version = str((row or {}).get("版本") or "").strip()
        framework = Framework.objects.filter(name=name, version=version).first()
        if framework is None:
            raise ValueError(
                f"找不到指标体系“{name}”（版本“{version}”）：请先在“指标体系”中建立它，"
                "或改正名称和版本。"
            )
        return framework


class ParentWidget(widgets.Widget):
    """The parent indicator as a path of names from level 1; empty for a level-1 node."""

    def clean(self, value, row=None, **kwargs):
        path = [part.strip() for part in str(value or "").split(PATH_SEPARATOR) if part.strip()]
        if not path:
            return None
        framework = FrameworkWidget().clean((row or {}).get("指标体系"), row)
        parent = None
        for name in path:
            node = Indicator.objects.filter(framework=framework, parent=parent, name=name).first()
            if node is None:
                raise ValueError(
                    f"上级指标“{PATH_SEPARATOR.join(path)}”中的“{name}”不存在："
                    "请把上级指标的行放在前面，或改正名称。"
                )
            parent = node
        return parent

    def render(self, value, obj=None, **kwargs):
        names = []
        while value is not None:
            names.append(value.name)
            value = value.parent
        return PATH_SEPARATOR.join(reversed(names))


class JSONObjectWidget(widgets.JSONWidget):
    """Rule parameters: an empty cell means none."""

    def clean(self, value, row=None, **kwargs):
        return super().clean(value, row, **kwargs) or {}


class IndicatorResource(PerfevalResource):
    framework = fields.Field(
        attribute="framework", column_name="指标体系", widget=FrameworkWidget()
    )
    version = fields.Field(attribute="framework__version", column_name="版本", readonly=True)
    parent = fields.Field(attribute="parent", column_name="上级指标", widget=ParentWidget())
    name = text_field("name", "指标名称")
    level = fields.Field(
        attribute="level",
        column_name="层级",
        readonly=True,
        widget=widgets.IntegerWidget(coerce_to_string=False),
    )
    weight = fields.Field(attribute="weight", column_name="权重", widget=AmountWidget())
    order = fields.Field(
        attribute="order",
        column_name="排序",
        widget=widgets.IntegerWidget(coerce_to_string=False),
    )
    rule = choice_field("rule", "自动评分规则", [("", ""), *rules.RULES.items()], "评分规则")
    rule_params = fields.Field(
        attribute="rule_params", column_name="规则参数", widget=JSONObjectWidget()
    )

    class Meta(PerfevalResource.Meta):
        model = Indicator
        fields = [
            "framework",
            "version",
            "parent",
            "name",
            "level",
            "weight",
            "order",
            "rule",
            "rule_params",
        ]
        import_id_fields = ["framework", "parent", "name"]

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.frameworks_touched: set[int] = set()

    def get_queryset(self):
        return super().get_queryset().select_related("framework", "parent__parent")

    def after_save_instance(self, instance, row, **kwargs):
        self.frameworks_touched.add(instance.framework_id)

    def after_import(self, dataset, result, **kwargs):
        for framework in Framework.objects.filter(pk__in=self.frameworks_touched):
            framework_validate(framework=framework)
