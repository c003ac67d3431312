"""Official PDFs of approved reports: rendered once, stored with their hash, served from storage.

Also the watermarked previews of reports not yet approved, the ZIP of many official PDFs,
and the record of every download.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery
from zipstream import ZipStream

from .models import ApprovedVersion, Download, OfficialPdf, Report
from .pdf import render_report_pdf

CHUNK = 64 * 1024


class NotApproved(Exception):
    """An official PDF was asked for a report that is not approved."""


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
    """The stored PDF of the report's current approved version, rendered now if not yet."""
    return version_pdf(version=current_version(report))


def version_pdf(*, version: ApprovedVersion) -> OfficialPdf:
    """A version's stored PDF, rendered now if not yet."""
    return getattr(version, "pdf", None) or official_pdf_render(version=version)


def official_pdf_render(*, version: ApprovedVersion) -> OfficialPdf:
    """Render and store a version's PDF once; a second caller gets the first one's file."""
    with transaction.atomic():
        # Two first downloads at once: the second waits here, then finds the file.
        ApprovedVersion.objects.select_for_update().filter(pk=version.pk).first()
        stored = OfficialPdf.objects.filter(version=version).first()
        if stored:
            return stored
        # The whole report, as it stands now (callers may have loaded only part of it).
        report = Report.objects.select_related("department", "framework").get(pk=version.report_id)
        data = render_report_pdf(report=report)
        digest = sha256_hex(data)
        pdf = OfficialPdf(version=version, sha256=digest, size=len(data))
        name = f"{report.year}-{report.department.code}-v{version.number}-{digest[:12]}.pdf"
        pdf.file.save(name, ContentFile(data), save=False)
        pdf.save()
        return pdf


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
