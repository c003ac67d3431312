"""Each report's stored totals (``ReportTotals``), kept equal to what its lines add up to.

The dashboard and a department's history read a report's 总分 and money sums from one row
instead of summing thousands of reports' lines on every request. The row is worked out again in the
same transaction whenever a line or result of the report is saved or deleted:

- the two writers of those rows (``budgets.writers``, ``scoring.writers``, through
  ``Report.editing``) refresh the reports they wrote once, when their block ends;
- code that writes many rows runs inside ``totals_deferred()``: the reports it touched are
  refreshed once, when the block ends;
- a save or delete past the writers (the shell, test set-up) is caught by the signal
  receivers below, which refresh the row's report.

``totals_stale`` tells which stored rows differ from the lines (the test suite checks it
after every test; ``manage.py report_totals --check`` checks a live database).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal
from itertools import islice
from typing import TYPE_CHECKING, TypedDict

from django.db import transaction
from django.db.models import F, Q, QuerySet, Sum
from django.db.models.signals import post_delete, post_save

from budgets.calc import summed
from budgets.models import ExpenditureLine, ThreePublicLine
from perfeval import pagecache
from perfeval.numbers import ZERO
from scoring.models import GroupResult, IndicatorResult
from scoring.selectors import grade_expression, scored_totals

from .models import Report, ReportTotals

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

FIELDS = (
    "score",
    "basic_budget",
    "basic_actual",
    "project_budget",
    "project_actual",
    "three_public_budget",
    "three_public_actual",
    "three_public_previous",
)
# Models whose rows add up to a report's totals.
SOURCES = (ExpenditureLine, ThreePublicLine, IndicatorResult, GroupResult)
# Reports per query: SQLite allows a limited number of parameters.
CHUNK = 500

# The reports touched inside the current ``totals_deferred()`` block (None outside one).
_pending: ContextVar[set[int] | None] = ContextVar("report_totals_pending", default=None)


def _batched(values: Iterable[int]) -> Iterator[tuple[int, ...]]:
    ordered = iter(sorted(set(values)))
    while chunk := tuple(islice(ordered, CHUNK)):
        yield chunk


def totals_computed(
    report_ids: Iterable[int], *, lock: bool = False
) -> dict[int, dict[str, Decimal | None]]:
    """The totals of the given (existing) reports, summed from their lines: 4 queries a chunk.

    ``lock`` locks the reports' rows first (inside a transaction), so that two transactions
    changing lines of the same report refresh one after the other, the second seeing the
    first's lines: otherwise each could sum only its own change.
    """
    figures: dict[int, dict[str, Decimal | None]] = {}
    reports = Report.objects.order_by("pk")
    if lock and transaction.get_connection(reports.db).in_atomic_block:
        reports = reports.select_for_update()
    for chunk in _batched(report_ids):
        for pk in reports.filter(pk__in=chunk).values_list("pk", flat=True):
            # The score stays None (未评分) unless a row or a group has one.
            figures[pk] = dict.fromkeys(FIELDS, ZERO) | {"score": None}
        basic = Q(nature__in=ExpenditureLine.BASIC_NATURES)
        project = Q(nature=ExpenditureLine.Nature.PROJECT)
        spending = _grouped(
            ExpenditureLine.objects.filter(report_id__in=chunk),
            basic_budget=Sum("budget", filter=basic),
            basic_actual=Sum("actual", filter=basic),
            project_budget=Sum("budget", filter=project),
            project_actual=Sum("actual", filter=project),
        )
        three_public = _grouped(
            ThreePublicLine.objects.filter(report_id__in=chunk),
            three_public_budget=Sum("budget"),
            three_public_actual=Sum("actual"),
            three_public_previous=Sum("previous_actual"),
        )
        for row in [*spending, *three_public]:
            report_figures = figures.get(row.pop("report_id"))
            if report_figures is not None:
                report_figures.update({k: summed(v) for k, v in row.items()})
        for report_id, part in scored_totals(report_ids=chunk):
            if report_id in figures:
                figures[report_id]["score"] = (figures[report_id]["score"] or ZERO) + summed(part)
    return figures


class Scored(TypedDict):
    score_total: Decimal | None
    score_grade: str | None


def with_scores(reports: QuerySet[Report]) -> QuerySet[WithAnnotations[Report, Scored]]:
    """The reports with their score as every list shows it, read from the stored totals:
    ``score_total`` (None: 未评分) and ``score_grade`` (``rules.grade_for`` in SQL, the
    report's own framework's bands)."""
    return reports.annotate(score_total=F("totals__score")).annotate(
        score_grade=grade_expression(score="score_total")
    )


def _grouped(lines: QuerySet, **sums) -> list[dict]:
    return list(lines.order_by().values("report_id").annotate(**sums))


def totals_refresh(report_ids: Iterable[int]) -> None:
    """Work the totals of these reports out again and store them (deleted reports are skipped)."""
    figures = totals_computed(report_ids, lock=True)
    rows = [ReportTotals(report_id=pk, **values) for pk, values in figures.items()]
    ReportTotals.objects.bulk_create(
        rows,
        batch_size=CHUNK,
        update_conflicts=True,
        unique_fields=["report"],
        update_fields=FIELDS,
    )
    # The dashboard shows them: the parts of these reports' departments go stale.
    pagecache.parts_bump(
        department_id
        for chunk in _batched(figures)
        for department_id in Report.objects.filter(pk__in=chunk).values_list(
            "department_id", flat=True
        )
    )


def totals_stale(report_ids: Iterable[int] | None = None) -> list[int]:
    """Reports (all, or the given ones) whose stored totals differ from their lines."""
    ids = Report.objects.values_list("pk", flat=True) if report_ids is None else report_ids
    stale = []
    for chunk in _batched(ids):
        computed = totals_computed(chunk)
        stored = {
            row.pop("report_id"): row
            for row in ReportTotals.objects.filter(report_id__in=chunk).values("report_id", *FIELDS)
        }
        stale += [pk for pk, values in computed.items() if stored.get(pk) != values]
    return stale


@contextmanager
def totals_deferred() -> Iterator[None]:
    """Refresh the reports whose lines change in this block once, when it ends without error.

    Use it inside the transaction that writes (``@transaction.atomic`` above it): the
    totals are then written in that transaction too. Blocks may nest; the outermost refreshes.
    """
    if _pending.get() is not None:
        yield
        return
    pending: set[int] = set()
    token = _pending.set(pending)
    try:
        yield
    finally:
        _pending.reset(token)
    if pending:
        totals_refresh(pending)


def totals_changed(report_ids: Iterable[int]) -> None:
    """These reports' lines changed: refresh them now, or at the end of ``totals_deferred()``.

    The receivers call it for every save and delete; code that writes with ``bulk_create``,
    ``bulk_update`` or ``update()`` calls it itself.
    """
    pending = _pending.get()
    if pending is None:
        totals_refresh(report_ids)
    else:
        pending.update(report_ids)


# --- Signal receivers --------------------------------------------------------------------


def _line_saved(sender, instance, raw=False, **kwargs) -> None:
    if raw:  # loaddata: the stored totals come with the data
        return
    # The writers (budgets.writers, scoring.writers) refresh the reports they write, a row
    # moved to another report included; this catches a save past them (the shell, tests).
    totals_changed({instance.report_id})


def _line_deleted(sender, instance, origin=None, **kwargs) -> None:
    # A report being deleted takes its totals along: nothing to work out.
    if isinstance(origin, Report) or (isinstance(origin, QuerySet) and origin.model is Report):
        return
    totals_changed({instance.report_id})


def _report_saved(sender, instance, created=False, raw=False, **kwargs) -> None:
    if created and not raw:
        totals_changed({instance.pk})


def connect() -> None:
    post_save.connect(_report_saved, sender=Report, dispatch_uid="report_totals_new")
    for model in SOURCES:
        uid = f"{model._meta.label_lower}_totals"
        post_save.connect(_line_saved, sender=model, dispatch_uid=f"{uid}_saved")
        post_delete.connect(_line_deleted, sender=model, dispatch_uid=f"{uid}_deleted")
