"""Code that writes indicator frameworks."""

import json
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from perfeval.records import record_sync

from .models import Framework, Indicator

FRAMEWORKS_DIR = Path(__file__).resolve().parent / "frameworks"
STANDARD_FRAMEWORK_FILE = FRAMEWORKS_DIR / "department_overall_hunan_2022.json"


def _indicator_sync(*, framework, parent, level, order, node) -> Indicator:
    weight = Decimal(node["weight"]) if node.get("weight") not in (None, "") else None
    indicator, _ = record_sync(
        Indicator,
        lookup={"framework": framework, "parent": parent, "name": node["name"]},
        values={"level": level, "weight": weight, "order": order},
    )
    for child_order, child in enumerate(node.get("children", []), start=1):
        _indicator_sync(
            framework=framework, parent=indicator, level=level + 1, order=child_order, node=child
        )
    return indicator


@transaction.atomic
def framework_load(*, data: dict, make_default: bool = False) -> Framework:
    """Create or update a framework from its nested description; twice changes nothing."""
    if make_default:
        Framework.objects.filter(is_default=True).exclude(
            name=data["name"], version=data["version"]
        ).update(is_default=False)
    framework, _ = record_sync(
        Framework,
        lookup={"name": data["name"], "version": data["version"]},
        values={
            "description": data.get("description", ""),
            "table_note": data.get("table_note", ""),
            **({"is_default": True} if make_default else {}),
        },
    )
    for order, node in enumerate(data["indicators"], start=1):
        _indicator_sync(framework=framework, parent=None, level=1, order=order, node=node)
    return framework


def standard_framework_load() -> Framework:
    """The 部门整体支出 framework of the reference report, as the default for new reports."""
    data = json.loads(STANDARD_FRAMEWORK_FILE.read_text(encoding="utf-8"))
    return framework_load(data=data, make_default=True)
