"""Test set-up that writes past the app's services, keeping the stored totals true."""

from reports.totals import totals_changed


def rows_update(queryset, **values) -> int:
    """``queryset.update(**values)`` for report lines or results, then their reports' totals
    refreshed, as every writer of the app does (``reports.totals``)."""
    report_ids = set(queryset.values_list("report_id", flat=True))
    count = queryset.update(**values)
    totals_changed(report_ids)
    return count
