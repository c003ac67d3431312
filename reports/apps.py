from django.apps import AppConfig


class ReportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reports"
    verbose_name = "自评报告"

    def ready(self):
        from django.apps import apps
        from django.db.models.signals import post_delete, post_migrate, post_save

        from perfeval import pagecache

        from . import guards, totals, workflow, year
        from .models import OfficialPdf, Report

        guards.connect()
        totals.connect()
        # Kept pages (perfeval/pagecache.py) go stale when anything moves, when an official
        # PDF is stored (the approved list shows its SHA-256), when a department is renamed.
        workflow.transitioned.connect(pagecache.moved, dispatch_uid="pages_moved_transition")
        post_migrate.connect(pagecache.migrated, sender=self, dispatch_uid="pages_db")
        post_save.connect(pagecache.moved, sender=OfficialPdf, dispatch_uid="pages_moved_pdf")
        post_delete.connect(pagecache.moved, sender=Report, dispatch_uid="pages_moved_deleted")
        post_save.connect(
            pagecache.moved,
            sender=apps.get_model("departments", "Department"),
            dispatch_uid="pages_moved_department",
        )
        # The dashboard's parts (dashboard/parts.py): the report's department's part goes stale
        # when the report moves or is deleted (its totals: reports/totals.py), or the
        # department is saved (its name and region).
        workflow.transitioned.connect(
            pagecache.part_moved, sender=Report, dispatch_uid="parts_moved_transition"
        )
        post_delete.connect(pagecache.part_moved, sender=Report, dispatch_uid="parts_moved_deleted")
        post_save.connect(
            pagecache.part_moved,
            sender=apps.get_model("departments", "Department"),
            dispatch_uid="parts_moved_department",
        )
        workflow.transitioned.connect(
            year.targets_approved,
            sender=apps.get_model("targets", "TargetForm"),
            dispatch_uid="report_targets_approved",
        )
