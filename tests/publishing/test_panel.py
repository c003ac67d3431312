"""The report page's publishing panel and its buttons (the page includes the tag)."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from publishing.models import PublicationEvent


def panel(report, user) -> str:
    request = RequestFactory().get("/")
    request.user = user
    template = Template("{% load publishing %}{% publication_panel report %}")
    return template.render(Context({"report": report, "request": request}))


def test_reviewer_sees_the_publish_button(approved, users):
    html = panel(approved, users["reviewer"])

    assert "尚未公开" in html and 'id="publish-report"' in html


def test_published_state_links_the_public_page_and_offers_withdrawal(published, users):
    html = panel(published, users["admin"])

    assert "已于" in html and f'href="/public/{published.pk}/"' in html
    assert 'id="unpublish-report"' in html and "required" in html


@pytest.mark.parametrize("username", ["clerk", "auditor"])
def test_others_see_only_the_state(published, users, username):
    html = panel(published, users[username])

    assert "已于" in html
    assert "<form" not in html


def test_nothing_shown_for_a_draft_never_published(demo_report, users):
    assert "信息公开" not in panel(demo_report, users["clerk"])


def test_publish_button_publishes_and_says_so(approved, client_for):
    client = client_for("reviewer")

    response = client.post(f"/reports/{approved.pk}/publish/", follow=True)

    assert response.redirect_chain[-1][0] == f"/reports/{approved.pk}/"
    assert "已公开发布" in response.content.decode()
    assert PublicationEvent.objects.filter(action="publish").count() == 1
    assert client_for(None).get(f"/public/{approved.pk}/").status_code == 200


@pytest.mark.parametrize("username", ["clerk", "auditor"])
def test_clerk_or_auditor_post_is_refused_and_nothing_logged(approved, client_for, username):
    response = client_for(username).post(f"/reports/{approved.pk}/publish/")

    assert response.status_code == 403
    assert PublicationEvent.objects.count() == 0


def test_withdrawal_without_reason_is_refused_with_a_message(published, client_for):
    response = client_for("reviewer").post(
        f"/reports/{published.pk}/publish/withdraw/", {"note": ""}, follow=True
    )

    assert "撤回公开必须填写原因" in response.content.decode()
    assert PublicationEvent.objects.count() == 1


def test_withdrawal_with_reason_takes_it_off_the_public_site(published, client_for):
    response = client_for("reviewer").post(
        f"/reports/{published.pk}/publish/withdraw/", {"note": "数据需核实"}, follow=True
    )

    assert "已撤回公开" in response.content.decode()
    assert client_for(None).get(f"/public/{published.pk}/").status_code == 404


def test_publish_of_an_unseen_report_is_404(world, approved, client_for):
    assert client_for("reviewer_b").post(f"/reports/{approved.pk}/publish/").status_code == 404


def test_get_is_not_allowed(approved, client_for):
    assert client_for("reviewer").get(f"/reports/{approved.pk}/publish/").status_code == 405


def test_panel_costs_one_query(published, users, django_assert_num_queries):
    users["admin"].refresh_from_db()
    with django_assert_num_queries(2):  # the event; the admin's roles (kept on the user)
        html = panel(published, users["admin"])
    assert "已于" in html
