"""Backup and restore (docs/deploy.md): `manage.py backup_site DIR`, then `restore_site DIR`."""

import hashlib
import shutil

import pytest
from django.core.management import CommandError, call_command

from reports.models import OfficialPdf, Report
from reports.selectors import report_summary
from tests.reports.test_archive import approve

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def site(demo_report, users, client_for):
    """The demo, approved, with its official PDF stored by an auditor's download."""
    report = approve(demo_report, users)
    response = client_for("auditor").get(f"/reports/{report.pk}/pdf/")
    assert response.status_code == 200
    b"".join(response.streaming_content)
    return report


def state() -> tuple[dict, dict]:
    summaries = {r.pk: report_summary(report=r) for r in Report.objects.all()}
    hashes = {pdf.file.name: pdf.sha256 for pdf in OfficialPdf.objects.all()}
    return summaries, hashes


def test_restore_brings_back_every_summary_and_pdf(site, media_root, tmp_path):
    summaries, hashes = state()
    assert hashes, "the download stored the official PDF"

    call_command("backup_site", tmp_path / "backup")
    call_command("flush", interactive=False)
    shutil.rmtree(media_root)
    assert not Report.objects.exists()

    call_command("restore_site", tmp_path / "backup", interactive=False)

    assert state() == (summaries, hashes)
    for name, sha256 in hashes.items():
        assert hashlib.sha256((media_root / name).read_bytes()).hexdigest() == sha256


def test_restore_refuses_a_changed_file_and_keeps_the_database(site, media_root, tmp_path):
    call_command("backup_site", tmp_path / "backup")
    pdf = OfficialPdf.objects.get()
    (tmp_path / "backup" / "files" / pdf.file.name).write_bytes(b"%PDF-1.7 not the original")
    before = state()

    with pytest.raises(CommandError, match="File changed since the backup"):
        call_command("restore_site", tmp_path / "backup", interactive=False)

    assert state() == before


def test_backup_refuses_a_directory_in_use(site, tmp_path):
    (tmp_path / "backup").mkdir()
    (tmp_path / "backup" / "notes.txt").write_text("keep me")

    with pytest.raises(CommandError, match="not empty"):
        call_command("backup_site", tmp_path / "backup")
