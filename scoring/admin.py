from django.contrib import admin

from .models import Framework, GroupResult, Indicator, IndicatorResult


class IndicatorInline(admin.TabularInline):
    model = Indicator
    fields = ["level", "parent", "name", "weight", "order"]
    extra = 0
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("parent")


@admin.register(Framework)
class FrameworkAdmin(admin.ModelAdmin):
    list_display = ["name", "version", "is_default", "created_at"]
    list_filter = ["is_default"]
    search_fields = ["name", "version", "description"]
    inlines = [IndicatorInline]


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["name", "level", "weight", "parent", "framework", "order"]
    list_filter = ["framework", "level"]
    search_fields = ["name", "parent__name"]
    list_select_related = ["framework", "parent"]
    autocomplete_fields = ["parent"]


RESULT_FILTERS = ["report__year", "report__department", "report__status"]


@admin.register(IndicatorResult)
class IndicatorResultAdmin(admin.ModelAdmin):
    list_display = ["indicator", "report", "target", "actual", "score"]
    list_filter = RESULT_FILTERS
    search_fields = ["indicator__name", "report__department__name"]
    list_select_related = ["indicator", "report__department"]
    raw_id_fields = ["report", "indicator"]


@admin.register(GroupResult)
class GroupResultAdmin(admin.ModelAdmin):
    list_display = ["indicator", "report", "score"]
    list_filter = RESULT_FILTERS
    search_fields = ["indicator__name", "report__department__name"]
    list_select_related = ["indicator", "report__department"]
    raw_id_fields = ["report", "indicator"]
