"""Publishing and withdrawing: who may, from which state, and the record it leaves."""

import pytest

from perfeval import access
from perfeval.policy import Refused
from publishing.models import PublicationEvent
from publishing.selectors import published_events
from publishing.services import report_publish, report_withdraw
from reports.models import RecordChangeRefused
from reports.workflow import transition_apply


def test_reviewer_publishes_an_approved_report_and_the_event_is_logged(approved, users):
    event = report_publish(report=approved, user=users["reviewer"], note="按规定公开")

    assert event.action == "publish"
    assert event.actor == users["reviewer"]
    assert event.version == approved.approved_versions.get()
    assert list(published_events().values_list("report_id", flat=True)) == [approved.pk]


def test_administrator_may_publish(approved, users):
    report_publish(report=approved, user=users["admin"])

    assert published_events().count() == 1


@pytest.mark.parametrize("username", ["clerk", "auditor"])
def test_clerk_or_auditor_cannot_publish_and_nothing_is_logged(approved, users, username):
    with pytest.raises(Refused, match="只有负责该部门的审核人和管理员"):
        report_publish(report=approved, user=users[username])

    assert not access.may(users[username], access.PUBLISH, approved)
    assert PublicationEvent.objects.count() == 0


def test_reviewer_of_another_department_cannot_publish(world, approved, users):
    with pytest.raises(Refused):
        report_publish(report=approved, user=users["reviewer_b"])

    assert PublicationEvent.objects.count() == 0


def test_a_draft_cannot_be_published(demo_report, users):
    with pytest.raises(Refused, match="只有已批准的报告可以公开"):
        report_publish(report=demo_report, user=users["reviewer"])

    assert PublicationEvent.objects.count() == 0


def test_publishing_twice_is_refused(published, users):
    with pytest.raises(Refused, match="已经公开"):
        report_publish(report=published, user=users["admin"])

    assert PublicationEvent.objects.count() == 1


def test_withdrawal_needs_a_reason(published, users):
    with pytest.raises(Refused, match="撤回公开必须填写原因"):
        report_withdraw(report=published, user=users["reviewer"], note="  ")

    assert published_events().count() == 1


def test_withdrawal_is_logged_with_its_reason(published, users):
    event = report_withdraw(report=published, user=users["reviewer"], note="数据需核实")

    assert (event.action, event.note, event.actor) == ("withdraw", "数据需核实", users["reviewer"])
    assert published_events().count() == 0
    assert PublicationEvent.objects.count() == 2


def test_withdrawing_what_is_not_public_is_refused(approved, users):
    with pytest.raises(Refused, match="没有公开"):
        report_withdraw(report=approved, user=users["reviewer"], note="原因")


def test_reopened_report_leaves_the_public_site_and_needs_a_new_publication(published, users):
    transition_apply(report=published, user=users["admin"], action="reopen", comment="更正数据")
    assert published_events().count() == 0

    transition_apply(report=published, user=users["clerk"], action="submit")
    transition_apply(report=published, user=users["reviewer"], action="approve")
    published.refresh_from_db()
    assert published_events().count() == 0

    event = report_publish(report=published, user=users["reviewer"])
    assert event.version.number == 2
    assert list(published_events()) == [event]


def test_the_event_log_is_append_only(published, users):
    event = PublicationEvent.objects.get()
    event.note = "改过"
    with pytest.raises(RecordChangeRefused):
        event.save()
    with pytest.raises(RecordChangeRefused):
        event.delete()
    with pytest.raises(RecordChangeRefused):
        PublicationEvent.objects.all().delete()
    with pytest.raises(RecordChangeRefused):
        PublicationEvent.objects.update(note="x")
    assert PublicationEvent.objects.get().note == ""


def test_events_are_seen_with_their_report_and_never_written_by_hand(published, users):
    event = PublicationEvent.objects.get()

    assert access.may(users["auditor"], access.VIEW, event)
    assert access.may(users["clerk"], access.VIEW, event)
    for action in (access.ADD, access.CHANGE, access.DELETE):
        assert not access.may(users["admin"], action, event)
    assert not access.may(users["admin"], access.ADD, PublicationEvent)
    assert list(access.scope(users["clerk"], PublicationEvent)) == [event]
