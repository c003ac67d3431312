"""The one writer of projects' self-assessment tables and their indicator rows.

The editor, the Excel import, the admin and the demo write them through these functions;
the mechanics (the report locked and refused unless editable, history, changed rows only)
are ``perfeval.owned``'s, as for the report's lines and results.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from perfeval.fields import model_field
from perfeval.owned import Changes, OwnedRows, ReportRow

from .models import ProjectAssessment, ProjectIndicator

ASSESSMENTS = OwnedRows(ProjectAssessment, ProjectIndicator)

# One row, or a formset's rows, as a form gives them (the admin calls ASSESSMENTS itself).
assessment_save = ASSESSMENTS.save
formset_save = ASSESSMENTS.formset_save

INDICATOR_FIELDS: tuple[str, ...] = ("level1", "level2", "name", "target", "actual", "points")
INDICATOR_FIELDS += ("score", "deviation", "order")
# What a field left out of a row takes: its model default (no 得分 is None, not "").
_DEFAULTS = {name: model_field(ProjectIndicator, name).get_default() for name in INDICATOR_FIELDS}


def _key(values: Mapping[str, object]) -> tuple:
    return (values["level1"], values["level2"], values["name"])


def assessment_sync(
    *,
    project,
    framework,
    values: Mapping[str, object],
    indicators: Sequence[Mapping[str, object]],
    user=None,
    reason: str = "",
) -> bool:
    """Make a project's table read ``values`` (the assessment's fields) with exactly these
    indicator rows (matched by 一级, 二级 and 三级指标; a row that reads so already is left
    alone). One transaction, the report locked; whether anything changed."""
    report_id = project.report_id
    with ASSESSMENTS.editing(ProjectAssessment, [report_id]):
        stored = ProjectAssessment.objects.filter(project=project).first()
        head = Changes()
        head.add(
            stored,
            {"framework": framework, **values},
            lambda: ProjectAssessment(report_id=report_id, project=project),
        )
        if head:
            row: ReportRow = (head.new or head.changed)[0]
            row._history_user = user
            row._change_reason = reason
            row.save()
            stored = row
        assert stored is not None
        existing = {_key(vars(row)): row for row in stored.indicators.all()}
        rows = Changes()
        for order, wanted in enumerate(indicators):
            wanted = {name: wanted.get(name, _DEFAULTS[name]) for name in INDICATOR_FIELDS}
            wanted["order"] = order
            rows.add(
                existing.pop(_key(wanted), None),
                wanted,
                lambda: ProjectIndicator(report_id=report_id, assessment=stored),
            )
        if not (rows or existing):
            return bool(head)
        ASSESSMENTS.bulk_write(
            ProjectIndicator,
            report_ids=[report_id],
            new=rows.new,
            changed=rows.changed,
            fields=rows.fields,
            removed=ProjectIndicator.objects.filter(pk__in=[r.pk for r in existing.values()]),
            user=user,
            reason=reason,
        )
        return True
