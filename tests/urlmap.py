"""Every URL of the site, read from the URL configuration, and a world to point them at.

The access matrix (tests/test_access_matrix.py) and the hostile-input walk
(tests/test_hostile_urls.py) both start from ``site_routes()``: a route added to the site is
in their reach without anyone listing it by hand.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.urls import URLPattern, URLResolver, get_resolver

# <converter:name> of a route, or a (group) of a regex route.
_PARAM = re.compile(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>|\((?:\?P<(?P<gname>\w+)>)?[^)]*\)")


@dataclass(frozen=True)
class Route:
    """One URL pattern: its full route text, its name, and the names of its parameters."""

    route: str
    name: str
    params: tuple[str, ...]

    def fill(self, values: dict[str, str]) -> str:
        """The URL with each parameter replaced by ``values[name]`` (regex groups by position:
        ``object_id``, then ``version_id``)."""
        positional = iter(("object_id", "version_id"))

        def replace(match: re.Match) -> str:
            name = match.group("name") or match.group("gname") or next(positional)
            return str(values[name])

        path = _PARAM.sub(replace, self.route).replace("^", "").replace("$", "")
        return "/" + path

    @property
    def admin_model(self) -> str | None:
        """``app_label.model_name`` of an admin model URL, else None."""
        match = re.match(r"admin/(\w+)/(\w+)/", self.route)
        if match and match.group(1) not in ("r",):
            return f"{match.group(1)}.{match.group(2)}"
        return None


def _walk(patterns, prefix: str = "", namespace: str = ""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}:{pattern.namespace}" if pattern.namespace else namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}".lstrip(":") if pattern.name else ""
            yield prefix + str(pattern.pattern), name


def site_routes() -> list[Route]:
    routes = []
    for route, name in _walk(get_resolver().url_patterns):
        params = []
        positional = iter(("object_id", "version_id"))
        for match in _PARAM.finditer(route):
            params.append(match.group("name") or match.group("gname") or next(positional))
        routes.append(Route(route, name, tuple(params)))
    return routes


# --- The world the URLs point at ------------------------------------------------------------


@dataclass
class World:
    """Department A's rows (the demo, approved for 2022 and drafted for 2023), a department B
    with its own draft, and the users of the eight roles of the matrix."""

    objects: dict[str, object]  # app_label.model_name → one of A's rows (or a shared row)
    markers: dict[str, tuple[str, ...]]  # app_label.model_name → texts that show the row
    report_draft: object
    report_approved: object
    department: object
    users: dict[str, object]  # role → user (None for anonymous)

    def values(self, route: Route) -> dict[str, str]:
        """Real values for the route's parameters: A's row of the route's model."""
        model = route.admin_model
        obj = self.objects.get(model) if model else None
        values = {
            "pk": self.report_draft.pk,
            "year": self.report_approved.year,
            "section": "overview",
            "app_label": "reports",
            "url": "no-such-page/",
            "object_id": obj.pk if obj is not None else self.report_draft.pk,
            "id": self.users["clerk_a"].pk,
            "thread": self.objects["reports.reviewcomment"].pk,
        }
        if route.name == "department_history":
            values["pk"] = self.department.pk
        for prefix, label in YEAR_ROUTES.items():
            if route.name.startswith(prefix):
                values["pk"] = self.objects[label].pk
        if route.name in ("report_pdf", "report_pdf_status", "public_report", "public_pdf"):
            values["pk"] = self.report_approved.pk
        if "project" in route.params:
            values["project"] = self.objects["budgets.project"].pk
        if route.name == "admin:view_on_site":
            values["content_type_id"] = ContentType.objects.get_for_model(
                type(self.report_draft)
            ).pk
            values["object_id"] = self.report_draft.pk
        if "version_id" in route.params and obj is not None:
            values["version_id"] = obj.history.order_by("-history_id").first().history_id
        return values


# The year's pages whose ``pk`` is one of A's rows of that model, by URL name prefix.
YEAR_ROUTES = {
    "target_": "targets.targetform",
    "checkpoint_report_": "monitoring.checkpointreport",
    "checkpoint_overview": "monitoring.checkpoint",
    "problem_detail": "followup.problemitem",
}


def _year_rows(approved, department, other, users: dict) -> dict[str, object]:
    """The year around the reports: the demo's 2022 stages (approved targets, monitoring,
    problems, deadlines, their logs), and for 2023 A's and B's draft target forms and 监控表,
    an update of one of A's problems, a 催办 and the notification it sent A's clerk."""
    from deadlines.models import Deadline, Notification
    from deadlines.services import reminder_send
    from followup.models import ProblemItem
    from followup.services import problem_update
    from monitoring.services import checkpoint_report_create, checkpoints_default
    from reports.demo.year import year_demo_load
    from targets.services import target_form_create

    year_demo_load(report=approved)
    form = target_form_create(department=department, year=2023)
    target_form_create(department=other, year=2023)
    checkpoint = checkpoints_default(2023)[0]
    sheet = checkpoint_report_create(department=department, checkpoint=checkpoint)
    checkpoint_report_create(department=other, checkpoint=checkpoint)
    item = ProblemItem.objects.filter(department=department).order_by("pk").first()
    problem_update(item=item, user=users["clerk"], status="in_progress", note="进展")
    reminder = reminder_send(
        department=department, stage_key="selfeval", year=2022, user=users["reviewer"]
    )
    return {
        "targets.targetform": form,
        "targets.targettransition": approved_transition(department),
        "monitoring.checkpoint": checkpoint,
        "monitoring.checkpointreport": sheet,
        "monitoring.checkpointtransition": approved_transition(department, monitoring=True),
        "followup.problemitem": item,
        "followup.problemupdate": item.updates.order_by("pk").first(),
        "deadlines.deadline": Deadline.objects.get(year=2022, stage="targets"),
        "deadlines.reminder": reminder,
        "deadlines.notification": Notification.objects.filter(user=users["clerk"])
        .order_by("pk")
        .first(),
    }


def _publishing_and_project_rows(approved, project, users: dict) -> dict[str, object]:
    """The approved report published on the public site, and the draft's project with its
    项目支出绩效自评表 and one indicator row."""
    from decimal import Decimal as D

    from projects.models import ProjectAssessment
    from projects.services import project_framework_default
    from projects.writers import assessment_sync
    from publishing.services import report_publish

    event = report_publish(report=approved, user=users["reviewer"])
    layout = project_framework_default()
    row = {"level1": "产出指标", "level2": "数量指标", "name": "服务代表人次", "points": D("50")}
    assessment_sync(
        project=project, framework=layout, values={"goal": "服务代表"}, indicators=[row]
    )
    assessment = ProjectAssessment.objects.get(project=project)
    return {
        "publishing.publicationevent": event,
        "projects.projectframework": layout,
        "projects.projectassessment": assessment,
        "projects.projectindicator": assessment.indicators.get(),
    }


def approved_transition(department, *, monitoring: bool = False):
    """The first log row of the department's approved 2022 target form or 监控表."""
    from monitoring.models import CheckpointTransition
    from targets.models import TargetTransition

    model = CheckpointTransition if monitoring else TargetTransition
    field = "report" if monitoring else "form"
    return model.objects.filter(**{f"{field}__department": department}).order_by("pk").first()


def build_world(users: dict) -> World:
    """The rows every URL of the site can be tried against (needs the ``world`` fixture)."""
    from decimal import Decimal as D

    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django.contrib.auth.models import Group
    from django_tasks_db.models import DBTaskResult, get_date_max

    from budgets.models import ExpenditureLine, IncomeLine, Project, ThreePublicLine
    from departments import roles
    from departments.models import Department, User
    from reports import archive
    from reports.models import Download, Report, ReviewComment
    from reports.services import report_create, report_start_next_year
    from scoring.models import Framework, GroupResult, Indicator, IndicatorResult
    from tests.steps import approve

    approved = approve(Report.objects.get(year=2022, department__users__username="clerk"), users)
    department = approved.department
    draft = report_start_next_year(previous=approved)
    other = Department.objects.get(code="430181-002")
    report_create(department=other, year=2022)
    version = approved.approved_versions.get()
    pdf = archive.version_pdf(version=version)
    archive.download_record(user=users["auditor"], report=approved, kind=Download.Kind.PDF, pdf=pdf)
    download = Download.objects.get(user=users["auditor"], kind=Download.Kind.PDF)
    clerk_staff = User.objects.create_user(
        "clerk_staff", department=department, is_staff=True, first_name="本部门填报员（工作人员）"
    )
    clerk_staff.groups.add(roles.role_group(roles.CLERK))
    attempt = AccessAttempt.objects.create(
        username="attacker-a", ip_address="203.0.113.9", failures_since_start=1
    )
    log = AccessLog.objects.create(username="attacker-a", ip_address="203.0.113.9")
    failure = AccessFailureLog.objects.create(username="attacker-a", ip_address="203.0.113.9")
    task = DBTaskResult.objects.create(
        task_path="reports.tasks.official_pdf_render_task",
        args_kwargs={"args": [version.pk], "kwargs": {}},
        backend_name="default",
        run_after=get_date_max(),  # "as soon as possible", which the inline backend allows
    )
    # A reviewer's comment on the draft (the workflow would have had it submitted first).
    thread = ReviewComment.objects.create(
        report=draft,
        anchor="section:money",
        kind="comment",
        text="请核对收入",
        user=users["reviewer"],
    )
    org_unit = department.org_units.first()
    framework = Framework.objects.get(pk=approved.framework_id)
    year = _year_rows(approved, department, other, users)
    project = Project.objects.create(
        report=draft, name="代表履职服务", budget=D("10.00"), actual=D("9.50")
    )
    objects = {
        "reports.report": draft,
        "reports.reporttransition": approved.transitions.order_by("pk").first(),
        "reports.approvedversion": version,
        "reports.officialpdf": pdf,
        "reports.download": download,
        "reports.reviewcomment": thread,
        "budgets.incomeline": IncomeLine.objects.filter(report=draft).first(),
        "budgets.expenditureline": ExpenditureLine.objects.filter(report=draft).first(),
        "budgets.threepublicline": ThreePublicLine.objects.filter(report=draft).first(),
        "budgets.project": project,
        **_publishing_and_project_rows(approved, project, users),
        "scoring.indicatorresult": IndicatorResult.objects.filter(report=draft).first(),
        "scoring.groupresult": GroupResult.objects.filter(report=approved).first(),
        "departments.department": department,
        "departments.orgunit": org_unit,
        "departments.user": users["clerk"],
        "auth.group": roles.role_group(roles.CLERK),
        "scoring.framework": framework,
        "scoring.indicator": Indicator.objects.filter(framework=framework).first(),
        "axes.accessattempt": attempt,
        "axes.accesslog": log,
        "axes.accessfailurelog": failure,
        "django_tasks_database.dbtaskresult": task,
        **year,
    }
    for obj in objects.values():
        # Rows copied in bulk have no history yet; one save gives them their first version.
        if hasattr(obj, "history") and not obj.history.exists():
            obj.save()
    # A's rows show by the department's name on pages, by its code in exported sheets.
    markers = dict.fromkeys(objects, (department.name, department.code))
    markers |= {
        "departments.orgunit": (org_unit.name,),
        "departments.user": ("clerk_staff",),
        "auth.group": (Group.objects.get(pk=objects["auth.group"].pk).name,),
        "scoring.framework": (framework.name,),
        "scoring.indicator": (objects["scoring.indicator"].name,),
        "projects.projectframework": (objects["projects.projectframework"].name,),
        "axes.accessattempt": ("attacker-a",),
        "axes.accesslog": ("attacker-a",),
        "axes.accessfailurelog": ("attacker-a",),
        "django_tasks_database.dbtaskresult": ("official_pdf_render_task",),
        "monitoring.checkpoint": (year["monitoring.checkpoint"].name,),
        "deadlines.deadline": ("绩效目标申报",),
        "deadlines.notification": (year["deadlines.notification"].text[:20],),
    }
    matrix_users = {
        "anonymous": None,
        "clerk_a": users["clerk"],
        "clerk_b": User.objects.get(username="clerk_b"),
        "clerk_a_staff": clerk_staff,
        "reviewer_a": users["reviewer"],
        "reviewer_b": User.objects.get(username="reviewer_b"),
        "auditor": users["auditor"],
        "superuser": users["admin"],
    }
    return World(objects, markers, draft, approved, department, matrix_users)
