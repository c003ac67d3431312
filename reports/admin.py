from django.contrib import admin
from django.db.models import DecimalField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from budgets.models import ExpenditureLine, IncomeLine, Project, ThreePublicLine
from scoring.models import GroupResult, IndicatorResult

from .models import Report
from .selectors import decimal_str


def _score_sum(model) -> Coalesce:
    total = (
        model.objects.filter(report=OuterRef("pk"))
        .order_by()
        .values("report")
        .annotate(total=Sum("score"))
        .values("total")
    )
    return Coalesce(
        Subquery(total), Value(0), output_field=DecimalField(max_digits=8, decimal_places=2)
    )


class IncomeLineInline(admin.TabularInline):
    model = IncomeLine
    extra = 0


class ExpenditureLineInline(admin.TabularInline):
    model = ExpenditureLine
    extra = 0


class ThreePublicLineInline(admin.TabularInline):
    model = ThreePublicLine
    extra = 0
    max_num = len(ThreePublicLine.Kind)


class ProjectInline(admin.StackedInline):
    model = Project
    extra = 0


class IndicatorResultInline(admin.TabularInline):
    model = IndicatorResult
    extra = 0
    fields = ["indicator", "target", "actual", "score", "deviation"]
    raw_id_fields = ["indicator"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("indicator")


class GroupResultInline(admin.TabularInline):
    model = GroupResult
    extra = 0
    fields = ["indicator", "score", "deviation"]
    raw_id_fields = ["indicator"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("indicator")


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["department", "year", "status", "total_score", "framework", "updated_at"]
    list_filter = ["year", "department", "status"]
    search_fields = ["department__name", "department__code"]
    list_select_related = ["department", "framework"]
    readonly_fields = ["status", "created_at", "updated_at"]
    inlines = [
        IncomeLineInline,
        ExpenditureLineInline,
        ThreePublicLineInline,
        ProjectInline,
        IndicatorResultInline,
        GroupResultInline,
    ]
    fieldsets = [
        (None, {"fields": ["department", "year", "status", "framework", "report_date"]}),
        (_("年度总体目标"), {"fields": ["annual_goal", "annual_goal_result"]}),
        (
            _("一、部门概况"),
            {"fields": ["functions", "organisation", "work_plan", "spending_scope"]},
        ),
        (
            _("二、部门整体支出资金管理及使用情况"),
            {
                "fields": [
                    "personnel_description",
                    "public_operating_description",
                    "three_public_variance_reason",
                    "three_public_change_reason",
                    "basic_management",
                    "project_usage",
                    "project_fund_management",
                ]
            },
        ),
        (_("三、部门项目实施情况"), {"fields": ["project_organisation", "project_management"]}),
        (
            _("四至七"),
            {"fields": ["asset_management", "performance", "problems", "improvements"]},
        ),
        (_("记录"), {"fields": ["created_at", "updated_at"]}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(score_total=_score_sum(IndicatorResult) + _score_sum(GroupResult))
        )

    @admin.display(description=_("自评得分"), ordering="score_total")
    def total_score(self, obj):
        return decimal_str(obj.score_total)
