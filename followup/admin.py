"""问题整改 in the admin: items listed with their state; their record read-only."""

from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import ProblemItem, ProblemUpdate
from .selectors import overdue_q


class OverdueFilter(admin.SimpleListFilter):
    title = _("是否逾期")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("已逾期")), ("no", _("未逾期"))]

    def queryset(self, request, queryset):
        condition = overdue_q(timezone.localdate())
        if self.value() == "yes":
            return queryset.filter(condition)
        if self.value() == "no":
            return queryset.exclude(condition)
        return queryset


@admin.register(ProblemItem)
class ProblemItemAdmin(admin.ModelAdmin):
    """Items; the status is changed on the item's page, which records it (services)."""

    list_display = ["__str__", "department", "year", "source", "status", "due_date", "overdue"]
    list_filter = [OverdueFilter, "status", "source", "year", "department"]
    search_fields = ["text", "measure", "owner", "department__name"]
    list_select_related = ["department"]
    readonly_fields = ["status", "report", "created_by", "created_at", "updated_at"]
    date_hierarchy = "due_date"

    @admin.display(description=_("已逾期"), boolean=True)
    def overdue(self, obj):
        return obj.is_overdue()

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(ProblemUpdate)
class ProblemUpdateAdmin(admin.ModelAdmin):
    """The record of each item's 整改: read-only to everyone (append-only)."""

    list_display = ["item", "from_status", "to_status", "user", "created_at"]
    list_filter = ["to_status", "item__year", "item__department"]
    search_fields = ["item__text", "note", "user__username"]
    list_select_related = ["item__department", "user"]
    readonly_fields = ["item", "user", "from_status", "to_status", "note", "created_at"]
