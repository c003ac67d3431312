from django.apps import AppConfig


class ReportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reports"
    verbose_name = "自评报告"

    def ready(self):
        from django.apps import apps

        from . import guards, totals, workflow, year

        guards.connect()
        totals.connect()
        workflow.transitioned.connect(
            year.targets_approved,
            sender=apps.get_model("targets", "TargetForm"),
            dispatch_uid="report_targets_approved",
        )
