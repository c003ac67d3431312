"""The access rules of the year's documents around the report: the 绩效目标表 and 监控表
(reviewed like a report), the rows kept per department (问题整改 items, 催办 records), and a
user's own notifications. ``perfeval.access`` puts them in its table of rules."""

from __future__ import annotations

from django.db.models import Q

from departments import roles
from reports.models import Report

from .policy import (
    ADD,
    ADJUST,
    APPROVE,
    CHANGE,
    DELETE,
    DOWNLOAD,
    EXPORT,
    NOTHING,
    RETURN,
    ROW_WRITES,
    SUBMIT,
    VIEW,
    WITHDRAW,
    Rule,
    _any_role,
    _attribute,
    _has_role,
    department_q,
    document_q,
    document_visible,
    document_writable_q,
)


class DocumentRule(Rule):
    """A reviewed document of a department's year that moves through the report's workflow
    (``reports.workflow.Flow``): seen and moved by the same roles as a report, written while
    a draft or returned. ``path`` leads from a row to the document (empty: the row is it)."""

    def __init__(self, path: str = "", *, writable: bool = True, document: bool = True):
        self.path = path
        self.prefix = f"{path}__" if path else ""
        self.writable = writable
        self.document = document and not path

    def document_of(self, obj):
        return _attribute(obj, self.path) if self.path else obj

    def may(self, user, action, obj):
        if obj is None:
            if action in (VIEW, EXPORT):
                return _any_role(user)
            if action in (ADD, CHANGE) and self.writable:
                return _has_role(user, roles.CLERK, roles.ADMIN)
            return False
        document = self.document_of(obj)
        if document is None:
            return False
        department_id, status = document.department_id, document.status
        if not document_visible(user, department_id, status):
            return False
        clerk_or_admin = roles.is_clerk_of(user, department_id) or roles.is_admin(user)
        if action in (VIEW, EXPORT):
            return True
        if action == DOWNLOAD:
            return True
        if action in ROW_WRITES and self.writable:
            if action == DELETE and self.document:
                return roles.is_admin(user) and status != Report.Status.APPROVED
            return document.status in Report.EDITABLE_STATUSES and clerk_or_admin
        if not self.document:
            return False
        if action in (SUBMIT, WITHDRAW):
            return clerk_or_admin
        if action in (APPROVE, RETURN):
            return roles.reviews(user, department_id) or roles.is_admin(user)
        if action == ADJUST:
            return status == Report.Status.APPROVED and clerk_or_admin
        return False

    def q(self, user):
        return document_q(user, self.prefix)

    def choices_q(self, user):
        return document_writable_q(user, self.prefix)


class DepartmentItemRule(Rule):
    """Rows kept per department outside any document (问题整改 items, 催办 records): seen by
    the department's clerks and reviewers, auditors and administrators; added and changed by
    its reviewers and (with ``clerk``) its clerks and by administrators, deleted by
    administrators only. A record of what happened (``records``) is written by its service
    alone (a 催办 asks REMIND of the department, an item's update CHANGE of the item) and
    never changed."""

    def __init__(self, path: str = "department", *, clerk: bool = True, records: bool = False):
        self.path = path
        self.prefix = f"{path}__"
        self.clerk = clerk
        self.records = records

    def may(self, user, action, obj):
        if action in (VIEW, EXPORT):
            if obj is None:
                return _any_role(user)
            department_id = getattr(_attribute(obj, self.path), "pk", None)
            if _has_role(user, roles.ADMIN, roles.AUDITOR):
                return True
            return roles.is_clerk_of(user, department_id) or roles.reviews(user, department_id)
        if action not in ROW_WRITES or self.records:
            return False  # records are written by their service only (REMIND, CHANGE)
        if roles.is_admin(user):
            return True
        if action == DELETE:
            return False
        if obj is None:
            writers = (roles.CLERK, roles.REVIEWER) if self.clerk else (roles.REVIEWER,)
            return _has_role(user, *writers)
        department_id = getattr(_attribute(obj, self.path), "pk", None)
        return (self.clerk and roles.is_clerk_of(user, department_id)) or roles.reviews(
            user, department_id
        )

    def q(self, user):
        return department_q(user, self.prefix)


class OwnRowsRule(Rule):
    """A user's own rows (notifications): seen and marked read by that user only."""

    def may(self, user, action, obj):
        if action not in (VIEW, CHANGE):
            return False
        return obj is None or obj.user_id == user.pk

    def q(self, user):
        return Q(user_id=user.pk) if user.is_authenticated else NOTHING
