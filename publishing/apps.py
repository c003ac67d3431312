from django.apps import AppConfig


class PublishingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "publishing"
    verbose_name = "绩效信息公开"

    def ready(self):
        from reports.workflow import transitioned

        from .caching import report_moved

        transitioned.connect(report_moved, dispatch_uid="publishing_page_forget")
