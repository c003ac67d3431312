"""The year's dashboard kept in parts, so that a country's dashboard costs little after a change.

A *part* holds the reports of a block of ``PART_DEPARTMENTS`` departments (by id:
``perfeval.pagecache.part_of``). What a part adds to the dashboard is kept per user scope,
year, filter and order under the part's own generation: a clerk's save, a transition, a
report deleted or a department saved bumps the generation of that department's part only
(perfeval/pagecache.py). A page reads every part's generation and kept value at once, works
out again only the stale parts (one set of queries for all of them, grouped by part), and
adds the parts up with the same code that adds up one pass (``summary.summary_from``,
``overview.region_rates``): what a part keeps are the groups and sums of one pass, not
figures of its own.

With 120,000 reports in 59 parts, the dashboard after one report changed works out one part
of about 2,000 reports instead of all of them (bench/national.py).
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, TypeVar

from django.core.cache import caches
from django.db.models import F, Max, Q, QuerySet, Window
from django.db.models.functions import RowNumber

from departments.models import Department
from perfeval import pagecache

from . import overview, summary
from .overview import LabelRate, ReportFigures
from .summary import DashboardSummary

if TYPE_CHECKING:
    from .overview import FiguredReport

T = TypeVar("T")


@dataclass(frozen=True)
class Generations:
    """The generations every dashboard part is kept under, read before any of its data."""

    epoch: str
    parts: tuple[str, ...]

    @property
    def page(self) -> tuple[str, ...]:
        """A whole page's generations: it goes stale with any of its parts."""
        return (self.epoch, *self.parts)


def generations_read() -> Generations:
    """The current generation of each part that holds a department (2 cache reads, 1 query)."""
    top = Department.objects.aggregate(top=Max("pk"))["top"]
    kinds = [pagecache.part_kind(part) for part in range(pagecache.part_of(top or 0) + 1)]
    found = pagecache.generations([pagecache.EPOCH, *kinds])
    return Generations(found[pagecache.EPOCH], tuple(found[kind] for kind in kinds))


def kept_parts(
    generations: Generations,
    name: tuple,
    make: Callable[[list[int] | None], dict[int, T]],
    empty: T,
) -> list[T]:
    """The value of every part named by ``name``, the kept ones read at once;
    ``make(parts)`` works out the missing ones (``None``: all of them) as {part: value}, a
    part without reports left out (``empty``)."""
    cache = caches[pagecache.CACHE]
    keys = [
        pagecache.key((generations.epoch, generation), *PART, *name, part)
        for part, generation in enumerate(generations.parts)
    ]
    found = cache.get_many(keys)
    missing = [part for part, key in enumerate(keys) if key not in found]
    if missing:
        made = make(None if len(missing) == len(keys) else missing)
        new = {keys[part]: made.get(part, empty) for part in missing}
        cache.set_many(new)
        found |= new
    return [found[key] for key in keys]


def of_parts(reports: QuerySet, parts: list[int] | None) -> QuerySet:
    """The reports with their ``part``, of ``parts`` only (None: all): ranges of department
    ids, which the index of (department, year) finds."""
    reports = reports.annotate(part=F("department_id") / pagecache.PART_DEPARTMENTS)
    if parts is None:
        return reports
    within = Q()
    for part in parts:
        low = part * pagecache.PART_DEPARTMENTS
        within |= Q(department_id__gte=low, department_id__lt=low + pagecache.PART_DEPARTMENTS)
    return reports.filter(within)


# --- What one part adds to the dashboard -------------------------------------------------


@dataclass(frozen=True)
class Part:
    """One part's groups of ``summary.count_groups``, its rows of
    ``summary.three_public_sums`` and ``overview.region_sums``, and the ``overview.sort_key``
    of its first reports in the table's order (each key ends with the report's id)."""

    groups: tuple[tuple, ...] = ()
    three_public: tuple[dict, ...] = ()
    regions: tuple[dict, ...] = ()
    first: tuple[tuple, ...] = field(default=())


def _by_part(rows, key: str = "part") -> dict[int, list]:
    grouped: dict[int, list] = defaultdict(list)
    for row in rows:
        grouped[row.pop(key)].append(row)
    return grouped


def parts_made(
    reports: QuerySet[FiguredReport], *, sort: str, rows: int, parts: list[int] | None
) -> dict[int, Part]:
    """What ``parts`` of the reports add to the dashboard: 4 queries for any number of parts."""
    reports = of_parts(reports, parts)
    groups: dict[int, list] = defaultdict(list)
    for part, *group in summary.count_groups(reports, by="part"):
        groups[part].append(tuple(group))
    line_part = F("report__department_id") / pagecache.PART_DEPARTMENTS
    three_public = _by_part(summary.three_public_sums(reports, by=line_part), key="by")
    regions = _by_part(overview.region_sums(reports.order_by(), by="part"))
    first = overview.rows_ordered(reports, sort).annotate(
        place=Window(RowNumber(), partition_by=[F("part")], order_by=overview.sort_order(sort))
    )
    table: dict[int, list] = defaultdict(list)
    for report in first.filter(place__lte=rows):
        at: int = report.part  # type: ignore[attr-defined]  # of_parts's annotation
        table[at].append(overview.sort_key(sort, report))
    return {
        part: Part(
            groups=tuple(groups[part]),
            three_public=tuple(three_public[part]),
            regions=tuple(regions[part]),
            first=tuple(table[part]),
        )
        for part in {*groups, *three_public, *regions, *table}
    }


@dataclass(frozen=True)
class Dashboard:
    summary: DashboardSummary
    rows: list[ReportFigures]
    rate_kind: str
    rates: list[LabelRate]


def dashboard_of_parts(
    reports: QuerySet[FiguredReport],
    *,
    generations: Generations,
    name: tuple,
    grades: list[str],
    sort: str,
    rows: int,
) -> Dashboard:
    """The dashboard of the reports (the user's scope, filtered; ``name`` names both) added up
    from its parts, the stale ones worked out again."""
    parts = kept_parts(
        generations,
        (*name, sort, rows),
        lambda missing: parts_made(reports, sort=sort, rows=rows, parts=missing),
        Part(),
    )
    figures = summary.summary_from(
        (group for part in parts for group in part.groups),
        (line for part in parts for line in part.three_public),
        grades,
    )
    # The first reports of the whole, read again with what the table shows: one query.
    first = heapq.nsmallest(rows, (key for part in parts for key in part.first))
    table = overview.dashboard_rows(
        reports=reports.filter(pk__in=[key[-1] for key in first]), sort=sort, limit=None
    )
    if figures.total <= overview.DEPARTMENT_CHART_LIMIT:  # few: the departments, as they are
        rate_kind, rates = overview.execution_rates(reports=reports, total=figures.total)
    else:
        rate_kind = "region"
        rates = overview.region_rates(region for part in parts for region in part.regions)
    return Dashboard(figures, table, rate_kind, rates)


# --- The filter form's choices -----------------------------------------------------------


@dataclass(frozen=True)
class Choices:
    """One part's years (any year) and regions (of the page's year) of the user's reports."""

    years: frozenset[int] = frozenset()
    regions: frozenset[str] = frozenset()


# In every part's key: what a kept part holds, so that parts kept by an older version of this
# code are not read after an upgrade.
PART = ("dashboard_part", *(f.name for f in fields(Part)), *(f.name for f in fields(Choices)))


def choices_of_parts(
    scope: QuerySet, *, year: int, generations: Generations, name: tuple
) -> tuple[list[int], list[str]]:
    """The years (latest first) and the regions (of ``year``) of the reports in ``scope``."""

    def make(missing: list[int] | None) -> dict[int, Choices]:
        reports = of_parts(scope.order_by(), missing)
        years = _by_part(reports.values("part", "year").distinct())
        regions = _by_part(
            reports.filter(year=year).values("part", region=F("department__region")).distinct()
        )
        return {
            part: Choices(
                frozenset(row["year"] for row in years[part]),
                frozenset(row["region"] for row in regions[part]),
            )
            for part in {*years, *regions}
        }

    parts = kept_parts(generations, (*name, "choices", year), make, Choices())
    years = sorted({y for part in parts for y in part.years}, reverse=True)
    regions = sorted({r for part in parts for r in part.regions if r})
    return years, regions
