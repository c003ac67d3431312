"""The parts of the access policy every rule shares: the actions, the base rule, small
helpers on roles and paths. ``perfeval.access`` holds the rules and the answers."""

from __future__ import annotations

from django.db.models import Q

from departments import roles

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
