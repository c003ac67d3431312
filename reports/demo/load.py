"""Loading the reference report (浏阳市人大常委会 2022) and its demo users."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from budgets.models import ExpenditureLine, IncomeLine, Project, ThreePublicLine
from budgets.writers import lines_sync
from departments import roles
from departments.models import Department, OrgUnit
from perfeval.records import record_sync
from reports.models import Report
from reports.totals import totals_deferred
from scoring.models import Indicator
from scoring.services import standard_framework_load
from scoring.writers import results_write

from . import data as demo_data


@dataclass(frozen=True)
class DemoUser:
    username: str
    password: str
    role: str


@dataclass(frozen=True)
class DemoLoadResult:
    report: Report
    users: list[DemoUser]
    changed: bool


def _demo_lines(projects: list[dict] | None = None) -> list[tuple[type, list[dict]]]:
    """The reference report's lines, table by table, as field values; ``projects`` for the
    seed's (none) where given."""
    income = [
        {"source": source, "actual": actual, "description": description, "order": order}
        for order, (source, actual, description) in enumerate(demo_data.INCOME_LINES, 1)
    ]
    expenditure = [
        {"nature": nature, "budget": budget, "actual": actual, "order": order}
        for order, (nature, budget, actual) in enumerate(demo_data.EXPENDITURE_LINES, 1)
    ]
    three_public = [
        {
            "kind": kind,
            "budget": budget,
            "actual": actual,
            "previous_actual": previous,
            "count": count,
        }
        for kind, budget, actual, previous, count in demo_data.THREE_PUBLIC_LINES
    ]
    return [
        (IncomeLine, income),
        (ExpenditureLine, expenditure),
        (ThreePublicLine, three_public),
        (Project, demo_data.PROJECTS if projects is None else projects),
    ]


@transaction.atomic
@totals_deferred()
def demo_load(*, projects: list[dict] | None = None) -> DemoLoadResult:
    """Load the reference report (浏阳市人大常委会 2022) completely; with ``projects``, those
    project lines instead of the seed's none (``load_demo`` gives the demo's made-up ones,
    ``projects.demo``).

    Running it twice changes nothing; running it after edits restores the published report.
    """
    changes = []
    framework = standard_framework_load()

    department, changed = record_sync(
        Department,
        lookup={"name": demo_data.DEPARTMENT["name"]},
        values={k: v for k, v in demo_data.DEPARTMENT.items() if k != "name"},
    )
    changes.append(changed)
    for order, (kind, name) in enumerate(demo_data.ORG_UNITS, start=1):
        changes.append(
            record_sync(
                OrgUnit,
                lookup={"department": department, "kind": kind, "name": name},
                values={"order": order},
            )[1]
        )

    report, changed = record_sync(
        Report,
        lookup={"department": department, "year": demo_data.YEAR},
        values={
            "framework": framework,
            "report_date": demo_data.REPORT_DATE,
            **demo_data.NARRATIVE,
        },
    )
    changes.append(changed)

    changes += [_replace_lines(report, model, rows) for model, rows in _demo_lines(projects)]
    changes.append(_results_sync(report))
    users = _demo_users_sync(department)
    return DemoLoadResult(report=report, users=users, changed=any(changes))


def _replace_lines(report: Report, model, rows: list[dict]) -> bool:
    return lines_sync(report=report, model=model, rows=rows, reason="载入示例数据")


def _parent(node: Indicator) -> Indicator:
    """The parent of a level-2 or level-3 indicator (read with ``select_related``)."""
    assert node.parent is not None
    return node.parent


def _results_sync(report: Report) -> bool:
    indicators = {
        (_parent(_parent(node)).name, _parent(node).name, node.name): node.pk
        for node in Indicator.objects.filter(
            framework=report.framework, level=Indicator.Level.THIRD
        ).select_related("parent__parent")
    }
    groups = {
        (_parent(node).name, node.name): node.pk
        for node in Indicator.objects.filter(
            framework=report.framework, level=Indicator.Level.SECOND
        ).select_related("parent")
    }
    return results_write(
        report=report,
        rows={
            indicators[(level1, level2, level3)]: {
                "target": target,
                "actual": actual,
                "score": score,
                "deviation": deviation,
            }
            for level1, level2, level3, target, actual, score, deviation in (
                demo_data.INDICATOR_RESULTS
            )
        },
        groups={
            groups[(level1, level2)]: {"score": score, "deviation": ""}
            for level1, level2, score in demo_data.GROUP_SCORES
        },
        prune=True,
        reason="载入示例数据",
    )


def _demo_users_sync(department: Department) -> list[DemoUser]:
    User = get_user_model()
    users = []
    for username, password, name, role, is_staff, is_superuser, member in demo_data.DEMO_USERS:
        values = {
            "first_name": name,
            "is_staff": is_staff,
            "is_superuser": is_superuser,
            "department": department if member else None,
        }
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, **values)
            user.set_password(password)
            user.save()
        else:
            changed = [field for field, value in values.items() if getattr(user, field) != value]
            for field in changed:
                setattr(user, field, values[field])
            if not user.check_password(password):
                user.set_password(password)
                changed.append("password")
            if changed:
                user.save(update_fields=changed)
        group = roles.role_group(role)
        if set(user.groups.all()) != {group}:
            user.groups.set([group])
        if role == "reviewer" and department not in user.reviewed_departments.all():
            user.reviewed_departments.add(department)
        users.append(DemoUser(username=username, password=password, role=role))
    return users
