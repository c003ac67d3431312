from django.apps import AppConfig


class ReportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reports"
    verbose_name = "自评报告"

    def ready(self):
        from . import guards, totals

        guards.connect()
        totals.connect()
