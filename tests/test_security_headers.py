"""Security headers on every response, and templates that need nothing inline."""

import re
from pathlib import Path

import pytest

from tests.steps import approve

POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)
TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
# WeasyPrint's templates make PDFs, never pages a browser runs.
PAGE_TEMPLATES = sorted(p for p in TEMPLATES.rglob("*.html") if "pdf" not in p.parts)
INLINE = {
    "inline script": re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I),
    "event handler": re.compile(r"<[^>]*\son[a-z]+\s*=", re.I),
    "style attribute": re.compile(r"<[^>]*\sstyle\s*=", re.I),
    "style element": re.compile(r"<style\b", re.I),
}


def directives(header: str) -> set[str]:
    return {part.strip() for part in header.split(";")}


@pytest.mark.django_db
def test_sign_in_page_carries_the_content_security_policy(client):
    response = client.get("/accounts/login/")

    assert response.status_code == 200
    assert directives(response["Content-Security-Policy"]) == directives(POLICY)


def test_admin_pages_carry_the_policy_and_refuse_framing(admin_client_demo, demo_report):
    response = admin_client_demo.get(f"/admin/reports/report/{demo_report.pk}/change/")

    assert response.status_code == 200
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.pdf
def test_pdf_preview_carries_no_page_policy(client_for, demo_report):
    """Chrome's PDF viewer is a page of its own, which the page policy would leave blank."""
    response = client_for("clerk").get(f"/reports/{demo_report.pk}/pdf/")

    assert response["Content-Type"] == "application/pdf"
    assert "Content-Security-Policy" not in response


def cache_directives(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


def test_home_page_of_a_signed_in_user_is_kept_out_of_every_cache(client_for):
    response = client_for("clerk").get("/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert cache_directives(response) == {"private", "no-store"}


def test_admin_index_is_kept_out_of_every_cache(admin_client_demo):
    response = admin_client_demo.get("/admin/")

    assert response.status_code == 200
    assert {"private", "no-store"} <= cache_directives(response)


@pytest.mark.django_db
def test_sign_in_page_keeps_djangos_own_never_cache_header(client):
    """Anonymous pages are left to their views; the sign-in view sends never_cache's header."""
    response = client.get("/accounts/login/")

    assert cache_directives(response) == {
        "max-age=0",
        "no-cache",
        "no-store",
        "must-revalidate",
        "private",
    }


@pytest.mark.pdf
def test_official_pdf_keeps_its_own_revalidated_caching(client_for, demo_report, users):
    """A browser may keep the official PDF, asking again (ETag) on every download."""
    report = approve(demo_report, users)

    response = client_for("auditor").get(f"/reports/{report.pk}/pdf/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert cache_directives(response) == {"private", "no-cache"}
    assert response["ETag"]


@pytest.mark.parametrize("template", PAGE_TEMPLATES, ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_page_templates_have_nothing_inline(template):
    text = template.read_text(encoding="utf-8")

    found = {kind: pattern.findall(text) for kind, pattern in INLINE.items()}

    assert {kind: hits for kind, hits in found.items() if hits} == {}
