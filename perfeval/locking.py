"""Admin behaviour shared by every model that belongs to a report."""


class ReportOwnedAdminMixin:
    """Rows of an approved (or otherwise uneditable) report are read-only and never deleted.

    Needs no import of the reports app: it asks the row's report, which knows its state.
    """

    def has_change_permission(self, request, obj=None):
        if obj is not None and not obj.report.is_editable:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and not obj.report.is_editable:
            return False
        return super().has_delete_permission(request, obj)

    def get_deleted_objects(self, objs, request):
        # The bulk delete action asks here what it may delete: rows of locked reports are
        # shown as protected, so the admin refuses the whole deletion with their names.
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        locked = [str(obj) for obj in objs if not obj.report.is_editable]
        return deleted, counts, perms_needed, [*protected, *locked]
