"""What an import changes in a report, as its preview lists it before anything is saved.

The import runs as it will for real and, for a preview, rolls back; the report's content read
before and after is compared the way a reviewer sees changes (``reports.changes``), so the
preview shows exactly what confirming writes. Its fingerprint tells the confirmation whether
the report changed since the preview was shown.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from reports.changes import Change, LineChange, Snapshot, snapshot_diff, snapshot_now
from reports.models import Report


@dataclass(frozen=True)
class ImportChanges:
    """The lines and report texts an import changes, and the totals that follow from them."""

    lines: tuple[LineChange, ...] = ()
    texts: tuple[Change, ...] = ()
    totals: tuple[Change, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.lines or self.texts)

    @property
    def count(self) -> int:
        """How many values change: a line added or removed counts once."""
        return sum(len(line.changes) or 1 for line in self.lines) + len(self.texts)

    @property
    def rows(self) -> list[tuple[str, str, str, str, str]]:
        """Each change as the preview's table lists it: section, row, field, old, new."""
        rows = [
            (_section_of(change), "本报告", change.label, change.old, change.new)
            for change in self.texts
        ]
        for line in self.lines:
            if line.status == "删除":
                rows.append((line.table, line.name, "整行", "", "（删除此行）"))
            elif line.status == "新增" and not line.changes:
                rows.append((line.table, line.name, "整行", "", "（新增空行）"))
            for change in line.changes:
                old = change.old or "（新增行）"  # only a new line's values have no old one
                rows.append((line.table, line.name, change.label, old, change.new))
        return rows

    @property
    def fingerprint(self) -> str:
        """Equal for two imports that change exactly the same values from the same values."""
        text = json.dumps(self.rows, ensure_ascii=False)
        return hashlib.sha256(text.encode()).hexdigest()


def content_snapshot(report_id: int) -> Snapshot:
    """The report's content as stored now (a fresh read: the import changes its instance)."""
    return snapshot_now(report=Report.objects.get(pk=report_id))


def content_changes(before: Snapshot, after: Snapshot) -> ImportChanges:
    totals, lines, texts = snapshot_diff(before, after)
    return ImportChanges(lines=lines, texts=texts, totals=totals)


def _section_of(text: Change) -> str:
    # Of the report's own fields an import writes the framework and the 年度总体目标.
    framework = str(Report._meta.get_field("framework").verbose_name)
    return framework if text.label == framework else "年度总体目标"
