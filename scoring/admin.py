from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from perfeval.resources import ImportExportAdminMixin

from . import rules
from .models import Framework, GradeBand, GroupResult, Indicator, IndicatorResult
from .resources import IndicatorResource
from .services import framework_copy


class IndicatorFormSet(BaseInlineFormSet):
    """Checks the whole tree's weights as it will be after this save."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        nodes = []
        for n, form in enumerate(self.forms):
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or not data.get("name"):
                continue
            parent = data.get("parent")
            key = form.instance.pk or f"new-{n}"
            nodes.append(
                rules.NodeSpec(key, parent.pk if parent else None, data["name"], data.get("weight"))
            )
        errors = rules.framework_weight_errors(nodes)
        if errors:
            raise ValidationError(errors)


class GradeBandFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        bands = [
            (form.cleaned_data["name"], form.cleaned_data["min_score"])
            for form in self.forms
            if getattr(form, "cleaned_data", None)
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("name")
        ]
        errors = rules.grade_band_errors(bands)
        if errors:
            raise ValidationError(errors)


class IndicatorInline(admin.TabularInline):
    model = Indicator
    formset = IndicatorFormSet
    fields = ["level", "parent", "name", "weight", "order", "rule", "rule_params"]
    readonly_fields = ["level"]
    extra = 0

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("parent")
            .order_by("level", "parent__order", "order", "pk")
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "parent":
            framework_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = Indicator.objects.filter(
                framework_id=framework_id, level__lt=Indicator.Level.THIRD
            ).order_by("level", "order")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class GradeBandInline(admin.TabularInline):
    model = GradeBand
    formset = GradeBandFormSet
    extra = 0


@admin.register(Framework)
class FrameworkAdmin(admin.ModelAdmin):
    list_display = ["name", "version", "is_default", "report_count", "created_at"]
    list_filter = ["is_default"]
    search_fields = ["name", "version", "description"]
    inlines = [GradeBandInline, IndicatorInline]
    actions = ["copy_as_new_version"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(report_total=Count("reports"))

    @admin.display(description=_("使用该体系的报告数"), ordering="report_total")
    def report_count(self, obj):
        return obj.report_total

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not form.instance.bands.exists():
            GradeBand.objects.bulk_create(
                GradeBand(framework=form.instance, name=name, min_score=minimum)
                for name, minimum in rules.DEFAULT_GRADE_BANDS
            )

    @admin.action(description=_("复制为新版本"), permissions=["add"])
    def copy_as_new_version(self, request, queryset):
        for framework in queryset:
            copy = framework_copy(framework=framework)
            self.message_user(
                request,
                f"已将“{framework}”复制为“{copy}”：可以修改副本的指标、权重和版本号。",
                messages.SUCCESS,
            )


@admin.register(Indicator)
class IndicatorAdmin(ImportExportAdminMixin, admin.ModelAdmin):
    """Indicators are edited on their framework's page, where the weights are checked together.

    Or imported as a sheet, which is checked against the weight rules as a whole.
    """

    resource_classes = [IndicatorResource]

    list_display = ["name", "level", "weight", "parent", "framework", "order", "rule"]
    list_filter = ["framework", "level", "rule"]
    search_fields = ["name", "parent__name"]
    list_select_related = ["framework", "parent"]


RESULT_FILTERS = ["report__year", "report__department", "report__status"]


@admin.register(IndicatorResult)
class IndicatorResultAdmin(SimpleHistoryAdmin):
    list_display = ["indicator", "report", "target", "actual", "score"]
    list_filter = RESULT_FILTERS
    search_fields = ["indicator__name", "report__department__name"]
    list_select_related = ["indicator", "report__department"]
    raw_id_fields = ["indicator"]
    autocomplete_fields = ["report"]


@admin.register(GroupResult)
class GroupResultAdmin(SimpleHistoryAdmin):
    list_display = ["indicator", "report", "score"]
    list_filter = RESULT_FILTERS
    search_fields = ["indicator__name", "report__department__name"]
    list_select_related = ["indicator", "report__department"]
    raw_id_fields = ["indicator"]
    autocomplete_fields = ["report"]
