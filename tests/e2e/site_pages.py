"""The pages each role reaches, in one table, for the browser checks that walk every page.

tests/e2e/test_accessibility.py (axe-core) and tests/e2e/test_phone_width.py (390 px) both
walk ``PAGES`` as each role, the demo report taken through the review loop (``Site``). A new
page is one more row: its name, its path (``{placeholders}`` filled from ``Site.values`` at
the row's stage), the roles that open it and the stage. A page a role may not open is not
listed for that role; the error pages are rows of their own.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.contrib.auth import get_user_model
from selenium.webdriver.support.ui import WebDriverWait

from followup.models import ProblemItem
from monitoring.models import CheckpointReport
from monitoring.services import checkpoint_report_create, checkpoints_default
from projects.demo import projects_demo_load
from projects.models import ProjectAssessment
from publishing.services import report_publish
from reports import comments
from reports.demo.data import DEMO_USERS
from reports.demo.year import year_demo_load
from reports.editor import SECTIONS
from reports.services import report_start_next_year
from reports.workflow import transition_apply
from scoring.models import Indicator
from targets.models import TargetForm
from targets.services import target_adjust
from tests.steps import approve

PASSWORDS = {username: password for username, password, *_ in DEMO_USERS}

ANONYMOUS = "anonymous"
CLERK, REVIEWER, AUDITOR, ADMIN = "clerk", "reviewer", "auditor", "admin"
ROLES = (ANONYMOUS, CLERK, REVIEWER, AUDITOR, ADMIN)
SIGNED_IN = (CLERK, REVIEWER, AUDITOR, ADMIN)
STAFF = (REVIEWER, ADMIN)  # the roles that sign in to /admin/ (is_staff)
# A draft's pages: its own department's clerk, its reviewer, the administrator.
DRAFT_READERS = (CLERK, REVIEWER, ADMIN)


NOT_FOUND, REFUSED = "找不到页面", "无权操作"  # the error pages' titles
PUBLIC_NOT_FOUND = "未找到页面"  # the public site's own 404


SUBMITTED, RETURNED, APPROVED = "submitted", "returned", "approved"  # the walk's stages


@dataclass(frozen=True)
class Page:
    name: str
    path: str  # placeholders: those of Site.values at the page's stage
    roles: tuple[str, ...]
    stage: str = APPROVED  # when in the review loop the page is visited
    error: str = ""  # the title of the error page this path shows, if it is one


def _editor(stage: str, report: str, roles=(CLERK, ADMIN)) -> tuple[Page, ...]:
    return tuple(
        Page(
            f"{stage} editor: {section.key}",
            f"/reports/{{{report}}}/edit/{section.key}/",
            roles,
            stage,
        )
        for section in SECTIONS
    )


PAGES: tuple[Page, ...] = (
    # Submitted, with a reviewer's comment: the queue, the decision, the clerk's wait.
    Page("submitted report", "/reports/{report}/", (CLERK, REVIEWER, ADMIN), SUBMITTED),
    Page("admin queue", "/admin/", STAFF, SUBMITTED),
    Page("admin submitted report", "/admin/reports/report/{report}/change/", STAFF, SUBMITTED),
    # Returned, the comments answered in part: the clerk's banner and threads.
    Page("home, a report returned", "/", (CLERK, REVIEWER), RETURNED),
    Page("returned report", "/reports/{report}/", (CLERK, REVIEWER, ADMIN), RETURNED),
    *_editor(RETURNED, "report"),
    Page(
        "project import", "/reports/{report}/projects/{project}/import/", (CLERK, ADMIN), RETURNED
    ),
    Page("admin returned report", "/admin/reports/report/{report}/change/", STAFF, RETURNED),
    # Approved, and next year's draft.
    Page("sign-in", "/accounts/login/", (ANONYMOUS,)),
    Page("sign-in, sent from a page", "/accounts/login/?next=/reports/{draft}/", (ANONYMOUS,)),
    Page("admin sign-in", "/admin/login/", (ANONYMOUS,)),
    Page("home", "/", SIGNED_IN),
    Page("draft report", "/reports/{draft}/", DRAFT_READERS),
    Page("approved report", "/reports/{approved}/", SIGNED_IN),
    *_editor(APPROVED, "draft"),
    Page("import", "/reports/{draft}/import/", (CLERK, ADMIN)),
    Page("approved list", "/approved/", SIGNED_IN),
    Page("dashboard", "/dashboard/{year}/", (REVIEWER, AUDITOR, ADMIN)),
    Page("department history", "/departments/{department}/history/", (REVIEWER, AUDITOR, ADMIN)),
    Page("admin index", "/admin/", STAFF),
    Page("admin report list", "/admin/reports/report/", STAFF),
    Page("admin draft report", "/admin/reports/report/{draft}/change/", STAFF),
    Page("admin approved report", "/admin/reports/report/{approved}/change/", STAFF),
    Page("admin report history", "/admin/reports/report/{approved}/history/", STAFF),
    Page("admin selfeval", "/admin/reports/report/{draft}/selfeval/", STAFF),
    Page("admin expenditure lines", "/admin/budgets/expenditureline/", STAFF),
    Page("admin transitions", "/admin/reports/reporttransition/", STAFF),
    Page("admin departments", "/admin/departments/department/", (ADMIN,)),
    Page("admin add department", "/admin/departments/department/add/", (ADMIN,)),
    Page("admin users", "/admin/departments/user/", (ADMIN,)),
    Page("admin frameworks", "/admin/scoring/framework/", (ADMIN,)),
    # The year around the report: targets, monitoring, problems, deadlines, notices.
    Page("targets", "/targets/", SIGNED_IN),
    Page("approved targets", "/targets/{targets}/", SIGNED_IN),
    Page("targets adjusted, draft", "/targets/{adjusted}/", DRAFT_READERS),
    Page("targets edit", "/targets/{adjusted}/edit/", (CLERK, ADMIN)),
    Page("monitoring", "/monitoring/", SIGNED_IN),
    Page("checkpoint overview", "/monitoring/checkpoints/{checkpoint}/", SIGNED_IN),
    Page("checkpoint sheet", "/monitoring/reports/{sheet}/", SIGNED_IN),
    Page("checkpoint sheet edit", "/monitoring/reports/{sheet_draft}/edit/", (CLERK, ADMIN)),
    Page("problems", "/problems/", SIGNED_IN),
    Page("problem", "/problems/{problem}/", SIGNED_IN),
    Page("problem issued", "/problems/new/", (REVIEWER, ADMIN)),
    Page("deadlines", "/deadlines/?year={year}", SIGNED_IN),
    Page("notifications", "/notifications/", SIGNED_IN),
    Page("admin target forms", "/admin/targets/targetform/", STAFF),
    Page("admin checkpoints", "/admin/monitoring/checkpoint/", STAFF),
    Page("admin project tables", "/admin/projects/projectassessment/", STAFF),
    Page("admin project table", "/admin/projects/projectassessment/{assessment}/change/", STAFF),
    Page("admin publications", "/admin/publishing/publicationevent/", STAFF),
    # The public site, signed out or not: the published demo report.
    Page("public list", "/public/", ROLES),
    Page("public report", "/public/{approved}/", ROLES),
    Page("public not found", "/public/{draft}/", (ANONYMOUS,), error=PUBLIC_NOT_FOUND),
    # Error pages.
    Page("not found", "/no-such-page/", SIGNED_IN, error=NOT_FOUND),
    Page("refused", "/dashboard/{year}/", (CLERK,), error=REFUSED),
)


class Site:
    """The demo report (2022) taken through the review loop, a stage at a time: submitted
    with a reviewer's comment on a row; returned, the clerk having answered it and a second
    comment open; approved, with the department's 2023 draft started."""

    def __init__(self, demo):
        self.report = demo.report
        self.users = {user.username: user for user in get_user_model().objects.all()}
        self.stage = ""
        self.values: dict[str, object] = {}

    def stages(self):
        """Take the report to each stage in turn, yielding the stage's name."""
        users, report = self.users, self.report
        row = Indicator.objects.get(framework_id=report.framework_id, name="预算执行规范性")
        projects_demo_load(report=report)  # as load_demo gives the demo its projects
        assessment = ProjectAssessment.objects.filter(report=report).first()
        self.values = {
            "report": report.pk,
            "project": assessment.project_id,
            "assessment": assessment.pk,
        }

        transition_apply(report=report, user=users[CLERK], action="submit")
        thread = comments.comment_add(
            report=report,
            user=users[REVIEWER],
            anchor=f"row:{row.pk}",
            text="预算执行规范性为何扣 1 分？请写明理由。",
        )
        yield self._at(SUBMITTED)

        comments.comment_add(
            report=report,
            user=users[REVIEWER],
            anchor="field:asset_management",
            text="请补充资产管理情况。",
        )
        transition_apply(
            report=report, user=users[REVIEWER], action="return", comment="请按意见修改后再提交。"
        )
        comments.comment_reply(thread=thread, user=users[CLERK], text="已在偏差原因中说明。")
        yield self._at(RETURNED)

        approved = approve(report, users)
        report_publish(report=approved, user=users[REVIEWER])
        draft = report_start_next_year(previous=approved)
        self.values = {
            **self.values,
            "draft": draft.pk,
            "approved": approved.pk,
            "year": approved.year,
            "department": approved.department_id,
            **self._year(approved),
        }
        yield self._at(APPROVED)

    def _year(self, approved) -> dict[str, object]:
        """The demo's 2022 year (approved targets, monitoring, problems, deadlines), an
        adjustment of the targets and a 2023 监控表 being written."""
        year_demo_load(report=approved)
        targets = TargetForm.objects.get(department=approved.department, year=approved.year)
        adjusted = target_adjust(form=targets, user=self.users[CLERK], reason="年中调整")
        checkpoint = checkpoints_default(approved.year + 1)[0]
        sheet_draft = checkpoint_report_create(
            department=approved.department, checkpoint=checkpoint
        )
        sheet = CheckpointReport.objects.filter(department=approved.department, status=APPROVED)
        return {
            "targets": targets.pk,
            "adjusted": adjusted.pk,
            "checkpoint": checkpoint.pk,
            "sheet": sheet.order_by("checkpoint__period_end").last().pk,
            "sheet_draft": sheet_draft.pk,
            "problem": ProblemItem.objects.filter(department=approved.department).first().pk,
        }

    def _at(self, stage: str) -> str:
        self.stage = stage
        return stage

    def pages(self, role: str) -> list[tuple[Page, str]]:
        """Each page ``role`` opens at the current stage, with its path."""
        return [
            (page, page.path.format(**self.values))
            for page in PAGES
            if role in page.roles and page.stage == self.stage
        ]


def sign_in(b, role: str) -> None:
    """Sign in through the sign-in page (each role then lands on its own first page)."""
    if role == ANONYMOUS:
        return
    b.get("/accounts/login/")
    b.type("#id_username", role)
    b.type("#id_password", PASSWORDS[role])
    b.click_and_wait("button[type=submit]")
    assert "/login/" not in b.driver.current_url, f"{role} could not sign in"


def open_page(b, page: Page, path: str) -> None:
    """Load ``path``, wait until its scripts have run, and check it is the page meant: not
    sent elsewhere (to sign in), and an error page only where one is expected."""
    b.get(path)
    WebDriverWait(b.driver, 10).until(
        lambda driver: driver.execute_script("return document.readyState") == "complete"
    )
    title = b.driver.title
    shown = urlsplit(b.driver.current_url)
    assert shown.path == urlsplit(path).path, f"{page.name}: {path} went to {shown.path}"
    if page.error:
        assert page.error in title, f"{page.name}: {path} shows {title!r}"
    else:
        assert not any(e in title for e in (NOT_FOUND, REFUSED)), f"{path} shows {title!r}"
