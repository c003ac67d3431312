"""An editor page: the narrative fields and line tables it shows, how it saves them, and the
signed snapshot of what it showed, from which a save made by someone else in the meantime is
told apart (reports.editor.save)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.core import signing

from budgets.forms import (
    ExpenditureFormSet,
    IncomeFormSet,
    ProjectFormSet,
    ThreePublicFormSet,
)
from budgets.writers import formset_save as lines_formset_save
from perfeval.fields import model_field

from ..models import Report, same_text

SNAPSHOT_SALT = "perfeval.editor.snapshot"
EMPTY = "（空）"


def stored_text(value) -> str:
    """A stored value as a snapshot holds it and a conflict shows it."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return str(value)


def narrative_form_class(fields: tuple[str, ...]) -> type[forms.ModelForm]:
    widgets: dict[str, type[forms.Widget] | forms.Widget] = {
        field: forms.Textarea(attrs={"rows": 8 if field in LONG_FIELDS else 4})
        for field in fields
        if field != "report_date"
    }
    widgets["report_date"] = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    return forms.modelform_factory(Report, fields=fields, widgets=widgets)


LONG_FIELDS = {"functions", "work_plan", "performance", "organisation", "improvements"}


@dataclass
class Change:
    label: str
    before: str
    after: str


class EditorPage:
    """A page of the editor: narrative fields, optionally with line formsets."""

    key = ""
    title = ""
    template = "section.html"
    narrative: tuple[str, ...] = ()
    # (prefix, formset class, title)
    formsets: tuple[tuple[str, type[forms.BaseInlineFormSet], str], ...] = ()

    def __init__(self, key="", title="", narrative=()):
        self.key = key or self.key
        self.title = title or self.title
        self.narrative = tuple(narrative) or self.narrative

    # --- forms -------------------------------------------------------------------------

    def build(self, report: Report, data=None) -> dict:
        bundle: dict = {}
        if self.narrative:
            bundle["narrative"] = narrative_form_class(self.narrative)(data, instance=report)
        for prefix, formset_class, _ in self.formsets:
            bundle[prefix] = formset_class(data, instance=report, prefix=prefix)
        return bundle

    def is_valid(self, bundle: dict) -> bool:
        return all([form.is_valid() for form in bundle.values()])

    def save(self, report: Report, bundle: dict) -> None:
        """Write the section onto ``report``, the stored row as locked for this save.

        Only this section's fields are written: the form's own instance was read when the
        request began, and saving it whole would put back another section that someone
        saved meanwhile.
        """
        for key, form in bundle.items():
            if key != "narrative":
                lines_formset_save(form, reason="在线编辑")
                continue
            edited = [
                field
                for field in self.narrative
                if not same_text(getattr(report, field), form.cleaned_data[field])
            ]
            for field in self.narrative:
                setattr(report, field, form.cleaned_data[field])
            # Text copied from last year stays marked until the clerk changes it.
            carried = ["carried_fields"] if report.carried_edited(edited) else []
            report.save(update_fields=[*self.narrative, *carried, "updated_at"])

    # --- concurrency ---------------------------------------------------------------------

    def snapshot(self, report: Report) -> dict[str, list[str]]:
        """Every value this section shows, keyed stably, with a label a clerk understands."""
        values: dict[str, list[str]] = {}
        for field in self.narrative:
            label = str(model_field(Report, field).verbose_name)
            values[f"report.{field}"] = [label, stored_text(getattr(report, field))]
        for prefix, formset_class, title in self.formsets:
            model = formset_class.model
            fields = [f for f in formset_class.form.base_fields if f not in ("id", "report")]
            for n, line in enumerate(model.objects.filter(report=report).order_by("pk"), 1):
                for field in fields:
                    verbose = model._meta.get_field(field).verbose_name
                    display = getattr(line, f"get_{field}_display", None)
                    values[f"{prefix}.{line.pk}.{field}"] = [
                        f"{title}第 {n} 行{verbose}",
                        stored_text(display() if display else getattr(line, field)),
                    ]
        return values

    def token(self, report: Report) -> str:
        return signing.dumps(self.snapshot(report), salt=SNAPSHOT_SALT, compress=True)

    @staticmethod
    def changes_since(token: str, current: dict[str, list[str]]) -> list[Change] | None:
        """What changed since the snapshot in ``token``; None if the token is not ours."""
        try:
            before = signing.loads(token, salt=SNAPSHOT_SALT)
        except signing.BadSignature:
            return None
        changes = []
        for key in list(before) + [k for k in current if k not in before]:
            old, new = before.get(key), current.get(key)
            if old != new:
                label = (new or old)[0]
                changes.append(
                    Change(
                        label, (old[1] if old else "") or EMPTY, (new[1] if new else "") or EMPTY
                    )
                )
        return changes


class MoneySection(EditorPage):
    key, title = "money", "收入和支出"
    narrative = ("spending_scope", "personnel_description", "public_operating_description")
    formsets = (
        ("income", IncomeFormSet, "收入"),
        ("expenditure", ExpenditureFormSet, "支出"),
    )


class ThreePublicSection(EditorPage):
    key, title = "three_public", "“三公”经费"
    narrative = ("three_public_variance_reason", "three_public_change_reason", "basic_management")
    formsets = (("three_public", ThreePublicFormSet, "“三公”经费"),)


class ProjectsSection(EditorPage):
    key, title = "projects", "项目"
    narrative = (
        "project_usage",
        "project_fund_management",
        "project_organisation",
        "project_management",
    )
    formsets = (("projects", ProjectFormSet, "项目"),)
