"""Code that writes indicator frameworks."""

import json
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from perfeval.records import record_sync

from . import rules
from .models import Framework, GradeBand, Indicator

FRAMEWORKS_DIR = Path(__file__).resolve().parent / "frameworks"
STANDARD_FRAMEWORK_FILE = FRAMEWORKS_DIR / "department_overall_hunan_2022.json"


def framework_validate(*, framework: Framework) -> None:
    """Raise one ValidationError listing every weight and grade rule the framework breaks."""
    nodes = [
        rules.NodeSpec(node.pk, node.parent_id, node.name, node.weight, node.order)
        for node in framework.indicators.all()
    ]
    errors = rules.framework_weight_errors(nodes) + rules.grade_band_errors(framework.grade_bands())
    if errors:
        raise ValidationError(errors)


def _indicator_sync(*, framework, parent, order, node) -> Indicator:
    weight = Decimal(node["weight"]) if node.get("weight") not in (None, "") else None
    indicator, _ = record_sync(
        Indicator,
        lookup={"framework": framework, "parent": parent, "name": node["name"]},
        values={
            "weight": weight,
            "order": order,
            "rule": node.get("rule", ""),
            "rule_params": node.get("rule_params", {}),
        },
    )
    for child_order, child in enumerate(node.get("children", []), start=1):
        _indicator_sync(framework=framework, parent=indicator, order=child_order, node=child)
    return indicator


@transaction.atomic
def framework_load(*, data: dict, make_default: bool = False) -> Framework:
    """Create or update a framework from its nested description; twice changes nothing.

    The framework is checked against the weight rules; a broken one is not saved.
    """
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
        _indicator_sync(framework=framework, parent=None, order=order, node=node)
    bands = data.get("grade_bands") or [[n, str(m)] for n, m in rules.DEFAULT_GRADE_BANDS]
    for name, minimum in bands:
        record_sync(
            GradeBand,
            lookup={"framework": framework, "name": name},
            values={"min_score": Decimal(minimum)},
        )
    framework_validate(framework=framework)
    return framework


def standard_framework_load() -> Framework:
    """The 部门整体支出 framework of the reference report, as the default for new reports."""
    return framework_load(data=standard_framework_data(), make_default=True)


def standard_framework_data() -> dict:
    return json.loads(STANDARD_FRAMEWORK_FILE.read_text(encoding="utf-8"))


def framework_default() -> Framework:
    framework = Framework.objects.filter(is_default=True).first()
    return framework or standard_framework_load()


@transaction.atomic
def framework_copy(*, framework: Framework, version: str = "", name: str = "") -> Framework:
    """A new, editable version of a framework: the same tree, weights, rules and grades."""
    name = name or framework.name
    if not version:
        taken = set(Framework.objects.filter(name=name).values_list("version", flat=True))
        version = next(
            f"{framework.version} 副本{'' if n == 1 else n}"
            for n in range(1, len(taken) + 2)
            if f"{framework.version} 副本{'' if n == 1 else n}" not in taken
        )
    copy = Framework.objects.create(
        name=name,
        version=version,
        description=framework.description,
        table_note=framework.table_note,
    )
    new_ids: dict[int | None, Indicator] = {}
    for node in framework.indicators.order_by("level", "order", "pk"):
        new_ids[node.pk] = Indicator.objects.create(
            framework=copy,
            parent=new_ids.get(node.parent_id),
            name=node.name,
            weight=node.weight,
            order=node.order,
            rule=node.rule,
            rule_params=node.rule_params,
        )
    GradeBand.objects.bulk_create(
        GradeBand(framework=copy, name=band.name, min_score=band.min_score)
        for band in framework.bands.all()
    )
    return copy
