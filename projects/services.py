"""Project frameworks as data: the default layout loaded from ``frameworks/``."""

from __future__ import annotations

import json
from pathlib import Path

from django.db import transaction

from .models import ProjectFramework

FRAMEWORKS = Path(__file__).resolve().parent / "frameworks"
DEFAULT_FILE = FRAMEWORKS / "project_default_2022.json"


@transaction.atomic
def project_framework_load(*, data: dict, make_default: bool = False) -> ProjectFramework:
    """Create (or find, when a framework of that name and version exists) a framework."""
    framework = ProjectFramework.objects.filter(name=data["name"], version=data["version"]).first()
    if framework is None:
        framework = ProjectFramework(
            name=data["name"],
            version=data["version"],
            description=data.get("description", ""),
            table_note=data.get("table_note", ""),
            execution_points=data["execution_points"],
            reason_below_rate=data["reason_below_rate"],
            groups=data["groups"],
        )
        framework.full_clean(exclude=["is_default"])
        framework.save()
    if make_default and not framework.is_default:
        ProjectFramework.objects.filter(is_default=True).update(is_default=False)
        framework.is_default = True
        framework.save(update_fields=["is_default"])
    return framework


def project_framework_default() -> ProjectFramework:
    """The framework new project tables use: the one marked default, else the common layout."""
    framework = ProjectFramework.objects.filter(is_default=True).first()
    if framework is not None:
        return framework
    data = json.loads(DEFAULT_FILE.read_text(encoding="utf-8"))
    return project_framework_load(data=data, make_default=True)
