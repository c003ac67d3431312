"""The four roles of perfeval, by stable code, and each signed-in user's roles and scope.

A role is carried by an auth group linked to its code (``Role``); the group's name is only a
label. What each role may do to which rows is decided in ``perfeval.access``.
"""

from django.contrib.auth.models import AnonymousUser

from .models import Role, User

# Who asks: a signed-in user, or the anonymous user of a request not signed in.
AnyUser = User | AnonymousUser

CLERK = Role.Code.CLERK.value
REVIEWER = Role.Code.REVIEWER.value
AUDITOR = Role.Code.AUDITOR.value
ADMIN = Role.Code.ADMIN.value
ROLES = (CLERK, REVIEWER, AUDITOR, ADMIN)


def role_group(code: str):
    """The auth group that carries the role ``code``."""
    return Role.objects.select_related("group").get(code=code).group


def user_roles(user: AnyUser) -> set[str]:
    """The role codes of a signed-in user; a superuser is an administrator.

    Kept on the user object, which lives for one request.
    """
    if isinstance(user, AnonymousUser) or not user.is_authenticated:
        return set()
    cached = getattr(user, "_perfeval_roles", None)
    if cached is None:
        cached = set(Role.objects.filter(group__user=user).values_list("code", flat=True))
        if user.is_superuser:
            cached.add(ADMIN)
        user._perfeval_roles = cached
    return cached


def reviewed_department_ids(user: AnyUser) -> set[int]:
    """The departments a reviewer is assigned to (empty for anyone who is not a reviewer)."""
    if isinstance(user, AnonymousUser) or REVIEWER not in user_roles(user):
        return set()
    cached = getattr(user, "_perfeval_reviewed", None)
    if cached is None:
        cached = set(user.reviewed_departments.values_list("pk", flat=True))
        user._perfeval_reviewed = cached
    return cached


def is_admin(user: AnyUser) -> bool:
    return ADMIN in user_roles(user)


def is_clerk_of(user: AnyUser, department_id: int | None) -> bool:
    # An anonymous user has no department (and no role, so it is never read).
    return CLERK in user_roles(user) and getattr(user, "department_id", None) == department_id


def reviews(user: AnyUser, department_id: int | None) -> bool:
    return department_id in reviewed_department_ids(user)


def is_auditor(user: AnyUser) -> bool:
    return AUDITOR in user_roles(user)
