"""The writers of 问题整改: items made from an approved report or issued by a reviewer, and
every change of an item (its status recorded in ``ProblemUpdate``)."""

from __future__ import annotations

from datetime import date
from typing import Final

from django.core.exceptions import ValidationError
from django.db import transaction

from departments import roles
from departments.models import Department
from perfeval import access
from perfeval.limits import COMMENT_MAX_CHARS
from perfeval.text import plain_text
from reports.models import Report

from .models import ProblemItem, ProblemUpdate
from .split import measures_matched, problems_split


class ProblemRefused(Exception):
    """Why a write was refused, in words for the user; ``field`` names the form field to fix,
    if one; ``forbidden`` when the user may not do it at all (a 403), not because of what
    they typed."""

    def __init__(
        self,
        message: str,
        errors: list[str] | None = None,
        *,
        field: str | None = None,
        forbidden: bool = False,
    ):
        super().__init__(message)
        self.message = message
        self.errors = errors or []
        self.field = field
        self.forbidden = forbidden


class _Keep:
    def __repr__(self) -> str:
        return "KEEP"


# "Leave as it is" for a due date, where None clears it.
KEEP: Final = _Keep()


def due_date_default(year: int) -> date:
    """A report's problems are to be put right by the end of June of the next year."""
    return date(year + 1, 6, 30)


def _label(name: str) -> str:
    field = ProblemItem._meta.get_field(name)
    return str(getattr(field, "verbose_name", name))


def _validated(item: ProblemItem, fields: list[str]) -> None:
    """Refuse with the fields' own messages (length, range) what may not be stored."""
    others = [f.name for f in ProblemItem._meta.fields if f.name not in fields]
    try:
        item.full_clean(exclude=others, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        messages = [
            f"{_label(name)}：{message}"
            for name, field_messages in error.message_dict.items()
            for message in field_messages
        ]
        raise ProblemRefused("未保存：" + "；".join(messages), messages) from None


@transaction.atomic
def problems_from_report(*, report: Report, user) -> list[ProblemItem]:
    """One item (本部门自评, 未整改) per problem of the report's 存在的主要问题, with its
    改进措施 as the starting measure; the items made (an item of the same report and text is
    never made twice). Run when a report is approved (apps.py)."""
    locked = Report.objects.select_for_update().get(pk=report.pk)
    texts = problems_split(locked.problems)
    measures = measures_matched(locked.problems, locked.improvements, len(texts))
    existing = set(ProblemItem.objects.filter(report=locked).values_list("text", flat=True))
    made = []
    for text, measure in zip(texts, measures, strict=True):
        if text in existing:
            continue
        existing.add(text)
        made.append(
            ProblemItem.objects.create(
                department_id=locked.department_id,
                year=locked.year,
                report=locked,
                source=ProblemItem.Source.SELF,
                text=text,
                measure=measure,
                due_date=due_date_default(locked.year),
                created_by=user,
            )
        )
    return made


def issuable_departments(user):
    """The departments ``user`` may issue a problem to: those they review (all for
    administrators)."""
    if not access.may(user, access.ADD, ProblemItem):
        return Department.objects.none()
    if roles.is_admin(user):
        return Department.objects.all()
    return Department.objects.filter(pk__in=sorted(roles.reviewed_department_ids(user)))


def problem_issue(
    *,
    department: Department,
    year: int,
    text: str,
    measure: str = "",
    due_date: date | None = None,
    user,
) -> ProblemItem:
    """A problem a reviewer (or an administrator) found in a department's year (审核意见)."""
    if not access.may(user, access.ADD, ProblemItem) or not (
        roles.is_admin(user) or roles.reviews(user, department.pk)
    ):
        raise ProblemRefused(f"您不是“{department}”的审核人，不能为其登记问题。", forbidden=True)
    text, measure = plain_text(text), plain_text(measure)
    if not text:
        raise ProblemRefused("请填写存在的问题。", ["请填写存在的问题。"], field="text")
    item = ProblemItem(
        department=department,
        year=year,
        report=Report.objects.filter(department=department, year=year).first(),
        source=ProblemItem.Source.REVIEW,
        text=text,
        measure=measure,
        due_date=due_date,
        created_by=user,
    )
    _validated(item, ["year", "text", "measure"])
    item.save()
    return item


def problem_update(
    *,
    item: ProblemItem,
    user,
    status: str | None = None,
    measure: str | None = None,
    owner: str | None = None,
    due_date: date | None | _Keep = KEEP,
    note: str = "",
) -> ProblemItem:
    """Change an item's 整改 (None, or KEEP for the due date: unchanged); a change of status,
    or a note, is recorded as a ``ProblemUpdate``. 已整改 needs a note saying what was done.
    The item as saved is returned (``item`` itself is left as it was read)."""
    with transaction.atomic():
        locked = ProblemItem.objects.select_for_update().get(pk=item.pk)
        if not access.may(user, access.CHANGE, locked):
            raise ProblemRefused("您不能修改这个问题的整改情况。", forbidden=True)
        note = plain_text(note)
        if status is not None and status not in ProblemItem.Status.values:
            raise ProblemRefused("请选择整改状态：未整改、整改中或已整改。", field="status")
        if status == ProblemItem.Status.DONE and locked.status != status and not note:
            raise ProblemRefused(
                "请填写整改情况说明：标为“已整改”时须写明采取了哪些措施、取得了什么结果。",
                ["请填写整改情况说明"],
                field="note",
            )
        if len(note) > COMMENT_MAX_CHARS:
            raise ProblemRefused(
                f"整改情况说明过长：最多 {COMMENT_MAX_CHARS:,} 字，现有 {len(note):,} 字。",
                field="note",
            )
        wanted: dict[str, object] = {}
        if measure is not None:
            wanted["measure"] = plain_text(measure)
        if owner is not None:
            wanted["owner"] = owner.strip()
        if not isinstance(due_date, _Keep):
            wanted["due_date"] = due_date
        changed = [name for name, value in wanted.items() if getattr(locked, name) != value]
        for name in changed:
            setattr(locked, name, wanted[name])
        _validated(locked, changed)
        before = locked.status
        if status is not None and status != before:
            locked.status = status
            changed.append("status")
        if changed:
            locked.save(update_fields=[*changed, "updated_at"])
        if "status" in changed or note:
            ProblemUpdate.objects.create(
                item=locked, user=user, from_status=before, to_status=locked.status, note=note
            )
    return locked
