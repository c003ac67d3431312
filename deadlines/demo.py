"""The demo's deadlines: the 浏阳 2022 targets and self-assessment, both met on time."""

from datetime import date

from perfeval.records import record_sync

from .models import Deadline

# The year's targets are declared with the budget; the self-assessment follows the accounts.
DEMO_DUE = {
    Deadline.Stage.TARGETS: ("02-28", 0, "随部门预算一并申报。"),
    Deadline.Stage.SELFEVAL: ("04-30", 1, "决算后开展部门整体支出绩效自评。"),
}


def demo_deadlines_load(*, year: int) -> bool:
    """The deadlines of ``year`` (targets by 28 February, the self-assessment by 30 April of
    the next year); whether anything was written. Running it twice changes nothing."""
    changed = False
    for stage, (month_day, years_later, note) in DEMO_DUE.items():
        month, day = (int(part) for part in month_day.split("-"))
        _, written = record_sync(
            Deadline,
            lookup={"year": year, "stage": stage},
            values={"due": date(year + years_later, month, day), "note": note},
        )
        changed = changed or written
    return changed
