"""What the public site shows: the reports published and still standing at the version that
was published, and each one's figures as approved."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import Max, OuterRef, QuerySet, Subquery

from budgets.calc import plus, rate_pct
from reports.models import ApprovedVersion, Report, ReportTransition

from .models import PublicationEvent

Action = PublicationEvent.Action


def published_events() -> QuerySet[PublicationEvent]:
    """The event that makes each public report public: the report's latest event, a
    publication of the version the report, still approved, stands at."""
    latest_event = (
        PublicationEvent.objects.filter(report=OuterRef("report")).order_by("-pk").values("pk")
    )
    current = ApprovedVersion.objects.filter(report=OuterRef("report")).order_by("-number")
    return PublicationEvent.objects.filter(
        pk=Subquery(latest_event[:1]),
        action=Action.PUBLISH,
        report__status=Report.Status.APPROVED,
        version=Subquery(current.values("pk")[:1]),
    )


def latest_event(*, report: Report) -> PublicationEvent | None:
    """The report's latest event, with who logged it and the version the report stands at
    now (``current_version_id``): one query."""
    current = ApprovedVersion.objects.filter(report=OuterRef("report")).order_by("-number")
    return (
        report.publication_events.select_related("actor")
        .annotate(current_version_id=Subquery(current.values("pk")[:1]))
        .order_by("-pk")
        .first()
    )


def is_published(*, report: Report, event: PublicationEvent | None) -> bool:
    """Whether ``event`` (the report's latest, from ``latest_event``) keeps ``report`` public
    now."""
    if event is None or event.action != Action.PUBLISH:
        return False
    return report.status == Report.Status.APPROVED and (
        event.version_id == getattr(event, "current_version_id", None)
    )


@dataclass(frozen=True)
class Stamp:
    """What a public page's validators and cache key are made of: the publication, the
    version and its stored PDF (empty while not rendered yet)."""

    event_id: int
    version_id: int
    report_id: int
    at: datetime  # when it was published
    pdf_sha256: str


def published_stamp(*, report_id: int) -> Stamp | None:
    """The report's stamp if it is public now, None otherwise: one query."""
    row = (
        published_events()
        .filter(report_id=report_id)
        .values_list("pk", "version_id", "report_id", "at", "version__pdf__sha256")
        .first()
    )
    return None if row is None else Stamp(*row[:4], pdf_sha256=row[4] or "")


def list_stamp() -> tuple[int, int]:
    """What the public list is made of changes only when an event is logged or a report
    moves (a reopen takes a report off the list): the latest of each."""
    events = PublicationEvent.objects.aggregate(n=Max("pk"))["n"] or 0
    moves = ReportTransition.objects.aggregate(n=Max("pk"))["n"] or 0
    return events, moves


# What the list shows of each publication.
LISTED_FIELDS = (
    "at",
    "report_id",
    "version_id",
    "report__year",
    "report__department__name",
    "version__total_score",
    "version__grade",
    "report__totals__basic_budget",
    "report__totals__basic_actual",
    "report__totals__project_budget",
    "report__totals__project_actual",
)


@dataclass(frozen=True)
class Listed:
    report_id: int
    year: int
    department: str
    score: Decimal
    grade: str
    spent: Decimal | None
    rate_pct: Decimal | None
    published_at: datetime


def published_list(*, year: int | None = None, department: str = "") -> QuerySet:
    """The public reports, newest year first, filtered by year and a part of the department's
    name; rows of ``LISTED_FIELDS`` (``listed_row`` makes them ``Listed``)."""
    events = published_events()
    if year is not None:
        events = events.filter(report__year=year)
    if department:
        events = events.filter(report__department__name__icontains=department)
    return events.order_by("-report__year", "report__department__code", "pk").values_list(
        *LISTED_FIELDS
    )


def listed_row(row: tuple) -> Listed:
    """A row of ``published_list``: 支出总额 and 执行率 from the report's stored totals (an
    approved report is locked, so they are the approved figures)."""
    at, report_id, _, year, department, score, grade, *money = row
    basic_budget, basic_actual, project_budget, project_actual = money
    spent = plus(basic_actual, project_actual)
    return Listed(
        report_id=report_id,
        year=year,
        department=department,
        score=score,
        grade=grade,
        spent=spent,
        rate_pct=rate_pct(spent, plus(basic_budget, project_budget)),
        published_at=at,
    )


def published_years() -> list[int]:
    return sorted(set(published_events().values_list("report__year", flat=True)), reverse=True)


@dataclass(frozen=True)
class PublicReport:
    """One public report as its page shows it: the figures of the approved version."""

    event: PublicationEvent
    version: ApprovedVersion
    summary: dict

    @property
    def title(self) -> str:
        return self.version.report.title


def public_report(*, report_id: int) -> PublicReport | None:
    """The public report with its approved summary (``reports.selectors.report_summary``, as
    frozen when approved) and its stored PDF, None unless it is public now."""
    event = (
        published_events()
        .filter(report_id=report_id)
        .select_related("version__report__department", "version__pdf")
        .first()
    )
    if event is None:
        return None
    return PublicReport(event=event, version=event.version, summary=event.version.summary)
