"""Saves racing a submit: none is acknowledged into a report that is already submitted.

Threads with their own database connections (SQLite here, PostgreSQL in CI) post editor
sections through the real view while another thread submits the report. The submitted
content is read inside the submit's own transaction, under its lock: an acknowledged save
must be part of it, and nothing may change after it.
"""

import re
import threading
import time

import pytest
from django.db import connection, transaction
from django.test import Client

from departments.models import User
from reports.models import NARRATIVE_FIELDS, Report
from reports.workflow import transition_apply
from scoring.models import IndicatorResult
from tests.reports.test_editor import edit_url, form_data

ROUNDS = 50
SUBMIT_DELAYS = (0, 0.005, 0.02, 0.1, 0.25)  # seconds
# One saver per section, so that no saver's snapshot is stale because of another's save: each
# save stands or falls by the report's state alone. The 自评表 saves results, not the report
# row, which is where a late save once slipped through unseen.
SAVERS = ("assets", "problems", "scores")


def content(report_id: int) -> dict[str, str]:
    """Every narrative field and every result's 偏差及原因分析, keyed as the editor posts them."""
    values = dict(Report.objects.filter(pk=report_id).values(*NARRATIVE_FIELDS).get())
    for indicator_id, deviation in IndicatorResult.objects.filter(report_id=report_id).values_list(
        "indicator_id", "deviation"
    ):
        values[f"r{indicator_id}_deviation"] = deviation
    return values


def field_of(section: str, data: dict) -> str:
    """The posted field a saver of ``section`` changes."""
    if section == "scores":
        return min(key for key in data if re.fullmatch(r"r\d+_deviation", key))
    return {"assets": "asset_management", "problems": "problems"}[section]


def race(report: Report, clerk, round_: int) -> dict:
    """One round: every saver and a submit set off together; what each saw and what was
    submitted."""
    clients, posts, fields = {}, {}, {}
    for section in SAVERS:
        client = Client()
        client.force_login(clerk)
        data = form_data(client.get(edit_url(report, section)))
        fields[section] = field = field_of(section, data)
        data[field] = f"第 {round_} 轮 {section} 的文字。"
        clients[section], posts[section] = client, data
    start = threading.Barrier(len(SAVERS) + 1)
    answers: dict[str, bool] = {}
    failures: list = []
    submitted: dict = {}

    def save(section: str) -> None:
        try:
            start.wait()
            response = clients[section].post(edit_url(report, section), posts[section])
            answers[section] = response.status_code == 302  # redirected: "已保存"
        except Exception as error:  # the client re-raises what the view raised
            failures.append((round_, section, repr(error)))
            answers[section] = False
        finally:
            connection.close()

    def submit() -> None:
        try:
            start.wait()
            # The submit sets off with the saves, or a little after them, so that over the
            # rounds the saves both win the race and lose it, whatever the machine's load.
            time.sleep(SUBMIT_DELAYS[round_ % len(SUBMIT_DELAYS)])
            with transaction.atomic():
                transition_apply(
                    report=Report.objects.get(pk=report.pk), user=clerk, action="submit"
                )
                # Still under the submit's lock: exactly what was submitted.
                submitted.update(content(report.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(section,)) for section in SAVERS]
    threads.append(threading.Thread(target=submit))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    late = [section for section in SAVERS if answers[section]]
    return {
        "failures": failures,
        "submitted": submitted,
        "acknowledged": {fields[s]: posts[s][fields[s]] for s in late},
    }


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_no_save_is_acknowledged_into_a_submitted_report(demo):
    report = demo.report
    clerk = User.objects.get(username="clerk")
    reviewer = User.objects.get(username="reviewer")
    failures, changed_after_submit, lost = [], [], []
    acknowledged = 0
    for round_ in range(ROUNDS):
        result = race(report, clerk, round_)
        failures += result["failures"]
        assert Report.objects.get(pk=report.pk).status == Report.Status.SUBMITTED
        if content(report.pk) != result["submitted"]:
            changed_after_submit.append(round_)
        for field, value in result["acknowledged"].items():
            acknowledged += 1
            if result["submitted"][field] != value:
                lost.append((round_, field))
        transition_apply(
            report=Report.objects.get(pk=report.pk),
            user=reviewer,
            action="return",
            comment="请继续修改。",
        )
    assert failures == [], "saves that failed instead of being saved or refused"
    assert changed_after_submit == [], "rounds where a save changed the submitted report"
    assert lost == [], "saves acknowledged but not in the submitted report"
    assert 0 < acknowledged < ROUNDS * len(SAVERS), "the saves did not race the submit"


def test_saving_one_section_keeps_another_section_saved_meanwhile(demo, users):
    from reports import editor

    # The request for 资产管理 has read the report; 问题与改进 is saved before it locks the row.
    report = Report.objects.get(pk=demo.report.pk)
    section = editor.SECTIONS_BY_KEY["assets"]
    token = section.token(report)
    bundle = section.build(report, {"asset_management": "资产管理制度健全。"})
    assert section.is_valid(bundle)
    Report.objects.filter(pk=report.pk).update(problems="另一人刚保存的问题。")

    editor.section_save(
        report=report, section=section, bundle=bundle, token=token, user=users["clerk"]
    )

    saved = Report.objects.get(pk=report.pk)
    assert saved.asset_management == "资产管理制度健全。"
    assert saved.problems == "另一人刚保存的问题。"
