"""Ship the standard 部门整体支出 framework, so every database has the default for new reports."""

import json
from decimal import Decimal
from pathlib import Path

from django.db import migrations

FIXTURE = Path(__file__).resolve().parent.parent / "frameworks" / "department_overall_hunan_2022.json"


def load(apps, schema_editor):
    Framework = apps.get_model("scoring", "Framework")
    Indicator = apps.get_model("scoring", "Indicator")
    GradeBand = apps.get_model("scoring", "GradeBand")
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    if Framework.objects.filter(name=data["name"], version=data["version"]).exists():
        return
    Framework.objects.filter(is_default=True).update(is_default=False)
    framework = Framework.objects.create(
        name=data["name"],
        version=data["version"],
        description=data.get("description", ""),
        table_note=data.get("table_note", ""),
        is_default=True,
    )

    def create(nodes, parent, level):
        for order, node in enumerate(nodes, start=1):
            weight = node.get("weight")
            indicator = Indicator.objects.create(
                framework=framework,
                parent=parent,
                level=level,
                name=node["name"],
                weight=Decimal(weight) if weight else None,
                order=order,
                rule=node.get("rule", ""),
                rule_params=node.get("rule_params", {}),
            )
            create(node.get("children", []), indicator, level + 1)

    create(data["indicators"], None, 1)
    for name, minimum in data["grade_bands"]:
        GradeBand.objects.create(framework=framework, name=name, min_score=Decimal(minimum))


class Migration(migrations.Migration):
    dependencies = [("scoring", "0002_rules_grades_overrides")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
