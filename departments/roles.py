"""The four roles of perfeval, by stable code, and each signed-in user's roles and scope.

A role is carried by an auth group linked to its code (``Role``); the group's name is only a
label. What each role may do to which rows is decided in ``perfeval.access``.
"""

from django.contrib.auth.models import AnonymousUser

from perfeval import pagecache

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
        cached = set(_group_roles(user.pk))
        if user.is_superuser:
            cached.add(ADMIN)
        user._perfeval_roles = cached
    return cached


def _group_roles(user_id: int) -> list[str]:
    """The codes of the roles the user's groups carry, asked of the database once and then
    kept in the shared cache until anyone's groups or the roles change (``roles_changed``):
    every request asks who may do what, and a query each time would cost as much as loading
    the user."""
    key = pagecache.key((pagecache.generation(pagecache.ROLES),), "roles", user_id)
    return pagecache.kept(
        key,
        lambda: sorted(Role.objects.filter(group__user=user_id).values_list("code", flat=True)),
    )


def roles_changed(sender, action: str = "", **kwargs) -> None:
    """A receiver (departments/apps.py): a user's groups changed, or a role's group."""
    if action in ("", "post_add", "post_remove", "post_clear"):
        pagecache.bump(pagecache.ROLES)


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
