"""Official PDFs of approved reports: rendered once, stored with their hash, served from storage.

Also the watermarked previews of reports not yet approved, the ZIP of many official PDFs,
and the record of every download.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from zipstream import ZipStream

from perfeval.backup import database_snapshot
from scoring.models import GradeBand, Indicator
from sheets.export import selfeval_xlsx

from .guards import REPORT_OWNED
from .models import ApprovedVersion, Download, OfficialPdf, Report
from .pdf import render_report_pdf
from .word import report_docx

CHUNK = 64 * 1024


class NotApproved(Exception):
    """An official PDF was asked for a report that is not approved."""


class NotCurrent(NotApproved):
    """A version that stopped being its report's approved one: nothing was stored for it."""

    def __init__(self, version: ApprovedVersion):
        super().__init__(
            f"第 {version.number} 次批准的版本已不是该报告当前的批准版本（报告已被重新打开"
            "或再次批准），没有为它生成正式 PDF。"
        )
        self.version = version


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def report_filename(report: Report, *, suffix: str = "") -> str:
    """The name a downloaded file gets, as a clerk would name it: 部门2022年…自评报告.pdf."""
    return f"{report.department.name}{report.year}年部门整体支出绩效自评报告{suffix}.pdf"


# What an approved version's pages and downloads never read: the approval's whole content
# and summary (JSON decoded on every load).
SNAPSHOT_FIELDS = ("summary", "content")


def current_version(report: Report) -> ApprovedVersion:
    """The version an approved report stands at: its latest approval."""
    if report.status != Report.Status.APPROVED:
        raise NotApproved(f"该报告状态为“{report.get_status_display()}”，尚未批准，没有正式 PDF。")
    return (
        report.approved_versions.select_related("report__department", "pdf")
        .defer(*SNAPSHOT_FIELDS)
        .latest("number")
    )


# What a download needs of the version and its report: who may see it, the file's name.
DOWNLOAD_FIELDS = (
    "report_id",
    "number",
    "report__status",
    "report__year",
    "report__department_id",
    "report__department__name",
    "report__department__code",
    "pdf__version_id",
    "pdf__file",
    "pdf__sha256",
    "pdf__size",
    "pdf__created_at",
)


def standing_version(*, report_id: int) -> ApprovedVersion | None:
    """The current version of a report that stands approved, None for any other report.

    One query, with what a download needs of the report and its department, and the stored
    PDF if there is one yet.
    """
    return (
        ApprovedVersion.objects.filter(report_id=report_id, report__status=Report.Status.APPROVED)
        .select_related("report__department", "pdf")
        .only(*DOWNLOAD_FIELDS)
        .order_by("-number")
        .first()
    )


def official_pdf(*, report: Report) -> OfficialPdf:
    """The stored PDF of the report's current approved version, rendered now if not yet.

    Raises NotApproved when the report is not approved, or stops being so meanwhile.
    """
    return version_pdf(version=current_version(report))


def version_pdf(*, version: ApprovedVersion) -> OfficialPdf:
    """A version's stored PDF, rendered now if not yet (``official_pdf_render``)."""
    return getattr(version, "pdf", None) or official_pdf_render(version=version)


def official_pdf_render(*, version: ApprovedVersion) -> OfficialPdf:
    """Render and store a version's PDF once, if it still is its report's approved version.

    Rendering takes seconds and reads one snapshot of the database, holding no write lock: on
    SQLite every write transaction takes the one write lock of the database, so a render in
    one made every save of the site wait for it. Only the storing is a write, in a short
    transaction that checks again that the version is current and has no PDF yet. Two first
    downloads at once may both render; the first to store wins, and the other gets its file.

    Raises NotCurrent, storing nothing, when the report was reopened (or approved again)
    before the render or during it: its text may differ from what was approved.
    """
    stored = OfficialPdf.objects.filter(version_id=version.pk).first()
    if stored:
        return stored
    with _one_snapshot():
        if not _is_current(version):
            raise NotCurrent(version)
        # The whole report, as approved (callers may have loaded only part of it).
        report = Report.objects.select_related("department", "framework").get(pk=version.report_id)
        data = render_report_pdf(report=report)
    digest = sha256_hex(data)
    pdf = OfficialPdf(version=version, sha256=digest, size=len(data))
    name = f"{report.year}-{report.department.code}-v{version.number}-{digest[:12]}.pdf"
    pdf.file.save(name, ContentFile(data), save=False)  # before the lock: storage may be slow
    try:
        with transaction.atomic():
            # The report's row locked, as the workflow locks it: no reopen between check and
            # insert (on SQLite the transaction itself holds the write lock).
            list(
                Report.objects.select_for_update()
                .filter(pk=version.report_id)
                .values_list("pk", flat=True)
            )
            winner = OfficialPdf.objects.filter(version_id=version.pk).first()
            if winner is None and _is_current(version):
                pdf.save()
                return pdf
    except BaseException:
        pdf.file.delete(save=False)
        raise
    pdf.file.delete(save=False)  # another render's file is stored, or none may be
    if winner is None:
        raise NotCurrent(version)
    return winner


def _is_current(version: ApprovedVersion) -> bool:
    """Whether the report stands approved, at this version (its latest)."""
    latest = (
        ApprovedVersion.objects.filter(
            report_id=version.report_id, report__status=Report.Status.APPROVED
        )
        .order_by("-number")
        .values_list("pk", flat=True)
        .first()
    )
    return latest == version.pk


def _one_snapshot():
    """``database_snapshot()``; inside a caller's transaction (tests, a caller's own
    ``atomic``), that transaction, since a snapshot can only begin a transaction."""
    if transaction.get_connection().in_atomic_block:
        return contextlib.nullcontext()
    return database_snapshot()


def official_pdf_ready(*, report: Report) -> bool:
    """Whether the report is approved and its current version's official PDF stored yet."""
    return (
        report.status == Report.Status.APPROVED
        and OfficialPdf.objects.filter(
            version=ApprovedVersion.objects.filter(report_id=report.pk)
            .order_by("-number")
            .values("pk")[:1]
        ).exists()
    )


# Previews: kept until the report changes

PREVIEWS = "previews"
# The code and templates that shape a preview: a new release or an edited template makes
# new previews.
PREVIEW_CODE = ("reports", "scoring", "budgets", "projects")
PREVIEW_TEMPLATES = ("reports/pdf/*", "reports/_selfeval*.html", "projects/pdf/*")


def status_watermark(report: Report) -> str:
    """What a copy of a report not yet approved carries on every page (the preview PDF across
    its pages, the Word file in its header): its status (草稿, 待审核, 已退回); nothing once
    it is approved."""
    return "" if report.status == Report.Status.APPROVED else report.get_status_display()


def preview_pdf(*, report: Report) -> bytes:
    """A report not yet approved, as it would print, with its status across every page.

    Rendering takes one to two seconds; a preview is therefore kept in storage under the
    digest of everything it is made of (``preview_digest``), and a repeated preview of an
    unchanged report is read back. Only a report's newest preview is kept. The digest and the
    render read one snapshot of the database, so a preview is never stored under the digest
    of content it was not made from.
    """
    with _one_snapshot():
        # The whole report, as it stands in this snapshot (callers may hold an older copy).
        report = Report.objects.select_related("department", "framework").get(pk=report.pk)
        name = f"{PREVIEWS}/{report.pk}/{preview_digest(report=report)}.pdf"
        if default_storage.exists(name):
            with default_storage.open(name, "rb") as f:
                return f.read()
        data = render_report_pdf(report=report, watermark=status_watermark(report))
    _preview_store(report=report, name=name, data=data)
    return data


def preview_digest(*, report: Report) -> str:
    """A hash of everything a preview is made of: the report's row, its department's and its
    framework's, its lines and results, the framework's indicators and grades, the watermark,
    and the code and templates that render it.

    Any write to any of them changes it, whichever writer made it; reading the rows takes a
    few milliseconds, against one to two seconds for the render.
    """
    digest = hashlib.sha256()
    digest.update(_preview_code_digest().encode())
    digest.update(_preview_templates_digest())
    digest.update(report.get_status_display().encode())
    for row in (report, report.department, report.framework):
        digest.update(_row_repr(row).encode())
    for model in REPORT_OWNED:
        rows = model._default_manager.filter(report_id=report.pk).order_by("pk").values_list()
        digest.update(f"{model._meta.label}{list(rows)!r}".encode())
    for framework_model in (Indicator, GradeBand):
        framework_rows = (
            framework_model.objects.filter(framework_id=report.framework_id)
            .order_by("pk")
            .values_list()
        )
        digest.update(f"{framework_model._meta.label}{list(framework_rows)!r}".encode())
    return digest.hexdigest()


def _row_repr(row) -> str:
    """A row's stored values, but for when it was saved (which a save changes, whatever it
    changes)."""
    values = [
        (field.attname, getattr(row, field.attname))
        for field in row._meta.concrete_fields
        if not (getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False))
    ]
    return f"{row._meta.label}{values!r}"


@functools.cache
def _preview_code_digest() -> str:
    """The code that renders previews, as this process runs it (read once per process)."""
    import django
    import weasyprint

    digest = hashlib.sha256(f"{django.__version__} {weasyprint.__version__}".encode())
    root = Path(settings.BASE_DIR)
    for package in PREVIEW_CODE:
        for path in sorted((root / package).glob("**/*.py")):
            if "migrations" not in path.parts and "management" not in path.parts:
                digest.update(str(path.relative_to(root)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def _preview_templates_digest() -> bytes:
    """The print templates, read on every preview: a development server does not restart
    when one is edited."""
    digest = hashlib.sha256()
    root = Path(settings.BASE_DIR) / "templates"
    for pattern in PREVIEW_TEMPLATES:
        for path in sorted(root.glob(pattern)):
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.digest()


def _preview_store(*, report: Report, name: str, data: bytes) -> None:
    """Store a preview under its name, and delete the report's older ones."""
    if not default_storage.exists(name):
        stored = default_storage.save(name, ContentFile(data))
        if stored != name:  # another request stored the same preview meanwhile
            default_storage.delete(stored)
    folder = f"{PREVIEWS}/{report.pk}"
    for other in default_storage.listdir(folder)[1]:
        if f"{folder}/{other}" != name:
            default_storage.delete(f"{folder}/{other}")


_RECORD_COLUMNS = ("user_id", "report_id", "version_id", "kind", "sha256", "created_at")


@functools.cache
def _record_sql(vendor: str) -> str:
    """The INSERT of a download record, made once per process and database kind."""
    from django.db import connections

    quote = connections[Download.objects.db].ops.quote_name
    columns = ", ".join(quote(column) for column in _RECORD_COLUMNS)
    marks = ", ".join(["%s"] * len(_RECORD_COLUMNS))
    return f"INSERT INTO {quote(Download._meta.db_table)} ({columns}) VALUES ({marks})"


def download_record(
    *,
    user,
    report: Report,
    kind: str,
    pdf: OfficialPdf | None = None,
) -> None:
    """Record a download (the one writer of ``Download``, an append-only record): one INSERT,
    its statement made once, where the ORM's ``create`` compiles it for every download, a
    tenth of a stored PDF's request (issue 20)."""
    from django.db import connections
    from django.utils import timezone

    connection = connections[Download.objects.db]
    created_at = Download._meta.get_field("created_at").get_db_prep_value(
        timezone.now(), connection
    )
    values = [user.pk, report.pk, pdf.version_id if pdf else None, kind]
    values += [pdf.sha256 if pdf else "", created_at]
    with connection.cursor() as cursor:
        cursor.execute(_record_sql(connection.vendor), values)


# Many reports at once: the auditor's list and its ZIP


def approved_current_versions(reports: QuerySet[Report]) -> QuerySet[ApprovedVersion]:
    """The current approved version of each approved report in ``reports``, with its PDF.

    The current version is the one no later version of its report follows: ``NOT EXISTS``,
    which PostgreSQL and SQLite run as one anti-join over the versions, where a subquery
    picking each report's latest version ran once per version (issue 20: 66,000 of them).
    """
    later = ApprovedVersion.objects.filter(report=OuterRef("report"), number__gt=OuterRef("number"))
    return (
        ApprovedVersion.objects.filter(
            ~Exists(later),
            report__in=reports.filter(status=Report.Status.APPROVED).values("pk"),
        )
        .select_related("report__department", "pdf")
        .defer(*SNAPSHOT_FIELDS)
        .order_by("-report__year", "report__department__code")
    )


# What the approved list shows of each version (templates/reports/archive.html).
LISTED_FIELDS = (
    "report_id",
    "number",
    "total_score",
    "grade",
    "created_at",
    "report__year",
    "report__department__name",
    "report__department__region",
    "pdf__sha256",
)


def approved_versions_listed(reports: QuerySet[Report]) -> QuerySet[ApprovedVersion]:
    """``approved_current_versions`` with only what the list shows, not the reports' text."""
    return approved_current_versions(reports).only(*LISTED_FIELDS)


class NarrowSlices:
    """A queryset that a paginator slices in two queries: the ids of the slice first, sorted
    with nothing else (PostgreSQL keeps the few first of 66,000 sorted rows rather than
    sorting all of them with their columns), then those rows (issue 20)."""

    def __init__(self, queryset: QuerySet):
        self.queryset = queryset

    def count(self) -> int:
        return self.queryset.count()

    def __getitem__(self, part: slice) -> list:
        ids = list(self.queryset.values_list("pk", flat=True)[part])
        rows = self.queryset.order_by().in_bulk(ids)
        return [rows[pk] for pk in ids]


def versions_without_pdf(versions: QuerySet[ApprovedVersion]) -> QuerySet[ApprovedVersion]:
    return versions.filter(pdf__isnull=True)


@dataclass(frozen=True)
class Bundle:
    """A ZIP about to be streamed: its chunks, its exact size if known, the files in it."""

    chunks: Iterable[bytes]
    size: int | None
    pdfs: list[OfficialPdf]
    sheets: list[Report]  # the reports whose 自评表 .xlsx it holds
    documents: list[Report] = field(default_factory=list)  # the reports whose .docx it holds


def _file_chunks(pdf: OfficialPdf) -> Iterator[bytes]:
    with pdf.file.open("rb") as f:
        while chunk := f.read(CHUNK):
            yield chunk


def xlsx_filename(report: Report) -> str:
    return f"{report.department.name}{report.year}年部门整体支出绩效自评表.xlsx"


def docx_filename(report: Report, *, suffix: str = "") -> str:
    """The Word file's name: the PDF's, ending in .docx."""
    return f"{report_filename(report, suffix=suffix).removesuffix('.pdf')}.docx"


def zip_bundle(
    versions: Iterable[ApprovedVersion], *, with_xlsx: bool = False, with_docx: bool = False
) -> Bundle:
    """One ZIP of the stored PDFs, each read from storage only as the stream reaches it;
    ``with_xlsx``: each report's 自评表 .xlsx beside its PDF; ``with_docx``: its Word file.

    Files are stored, not compressed again (they already are). Without sheets the size is
    known up front and the browser can show the download's progress; a sheet or Word file is
    made only as the stream reaches it (some 0.1 s each), so that a large ZIP starts at once,
    and its size is then not known. ``SHA256SUMS.txt`` lists every file's hash in the format
    ``sha256sum -c`` reads.
    """
    made_later = with_xlsx or with_docx
    stream = ZipStream(sized=not made_later)
    pdfs, sheets, words, sums, names = [], [], [], [], set()

    def unique(name: str, version: ApprovedVersion) -> str:
        # The same department and year twice cannot happen, but stay safe.
        if name in names:
            stem, dot, suffix = name.rpartition(".")
            name = f"{stem}-{version.pk}{dot}{suffix}"
        names.add(name)
        return name

    for version in versions:
        pdf = version.pdf
        name = unique(report_filename(version.report), version)
        stream.add(_file_chunks(pdf), name, size=pdf.size)
        sums.append(f"{pdf.sha256}  {name}\n")
        pdfs.append(pdf)
        if with_xlsx:
            sheet = unique(xlsx_filename(version.report), version)
            stream.add(_made_chunks(selfeval_xlsx, version.report, sheet, sums), sheet)
            sheets.append(version.report)
        if with_docx:
            document = unique(docx_filename(version.report), version)
            stream.add(_made_chunks(report_docx, version.report, document, sums), document)
            words.append(version.report)

    def sums_chunks() -> Iterator[bytes]:
        yield "".join(sums).encode()  # when the stream reaches it: after every sheet's hash

    if made_later:
        stream.add(sums_chunks(), "SHA256SUMS.txt")
    else:
        stream.add("".join(sums).encode(), "SHA256SUMS.txt")
    return Bundle(
        chunks=stream,
        size=len(stream) if stream.sized else None,
        pdfs=pdfs,
        sheets=sheets,
        documents=words,
    )


def _made_chunks(make, report: Report, name: str, sums: list[str]) -> Iterator[bytes]:
    """The file ``make(report=…)`` writes, made when the stream reaches it; its hash noted."""
    data = make(report=report)
    sums.append(f"{sha256_hex(data)}  {name}\n")
    yield data


def zip_downloads_record(*, user, bundle: Bundle) -> None:
    Download.objects.bulk_create(
        [
            *(
                Download(
                    user=user,
                    report=pdf.version.report,
                    version=pdf.version,
                    kind=Download.Kind.ZIP,
                    sha256=pdf.sha256,
                )
                for pdf in bundle.pdfs
            ),
            *(
                Download(user=user, report=report, kind=Download.Kind.XLSX)
                for report in bundle.sheets
            ),
            *(
                Download(user=user, report=report, kind=Download.Kind.DOCX)
                for report in bundle.documents
            ),
        ]
    )
