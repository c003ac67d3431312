"""Every page a user reaches satisfies the Content Security Policy: Chromium refuses nothing."""

import pytest
from django.urls import NoReverseMatch, reverse
from selenium.webdriver.support.ui import WebDriverWait

from reports.demo.data import DEMO_USERS
from reports.editor import SECTIONS

PASSWORDS = {username: password for username, password, *_ in DEMO_USERS}


def pages(report) -> list[str]:
    pk = report.pk
    paths = [
        "/",
        f"/reports/{pk}/",
        *(f"/reports/{pk}/edit/{section.key}/" for section in SECTIONS),
        "/approved/",
        "/admin/",
        "/admin/reports/report/",
        f"/admin/reports/report/{pk}/change/",
        f"/admin/reports/report/{pk}/history/",
        "/admin/budgets/expenditureline/",
        "/admin/departments/department/add/",
        "/admin/departments/department/import/",
        "/admin/departments/department/export/",
        "/admin/departments/user/",
    ]
    try:
        paths.append(reverse("dashboard", args=[report.year]))
    except NoReverseMatch:  # the dashboard is not part of every version
        pass
    return paths


def refusals(messages: list[str]) -> list[str]:
    return [m for m in messages if "Content Security Policy" in m or "Refused to" in m]


def problems(messages: list[str]) -> list[str]:
    """Refusals, and what else would hide one: a server error, a script that died."""
    broken = ("status of 500", "Uncaught")
    return refusals(messages) + [m for m in messages if any(b in m for b in broken)]


def visit(b, path: str) -> list[str]:
    b.get(path)
    WebDriverWait(b.driver, 10).until(
        lambda driver: driver.execute_script("return document.readyState") == "complete"
    )
    return problems(b.console_messages())


@pytest.mark.parametrize("username", ["admin", "clerk", "reviewer", "auditor"])
def test_no_page_breaks_the_content_security_policy(browser, e2e_demo, username):
    b = browser()
    b.login(username, PASSWORDS[username])
    b.console_messages()

    refused = {path: found for path in pages(e2e_demo.report) if (found := visit(b, path))}

    assert refused == {}


def test_the_console_shows_what_the_policy_refuses(browser, e2e_demo):
    """The check above can fail: an inline style added to a page is refused and reported."""
    b = browser()
    b.login("admin", PASSWORDS["admin"])
    b.get("/")
    b.console_messages()

    b.driver.execute_script(
        "document.body.insertAdjacentHTML('beforeend', '<p style=\"color: red\">x</p>')"
    )

    assert any("style-src" in m for m in refusals(b.console_messages()))
