"""The admin of project frameworks (reference data, as scoring's frameworks) and of projects'
self-assessment tables with their indicator rows.

Access is ``perfeval.access``'s (the admin site puts every class under its policy); the
tables and rows are saved through ``projects.writers`` (``perfeval.owned.writer_for``), which
locks the report and refuses unless it is editable.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import LOCKED_FIELDS, ProjectAssessment, ProjectFramework, ProjectIndicator

REPORT_FILTERS = ["report__year", "report__department", "report__status"]


class ProjectFrameworkForm(forms.ModelForm):
    class Meta:
        model = ProjectFramework
        fields = ["name", "version", "description", "is_default", *LOCKED_FIELDS]

    def clean(self):
        cleaned = super().clean()
        framework = self.instance
        # A framework in use keeps its layout (the model refuses it too, when saved): said on
        # the form, not as a failed save.
        if framework.is_locked and any(name in self.changed_data for name in LOCKED_FIELDS):
            raise ValidationError(framework.locked_message())
        return cleaned


@admin.register(ProjectFramework)
class ProjectFrameworkAdmin(admin.ModelAdmin):
    form = ProjectFrameworkForm
    list_display = ["name", "version", "is_default", "assessment_count", "created_at"]
    list_filter = ["is_default"]
    search_fields = ["name", "version", "description"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(assessment_total=Count("assessments"))

    @admin.display(description=_("使用该格式的项目数"), ordering="assessment_total")
    def assessment_count(self, obj):
        return obj.assessment_total

    def change_view(self, request, object_id, form_url="", extra_context=None):
        framework = self.get_object(request, object_id)
        if framework is not None and framework.is_locked and request.method == "GET":
            messages.info(request, framework.locked_message())
        return super().change_view(request, object_id, form_url, extra_context)


class IndicatorFormSet(BaseInlineFormSet):
    """New rows belong to their table's report as well as to the table."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if self.instance.pk is not None:
            form.instance.report_id = self.instance.report_id


class ProjectIndicatorInline(admin.TabularInline):
    model = ProjectIndicator
    formset = IndicatorFormSet
    fk_name = "assessment"
    fields = ["level1", "level2", "name", "target", "actual", "points", "score", "deviation"]
    fields += ["order"]
    extra = 0


@admin.register(ProjectAssessment)
class ProjectAssessmentAdmin(SimpleHistoryAdmin):
    list_display = ["project", "report", "framework", "initial_budget", "is_demo"]
    list_filter = [*REPORT_FILTERS, "is_demo"]
    search_fields = ["project__name", "report__department__name"]
    list_select_related = ["project", "report__department", "framework"]
    autocomplete_fields = ["report", "project"]
    readonly_fields = ["is_demo"]
    inlines = [ProjectIndicatorInline]
    fieldsets = [
        (None, {"fields": ["report", "project", "framework", "is_demo"]}),
        (
            _("表头与资金"),
            {
                "fields": [
                    "competent_department",
                    "implementing_unit",
                    "initial_budget",
                    "execution_reason",
                ]
            },
        ),
        (_("年度总体目标"), {"fields": ["goal", "goal_result"]}),
        (_("评价"), {"fields": ["conclusion", "problems", "measures"]}),
    ]
