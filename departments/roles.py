"""The four roles of perfeval, as auth groups, and what each user's role and scope is."""

from django.utils.translation import gettext_lazy as _

CLERK = "填报员"
REVIEWER = "审核人"
AUDITOR = "审计员"
ADMIN = "管理员"
ROLES = (CLERK, REVIEWER, AUDITOR, ADMIN)

ROLE_DESCRIPTIONS = {
    CLERK: _("填写并提交本部门的自评报告"),
    REVIEWER: _("批准或退回所负责部门的自评报告"),
    AUDITOR: _("查阅和下载所有部门已批准的自评报告，不能修改"),
    ADMIN: _("管理用户、部门、指标体系和全部报告"),
}


def user_roles(user) -> set[str]:
    """The roles of a signed-in user; a superuser is an administrator."""
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_perfeval_roles", None)
    if cached is None:
        # All of the user's groups (a handful), kept to the roles here: cheaper to build
        # than the query with its IN list, and this runs on every signed-in page.
        cached = set(user.groups.values_list("name", flat=True)).intersection(ROLES)
        if user.is_superuser:
            cached.add(ADMIN)
        user._perfeval_roles = cached
    return cached


def is_admin(user) -> bool:
    return ADMIN in user_roles(user)


def is_clerk_of(user, department_id: int) -> bool:
    return CLERK in user_roles(user) and user.department_id == department_id


def reviews(user, department_id: int) -> bool:
    if REVIEWER not in user_roles(user):
        return False
    cached = getattr(user, "_perfeval_reviewed", None)
    if cached is None:
        cached = set(user.reviewed_departments.values_list("pk", flat=True))
        user._perfeval_reviewed = cached
    return department_id in cached


def is_auditor(user) -> bool:
    return AUDITOR in user_roles(user)
