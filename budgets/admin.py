from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from perfeval.resources import ImportExportAdminMixin

from .models import ExpenditureLine, IncomeLine, Project, ThreePublicLine
from .resources import (
    ExpenditureLineResource,
    IncomeLineResource,
    ProjectResource,
    ThreePublicLineResource,
)

REPORT_FILTERS = ["report__year", "report__department", "report__status"]
REPORT_SEARCH = ["report__department__name"]


class ReportLineAdmin(ImportExportAdminMixin, SimpleHistoryAdmin):
    list_filter = REPORT_FILTERS
    search_fields = REPORT_SEARCH
    list_select_related = ["report__department"]
    # Found by typing (12,000 reports make a poor drop-down), among the reports the user may
    # write into (perfeval.access.choices).
    autocomplete_fields = ["report"]


@admin.register(IncomeLine)
class IncomeLineAdmin(ReportLineAdmin):
    resource_classes = [IncomeLineResource]
    list_display = ["report", "source", "description", "budget", "actual"]
    list_filter = [*REPORT_FILTERS, "source"]


@admin.register(ExpenditureLine)
class ExpenditureLineAdmin(ReportLineAdmin):
    resource_classes = [ExpenditureLineResource]
    list_display = ["report", "nature", "fund_source", "description", "budget", "actual"]
    list_filter = [*REPORT_FILTERS, "nature", "fund_source"]


@admin.register(ThreePublicLine)
class ThreePublicLineAdmin(ReportLineAdmin):
    resource_classes = [ThreePublicLineResource]
    list_display = ["report", "kind", "budget", "actual", "previous_actual", "count"]
    list_filter = [*REPORT_FILTERS, "kind"]


@admin.register(Project)
class ProjectAdmin(ReportLineAdmin):
    resource_classes = [ProjectResource]
    list_display = ["name", "report", "fund_source", "budget", "actual"]
    search_fields = [*REPORT_SEARCH, "name"]
