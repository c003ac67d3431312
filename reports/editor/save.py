"""Saving an editor page under the report's row lock, refused when the user may no longer
write the report or someone else saved the page first."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from perfeval import access

from ..models import Report
from .pages import Change, EditorPage


class SaveRefused(Exception):
    """The report may no longer be written by this user (submitted meanwhile, say)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class StaleSave(Exception):
    """Someone saved this section after the clerk opened it."""

    def __init__(self, changes: list[Change]):
        super().__init__("stale save")
        self.changes = changes


@transaction.atomic
def section_save(*, report: Report, section: EditorPage, bundle: dict, token: str, user) -> None:
    """Save a valid section; raise SaveRefused if the user may no longer write the report
    (decided under the report's row lock, so a submit cannot slip in between), or StaleSave
    listing what someone else changed first."""
    refusal = access.write_refusal(user, access.CHANGE, report)
    if refusal:
        raise SaveRefused(refusal)
    # The stored row (locked above): ``report`` already carries the clerk's input (form
    # validation writes it onto the instance), so it cannot tell what is stored.
    stored = Report.objects.get(pk=report.pk)
    changes = EditorPage.changes_since(token, section.snapshot(stored))
    if changes is None or changes:
        raise StaleSave(changes or [])
    section.save(stored, bundle)


@dataclass(frozen=True)
class SaveOutcome:
    """What a posted page comes to: saved, refused with a message, or stale (someone saved
    first: ``conflict`` lists what they changed)."""

    saved: bool = False
    error: str = ""
    stale: bool = False
    conflict: list[Change] = field(default_factory=list)


def page_post(*, report: Report, page: EditorPage, bundle: dict, token: str, user) -> SaveOutcome:
    """Validate and save a posted page; nothing is written unless it comes back saved."""
    if not page.is_valid(bundle):
        return SaveOutcome(error="有输入需要改正，尚未保存：请查看标红的栏目。")
    try:
        section_save(report=report, section=page, bundle=bundle, token=token, user=user)
    except SaveRefused as refused:
        # Submitted (or taken out of reach) since the page opened: nothing was saved; the
        # input stays on the page so that nothing typed is lost.
        return SaveOutcome(error=f"未保存：{refused.message}")
    except ValidationError as invalid:
        # A writer's own rule (the forms check the same rules first): nothing written.
        return SaveOutcome(error=f"未保存：{'；'.join(invalid.messages)}")
    except StaleSave as stale:
        return SaveOutcome(stale=True, conflict=stale.changes)
    return SaveOutcome(saved=True)
