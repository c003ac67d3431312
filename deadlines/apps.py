from django.apps import AppConfig


class DeadlinesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "deadlines"
    verbose_name = "时限与提醒"

    def ready(self) -> None:
        from reports import workflow

        from .notices import transition_notify
        from .providers import deadline_stages
        from .stages import register_provider

        register_provider(deadline_stages)
        workflow.transitioned.connect(transition_notify, dispatch_uid="deadlines.notices")
