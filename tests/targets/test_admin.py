"""The target forms in the admin: lists, a form with its rows, records read-only."""

import pytest

from reports import workflow
from scoring.models import Indicator
from targets.models import TargetForm

from .conftest import YEAR

pytestmark = pytest.mark.django_db


def test_the_admin_lists_and_opens_target_forms(filled_form, users, client_for):
    client = client_for("admin")
    workflow.document_transition(subject=filled_form, user=users["clerk"], action="submit")
    assert client.get("/admin/targets/targetform/?year=2024").status_code == 200
    page = client.get(f"/admin/targets/targetform/{filled_form.pk}/change/")
    assert page.status_code == 200
    assert "代表建议办理满意率" in page.content.decode()
    assert client.get("/admin/targets/targettransition/").status_code == 200


def test_a_form_added_in_the_admin_gets_its_rows(users, client_for, department):
    framework = Indicator.objects.filter(level=3).first().framework
    response = client_for("admin").post(
        "/admin/targets/targetform/add/",
        {
            "department": department.pk,
            "year": YEAR,
            "framework": framework.pk,
            "annual_goal": "",
            "rows-TOTAL_FORMS": "0",
            "rows-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    form = TargetForm.objects.get(department=department, year=YEAR)
    assert form.rows.count() == Indicator.objects.filter(framework=framework, level=3).count()


def test_a_second_form_for_a_year_is_refused_in_the_admin(blank_form, client_for, department):
    response = client_for("admin").post(
        "/admin/targets/targetform/add/",
        {
            "department": department.pk,
            "year": YEAR,
            "framework": blank_form.framework_id,
            "rows-TOTAL_FORMS": "0",
            "rows-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "该部门该年度已有绩效目标表" in response.content.decode()


def test_the_clerk_of_another_department_does_not_see_the_form_in_the_admin(
    world, blank_form, client_for
):
    from departments.models import User

    User.objects.filter(username="clerk_b").update(is_staff=True)
    client = client_for("clerk_b")
    assert client.get(f"/admin/targets/targetform/{blank_form.pk}/change/").status_code == 302
