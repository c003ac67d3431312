from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "monitoring"
    verbose_name = "运行监控"

    def ready(self):
        from deadlines.stages import register_provider
        from reports import workflow

        from .models import CheckpointReport, CheckpointTransition
        from .selectors import checkpoint_report_checks
        from .stages import checkpoint_stages

        workflow.flow_register(
            CheckpointReport,
            workflow.Flow(
                noun="监控表",
                log_model=CheckpointTransition,
                subject_field="report",
                checks=checkpoint_report_checks,
            ),
        )
        # Each checkpoint is due as the administrator set it: on homes and the late lists.
        register_provider(checkpoint_stages)
