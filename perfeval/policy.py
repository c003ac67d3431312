"""The parts of the access policy every rule shares: the actions, the base rule, small
helpers on roles and paths. ``perfeval.access`` holds the rules and the answers."""

from __future__ import annotations

from django.db.models import Q

from departments import roles
from reports.models import Report

VIEW, ADD, CHANGE, DELETE, EXPORT, IMPORT = "view", "add", "change", "delete", "export", "import"
# Actions on a report only (the workflow decides the states they start from).
SUBMIT, APPROVE, RETURN, REOPEN = "submit", "approve", "return", "reopen"
# A clerk takes back a submission nobody has started to review (reports.workflow).
WITHDRAW = "withdraw"
DOWNLOAD, PREVIEW = "download", "preview"
# Review comments: start a thread on a report; reply to, resolve or reopen a thread.
COMMENT, REPLY, RESOLVE = "comment", "reply", "resolve"
# On a department: start its next report; remind it of a stage that is due (催办).
START, REMIND = "start", "remind"
# On an approved 绩效目标表: start an adjustment (调整), a new version reviewed again.
ADJUST = "adjust"
# On an approved report: publish it on the public site (绩效信息公开), or withdraw it.
PUBLISH = "publish"

ROW_WRITES = (ADD, CHANGE, DELETE)
NOTHING = Q(pk__in=[])


class Refused(Exception):
    """An action the policy refuses; the message says why, in words a user understands."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _has_role(user, *codes: str) -> bool:
    return bool(roles.user_roles(user) & set(codes))


def _any_role(user) -> bool:
    return bool(roles.user_roles(user))


def _attribute(obj, path: str):
    """``obj.a.b`` for path "a__b"; None where a link is missing (Django's "related object
    does not exist" is an AttributeError, which getattr's default takes)."""
    for name in path.split("__") if path else ():
        obj = getattr(obj, name, None)
        if obj is None:
            return None
    return obj


class Rule:
    """What a user may do with one model's rows. The base rule allows nothing."""

    def may(self, user, action: str, obj) -> bool:
        return False

    def q(self, user) -> Q:
        return NOTHING

    def choices_q(self, user) -> Q:
        """The rows this user may pick for a form's foreign key: those they may see."""
        return self.q(user)


# --- A department's reviewed documents: the report, and the year's 绩效目标表 and 监控表 ----


def document_visible(user, department_id: int | None, status: str) -> bool:
    """Clerks see their department's documents, reviewers those of the departments they
    review, auditors every approved one, administrators all."""
    if not user.is_authenticated:
        return False
    held = roles.user_roles(user)
    if roles.ADMIN in held:
        return True
    if roles.CLERK in held and user.department_id == department_id:
        return True
    if department_id in roles.reviewed_department_ids(user):
        return True
    return roles.AUDITOR in held and status == Report.Status.APPROVED


def document_q(user, prefix: str = "") -> Q:
    """``document_visible`` as a filter on documents reached through ``prefix``."""
    if not user.is_authenticated:
        return NOTHING
    held = roles.user_roles(user)
    if roles.ADMIN in held:
        return Q()
    scope = Q(pk__in=[])
    if roles.CLERK in held and user.department_id:
        scope |= Q(**{f"{prefix}department_id": user.department_id})
    if reviewed := roles.reviewed_department_ids(user):
        scope |= Q(**{f"{prefix}department_id__in": sorted(reviewed)})
    if roles.AUDITOR in held:
        scope |= Q(**{f"{prefix}status": Report.Status.APPROVED})
    return scope


def document_writable_q(user, prefix: str = "") -> Q:
    """The documents (reached through ``prefix``) this user may write now: drafts and
    returned ones of their department for a clerk, all of those for an administrator."""
    held = roles.user_roles(user)
    editable = Q(**{f"{prefix}status__in": Report.EDITABLE_STATUSES})
    if roles.ADMIN in held:
        return editable
    if roles.CLERK in held and user.department_id:
        return editable & Q(**{f"{prefix}department_id": user.department_id})
    return NOTHING


def department_q(user, prefix: str = "") -> Q:
    """Departments (reached through ``prefix``) this user sees: their own for a clerk, those
    they review for a reviewer, all for auditors and administrators."""
    if not user.is_authenticated:
        return NOTHING
    if _has_role(user, roles.ADMIN, roles.AUDITOR):
        return Q()
    scope = Q(pk__in=[])
    if roles.CLERK in roles.user_roles(user) and user.department_id:
        scope |= Q(**{f"{prefix}pk": user.department_id})
    if reviewed := roles.reviewed_department_ids(user):
        scope |= Q(**{f"{prefix}pk__in": sorted(reviewed)})
    return scope
