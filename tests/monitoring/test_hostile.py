"""No form value or odd request makes a monitoring page answer 500."""

import pytest
from django.urls import reverse

from .test_views import edit_data

pytestmark = pytest.mark.django_db
HOSTILE = ("99999999999999999999", "-1", "中文\x00", "1e999", "NaN", "")


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_values_in_the_edit_form_are_refused_as_errors(client_for, monitored, value):
    url = reverse("checkpoint_report_edit", args=[monitored.pk])
    data = edit_data(monitored)
    data = {name: value for name in data}
    response = client_for("clerk").post(url, data)
    assert response.status_code in (200, 302)


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_posts_to_the_other_pages_answer_without_a_500(client_for, monitored, june, value):
    form = {"action": value, "comment": value, "year": value}
    for username in ("clerk", "admin", "auditor"):
        client = client_for(username)
        for url in (
            reverse("checkpoint_report_transition", args=[monitored.pk]),
            reverse("checkpoint_report_start", args=[june.pk]),
            reverse("monitoring_checkpoints_default"),
            reverse("checkpoint_report_edit", args=[monitored.pk]),
        ):
            assert client.post(url, form).status_code < 500, (username, url)
