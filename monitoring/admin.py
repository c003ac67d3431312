"""Monitoring in the admin: administrators set the checkpoints; reports and their logs are
read here and written on the monitoring pages (``monitoring.services``, the workflow)."""

from django.contrib import admin

from . import services
from .models import Checkpoint, CheckpointReport, CheckpointTransition, ProgressRow


@admin.register(Checkpoint)
class CheckpointAdmin(admin.ModelAdmin):
    list_display = ["year", "name", "period_end", "expected_share", "due", "order"]
    list_filter = ["year"]
    search_fields = ["name"]
    ordering = ["-year", "period_end"]


ROW_FIELDS = ("indicator", *services.ROW_FIELDS)


class ProgressRowInline(admin.TabularInline):
    model = ProgressRow
    fields = ROW_FIELDS
    readonly_fields = ROW_FIELDS
    extra = 0
    max_num = 0
    can_delete = False


REPORT_FIELDS = (
    "department",
    "checkpoint",
    "framework",
    "status",
    "budget",
    "executed",
    "expected_year",
    "execution_reason",
    "execution_measure",
    "created_at",
    "updated_at",
)


NEW_REPORT_FIELDS = ("department", "checkpoint", "framework", "budget")


@admin.register(CheckpointReport)
class CheckpointReportAdmin(admin.ModelAdmin):
    """Read here; filled in on its page (``checkpoint_report_edit``), moved by the workflow."""

    list_display = ["department", "checkpoint", "status", "budget", "executed", "updated_at"]
    list_filter = ["status", "checkpoint__year", "checkpoint"]
    search_fields = ["department__name", "department__code"]
    list_select_related = ["department", "checkpoint"]
    fields = REPORT_FIELDS
    readonly_fields = REPORT_FIELDS
    inlines = [ProgressRowInline]

    def get_readonly_fields(self, request, obj=None):
        # A new report names its department, checkpoint, framework and budget; then it is
        # filled in on its page.
        if obj is None:
            return [name for name in REPORT_FIELDS if name not in NEW_REPORT_FIELDS]
        return REPORT_FIELDS

    def save_model(self, request, obj, form, change):
        if change:  # nothing here is editable: the workflow and the page write it
            return super().save_model(request, obj, form, change)
        made = services.checkpoint_report_create(
            **{name: getattr(obj, name) for name in NEW_REPORT_FIELDS}
        )
        obj.pk, obj.created_at, obj.updated_at = made.pk, made.created_at, made.updated_at
        obj._state.adding = False


TRANSITION_FIELDS = (
    "report",
    "action",
    "from_status",
    "to_status",
    "user",
    "comment",
    "created_at",
)


@admin.register(CheckpointTransition)
class CheckpointTransitionAdmin(admin.ModelAdmin):
    """Records of what happened: append-only, read-only."""

    list_display = ["report", "action", "from_status", "to_status", "user", "created_at"]
    list_filter = ["action", "report__checkpoint__year"]
    search_fields = ["report__department__name", "user__username", "comment"]
    list_select_related = ["report__department", "report__checkpoint", "user"]
    fields = TRANSITION_FIELDS
    readonly_fields = TRANSITION_FIELDS
