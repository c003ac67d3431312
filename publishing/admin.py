"""The record of publications in the admin: read-only (append-only, written by the service)."""

from django.contrib import admin

from .models import PublicationEvent


@admin.register(PublicationEvent)
class PublicationEventAdmin(admin.ModelAdmin):
    """Who published or withdrew which report, when and why; publishing is done on the
    report's page (``publishing.services``)."""

    list_display = ["report", "version", "action", "actor", "at"]
    list_filter = ["action", "report__year"]
    search_fields = ["report__department__name", "note", "actor__username"]
    list_select_related = ["report__department", "version__report__department", "actor"]
    readonly_fields = ["report", "version", "action", "actor", "at", "note"]
    date_hierarchy = "at"
