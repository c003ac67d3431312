"""The reviewer's queue: the reports waiting for their decision, oldest submission first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Count, F, OuterRef, Subquery

from departments import roles
from perfeval import access

from .models import Report, ReportTransition
from .totals import with_scores

Status = Report.Status
# Rows listed on the admin's first page; the report list holds the rest.
QUEUE_LIMIT = 50


@dataclass(frozen=True)
class QueueRow:
    """A submitted report as the queue lists it."""

    report: Report
    submitted_at: datetime | None
    submitted_by: str
    # 1 for a first submission, 2 after one return or withdrawal, …
    submission_number: int
    note: str
    score: Decimal | None
    grade: str | None  # None: not scored yet

    @property
    def resubmitted(self) -> bool:
        return self.submission_number > 1


@dataclass(frozen=True)
class ReviewQueue:
    """What waits for a reviewer, and what waits for the clerks of their departments."""

    rows: list[QueueRow]
    waiting: int  # 待审核 reports the user may approve or return
    returned: int  # 已退回, waiting for the clerk
    drafts: int

    @property
    def more(self) -> int:
        """Waiting reports not listed (past ``QUEUE_LIMIT``)."""
        return self.waiting - len(self.rows)


def reviews_reports(user) -> bool:
    """Whether the user decides on submitted reports: reviewers and administrators."""
    return bool(roles.user_roles(user) & {roles.REVIEWER, roles.ADMIN})


def review_queue(*, user, limit: int = QUEUE_LIMIT) -> ReviewQueue | None:
    """The reports awaiting ``user``'s decision, oldest submission first (None for a user
    who reviews nothing)."""
    if not reviews_reports(user):
        return None
    visible = access.scope(user, Report)
    last_submit = ReportTransition.objects.filter(
        report=OuterRef("pk"), action=ReportTransition.Action.SUBMIT
    ).order_by("-created_at", "-pk")
    submitted = (
        visible.filter(status=Status.SUBMITTED)
        .annotate(submitted_at=Subquery(last_submit.values("created_at")[:1]))
        .order_by(F("submitted_at").asc(nulls_first=True), "pk")
    )
    # The policy decides who may approve which report; the queue lists exactly those.
    decidable = [
        report.pk
        for report in submitted.only("pk", "department_id", "status")
        if access.may(user, access.APPROVE, report)
    ]
    shown = decidable[:limit]
    reports = {
        report.pk: report
        for report in with_scores(Report.objects.filter(pk__in=shown))
        .select_related("department", "framework")
        .annotate(
            submitted_at=Subquery(last_submit.values("created_at")[:1]),
            submitted_by_id=Subquery(last_submit.values("user_id")[:1]),
            submission_note=Subquery(last_submit.values("comment")[:1]),
        )
    }
    numbers = dict(
        ReportTransition.objects.filter(report_id__in=shown, action=ReportTransition.Action.SUBMIT)
        .values("report_id")
        .annotate(n=Count("pk"))
        .values_list("report_id", "n")
        .order_by()
    )
    people = {
        user.pk: user.first_name or user.username
        for user in get_user_model().objects.filter(
            pk__in={report.submitted_by_id for report in reports.values()}
        )
    }
    rows = []
    for pk in shown:
        report = reports[pk]
        rows.append(
            QueueRow(
                report=report,
                submitted_at=report.submitted_at,
                submitted_by=people.get(report.submitted_by_id, ""),
                submission_number=numbers.get(pk, 0),
                note=report.submission_note or "",
                score=report.score_total,
                grade=report.score_grade,
            )
        )
    return ReviewQueue(
        rows=rows,
        waiting=len(decidable),
        returned=visible.filter(status=Status.RETURNED).count(),
        drafts=visible.filter(status=Status.DRAFT).count(),
    )
