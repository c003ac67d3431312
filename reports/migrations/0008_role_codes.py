"""Link the four role groups (made by 0004 under their Chinese names) to stable role codes.

From here on a role is known by its code, and ``perfeval.access`` decides what it may do;
the groups' model permissions are cleared, since nothing reads them any more.
"""

from django.db import migrations

GROUPS = {
    "clerk": "填报员",
    "reviewer": "审核人",
    "auditor": "审计员",
    "admin": "管理员",
}


def link_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Role = apps.get_model("departments", "Role")
    for code, name in GROUPS.items():
        if Role.objects.filter(code=code).exists():
            continue
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.clear()
        Role.objects.create(code=code, group=group)


def unlink_roles(apps, schema_editor):
    apps.get_model("departments", "Role").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("departments", "0003_role"),
        ("reports", "0007_text_limits"),
    ]

    operations = [migrations.RunPython(link_roles, unlink_roles)]
