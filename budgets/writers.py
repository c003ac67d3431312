"""The one writer of a report's money lines: income, expenditure, 三公经费 and projects.

The editor, the Excel import, the admin (pages, inlines and CSV import), the demo loader,
next year's start and the province generator all write lines through these functions; the
mechanics (lock, editability, history, stored totals) are ``perfeval.owned``'s.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from itertools import groupby

from django.db import models

from perfeval.owned import Changes, OwnedRows, ReportRow

from .models import ExpenditureLine, IncomeLine, Project, ThreePublicLine

LINES = OwnedRows(IncomeLine, ExpenditureLine, ThreePublicLine, Project)

# One row, or a formset's rows, as a form gives them (the admin calls LINES itself).
line_save = LINES.save
formset_save = LINES.formset_save

# What makes a line the same line from one write to the next: its kind or its name where
# the report has one of each, otherwise its place in the report's order.
_KEYS = {ThreePublicLine: "kind", Project: "name"}


def _content_fields(model) -> list[models.Field]:
    return [
        field
        for field in model._meta.concrete_fields
        if field.editable and not field.primary_key and field.name != "report"
    ]


def lines_sync(
    *, report, model, rows: Sequence[Mapping[str, object]], user=None, reason: str = ""
) -> bool:
    """Make the report's lines of ``model`` exactly ``rows`` (field values; a field left out
    takes its default). A line that already reads so is left alone, so writing the same
    figures twice records no change. Whether anything changed."""
    if not LINES.owns(model):
        raise TypeError(f"{model.__name__} is not a report line")
    fields = _content_fields(model)
    wanted = [
        {field.name: row.get(field.name, field.get_default()) for field in fields} for row in rows
    ]
    existing = list(model.objects.filter(report=report).order_by(*_line_order(model)))
    key = _KEYS.get(model)
    if key:
        by_key = {getattr(line, key): line for line in existing}
        matched = [by_key.pop(values[key], None) for values in wanted]
        leftover = list(by_key.values())
    else:
        matched = [*existing[: len(wanted)], *[None] * (len(wanted) - len(existing))]
        leftover = existing[len(wanted) :]
    changes = Changes()
    for line, values in zip(matched, wanted, strict=True):
        changes.add(line, values, lambda: model(report=report))
    if not (changes or leftover):
        return False
    LINES.bulk_write(
        model,
        report_ids=[report.pk],
        new=changes.new,
        changed=changes.changed,
        fields=changes.fields,
        removed=model.objects.filter(pk__in=[line.pk for line in leftover]),
        user=user,
        reason=reason,
    )
    return True


def _line_order(model) -> list:
    ordering = [part for part in model._meta.ordering if part != "report"]
    return [*ordering, "pk"]


def lines_create(
    lines: Iterable[ReportRow],
    *,
    user=None,
    reason: str = "",
    history: bool = True,
    validate: bool = True,
) -> None:
    """Insert new lines of any reports, in bulk: next year's start, generated test data
    (``history`` and ``validate`` off, for speed)."""
    lines = list(lines)
    if validate:
        for line in lines:
            line.full_clean()
    for model, same in groupby(sorted(lines, key=lambda line: type(line).__name__), key=type):
        rows = list(same)
        LINES.bulk_write(
            model,
            report_ids={line.report_id for line in rows},
            new=rows,
            user=user,
            reason=reason,
            history=history,
        )
