"""perfeval.access: one answer, the same for a row as for the queryset it is in, for everyone."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from departments import roles
from departments.models import User
from perfeval import access
from perfeval.admin import PerfevalAdminSite
from reports.models import Report, ReviewComment
from tests.steps import approve
from tests.urlmap import build_world


@pytest.fixture
def matrix(world, users):
    return build_world(users)


@pytest.mark.pdf
def test_a_row_is_in_scope_exactly_when_the_policy_lets_the_user_view_it(matrix):
    # Review comments are shown on report pages, not as an admin list of their own.
    models = list(dict.fromkeys([*admin.site._registry, Report.history.model, ReviewComment]))
    checked = 0
    for role, user in matrix.users.items():
        if user is None:
            continue
        user = User.objects.get(pk=user.pk)  # fresh: no roles kept from another request
        for model in models:
            rows = list(model._default_manager.all())
            in_scope = set(access.scope(user, model).values_list("pk", flat=True))
            allowed = {row.pk for row in rows if access.may(user, access.VIEW, row)}
            assert in_scope == allowed, f"{role} × {model._meta.label}"
            checked += len(rows)
    assert checked > 1000


@pytest.mark.pdf
def test_nobody_may_change_or_delete_a_record_of_what_happened(matrix):
    superuser = matrix.users["superuser"]
    for label in (
        "reports.reporttransition",
        "reports.approvedversion",
        "reports.officialpdf",
        "reports.download",
        "reports.reviewcomment",
        "targets.targettransition",
        "monitoring.checkpointtransition",
        "followup.problemupdate",
        "deadlines.reminder",
    ):
        row = matrix.objects[label]
        assert access.may(superuser, access.VIEW, row)
        for action in (access.ADD, access.CHANGE, access.DELETE):
            assert not access.may(superuser, action, row), (label, action)


@pytest.mark.pdf
def test_a_model_without_a_rule_is_out_of_everyones_reach_even_a_superusers(matrix):
    superuser = matrix.users["superuser"]
    assert not access.may(superuser, access.VIEW, ContentType)
    assert access.scope(superuser, ContentType).count() == 0


@pytest.mark.pdf
def test_an_action_on_a_report_follows_its_state_and_the_users_department(matrix):
    clerk, clerk_b = matrix.users["clerk_a"], matrix.users["clerk_b"]
    draft, approved = matrix.report_draft, matrix.report_approved
    assert access.may(clerk, access.CHANGE, draft)
    assert not access.may(clerk, access.CHANGE, approved)
    assert not access.may(clerk_b, access.VIEW, draft)
    line = draft.income_lines.first()
    assert access.may(clerk, access.CHANGE, line)
    assert not access.may(matrix.users["reviewer_a"], access.CHANGE, line)
    assert access.may(matrix.users["auditor"], access.DOWNLOAD, approved)
    assert not access.may(matrix.users["auditor"], access.PREVIEW, draft)


def test_renaming_a_role_group_changes_nothing_of_what_its_members_may_do(world, users):
    Group.objects.filter(pk=roles.role_group(roles.CLERK).pk).update(name="本部门填表人")
    clerk = User.objects.get(username="clerk")
    assert roles.user_roles(clerk) == {roles.CLERK}
    assert access.may(clerk, access.CHANGE, world.report)


def test_roles_are_kept_between_requests_and_a_change_of_groups_is_seen_at_once(
    world, django_assert_num_queries
):
    def fresh():
        return User.objects.get(username="auditor")  # a new request's user

    assert roles.user_roles(fresh()) == {roles.AUDITOR}
    auditor = fresh()
    with django_assert_num_queries(0):  # kept in the shared cache (departments/roles.py)
        assert roles.user_roles(auditor) == {roles.AUDITOR}

    # Taken away through the user, given back through the group: both seen at once.
    fresh().groups.remove(roles.role_group(roles.AUDITOR))
    assert roles.user_roles(fresh()) == set()
    assert not access.may(fresh(), access.VIEW, world.report)
    roles.role_group(roles.AUDITOR).user_set.add(fresh())
    assert roles.user_roles(fresh()) == {roles.AUDITOR}
    fresh().groups.clear()
    assert roles.user_roles(fresh()) == set()


def test_an_admin_class_that_decides_access_itself_is_refused_at_registration():
    class LeakyAdmin(admin.ModelAdmin):
        def has_view_permission(self, request, obj=None):
            return True

    LeakyAdmin.__module__ = "reports.admin"
    with pytest.raises(ImproperlyConfigured, match="perfeval.access"):
        PerfevalAdminSite(name="probe").register(Report, LeakyAdmin)


def test_only_a_superuser_may_make_a_superuser(demo, client):
    manager = User.objects.create_user("manager", password="x", is_staff=True)
    manager.groups.add(roles.role_group(roles.ADMIN))
    client.force_login(manager)
    clerk = User.objects.get(username="clerk")
    page = client.get(reverse("admin:departments_user_change", args=[clerk.pk]))
    assert page.status_code == 200
    assert 'name="is_superuser"' not in page.content.decode()
    assert 'name="user_permissions"' not in page.content.decode()


def test_the_admin_offers_no_revert_on_an_approved_report_and_refuses_one(
    users, demo_report, admin_client_demo
):
    approved = approve(demo_report, users)
    record = approved.history.order_by("history_id").first()
    url = reverse("admin:reports_report_simple_history", args=[approved.pk, record.history_id])
    page = admin_client_demo.get(url)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()  # simple-history's Revert button

    response = admin_client_demo.post(url, {"functions": "篡改后的职能"})
    assert response.status_code == 403
    approved.refresh_from_db()
    assert approved.functions != "篡改后的职能"
    assert approved.status == Report.Status.APPROVED
