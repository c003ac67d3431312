"""An approved report's page says 正式 PDF 正在生成, and offers the download once it is stored."""

import threading

from selenium.webdriver.support.ui import WebDriverWait

from departments.models import User
from perfeval.background import background_tasks_wait
from reports import archive
from reports.models import OfficialPdf
from tests.steps import approve

THREAD_BACKEND = {"default": {"BACKEND": "perfeval.background.ThreadBackend"}}


def test_the_report_page_turns_generating_into_the_download_link_when_the_pdf_is_stored(
    browser, e2e_demo, settings, monkeypatch
):
    settings.TASKS = THREAD_BACKEND
    real = archive.render_report_pdf
    release = threading.Event()

    def render(**kwargs):
        assert release.wait(120)
        return real(**kwargs)

    monkeypatch.setattr(archive, "render_report_pdf", render)
    users = {user.username: user for user in User.objects.all()}
    report = approve(e2e_demo.report, users)  # its PDF waits in the background thread

    b = browser()
    b.login("auditor", "demo-auditor-2022")
    b.get(f"/reports/{report.pk}/")
    pending = b.find("#pdf-pending")
    assert pending.text == "正式 PDF 正在生成…"
    assert not b.finds("#download-pdf")

    release.set()
    assert background_tasks_wait(120)
    assert OfficialPdf.objects.filter(version__report=report).exists()
    link = WebDriverWait(b.driver, 30).until(
        lambda driver: b.finds("#download-pdf") and b.find("#download-pdf")
    )
    assert link.text == "下载正式 PDF"
    assert link.get_attribute("href").endswith(f"/reports/{report.pk}/pdf/")
    assert not [m for m in b.console_messages() if "Content Security Policy" in m]
