"""Official PDFs kept with their hash, watermarked previews, the approved list and its ZIP."""

import hashlib
import io
import re
import subprocess
import zipfile
from decimal import Decimal as D
from urllib.parse import quote

import pytest
from django.core.files.storage import default_storage
from pypdf import PdfReader

from departments.models import Department
from perfeval import pagecache
from reports import archive
from reports.models import ApprovedVersion, Download, OfficialPdf, Report
from reports.views import downloads
from reports.workflow import transition_apply
from tests.builders import copy_report
from tests.steps import approve


@pytest.fixture
def two_approved(world, users, demo_report):
    """The demo approved, and a copy of it approved for a second department."""
    other = Department.objects.get(code="430181-002")
    second = copy_report(Report.objects.get(pk=demo_report.pk), department=other)
    transition_apply(report=second, user=users["clerk_b"], action="submit")
    transition_apply(report=second, user=users["reviewer_b"], action="approve")
    return [approve(demo_report, users), Report.objects.get(pk=second.pk)]


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def pdf_text(data: bytes) -> str:
    command = ["pdftotext", "-raw", "-enc", "UTF-8", "-", "-"]
    return subprocess.run(command, input=data, capture_output=True, check=True).stdout.decode()


# One report's PDF


@pytest.mark.pdf
def test_auditor_downloads_the_approved_pdf_and_its_hash_matches_the_stored_file(
    approved, users, client_for
):
    response = client_for("auditor").get(f"/reports/{approved.pk}/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    data = body(response)
    assert data.startswith(b"%PDF-")
    stored = OfficialPdf.objects.get()
    digest = hashlib.sha256(data).hexdigest()
    assert digest == stored.sha256 == response["X-Content-SHA256"]
    with default_storage.open(stored.file.name, "rb") as f:
        assert hashlib.sha256(f.read()).hexdigest() == digest
    assert stored.size == len(data)
    assert stored.version == approved.approved_versions.get()
    log = Download.objects.get()
    assert (log.user, log.report, log.kind, log.sha256) == (
        users["auditor"],
        approved,
        Download.Kind.PDF,
        digest,
    )


@pytest.mark.pdf
def test_the_pdf_is_rendered_once_and_served_from_storage_afterwards(
    approved, client_for, monkeypatch
):
    first = body(client_for("auditor").get(f"/reports/{approved.pk}/pdf/"))

    def no_rendering(**kwargs):
        raise AssertionError("rendered again")

    monkeypatch.setattr(archive, "render_report_pdf", no_rendering)
    second = body(client_for("reviewer").get(f"/reports/{approved.pk}/pdf/"))
    assert second == first
    assert OfficialPdf.objects.count() == 1
    assert Download.objects.count() == 2


@pytest.mark.pdf
def test_a_browser_that_kept_the_pdf_is_told_it_is_unchanged_and_the_download_recorded(
    approved, client_for
):
    auditor = client_for("auditor")
    first = auditor.get(f"/reports/{approved.pk}/pdf/")
    body(first)
    etag = f'"{OfficialPdf.objects.get().sha256}"'
    assert first["ETag"] == etag
    assert "private" in first["Cache-Control"] and "no-cache" in first["Cache-Control"]

    again = auditor.get(f"/reports/{approved.pk}/pdf/", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again["ETag"] == etag
    assert not again.content
    by_date = auditor.get(
        f"/reports/{approved.pk}/pdf/", headers={"If-Modified-Since": first["Last-Modified"]}
    )
    assert by_date.status_code == 304
    assert Download.objects.filter(kind=Download.Kind.PDF).count() == 3


@pytest.mark.pdf
def test_a_stale_copy_gets_the_whole_file(approved, client_for):
    response = client_for("auditor").get(
        f"/reports/{approved.pk}/pdf/", headers={"If-None-Match": '"0123"'}
    )
    assert response.status_code == 200
    assert body(response).startswith(b"%PDF-")


@pytest.mark.pdf
def test_a_pdf_download_costs_three_queries(approved, client_for, django_assert_num_queries):
    auditor = client_for("auditor")
    body(auditor.get(f"/reports/{approved.pk}/pdf/"))  # renders it; renews the session
    body(auditor.get(f"/reports/{approved.pk}/pdf/"))  # keeps the version it stands at

    # Session, user, the download's record; the version with its report and PDF is kept until
    # something moves (perfeval/pagecache.py), the user's roles until they change
    # (departments/roles.py).
    with django_assert_num_queries(3):
        assert body(auditor.get(f"/reports/{approved.pk}/pdf/")).startswith(b"%PDF-")


def test_a_draft_pdf_is_refused_to_the_auditor(world, client_for, demo_report):
    assert client_for("auditor").get(f"/reports/{demo_report.pk}/pdf/").status_code == 404
    assert not Download.objects.exists()


@pytest.mark.parametrize(("role", "state"), [("clerk", "草稿"), ("reviewer", "待审核")])
@pytest.mark.pdf
def test_clerk_and_reviewer_get_a_watermarked_preview_of_a_report_not_approved(
    world, users, client_for, demo_report, role, state
):
    if state == "待审核":
        transition_apply(report=demo_report, user=users["clerk"], action="submit")
    response = client_for(role).get(f"/reports/{demo_report.pk}/pdf/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("inline")
    pages = ["".join(page.split()) for page in pdf_text(body(response)).split("\f")[:-1]]
    # 14: the 注's sentence on the computed 全年完成值 takes the last row, the 总分 and the 注
    # onto a page of their own.
    assert len(pages) == 14
    assert all(state in page for page in pages)  # the watermark, on every page
    assert "2575.66" in "".join(pages)
    assert not OfficialPdf.objects.exists()
    assert Download.objects.get().kind == Download.Kind.PREVIEW


@pytest.mark.pdf
def test_reopening_keeps_the_old_file_and_a_new_approval_gets_its_own(approved, users, client_for):
    client_for("auditor").get(f"/reports/{approved.pk}/pdf/")
    old = OfficialPdf.objects.get()
    transition_apply(report=approved, user=users["admin"], action="reopen", comment="更正数据")
    assert client_for("auditor").get(f"/reports/{approved.pk}/pdf/").status_code == 404
    approve(approved, users)
    response = client_for("auditor").get(f"/reports/{approved.pk}/pdf/")
    new = OfficialPdf.objects.exclude(pk=old.pk).get()
    assert new.version.number == 2
    assert response["X-Content-SHA256"] == new.sha256
    assert default_storage.exists(old.file.name)
    assert default_storage.exists(new.file.name)
    assert old.file.name != new.file.name


@pytest.mark.pdf
def test_export_pdf_writes_the_stored_file_of_an_approved_report(approved, tmp_path):
    from django.core.management import call_command

    out = tmp_path / "report.pdf"
    call_command(
        "export_pdf", "--department", approved.department.name, "--year", "2022", "-o", out
    )
    assert hashlib.sha256(out.read_bytes()).hexdigest() == OfficialPdf.objects.get().sha256


# Renders the report changes under


def stored_files(root) -> list:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def reopen_while_rendering(monkeypatch, users, report):
    """A superuser reopens ``report`` while its official PDF renders (once)."""
    real = archive.render_report_pdf

    def render(**kwargs):
        if kwargs["report"].pk == report.pk and report.status == Report.Status.APPROVED:
            transition_apply(report=report, user=users["admin"], action="reopen", comment="更正")
        return real(**kwargs)

    monkeypatch.setattr(archive, "render_report_pdf", render)


@pytest.mark.pdf
def test_a_report_reopened_while_its_pdf_renders_gets_no_pdf(
    approved, users, monkeypatch, media_root
):
    version = approved.approved_versions.get()
    reopen_while_rendering(monkeypatch, users, approved)
    with pytest.raises(archive.NotCurrent, match="第 1 次批准的版本已不是该报告当前的批准版本"):
        archive.official_pdf_render(version=version)
    assert not OfficialPdf.objects.exists()
    assert stored_files(media_root) == []


def test_a_stale_version_is_not_rendered_at_all(approved, users, monkeypatch):
    version = approved.approved_versions.get()
    transition_apply(report=approved, user=users["admin"], action="reopen", comment="更正")
    approve(approved, users)
    monkeypatch.setattr(archive, "render_report_pdf", lambda **kwargs: pytest.fail("rendered"))
    with pytest.raises(archive.NotCurrent):
        archive.official_pdf_render(version=version)
    assert not OfficialPdf.objects.exists()


@pytest.mark.pdf
def test_a_download_of_a_report_reopened_while_it_renders_is_not_found(
    approved, users, client_for, monkeypatch, media_root
):
    reopen_while_rendering(monkeypatch, users, approved)
    response = client_for("auditor").get(f"/reports/{approved.pk}/pdf/")
    assert response.status_code == 404
    assert "该页面或报告不存在" in response.content.decode()
    assert not OfficialPdf.objects.exists()
    assert not Download.objects.exists()
    assert stored_files(media_root) == []


@pytest.mark.pdf
def test_export_pdf_of_a_report_reopened_while_it_renders_says_so(
    approved, users, monkeypatch, tmp_path
):
    from django.core.management import CommandError, call_command

    reopen_while_rendering(monkeypatch, users, approved)
    out = tmp_path / "report.pdf"
    with pytest.raises(CommandError, match="未导出：第 1 次批准的版本已不是该报告当前的批准版本"):
        call_command(
            "export_pdf", "--department", approved.department.name, "--year", "2022", "-o", out
        )
    assert not out.exists()


@pytest.mark.pdf
def test_a_zip_leaves_out_a_report_reopened_while_it_renders(
    two_approved, users, client_for, monkeypatch
):
    reopen_while_rendering(monkeypatch, users, two_approved[1])
    response = client_for("auditor").post("/approved/zip/", {"scope": "all", "year": "2022"})
    assert read_zip(response).namelist() == [
        "浏阳市人大常委会机关2022年部门整体支出绩效自评报告.pdf",
        "SHA256SUMS.txt",
    ]
    assert OfficialPdf.objects.get().version.report == two_approved[0]


@pytest.mark.pdf
def test_two_first_renders_at_once_store_one_file_and_both_get_it(
    approved, monkeypatch, media_root
):
    version = approved.approved_versions.get()
    real = archive.render_report_pdf
    other = []

    def render(**kwargs):
        if not other:  # another download renders and stores while this one renders
            other.append(None)
            other[0] = archive.official_pdf_render(version=version)
        return real(**kwargs)

    monkeypatch.setattr(archive, "render_report_pdf", render)
    pdf = archive.official_pdf_render(version=version)
    assert pdf == other[0] == OfficialPdf.objects.get()
    assert stored_files(media_root) == [media_root / pdf.file.name]


# The approved list


@pytest.mark.pdf
def test_the_list_shows_approved_reports_with_score_grade_and_hash(two_approved, client_for):
    auditor = client_for("auditor")
    auditor.get(f"/reports/{two_approved[0].pk}/pdf/")
    page = auditor.get("/approved/").content.decode()
    assert "共 2 份" in page
    assert "浏阳市人大常委会机关" in page and "浏阳市财政局" in page
    assert page.count(">99<") == 2
    assert OfficialPdf.objects.get().sha256 in page
    assert page.count("正式 PDF 正在生成") == 1  # the other one's, not downloaded yet
    assert 'name="xlsx" value="1"' in page  # the ZIP may hold the sheets too


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("year=2022", 2),
        ("year=2021", None),
        ("grade=优", 2),
        ("grade=良", 0),
        ("q=财政", 1),
        ("q=430181-001", 1),
        ("q=不存在的部门", 0),
    ],
)
def test_the_list_filters_by_year_grade_and_search(two_approved, client_for, query, expected):
    page = client_for("auditor").get(f"/approved/?{query}").content.decode()
    if expected is None:  # not a year on offer: the filter is ignored, with the form's error
        assert "共 2 份" in page
        assert "选择一个有效的选项" in page
    else:
        assert f"共 {expected} 份" in page


def test_the_list_filters_by_department(two_approved, client_for):
    other = Department.objects.get(code="430181-002")
    page = client_for("auditor").get(f"/approved/?department={other.pk}").content.decode()
    assert "共 1 份" in page
    assert "浏阳市财政局</label>" in page
    assert "浏阳市人大常委会机关</label>" not in page


def test_the_filters_keep_what_was_chosen(two_approved, client_for):
    page = client_for("auditor").get("/approved/?grade=优&q=财政").content.decode()
    assert '<option value="优" selected>优</option>' in page
    assert '<option value="" selected>全部年度</option>' in page
    assert 'name="q" id="id_q" value="财政"' in page
    assert "共 1 份" in page


def test_each_role_lists_only_what_it_may_see(two_approved, client_for):
    assert "共 2 份" in client_for("auditor").get("/approved/").content.decode()
    assert "共 1 份" in client_for("clerk").get("/approved/").content.decode()
    assert "共 1 份" in client_for("reviewer_b").get("/approved/").content.decode()


# Session, user; the filters' years, departments and grades; the page's ids, then its rows
# (archive.NarrowSlices) and, when there is more than one page, their count; the navigation's
# unread notifications. (The user's roles are kept: departments/roles.py.)
QUERIES = 9


def test_the_list_costs_the_same_queries_at_any_size(
    world, users, client_for, demo_report, django_assert_num_queries
):
    """Many approved versions (made directly: the list reads only versions and departments)."""
    auditor = client_for("auditor")
    approve(demo_report, users)
    version = ApprovedVersion.objects.get()

    def add_departments(n, start):
        for i in range(start, start + n):
            department = Department.objects.create(
                name=f"测试部门{i}", code=f"T{i:05d}", reporting_unit=f"测试部门{i}办公室"
            )
            report = Report.objects.create(
                department=department, year=2022, framework=demo_report.framework
            )
            Report.objects.filter(pk=report.pk).update(status=Report.Status.APPROVED)
            ApprovedVersion.objects.create(
                report=report,
                number=1,
                transition=report.transitions.create(
                    action="approve",
                    from_status="submitted",
                    to_status="approved",
                    user=users["admin"],
                ),
                summary=version.summary,
                content=[],
                total_score=version.total_score,
                grade=version.grade,
            )

    add_departments(10, 0)
    auditor.get("/approved/")  # renews the session
    pagecache.bump()  # approvals, which these rows were made without, make the list anew
    with django_assert_num_queries(QUERIES - 1):  # one page: its rows give the count
        assert "共 11 份" in auditor.get("/approved/").content.decode()
    add_departments(80, 10)
    pagecache.bump()
    with django_assert_num_queries(QUERIES):
        page = auditor.get("/approved/").content.decode()
    assert "共 91 份" in page
    assert "第 1 / 2 页" in page

    # By department code, each once: the demo's 430181-001 and T00000…T00048, then the rest.
    def listed(html: str) -> list[int]:
        rows = html[html.index("<tbody") : html.index("</tbody>")]
        return [int(n) for n in re.findall(r"测试部门(\d+)<", rows)]

    first, second = listed(page), listed(auditor.get("/approved/?page=2").content.decode())
    assert first == list(range(49)) and second == list(range(49, 90))


def test_the_list_is_kept_per_scope_and_filter_until_a_report_moves(
    world, users, client_for, demo_report, django_assert_num_queries
):
    auditor = client_for("auditor")
    approve(demo_report, users)
    assert "共 1 份" in auditor.get("/approved/").content.decode()
    # Kept: session, user and the menu's unread notifications (the roles, which make the
    # scope, are kept too).
    with django_assert_num_queries(3):
        assert "共 1 份" in auditor.get("/approved/").content.decode()
    # Another filter is another page; a query string nobody's form sends is never kept.
    assert "没有符合条件的已批准报告" in auditor.get("/approved/?q=没有这个部门").content.decode()
    odd = auditor.get("/approved/?utm_source=x")
    assert odd.status_code == 200 and "ETag" not in odd
    # Reviewer B sees only department B: another scope, its own page.
    reviewer_b = client_for("reviewer_b")
    assert "没有符合条件的已批准报告" in reviewer_b.get("/approved/").content.decode()

    other = Department.objects.get(code="430181-002")
    second = copy_report(Report.objects.get(pk=demo_report.pk), department=other)
    transition_apply(report=second, user=users["clerk_b"], action="submit")
    transition_apply(report=second, user=users["reviewer_b"], action="approve")

    assert "共 2 份" in auditor.get("/approved/").content.decode()
    assert "共 1 份" in reviewer_b.get("/approved/").content.decode()
    assert (
        "共 1 份"
        in auditor.get("/approved/?year=2022&department=" + str(other.pk)).content.decode()
    )


# The ZIP


def read_zip(response) -> zipfile.ZipFile:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    data = body(response)
    assert len(data) == int(response["Content-Length"])
    return zipfile.ZipFile(io.BytesIO(data))


@pytest.mark.pdf
def test_a_zip_of_all_matching_reports_holds_one_valid_pdf_each(two_approved, users, client_for):
    response = client_for("auditor").post("/approved/zip/", {"scope": "all", "year": "2022"})
    bundle = read_zip(response)
    names = bundle.namelist()
    assert names == [
        "浏阳市人大常委会机关2022年部门整体支出绩效自评报告.pdf",
        "浏阳市财政局2022年部门整体支出绩效自评报告.pdf",
        "SHA256SUMS.txt",
    ]
    sums = dict(
        reversed(line.split("  ", 1))
        for line in bundle.read("SHA256SUMS.txt").decode().splitlines()
    )
    for name in names[:2]:
        data = bundle.read(name)
        assert data.startswith(b"%PDF-")
        assert len(PdfReader(io.BytesIO(data)).pages) > 1
        assert hashlib.sha256(data).hexdigest() == sums[name]
    assert set(sums.values()) == set(OfficialPdf.objects.values_list("sha256", flat=True))
    logged = Download.objects.filter(kind=Download.Kind.ZIP, user=users["auditor"])
    assert sorted(logged.values_list("report_id", flat=True)) == sorted(r.pk for r in two_approved)


@pytest.mark.pdf
def test_a_zip_of_the_ticked_reports_only(two_approved, client_for):
    ticked = two_approved[1].approved_versions.get()
    response = client_for("auditor").post("/approved/zip/", {"version": [ticked.pk]})
    names = read_zip(response).namelist()
    assert names == ["浏阳市财政局2022年部门整体支出绩效自评报告.pdf", "SHA256SUMS.txt"]


def test_a_zip_with_nothing_ticked_says_what_to_do(two_approved, client_for):
    response = client_for("auditor").post("/approved/zip/", {"scope": "selected"}, follow=True)
    assert "没有选中任何报告" in response.content.decode()
    assert not Download.objects.exists()


def test_a_zip_cannot_reach_reports_outside_the_users_scope(two_approved, client_for):
    theirs = two_approved[1].approved_versions.get()
    response = client_for("clerk").post("/approved/zip/", {"version": [theirs.pk]}, follow=True)
    assert "没有选中任何报告" in response.content.decode()


@pytest.mark.pdf
def test_a_large_selection_shows_progress_while_its_pdfs_are_made(
    two_approved, client_for, monkeypatch
):
    monkeypatch.setattr(downloads, "RENDER_INLINE_AT_MOST", 0)
    monkeypatch.setattr(downloads, "RENDER_PER_STEP", 1)
    auditor = client_for("auditor")
    form = {"scope": "all", "year": "2022"}
    page = auditor.post("/approved/zip/", form)
    assert page["Content-Type"].startswith("text/html")
    html = page.content.decode()
    assert "正在准备 2 份报告的 ZIP" in html
    assert 'id="prepare-progress"' in html
    assert auditor.post("/approved/prepare/", form).json() == {
        "total": 2,
        "missing": 1,
        "retry_ms": 0,
    }
    assert auditor.post("/approved/prepare/", form).json() == {
        "total": 2,
        "missing": 0,
        "retry_ms": 0,
    }
    assert len(read_zip(auditor.post("/approved/zip/", form)).namelist()) == 3


def test_with_a_task_backend_the_zip_queues_its_pdfs_and_its_page_asks_every_second(
    two_approved, client_for, settings
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    auditor = client_for("auditor")
    form = {"scope": "all", "year": "2022"}
    page = auditor.post("/approved/zip/", form)
    assert "正在准备 2 份报告的 ZIP" in page.content.decode()
    # Queued (on commit, which the test's transaction never reaches), not rendered here.
    assert auditor.post("/approved/prepare/", form).json() == {
        "total": 2,
        "missing": 2,
        "retry_ms": 1000,
    }
    assert not OfficialPdf.objects.exists()


def read_unsized_zip(response) -> zipfile.ZipFile:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert not response.has_header("Content-Length")  # the sheets are made as it streams
    return zipfile.ZipFile(io.BytesIO(body(response)))


@pytest.mark.pdf
def test_a_zip_can_hold_each_reports_selfeval_sheet_beside_its_pdf(two_approved, users, client_for):
    from openpyxl import load_workbook

    response = client_for("auditor").post(
        "/approved/zip/", {"scope": "all", "year": "2022", "xlsx": "1"}
    )
    assert quote("已批准自评报告-2份（含自评表）.zip") in response["Content-Disposition"]
    bundle = read_unsized_zip(response)
    names = bundle.namelist()
    assert names == [
        "浏阳市人大常委会机关2022年部门整体支出绩效自评报告.pdf",
        "浏阳市人大常委会机关2022年部门整体支出绩效自评表.xlsx",
        "浏阳市财政局2022年部门整体支出绩效自评报告.pdf",
        "浏阳市财政局2022年部门整体支出绩效自评表.xlsx",
        "SHA256SUMS.txt",
    ]
    sums = dict(
        reversed(line.split("  ", 1))
        for line in bundle.read("SHA256SUMS.txt").decode().splitlines()
    )
    assert sorted(sums) == sorted(names[:4])
    for name in names[:4]:
        assert hashlib.sha256(bundle.read(name)).hexdigest() == sums[name]
    sheet = load_workbook(io.BytesIO(bundle.read(names[3])))["自评表"]
    values = [c.value for row in sheet.iter_rows() for c in row if c.value is not None]
    assert "2022 年部门整体支出绩效自评表" in values
    assert "浏阳市财政局" in "".join(str(v) for v in values)
    # The sheet is the one a single download gives.
    alone = client_for("auditor").get(f"/reports/{two_approved[1].pk}/xlsx/").content
    assert load_workbook(io.BytesIO(alone))["自评表"].max_row == sheet.max_row
    logged = Download.objects.filter(user=users["auditor"]).exclude(
        pk=Download.objects.latest("pk").pk  # the single download just made
    )
    kinds = sorted(logged.values_list("kind", "report_id"))
    assert kinds == sorted(
        [(Download.Kind.ZIP, r.pk) for r in two_approved]
        + [(Download.Kind.XLSX, r.pk) for r in two_approved]
    )


@pytest.mark.pdf
def test_a_zip_without_the_option_holds_no_sheet(two_approved, client_for):
    response = client_for("auditor").post("/approved/zip/", {"scope": "all", "year": "2022"})
    assert not any(name.endswith(".xlsx") for name in read_zip(response).namelist())
    assert not Download.objects.filter(kind=Download.Kind.XLSX).exists()


# Excel


def test_the_auditor_downloads_the_selfeval_sheet_of_an_approved_report(
    approved, users, client_for
):
    from openpyxl import load_workbook

    response = client_for("auditor").get(f"/reports/{approved.pk}/xlsx/")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content))["自评表"]
    values = [c.value for row in sheet.iter_rows() for c in row if c.value is not None]
    assert "2022 年部门整体支出绩效自评表" in values
    assert "浏阳市人大常委会办公室" in values  # the signing unit, as on the PDF
    assert 99 in values or D("99") in values or 99.0 in values
    log = Download.objects.get()
    assert (log.user, log.kind) == (users["auditor"], Download.Kind.XLSX)


def test_the_selfeval_sheet_of_a_draft_is_refused_to_the_auditor(world, client_for, demo_report):
    assert client_for("auditor").get(f"/reports/{demo_report.pk}/xlsx/").status_code == 404
    assert client_for("clerk").get(f"/reports/{demo_report.pk}/xlsx/").status_code == 200


def test_with_very_many_departments_the_list_offers_search_not_a_list(
    two_approved, client_for, monkeypatch
):
    from reports import forms

    other = Department.objects.get(code="430181-002")
    monkeypatch.setattr(forms, "DEPARTMENT_CHOICES_MAX", 1)
    page = client_for("auditor").get("/approved/").content.decode()
    assert 'name="department"' in page and 'type="hidden"' in page
    assert "全部部门" not in page
    filtered = client_for("auditor").get(f"/approved/?department={other.pk}").content.decode()
    assert "共 1 份" in filtered
