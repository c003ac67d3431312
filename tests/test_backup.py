"""Backup and restore (docs/deploy.md): `manage.py backup_site DIR`, then `restore_site DIR`."""

import hashlib
import json
import shutil
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from reports.models import ApprovedVersion, OfficialPdf, Report
from reports.selectors import report_summary
from tests.steps import approve

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True), pytest.mark.pdf]


@pytest.fixture
def site(demo_report, users, client_for):
    """The demo, approved, with its official PDF stored by an auditor's download."""
    report = approve(demo_report, users)
    response = client_for("auditor").get(f"/reports/{report.pk}/pdf/")
    assert response.status_code == 200
    b"".join(response.streaming_content)
    return report


def state() -> tuple[dict, dict, dict]:
    summaries = {r.pk: report_summary(report=r) for r in Report.objects.all()}
    hashes = {pdf.file.name: pdf.sha256 for pdf in OfficialPdf.objects.all()}
    scores = dict(ApprovedVersion.objects.values_list("pk", "total_score"))
    return summaries, hashes, scores


def test_restore_brings_back_every_summary_and_pdf(site, media_root, tmp_path):
    summaries, hashes, scores = state()
    assert hashes, "the download stored the official PDF"

    call_command("backup_site", tmp_path / "backup")
    call_command("flush", interactive=False)
    shutil.rmtree(media_root)
    assert not Report.objects.exists()

    call_command("restore_site", tmp_path / "backup", interactive=False)

    assert state() == (summaries, hashes, scores)
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


def test_manifest_gives_the_data_dumps_sha256_and_size(site, tmp_path):
    call_command("backup_site", tmp_path / "backup")

    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text(encoding="utf-8"))
    dump = (tmp_path / "backup" / "data.json").read_bytes()
    assert manifest["format"] == 2
    assert manifest["data"] == {"sha256": hashlib.sha256(dump).hexdigest(), "bytes": len(dump)}


def test_restore_refuses_an_edited_data_dump_and_keeps_the_database(site, tmp_path):
    call_command("backup_site", tmp_path / "backup")
    dump_path = tmp_path / "backup" / "data.json"
    dump = json.loads(dump_path.read_text(encoding="utf-8"))
    versions = [o for o in dump if o["model"] == "reports.approvedversion"]
    assert versions, "the approved version is in the dump"
    for version in versions:
        version["fields"]["total_score"] = "100.00"
    dump_path.write_text(json.dumps(dump, ensure_ascii=False), encoding="utf-8")
    before = state()
    assert Decimal("100") not in before[2].values()

    with pytest.raises(CommandError, match="data.json changed since the backup"):
        call_command("restore_site", tmp_path / "backup", interactive=False)

    assert state() == before


def test_restore_refuses_a_format_1_backup_saying_how_to_proceed(site, tmp_path):
    call_command("backup_site", tmp_path / "backup")
    manifest_path = tmp_path / "backup" / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    del manifest["data"]
    manifest["format"] = 1
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    before = state()

    with pytest.raises(CommandError, match="format-1 backup.*release that made it"):
        call_command("restore_site", tmp_path / "backup", interactive=False)

    assert state() == before


def test_backup_refuses_a_directory_in_use(site, tmp_path):
    (tmp_path / "backup").mkdir()
    (tmp_path / "backup" / "notes.txt").write_text("keep me")

    with pytest.raises(CommandError, match="not empty"):
        call_command("backup_site", tmp_path / "backup")
