"""How a row that belongs to a report is written: the mechanics the two writers share.

``budgets.writers`` (income, expenditure, 三公 and project lines) and ``scoring.writers``
(indicator and group results) are the only code that writes those rows. Each write:

- runs in one transaction that locks the reports it touches (``Report.editing``) and is
  refused unless they may change now (draft or returned), read under that lock;
- records who and why in the rows' history (django-simple-history);
- refreshes the reports' stored totals once, when it ends.

This module knows no report model: the rows' ``report`` foreign key names it, and the
model offers ``editing(report_ids)``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

# A row of a report-owned model: any model with a ``report`` foreign key, so with a
# ``report_id``, and django-simple-history's ``_history_user`` and ``_change_reason``. The stubs
# cannot spell "a Model with these attributes", so the type checker takes such rows as Any.
ReportRow = Any


def writer_for(model) -> OwnedRows | None:
    """The writer of a model's rows (``budgets.writers``, ``scoring.writers``,
    ``projects.writers``), if it has one."""
    from budgets.writers import LINES  # the writers import this module
    from projects.writers import ASSESSMENTS
    from scoring.writers import RESULTS

    writers = (LINES, RESULTS, ASSESSMENTS)
    return next((writer for writer in writers if writer.owns(model)), None)


def report_model(model: type[models.Model]) -> Any:
    """The report model (with its ``editing``), which this module does not import."""
    return model._meta.get_field("report").related_model


def stored_report_id(row: models.Model) -> int | None:
    """The report a stored row belongs to now (a form may be moving it to another)."""
    if row.pk is None:
        return None
    return type(row)._default_manager.filter(pk=row.pk).values_list("report_id", flat=True).first()


def _mark(row: ReportRow, user, reason: str) -> None:
    if user is not None:
        row._history_user = user
    if reason:
        row._change_reason = reason


@dataclass
class Changes:
    """What a write must do to make stored rows read as wanted: the rows to insert, the rows
    to update and the fields that differ (rows already reading so are not written)."""

    new: list[models.Model] = field(default_factory=list)
    changed: list[models.Model] = field(default_factory=list)
    fields: set[str] = field(default_factory=set)

    def add(
        self,
        row: models.Model | None,
        values: Mapping[str, object],
        make: Callable[[], models.Model],
        *,
        exclude: Sequence[str] = (),
    ) -> None:
        """Compare a stored row (None: there is none, ``make`` builds it) with ``values``;
        a row to write is validated like a form's."""
        differing = {
            name: value
            for name, value in values.items()
            if row is None or getattr(row, name) != value
        }
        if row is not None and not differing:
            return
        row = row or make()
        for name, value in differing.items():
            setattr(row, name, value)
        # Fields and clean() as a form checks them; the check constraints (amounts and scores
        # not negative, which the field validators say too) are the database's to enforce:
        # validating them here costs a query a row.
        row.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        (self.new if row.pk is None else self.changed).append(row)
        self.fields |= differing.keys()

    def __bool__(self) -> bool:
        return bool(self.new or self.changed)


class OwnedRows:
    """The writes of one family of report-owned models."""

    def __init__(self, *models_: type[models.Model]):
        self.models = tuple(models_)

    def owns(self, model) -> bool:
        return model in self.models

    def editing(self, model, report_ids: Iterable[int]):
        return report_model(model).editing(report_ids)

    # --- One row ----------------------------------------------------------------------------

    def save(self, row: ReportRow, *, user=None, reason: str = "", validate=True) -> None:
        """Create or change one row (a form's, the admin's), its report(s) locked."""
        ids = {row.report_id, stored_report_id(row)} - {None}
        with self.editing(type(row), ids):
            if validate:
                row.full_clean()
            _mark(row, user, reason)
            row.save()

    def delete(self, row: ReportRow, *, user=None, reason: str = "") -> None:
        with self.editing(type(row), {stored_report_id(row) or row.report_id}):
            _mark(row, user, reason)
            row.delete()

    def delete_many(self, rows: Sequence[ReportRow], *, user=None, reason: str = "") -> None:
        if not rows:
            return
        with self.editing(type(rows[0]), {row.report_id for row in rows}):
            for row in rows:
                _mark(row, user, reason)
                row.delete()

    def formset_save(self, formset, *, user=None, reason: str = "") -> None:
        """Save a model formset's new, changed and deleted rows through this writer."""
        rows = formset.save(commit=False)
        ids = {row.report_id for row in [*rows, *formset.deleted_objects]}
        ids |= {stored_report_id(row) for row in rows} - {None}
        with self.editing(formset.model, ids):
            for row in formset.deleted_objects:
                _mark(row, user, reason)
                row.delete()
            for row in rows:
                _mark(row, user, reason)
                row.save()
            formset.save_m2m()

    # --- Many rows --------------------------------------------------------------------------

    def bulk_write(
        self,
        model,
        *,
        report_ids: Iterable[int],
        new: Sequence[models.Model] = (),
        changed: Sequence[models.Model] = (),
        fields: Iterable[str] = (),
        removed: models.QuerySet | None = None,
        user=None,
        reason: str = "",
        history: bool = True,
    ) -> None:
        """Insert, update and delete many rows of ``model`` in one locked transaction.

        ``history=False`` is for generated test data only (``generate_province``).
        """
        with self.editing(model, report_ids):
            if removed is not None:
                for row in removed:
                    _mark(row, user, reason)
                    row.delete()
            if new:
                if history:
                    bulk_create_with_history(
                        list(new), model, default_user=user, default_change_reason=reason
                    )
                else:
                    model.objects.bulk_create(new, batch_size=500)
            if changed:
                bulk_update_with_history(
                    list(changed),
                    model,
                    sorted(fields),
                    default_user=user,
                    default_change_reason=reason,
                )
