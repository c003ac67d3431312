from django.apps import AppConfig


class FollowupConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "followup"
    verbose_name = "问题整改"

    def ready(self):
        from reports import workflow
        from reports.models import Report

        workflow.transitioned.connect(
            report_transitioned, sender=Report, dispatch_uid="followup_problems_from_report"
        )


def report_transitioned(sender, subject, log, **kwargs):
    """An approved report's problems become items to follow (inside the approval's
    transaction: if making them fails, the report is not approved)."""
    if log.action == "approve":
        from .services import problems_from_report

        problems_from_report(report=subject, user=log.user)
