"""The public site: what an anonymous visitor sees, downloads and never reaches."""

import hashlib

import pytest
from django.conf import settings

from publishing.services import report_withdraw
from reports.models import OfficialPdf, Report
from reports.workflow import transition_apply
from tests.reports.test_archive import body, copy_report


def anonymous(client_for):
    return client_for(None)


def test_anonymous_visitor_sees_the_published_report_in_the_list(published, client_for):
    response = anonymous(client_for).get("/public/")

    assert response.status_code == 200
    text = response.content.decode()
    assert "部门整体支出绩效自评报告公开" in text
    assert "浏阳市人大常委会机关" in text
    assert f'href="/public/{published.pk}/"' in text
    assert "2,575.66" in text and "123.10%" in text and ">99<" in text and ">优<" in text
    assert 'lang="zh-Hans"' in text
    assert settings.SESSION_COOKIE_NAME not in response.cookies


def test_list_filters_by_year_and_department_name(published, client_for):
    client = anonymous(client_for)

    assert "浏阳市人大常委会机关" in client.get("/public/?year=2022&q=人大").content.decode()
    assert "浏阳市人大常委会机关" not in client.get("/public/?year=2023").content.decode()
    assert "浏阳市人大常委会机关" not in client.get("/public/?q=财政局").content.decode()


@pytest.mark.parametrize("query", ["?year=abc", "?year=99999", "?q=" + "长" * 200, "?page=x"])
def test_bad_filters_get_a_chinese_message_not_an_error(published, client_for, query):
    response = anonymous(client_for).get(f"/public/{query}")

    assert response.status_code == 200
    assert "浏阳市人大常委会机关" in response.content.decode()


def test_public_page_shows_the_approved_figures(published, client_for):
    response = anonymous(client_for).get(f"/public/{published.pk}/")

    assert response.status_code == 200
    text = response.content.decode()
    assert "浏阳市人大常委会机关2022 年部门整体支出绩效自评报告" in text
    assert '<dd class="col-7 col-sm-9" id="total-score">99 分</dd>' in text
    assert '<dd class="col-7 col-sm-9" id="grade">优</dd>' in text
    for figure in ("2,575.66", "1,961.17", "1,846.37", "114.80", "614.49", "2.92", "123.10%"):
        assert figure in text
    assert response["Cache-Control"] in ("public, max-age=300", "max-age=300, public")
    assert response["ETag"] and response["Last-Modified"]
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert "Content-Security-Policy" in response


def test_repeat_with_its_etag_gets_304(published, client_for):
    client = anonymous(client_for)
    first = client.get(f"/public/{published.pk}/")

    again = client.get(f"/public/{published.pk}/", HTTP_IF_NONE_MATCH=first["ETag"])
    since = client.get(f"/public/{published.pk}/", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])

    assert (again.status_code, again.content) == (304, b"")
    assert since.status_code == 304


def test_repeat_is_served_from_the_cache(published, client_for, django_assert_max_num_queries):
    client = anonymous(client_for)
    client.get(f"/public/{published.pk}/")

    with django_assert_max_num_queries(0):
        assert client.get(f"/public/{published.pk}/").status_code == 200


@pytest.mark.pdf
def test_anonymous_download_is_the_archived_file(published, client_for):
    client = anonymous(client_for)
    assert "正式 PDF 正在生成" in client.get(f"/public/{published.pk}/").content.decode()

    response = client.get(f"/public/{published.pk}/pdf/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    data = body(response)
    stored = OfficialPdf.objects.get(version__report=published)
    assert hashlib.sha256(data).hexdigest() == stored.sha256 == response["X-Content-SHA256"]
    with stored.file.open("rb") as f:
        assert f.read() == data
    assert (
        client.get(f"/public/{published.pk}/pdf/", HTTP_IF_NONE_MATCH=response["ETag"]).status_code
        == 304
    )
    page = client.get(f"/public/{published.pk}/").content.decode()
    assert stored.sha256 in page and f"{stored.size} 字节" in page


def public_paths(pk):
    return [f"/public/{pk}/", f"/public/{pk}/pdf/"]


def assert_not_public(client, pk):
    for path in public_paths(pk):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "未找到该页面" in response.content.decode()
        assert "自评报告" not in response.content.decode().split("<main")[1].split("</main>")[0]
    assert f'href="/public/{pk}/"' not in client.get("/public/").content.decode()


def test_unpublished_approved_report_is_not_public(approved, client_for):
    assert_not_public(anonymous(client_for), approved.pk)


def test_draft_is_not_public(demo_report, client_for):
    assert_not_public(anonymous(client_for), demo_report.pk)


def test_withdrawn_report_is_not_public(published, users, client_for):
    client = anonymous(client_for)
    assert client.get(f"/public/{published.pk}/").status_code == 200

    report_withdraw(report=published, user=users["reviewer"], note="数据需核实")

    assert_not_public(client, published.pk)


def test_reopened_report_is_not_public(published, users, client_for):
    client = anonymous(client_for)
    assert client.get(f"/public/{published.pk}/").status_code == 200

    transition_apply(report=published, user=users["admin"], action="reopen", comment="更正数据")

    assert_not_public(client, published.pk)


def test_another_departments_unpublished_report_is_not_public(world, published, client_for):
    from departments.models import Department

    other = copy_report(
        Report.objects.get(pk=published.pk), department=Department.objects.get(code="430181-002")
    )
    assert_not_public(anonymous(client_for), other.pk)


@pytest.mark.parametrize("pk", [0, 999999, 10**17])
def test_nonexistent_ids_are_404(published, client_for, pk):
    assert_not_public(anonymous(client_for), pk)


@pytest.mark.parametrize(
    "path",
    [
        "/public/x/",
        "/public/1/xlsx/",
        "/public/../admin/",
        "/public/%00/",
        "/public/999999999999999999999999/",
        "/public/1/pdf/extra",
        "/public/reports/",
    ],
)
def test_other_paths_under_public_are_404(published, client_for, path):
    response = anonymous(client_for).get(path)

    assert response.status_code == 404
    assert "未找到该页面" in response.content.decode()


def test_nothing_else_becomes_anonymous(published, client_for):
    client = anonymous(client_for)
    for path in (f"/reports/{published.pk}/", f"/reports/{published.pk}/pdf/", "/approved/"):
        response = client.get(path)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_public_pages_take_no_post(published, client_for):
    assert anonymous(client_for).post(f"/public/{published.pk}/").status_code in (403, 405)
