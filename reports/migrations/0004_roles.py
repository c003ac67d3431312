"""The four roles as auth groups with exact permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

OWNED = ["incomeline", "expenditureline", "threepublicline", "project"]
RESULTS = ["indicatorresult", "groupresult"]
READ_ALL = [
    "departments.view_department",
    "departments.view_orgunit",
    "reports.view_report",
    "reports.view_reporttransition",
    "reports.view_approvedversion",
    "scoring.view_framework",
    "scoring.view_indicator",
    "scoring.view_gradeband",
    *[f"budgets.view_{m}" for m in OWNED],
    *[f"scoring.view_{m}" for m in RESULTS],
]
EDIT = ["add", "change", "delete", "view"]

ROLE_PERMISSIONS = {
    "填报员": [
        *READ_ALL,
        "reports.add_report",
        "reports.change_report",
        "reports.submit_report",
        *[f"budgets.{a}_{m}" for m in OWNED for a in EDIT],
        *[f"scoring.{a}_{m}" for m in RESULTS for a in EDIT],
        *[f"departments.{a}_orgunit" for a in EDIT],
    ],
    "审核人": [*READ_ALL, "reports.review_report", "reports.download_report"],
    "审计员": [*READ_ALL, "reports.download_report"],
    "管理员": None,  # every permission of the four apps, and of users and groups
}
ADMIN_APPS = ["departments", "budgets", "scoring", "reports"]


def create_roles(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codes in ROLE_PERMISSIONS.items():
        if codes is None:
            permissions = Permission.objects.filter(
                content_type__app_label__in=ADMIN_APPS
            ) | Permission.objects.filter(content_type__app_label="auth")
        else:
            wanted = {tuple(code.split(".")) for code in codes}
            permissions = [
                p
                for p in Permission.objects.select_related("content_type")
                if (p.content_type.app_label, p.codename) in wanted
            ]
            found = {(p.content_type.app_label, p.codename) for p in permissions}
            assert found == wanted, f"missing permissions for {name}: {wanted - found}"
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(permissions)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_PERMISSIONS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("departments", "0002_reviewer_scope"),
        ("budgets", "0003_history"),
        ("scoring", "0004_history"),
        ("reports", "0003_history"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
