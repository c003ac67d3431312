from django.apps import AppConfig


class TargetsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "targets"
    verbose_name = "绩效目标"

    def ready(self):
        from reports import workflow

        from .models import TargetForm, TargetTransition
        from .selectors import form_checks

        workflow.flow_register(
            TargetForm,
            workflow.Flow(
                noun="绩效目标表",
                log_model=TargetTransition,
                subject_field="form",
                checks=form_checks,
            ),
        )
