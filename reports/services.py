"""Code that writes reports."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from budgets.models import ExpenditureLine, IncomeLine, Project, ThreePublicLine
from budgets.writers import lines_sync
from departments import roles
from departments.models import Department, OrgUnit
from perfeval.records import record_sync
from scoring.models import Indicator
from scoring.services import framework_default, standard_framework_load
from scoring.writers import results_reset, results_write

from . import demo_data
from .models import NARRATIVE_FIELDS, Report
from .totals import totals_deferred


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


@transaction.atomic
def report_create(*, department: Department, year: int, framework=None) -> Report:
    """A new draft report, bound to the given framework or the default one.

    It starts with a row for every level-3 indicator and one line per 三公经费, its amounts
    empty (to fill, not 0.00), so the clerk fills in a complete form rather than building one.
    """
    report = Report(department=department, year=year, framework=framework or framework_default())
    report.full_clean()
    report.save()
    results_reset(report=report, reason=NEW_REPORT_REASON)
    lines_sync(
        report=report,
        model=ThreePublicLine,
        rows=[{"kind": kind} for kind in ThreePublicLine.Kind],
        reason=NEW_REPORT_REASON,
    )
    return report


NEW_REPORT_REASON = "新建报告"
NEXT_YEAR_REASON = "按上年报告新建"
# What a new year's report takes from last year's: the text to edit, not the figures.
CARRIED_TEXT = NARRATIVE_FIELDS


@transaction.atomic
def report_start_next_year(*, previous: Report) -> Report:
    """Next year's draft, copied from ``previous``: framework version, line structure,
    project list, 年度指标值 and narrative text; no amounts (empty, to fill), values or scores.

    Last year's 三公经费 决算 becomes this year's 上年决算. The copied text is recorded as
    carried over (``Report.carried_fields``) until the clerk edits it.
    """
    report = report_create(
        department=previous.department, year=previous.year + 1, framework=previous.framework
    )
    for field in CARRIED_TEXT:
        setattr(report, field, getattr(previous, field))
    report.carried_fields = [field for field in CARRIED_TEXT if getattr(previous, field).strip()]
    report.carried_from = previous.year
    report.save()
    structure = {
        IncomeLine: ("source", "description", "order"),
        ExpenditureLine: ("nature", "fund_source", "description", "order"),
        Project: ("name", "fund_source", "order"),
    }
    for model, fields in structure.items():
        lines_sync(
            report=report,
            model=model,
            rows=[
                {field: getattr(line, field) for field in fields}
                for line in model.objects.filter(report=previous)
            ],
            reason=NEXT_YEAR_REASON,
        )
    last_year = {line.kind: line.actual for line in previous.three_public_lines.all()}
    lines_sync(
        report=report,
        model=ThreePublicLine,
        rows=[
            {"kind": kind, "previous_actual": last_year.get(kind)} for kind in ThreePublicLine.Kind
        ],
        reason=NEXT_YEAR_REASON,
    )
    targets = {
        r.indicator_id: {"target": r.target}
        for r in previous.indicator_results.filter(
            indicator__framework_id=report.framework_id
        ).exclude(target="")
    }
    results_write(report=report, rows=targets, reason=NEXT_YEAR_REASON)
    return report


@transaction.atomic
@totals_deferred()
def demo_load() -> DemoLoadResult:
    """Load the reference report (浏阳市人大常委会 2022) completely.

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

    changes.append(
        _replace_lines(
            report,
            IncomeLine,
            [
                {"source": source, "actual": actual, "description": description, "order": order}
                for order, (source, actual, description) in enumerate(demo_data.INCOME_LINES, 1)
            ],
        )
    )
    changes.append(
        _replace_lines(
            report,
            ExpenditureLine,
            [
                {"nature": nature, "budget": budget, "actual": actual, "order": order}
                for order, (nature, budget, actual) in enumerate(demo_data.EXPENDITURE_LINES, 1)
            ],
        )
    )
    changes.append(
        _replace_lines(
            report,
            ThreePublicLine,
            [
                {
                    "kind": kind,
                    "budget": budget,
                    "actual": actual,
                    "previous_actual": previous,
                    "count": count,
                }
                for kind, budget, actual, previous, count in demo_data.THREE_PUBLIC_LINES
            ],
        )
    )
    changes.append(_replace_lines(report, Project, demo_data.PROJECTS))
    changes.append(_results_sync(report))
    users = _demo_users_sync(department)
    return DemoLoadResult(report=report, users=users, changed=any(changes))


def _replace_lines(report: Report, model, rows: list[dict]) -> bool:
    return lines_sync(report=report, model=model, rows=rows, reason="载入示例数据")


def _results_sync(report: Report) -> bool:
    indicators = {
        (node.parent.parent.name, node.parent.name, node.name): node.pk
        for node in Indicator.objects.filter(
            framework=report.framework, level=Indicator.Level.THIRD
        ).select_related("parent__parent")
    }
    groups = {
        (node.parent.name, node.name): node.pk
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
