from django.apps import AppConfig


class PublishingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "publishing"
    verbose_name = "绩效信息公开"

    def ready(self):
        from django.db.models.signals import post_save

        from perfeval import pagecache
        from reports.workflow import transitioned

        from .caching import report_moved
        from .models import PublicationEvent

        transitioned.connect(report_moved, dispatch_uid="publishing_page_forget")
        # The report page shows whether it is published (perfeval/pagecache.py).
        post_save.connect(
            pagecache.moved, sender=PublicationEvent, dispatch_uid="pages_moved_publication"
        )
