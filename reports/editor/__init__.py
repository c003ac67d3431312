"""The report editor's sections: which forms each shows, how it saves, how it detects a
save made by someone else in the meantime.

A section renders with a signed snapshot of what it showed. On save the section's current
values are compared with that snapshot under a row lock: if someone else saved first, the
save is refused, their changes are listed, and the clerk's input stays in the form.
"""

from __future__ import annotations

from .pages import (
    Change,
    EditorPage,
    MoneySection,
    ProjectsSection,
    ThreePublicSection,
    narrative_form_class,
)
from .project_tables import ProjectPart, ProjectTablesSection
from .save import SaveOutcome, SaveRefused, StaleSave, page_post, section_save
from .scores import GridRow, ScoresSection, grid_rows
from .sections import (
    SECTIONS,
    SECTIONS_BY_KEY,
    Part,
    SectionState,
    check_anchor,
    checks_beside_fields,
    checks_shown,
    section_parts,
    section_states,
)

__all__ = [
    "SECTIONS",
    "SECTIONS_BY_KEY",
    "Change",
    "EditorPage",
    "GridRow",
    "MoneySection",
    "Part",
    "ProjectPart",
    "ProjectTablesSection",
    "ProjectsSection",
    "SaveOutcome",
    "SaveRefused",
    "ScoresSection",
    "SectionState",
    "StaleSave",
    "ThreePublicSection",
    "check_anchor",
    "checks_beside_fields",
    "checks_shown",
    "grid_rows",
    "narrative_form_class",
    "page_post",
    "section_parts",
    "section_save",
    "section_states",
]
