"""The stages of a department's year that have a deadline, gathered from every app.

Each app that owns a stage registers a provider: a function of the year returning its
``Stage`` rows (this app: the targets and the self-assessment, from ``Deadline``; monitoring:
its checkpoints). Nothing here imports a model.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Stage:
    """One stage of ``year`` due on ``due``: ``done_ids()`` is the set of department ids that
    have done it; ``url_for(department_id)`` where that department does it (or None)."""

    key: str
    label: str
    year: int
    due: date
    done_ids: Callable[[], set[int]]
    url_for: Callable[[int], str | None]


Provider = Callable[[int], list[Stage]]
PROVIDERS: list[Provider] = []


def register_provider(provider: Provider) -> None:
    """Add a source of stages; registering the same function twice adds it once."""
    if provider not in PROVIDERS:
        PROVIDERS.append(provider)


def stages_for(year: int) -> list[Stage]:
    """Every registered stage of ``year``, in the order they fall due."""
    stages = [stage for provider in PROVIDERS for stage in provider(year)]
    return sorted(stages, key=lambda stage: (stage.due, stage.key))


def stage_for(year: int, key: str) -> Stage | None:
    return next((stage for stage in stages_for(year) if stage.key == key), None)
