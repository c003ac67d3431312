"""Deadlines set by administrators; 催办 records and notifications, read only."""

from django.contrib import admin

from .models import Deadline, Notification, Reminder


@admin.register(Deadline)
class DeadlineAdmin(admin.ModelAdmin):
    list_display = ["year", "stage", "due", "note"]
    list_filter = ["year", "stage"]
    search_fields = ["note"]


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    """催办 records: append-only, every field read-only."""

    list_display = ["department", "year", "stage_label", "user", "created_at"]
    list_filter = ["year", "stage_key", "department"]
    search_fields = ["department__name", "user__username", "note"]
    list_select_related = ["department", "user"]
    readonly_fields = [
        "department",
        "year",
        "stage_key",
        "stage_label",
        "user",
        "note",
        "created_at",
    ]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "text", "created_at", "read_at"]
    list_filter = ["kind"]
    search_fields = ["text"]
    list_select_related = ["user"]
    readonly_fields = ["user", "kind", "text", "url", "created_at", "read_at"]
