"""Small builders: a department, a user in a role, a report with only what a test needs.

They go through the application's own services and writers (``reports.services``,
``budgets.writers``, ``scoring.writers``), as tests/conftest.py asks of every write of lines
and results. A test that needs the published figures keeps the demo (the ``demo`` fixture).
"""

from collections.abc import Iterable, Mapping
from itertools import count

from budgets.writers import lines_sync
from departments import roles
from departments.models import Department, User
from reports.guards import REPORT_OWNED
from reports.models import Report
from reports.services import report_create
from scoring.models import Indicator
from scoring.writers import results_write

_numbers = count(1)


def department(name: str | None = None, *, code: str | None = None, **fields) -> Department:
    """A department; a made-up name and code unless given."""
    number = next(_numbers)
    return Department.objects.create(
        name=name or f"测试部门{number}", code=code or f"T-{number:04d}", **fields
    )


_new_department = department


def user(
    role: str,
    *,
    username: str | None = None,
    department: Department | None = None,
    reviews: Iterable[Department] = (),
    password: str | None = None,
    **fields,
) -> User:
    """A user in ``role`` (``departments.roles``), member of ``department`` and reviewer of
    ``reviews``; without a password, one cannot sign in with (``force_login`` instead)."""
    made = User.objects.create_user(
        username or f"{role}-{next(_numbers)}", password=password, department=department, **fields
    )
    made.groups.add(roles.role_group(role))
    if reviews:
        made.reviewed_departments.add(*reviews)
    return made


def report(
    *,
    department: Department | None = None,
    year: int = 2022,
    lines: Mapping[type, list[dict]] | None = None,
    scores: Mapping[str, Mapping[str, object]] | None = None,
    **text: str,
) -> Report:
    """A draft report as a clerk starts it (``report_create``), with ``lines`` (line model →
    rows of field values, ``lines_sync``), ``scores`` (level-3 indicator name → its row's
    fields, ``results_write``) and narrative ``text`` fields."""
    made = report_create(department=department or _new_department(), year=year)
    if text:
        for field, value in text.items():
            setattr(made, field, value)
        made.save(update_fields=list(text))
    for model, rows in (lines or {}).items():
        lines_sync(report=made, model=model, rows=rows)
    if scores:
        ids = dict(
            Indicator.objects.filter(
                framework_id=made.framework_id, level=Indicator.Level.THIRD, name__in=scores
            ).values_list("name", "pk")
        )
        missing = set(scores) - set(ids)
        assert not missing, f"no level-3 indicator named {sorted(missing)}"
        results_write(report=made, rows={ids[name]: values for name, values in scores.items()})
    return made


def copy_report(report: Report, *, department: Department, year: int | None = None) -> Report:
    """A full copy of a report (figures, scores, text) for another department: test data."""
    lines = {model: list(model.objects.filter(report=report)) for model in REPORT_OWNED}
    report.pk = None
    report.department = department
    report.year = year or report.year
    report.status = Report.Status.DRAFT
    report.save()
    for rows in lines.values():
        for row in rows:
            row.pk = None
            row.report = report
            row.save()
    return report
