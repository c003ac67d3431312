"""Who may do what to which row: the one answer for pages, every admin view and commands.

``may(user, action, target)`` answers for a row (or, given a model class, whether the user may
do it to any row of that model); ``scope(user, model)`` is the queryset of rows the user may
see. Both read one ``Rule`` per model, kept side by side below so that a row is in the
queryset exactly when ``may(user, VIEW, row)`` says yes (tests/test_access.py holds them to
it). Deny by default: a model without a rule is out of everyone's reach, administrators'
too, and an action a rule does not name is refused.

Roles are stable codes (``departments.roles``); Django's model permissions decide nothing.
The admin site (``perfeval.admin``) puts every ``ModelAdmin`` and inline under this policy.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Model, Q, QuerySet

from departments import roles
from publishing.rules import PublicationEventRule
from reports.models import Report

from .policy import (  # noqa: F401 - the actions are the policy's words for its callers
    ADD,
    ADJUST,
    APPROVE,
    CHANGE,
    COMMENT,
    DELETE,
    DOWNLOAD,
    EXPORT,
    IMPORT,
    NOTHING,
    PREVIEW,
    PUBLISH,
    REMIND,
    REOPEN,
    REPLY,
    RESOLVE,
    RETURN,
    ROW_WRITES,
    START,
    SUBMIT,
    VIEW,
    WITHDRAW,
    Refused,
    Rule,
    _any_role,
    _attribute,
    _has_role,
    department_q,
    document_q,
    document_visible,
    document_writable_q,
)
from .year_rules import DepartmentItemRule, DocumentRule, OwnRowsRule

# --- Reports: the rule that every row of a report follows -------------------------------


def report_visible(user, report: Report) -> bool:
    """Clerks see their department's reports, reviewers those of the departments they review,
    auditors every approved report, administrators all (``policy.document_visible``)."""
    return document_visible(user, report.department_id, report.status)


def report_q(user, prefix: str = "") -> Q:
    """``report_visible`` as a filter on reports reached through ``prefix``."""
    return document_q(user, prefix)


def report_writable(user, report: Report) -> bool:
    """A report's content changes only while it is a draft or returned, by its department's
    clerks or an administrator."""
    return report.is_editable and (
        roles.is_clerk_of(user, report.department_id) or roles.is_admin(user)
    )


def report_writable_q(user) -> Q:
    """``report_writable`` as a filter on reports."""
    return document_writable_q(user)


# --- Rules ----------------------------------------------------------------------------


class ReportRule(Rule):
    def may(self, user, action, obj):
        if obj is None:
            return {
                VIEW: _any_role,
                EXPORT: _any_role,
                CHANGE: lambda u: _has_role(u, roles.CLERK, roles.ADMIN),
                ADD: roles.is_admin,  # clerks start reports from their home page (START)
                DELETE: roles.is_admin,
            }.get(action, lambda u: False)(user)
        if action in (VIEW, EXPORT):
            return report_visible(user, obj)
        if action == ADD:
            return roles.is_admin(user)
        if action == CHANGE:
            return report_writable(user, obj)
        if action == DELETE:
            return roles.is_admin(user) and not obj.is_locked
        if action in (SUBMIT, WITHDRAW):
            return roles.is_clerk_of(user, obj.department_id) or roles.is_admin(user)
        if action in (APPROVE, RETURN):
            return roles.reviews(user, obj.department_id) or roles.is_admin(user)
        if action == REOPEN:
            return user.is_authenticated and user.is_superuser
        if action == COMMENT:
            return obj.status in COMMENTED_STATES and _reviews_or_admin(user, obj)
        if action == DOWNLOAD:
            return obj.status == Report.Status.APPROVED and report_visible(user, obj)
        if action == PREVIEW:
            # Auditors never see a report before approval, so never get a preview.
            return obj.status != Report.Status.APPROVED and report_visible(user, obj)
        if action == PUBLISH:
            # On the public site (publishing): approved reports, by their reviewers or admins.
            return obj.status == Report.Status.APPROVED and _reviews_or_admin(user, obj)
        return False

    def q(self, user):
        return report_q(user)

    def choices_q(self, user):
        # A line, result or project can only be put into a report the user may write.
        return report_writable_q(user)


class ReportPartRule(Rule):
    """Rows that belong to one report (its lines, results, totals): seen with the report,
    written while the report may be written. ``path`` leads from the row to its report."""

    def __init__(self, path: str = "report", *, writable: bool = True):
        self.path = path
        self.writable = writable

    def report_of(self, obj) -> Report | None:
        # None for a historical row of a deleted report, as for a row without one.
        return _attribute(obj, self.path)

    def may(self, user, action, obj):
        if action in (VIEW, EXPORT):
            if obj is None:
                return _any_role(user)
            report = self.report_of(obj)
            return report is not None and report_visible(user, report)
        if action == IMPORT:
            return self.writable and obj is None and roles.is_admin(user)
        if action in ROW_WRITES and self.writable:
            if obj is None:
                return _has_role(user, roles.CLERK, roles.ADMIN)
            report = self.report_of(obj)
            return report is not None and report_writable(user, report)
        return False

    def q(self, user):
        return report_q(user, f"{self.path}__")


class DownloadRule(ReportPartRule):
    """Who downloaded what: for administrators and auditors (of what auditors may see)."""

    def __init__(self):
        super().__init__("report", writable=False)

    def may(self, user, action, obj):
        return _has_role(user, roles.ADMIN, roles.AUDITOR) and super().may(user, action, obj)

    def q(self, user):
        return super().q(user) if _has_role(user, roles.ADMIN, roles.AUDITOR) else NOTHING


# A reviewer comments while reviewing a submitted report, and may add to the comments of a
# report returned for changes; a draft is not under review, an approved report is closed.
COMMENTED_STATES = (Report.Status.SUBMITTED, Report.Status.RETURNED)


def _reviews_or_admin(user, report: Report) -> bool:
    return roles.reviews(user, report.department_id) or roles.is_admin(user)


class ReviewCommentRule(ReportPartRule):
    """Review comment threads: seen with their report, never changed or deleted (each reply
    or change of state is a new entry). The department's clerks and reviewers reply and mark
    threads done; reviewers reopen them; nothing moves once the report is approved. Actions
    on a thread are asked of its first entry."""

    def __init__(self):
        super().__init__("report", writable=False)

    def may(self, user, action, obj):
        if action not in (REPLY, RESOLVE, REOPEN):
            return super().may(user, action, obj)
        if obj is None or obj.thread_id is not None:
            return False
        report = obj.report
        if report.status == Report.Status.APPROVED or not report_visible(user, report):
            return False
        if action == REOPEN:
            return _reviews_or_admin(user, report)
        return roles.is_clerk_of(user, report.department_id) or _reviews_or_admin(user, report)


class DepartmentRule(Rule):
    """Departments and their org units: clerks see their own, reviewers those they review,
    auditors and administrators all. Org units may also be kept by the department's clerks."""

    def __init__(self, path: str = "", *, clerk_writes: bool = False):
        self.prefix = f"{path}__" if path else ""
        self.path = path
        self.clerk_writes = clerk_writes

    def _department_id(self, obj) -> int | None:
        return obj.pk if not self.path else getattr(obj, f"{self.path}_id", None)

    def may(self, user, action, obj):
        if action in (VIEW, EXPORT):
            if obj is None:
                return _any_role(user)
            if _has_role(user, roles.ADMIN, roles.AUDITOR):
                return True
            department_id = self._department_id(obj)
            return roles.is_clerk_of(user, department_id) or roles.reviews(user, department_id)
        if action == START and not self.path and obj is not None:
            return roles.is_clerk_of(user, obj.pk) or roles.is_admin(user)
        if action == REMIND and not self.path and obj is not None:
            return roles.reviews(user, obj.pk) or roles.is_admin(user)
        if action == IMPORT:
            return obj is None and roles.is_admin(user)
        if action in ROW_WRITES:
            if roles.is_admin(user):
                return True
            if not self.clerk_writes:
                return False
            if obj is None:
                return _has_role(user, roles.CLERK)
            return roles.is_clerk_of(user, self._department_id(obj))
        return False

    def q(self, user):
        return department_q(user, self.prefix)

    def choices_q(self, user):
        # An org unit can only be put into a department whose org units the user keeps.
        if roles.is_admin(user):
            return Q()
        if roles.CLERK in roles.user_roles(user) and user.department_id:
            return Q(**{f"{self.prefix}pk": user.department_id})
        return NOTHING


class ReferenceRule(Rule):
    """Indicator frameworks: read by everyone with a role, kept by administrators.

    A framework that a report uses is read-only (copy it to make a new version). Indicators
    and grade bands change only on their framework's page (``through_parent``), where the
    whole tree's weights are checked together; a sheet of indicators may be imported.
    """

    def __init__(self, *, through_parent: bool = False):
        self.through_parent = through_parent

    def may(self, user, action, obj):
        if action in (VIEW, EXPORT):
            return _any_role(user)
        if action == IMPORT:
            return obj is None and roles.is_admin(user)
        if action in ROW_WRITES and not self.through_parent:
            locked = obj is not None and action != ADD and obj.is_locked
            return roles.is_admin(user) and not locked
        return False

    def q(self, user):
        return Q() if _any_role(user) else NOTHING


class AdministratorsRule(Rule):
    """Users, groups, roles, sign-in records, background tasks: administrators only."""

    def __init__(self, *actions: str):
        self.actions = set(actions)

    def may(self, user, action, obj):
        return action in self.actions and roles.is_admin(user)

    def q(self, user):
        return Q() if roles.is_admin(user) else NOTHING


RULES: dict[str, Rule] = {
    "reports.report": ReportRule(),
    "reports.reporttotals": ReportPartRule(writable=False),
    # Records of what happened: read with their report, never changed or deleted.
    "reports.reporttransition": ReportPartRule(writable=False),
    "reports.approvedversion": ReportPartRule(writable=False),
    "reports.officialpdf": ReportPartRule("version__report", writable=False),
    "reports.download": DownloadRule(),
    "reports.reviewcomment": ReviewCommentRule(),
    "budgets.incomeline": ReportPartRule(),
    "budgets.expenditureline": ReportPartRule(),
    "budgets.threepublicline": ReportPartRule(),
    "budgets.project": ReportPartRule(),
    "scoring.indicatorresult": ReportPartRule(),
    "scoring.groupresult": ReportPartRule(),
    "projects.projectassessment": ReportPartRule(),
    "projects.projectindicator": ReportPartRule(),
    "departments.department": DepartmentRule(),
    "departments.orgunit": DepartmentRule("department", clerk_writes=True),
    "scoring.framework": ReferenceRule(),
    "scoring.indicator": ReferenceRule(through_parent=True),
    "scoring.gradeband": ReferenceRule(through_parent=True),
    "projects.projectframework": ReferenceRule(),
    "departments.user": AdministratorsRule(VIEW, ADD, CHANGE, DELETE),
    "auth.group": AdministratorsRule(VIEW, ADD, CHANGE, DELETE),
    "departments.role": AdministratorsRule(VIEW),
    "axes.accessattempt": AdministratorsRule(VIEW, DELETE),  # deleting one lifts its lockout
    "axes.accesslog": AdministratorsRule(VIEW),
    "axes.accessfailurelog": AdministratorsRule(VIEW),
    "django_tasks_database.dbtaskresult": AdministratorsRule(VIEW),
    # The year around the report: targets, monitoring, problems followed up, deadlines.
    "targets.targetform": DocumentRule(),
    "targets.targetrow": DocumentRule("form"),
    "targets.targettransition": DocumentRule("form", writable=False),
    "monitoring.checkpoint": ReferenceRule(),
    "monitoring.checkpointreport": DocumentRule(),
    "monitoring.progressrow": DocumentRule("report"),
    "monitoring.checkpointtransition": DocumentRule("report", writable=False),
    "followup.problemitem": DepartmentItemRule(),
    "followup.problemupdate": DepartmentItemRule("item__department", records=True),
    "deadlines.deadline": ReferenceRule(),
    "deadlines.reminder": DepartmentItemRule(clerk=False, records=True),
    "deadlines.notification": OwnRowsRule(),
    # Publications on the public site: seen with their report, added by the service only.
    "publishing.publicationevent": PublicationEventRule(),
}
DENY = Rule()


def rule_for(model: type[Model]) -> tuple[Rule, bool]:
    """The model's rule, and whether the model is a history of another (read-only)."""
    base = getattr(model, "instance_type", None)  # django-simple-history's Historical*
    if base is not None and model._meta.label_lower.split(".")[1].startswith("historical"):
        return RULES.get(base._meta.label_lower, DENY), True
    return RULES.get(model._meta.label_lower, DENY), False


# --- The answers ---------------------------------------------------------------------


def may(user, action: str, target) -> bool:
    """Whether ``user`` may take ``action`` on ``target``: a row, or a model class for
    "on some row of it" (an admin list, an add form, an export)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    model = target if isinstance(target, type) else type(target)
    obj = None if isinstance(target, type) else target
    rule, history = rule_for(model)
    if history and action not in (VIEW, EXPORT):
        return False
    return rule.may(user, action, obj)


def scope(user, model: type[Model], queryset: QuerySet | None = None) -> QuerySet:
    """The rows of ``model`` (of ``queryset`` if given) that ``user`` may see."""
    queryset = model._default_manager.all() if queryset is None else queryset
    if user is None or not user.is_authenticated or not user.is_active:
        return queryset.none()
    rule, _ = rule_for(model)
    condition = rule.q(user)
    if condition == NOTHING:
        return queryset.none()
    return queryset.filter(condition) if condition else queryset


def choices(user, model: type[Model], queryset: QuerySet | None = None) -> QuerySet:
    """The rows of ``model`` this user may pick for a form's foreign key."""
    queryset = model._default_manager.all() if queryset is None else queryset
    if user is None or not user.is_authenticated or not user.is_active:
        return queryset.none()
    rule, history = rule_for(model)
    condition = NOTHING if history else rule.choices_q(user)
    if condition == NOTHING:
        return queryset.none()
    return queryset.filter(condition) if condition else queryset


def dashboard_visible(user) -> bool:
    """The dashboard and department histories: reviewers, auditors and administrators;
    clerks work from their own report list."""
    return _has_role(user, roles.REVIEWER, roles.AUDITOR, roles.ADMIN)


def scope_key(user, model: type[Model]) -> str:
    """What ``scope`` lets ``user`` see of ``model``, as text: users who see the same rows
    (every auditor, the clerks of one department) have the same key (perfeval/pagecache.py)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return "nothing"
    rule, _ = rule_for(model)
    return repr(rule.q(user))


def visible_reports(user) -> QuerySet[Report]:
    """The reports ``user`` may open, with their department and framework."""
    return scope(user, Report, Report.objects.select_related("department", "framework"))


# --- Writes, decided again under the lock the writer holds --------------------------------


def reports_of(obj) -> set[int]:
    """The reports a row belongs to, as stored and as it is about to be saved."""
    if isinstance(obj, Report):
        return {obj.pk} if obj.pk else set()
    rule, _ = rule_for(type(obj))
    if not isinstance(rule, ReportPartRule) or rule.path != "report":
        return set()
    ids = {obj.report_id} if getattr(obj, "report_id", None) else set()
    if obj.pk is not None:
        stored = type(obj)._default_manager.filter(pk=obj.pk).values_list("report_id", flat=True)
        ids.update(stored)
    return ids


def lock_reports(report_ids: Iterable[int]) -> dict[int, Report]:
    """Lock these reports' rows until the current transaction ends; the rows as locked."""
    ids = sorted(set(report_ids))
    if not ids:
        return {}
    reports = Report.objects.filter(pk__in=ids).order_by("pk")
    if transaction.get_connection().in_atomic_block:
        reports = reports.select_for_update()
    return {report.pk: report for report in reports}


def write_refusal(user, action: str, obj) -> str | None:
    """Why ``user`` may not ``action`` (add, change, delete) ``obj`` now, or None if they may.

    Locks the reports the row belongs to first, so the answer holds until the caller's
    transaction commits: a report submitted meanwhile is seen as submitted.
    """
    locked = lock_reports(reports_of(obj))
    for report in locked.values():
        if not report_visible(user, report):
            return "没有找到该报告。"
        if not report.is_editable:
            return (
                f"“{report}”当前为“{report.get_status_display()}”状态，不能修改："
                "只有草稿和已退回的报告可以修改。"
            )
        if not report_writable(user, report):
            return f"您无权修改“{report}”：只有本部门的填报员和管理员可以修改。"
    target = obj
    if isinstance(obj, Report) and obj.pk in locked:
        target = locked[obj.pk]
    if not may(user, action, target):
        return "您无权进行此操作。"
    return None
