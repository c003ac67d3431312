"""Official PDFs of approved reports: rendered once, stored with their hash, served from storage.

Also the watermarked previews of reports not yet approved, the ZIP of many official PDFs,
and the record of every download.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery
from zipstream import ZipStream

from perfeval.backup import database_snapshot

from .models import ApprovedVersion, Download, OfficialPdf, Report
from .pdf import render_report_pdf

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


def preview_pdf(*, report: Report) -> bytes:
    """A report not yet approved, as it would print, with its status across every page."""
    return render_report_pdf(report=report, watermark=report.get_status_display())


def download_record(
    *,
    user,
    report: Report,
    kind: str,
    pdf: OfficialPdf | None = None,
) -> Download:
    return Download.objects.create(
        user=user,
        report=report,
        version=pdf.version if pdf else None,
        kind=kind,
        sha256=pdf.sha256 if pdf else "",
    )


# Many reports at once: the auditor's list and its ZIP


def approved_current_versions(reports: QuerySet[Report]) -> QuerySet[ApprovedVersion]:
    """The current approved version of each approved report in ``reports``, with its PDF."""
    latest = (
        ApprovedVersion.objects.filter(report=OuterRef("report")).order_by("-number").values("pk")
    )
    return (
        ApprovedVersion.objects.filter(
            report__in=reports.filter(status=Report.Status.APPROVED).values("pk"),
            pk=Subquery(latest[:1]),
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


def versions_without_pdf(versions: QuerySet[ApprovedVersion]) -> QuerySet[ApprovedVersion]:
    return versions.filter(pdf__isnull=True)


@dataclass(frozen=True)
class Bundle:
    """A ZIP about to be streamed: its chunks, its exact size, the PDFs in it."""

    chunks: Iterable[bytes]
    size: int
    pdfs: list[OfficialPdf]


def _file_chunks(pdf: OfficialPdf) -> Iterator[bytes]:
    with pdf.file.open("rb") as f:
        while chunk := f.read(CHUNK):
            yield chunk


def zip_bundle(versions: Iterable[ApprovedVersion]) -> Bundle:
    """One ZIP of the stored PDFs, each read from storage only as the stream reaches it.

    PDFs are stored, not compressed again (they already are), so the size is known up front
    and the browser can show the download's progress. ``SHA256SUMS.txt`` lists every file's
    hash in the format ``sha256sum -c`` reads.
    """
    stream = ZipStream(sized=True)
    pdfs, sums, names = [], [], set()
    for version in versions:
        pdf = version.pdf
        name = report_filename(version.report)
        if name in names:  # the same department and year twice cannot happen, but stay safe
            name = report_filename(version.report, suffix=f"-{version.pk}")
        names.add(name)
        stream.add(_file_chunks(pdf), name, size=pdf.size)
        sums.append(f"{pdf.sha256}  {name}\n")
        pdfs.append(pdf)
    stream.add("".join(sums).encode(), "SHA256SUMS.txt")
    return Bundle(chunks=stream, size=len(stream), pdfs=pdfs)


def zip_downloads_record(*, user, bundle: Bundle) -> None:
    Download.objects.bulk_create(
        Download(
            user=user,
            report=pdf.version.report,
            version=pdf.version,
            kind=Download.Kind.ZIP,
            sha256=pdf.sha256,
        )
        for pdf in bundle.pdfs
    )
