from django.apps import AppConfig


class DepartmentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "departments"
    verbose_name = "部门与用户"

    def ready(self):
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from .models import Role, User
        from .roles import roles_changed

        # Roles are kept in the shared cache (departments.roles._group_roles).
        m2m_changed.connect(roles_changed, sender=User.groups.through, dispatch_uid="roles_m2m")
        post_save.connect(roles_changed, sender=Role, dispatch_uid="roles_saved")
        post_delete.connect(roles_changed, sender=Role, dispatch_uid="roles_deleted")
