"""Sign-in safety: throttled failures, sessions that end, no page without signing in."""

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import Group
from django.test import Client, RequestFactory

from departments import roles

# Behind one proxy (Caddy or nginx on the server): every request comes from its address and
# names the client in X-Forwarded-For.
PROXY = "10.0.0.2"
ATTACKER = "203.0.113.66"
COLLEAGUE = "203.0.113.7"


def _attempt(client, username, password, ip="10.0.0.1", forwarded=None):
    headers = {} if forwarded is None else {"HTTP_X_FORWARDED_FOR": forwarded}
    return client.post(
        "/accounts/login/",
        {"username": username, "password": password},
        REMOTE_ADDR=ip,
        **headers,
    )


def test_repeated_failures_for_one_account_are_throttled_with_a_clear_message(demo, client):
    for _ in range(4):
        assert _attempt(client, "clerk", "wrong").status_code == 200
    assert _attempt(client, "clerk", "wrong").status_code == 429
    locked = _attempt(client, "clerk", "demo-clerk-2022")
    assert locked.status_code == 429
    assert "连续多次登录失败" in locked.content.decode()
    assert "30 分钟" in locked.content.decode()


def test_failures_for_other_accounts_from_one_address_lock_no_one_else_there(demo, client):
    """One address is many people behind a proxy or an office's NAT: it alone never locks."""
    for name in ["a1", "a2", "a3", "a4", "a5"]:
        _attempt(client, name, "wrong", ip="10.0.0.9")
    assert _attempt(Client(), "clerk", "demo-clerk-2022", ip="10.0.0.9").status_code == 302


def test_an_account_locked_from_one_address_still_signs_in_from_another(demo, client):
    for _ in range(5):
        _attempt(client, "clerk", "wrong", ip="10.0.0.9")
    assert _attempt(Client(), "clerk", "demo-clerk-2022", ip="10.0.0.9").status_code == 429
    assert _attempt(Client(), "clerk", "demo-clerk-2022", ip="10.0.0.10").status_code == 302


def test_behind_a_proxy_an_attack_on_one_account_locks_no_one_else(demo, client, settings):
    settings.PERFEVAL_TRUSTED_PROXIES = 1
    for _ in range(5):
        _attempt(client, "clerk", "wrong", ip=PROXY, forwarded=ATTACKER)

    for forwarded in [COLLEAGUE, ATTACKER]:
        response = _attempt(Client(), "reviewer", "demo-reviewer-2022", PROXY, forwarded)
        assert response.status_code == 302, forwarded
    assert _attempt(Client(), "clerk", "demo-clerk-2022", PROXY, COLLEAGUE).status_code == 302


def test_behind_a_proxy_the_attacked_account_is_locked_from_the_attackers_address(
    demo, client, settings
):
    settings.PERFEVAL_TRUSTED_PROXIES = 1
    for _ in range(5):
        _attempt(client, "clerk", "wrong", ip=PROXY, forwarded=ATTACKER)

    assert _attempt(Client(), "clerk", "demo-clerk-2022", PROXY, ATTACKER).status_code == 429
    assert AccessAttempt.objects.get(username="clerk").ip_address == ATTACKER


def test_behind_a_proxy_entries_the_client_wrote_before_the_proxys_are_ignored(
    demo, client, settings
):
    """nginx appends to what the client sent: a new forged address each time changes nothing."""
    settings.PERFEVAL_TRUSTED_PROXIES = 1
    for n in range(5):
        _attempt(client, "clerk", "wrong", ip=PROXY, forwarded=f"198.51.100.{n}, {ATTACKER}")

    assert _attempt(Client(), "clerk", "demo-clerk-2022", PROXY, ATTACKER).status_code == 429


def test_without_a_trusted_proxy_a_forged_forwarded_for_is_ignored(demo, client, settings):
    settings.PERFEVAL_TRUSTED_PROXIES = 0
    for n in range(5):
        _attempt(client, "clerk", "wrong", ip="10.0.0.9", forwarded=f"198.51.100.{n}")

    assert AccessAttempt.objects.get(username="clerk").ip_address == "10.0.0.9"
    assert _attempt(Client(), "clerk", "demo-clerk-2022", "10.0.0.9", COLLEAGUE).status_code == 429


@pytest.mark.parametrize(
    ("proxies", "remote", "forwarded", "address"),
    [
        (0, PROXY, ATTACKER, PROXY),
        (1, PROXY, ATTACKER, ATTACKER),
        (1, PROXY, f"198.51.100.1, {ATTACKER}", ATTACKER),
        (1, PROXY, None, PROXY),
        (1, PROXY, "not-an-address", PROXY),
        (2, "10.0.0.3", f"198.51.100.1, {ATTACKER}, {PROXY}", ATTACKER),
        (2, "10.0.0.3", ATTACKER, "10.0.0.3"),  # did not come through both proxies
    ],
)
def test_client_address_is_the_one_the_outermost_trusted_proxy_saw(
    settings, proxies, remote, forwarded, address
):
    from perfeval.proxies import client_address

    settings.PERFEVAL_TRUSTED_PROXIES = proxies
    headers = {} if forwarded is None else {"HTTP_X_FORWARDED_FOR": forwarded}
    request = RequestFactory().post("/accounts/login/", REMOTE_ADDR=remote, **headers)

    assert client_address(request) == address


def test_a_wrong_password_says_what_to_check(demo, client):
    page = _attempt(client, "clerk", "wrong").content.decode()
    assert "用户名或密码不正确" in page


def test_sessions_end_after_a_working_day_of_inactivity_and_slide_with_use(
    demo, client, monkeypatch
):
    from django.contrib.sessions.models import Session

    from perfeval import middleware

    assert settings.SESSION_COOKIE_AGE == 8 * 60 * 60
    clock = [1_000_000.0]
    monkeypatch.setattr(middleware.time, "time", lambda: clock[0])
    _attempt(client, "clerk", "demo-clerk-2022")
    client.get("/")

    def expiry():
        return Session.objects.get(session_key=client.session.session_key).expire_date

    first = expiry()
    clock[0] += 30  # within the minute: no write
    client.get("/")
    assert expiry() == first
    clock[0] += 60  # a minute on: the expiry moves to eight hours from now
    client.get("/")
    assert expiry() > first


@pytest.mark.parametrize("url", ["/", "/reports/1/", "/reports/1/edit/", "/admin/"])
def test_every_page_but_login_needs_a_signed_in_user(demo, client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert "login" in response.headers["Location"]


def test_login_page_is_open(client, db):
    page = client.get("/accounts/login/")
    assert page.status_code == 200
    assert "登录" in page.content.decode()


@pytest.mark.django_db
def test_each_role_is_a_group_known_by_its_code_and_granting_no_model_permissions():
    from departments.models import Role

    assert {role.code: role.group.name for role in Role.objects.select_related("group")} == {
        "clerk": "填报员",
        "reviewer": "审核人",
        "auditor": "审计员",
        "admin": "管理员",
    }
    # perfeval.access decides; a permission left on a group would be a second answer.
    assert not Group.objects.filter(role__isnull=False, permissions__isnull=False).exists()


def test_a_users_roles_are_its_role_groups_and_a_superuser_is_an_administrator(users):
    from departments.models import User

    auditor = User.objects.get(pk=users["auditor"].pk)
    auditor.groups.add(Group.objects.create(name="通讯录"), roles.role_group(roles.CLERK))
    assert roles.user_roles(User.objects.get(pk=auditor.pk)) == {roles.AUDITOR, roles.CLERK}

    root = User.objects.create_superuser("root", password="x")
    assert roles.user_roles(root) == {roles.ADMIN}


def test_an_expired_session_signs_the_user_out(demo, client):
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    _attempt(client, "clerk", "demo-clerk-2022")
    assert client.get("/").status_code == 200
    Session.objects.update(expire_date=timezone.now() - timezone.timedelta(seconds=1))

    response = client.get("/")
    assert response.status_code == 302
    assert "login" in response.headers["Location"]


def test_an_unknown_session_key_is_treated_as_signed_out(demo, client):
    client.cookies[settings.SESSION_COOKIE_NAME] = "no-such-session-key-0123456789abcdef"
    response = client.get("/")
    assert response.status_code == 302
    assert "login" in response.headers["Location"]


def test_a_signed_in_users_department_is_loaded_with_the_user(
    demo, client, django_assert_num_queries
):
    # Signed in through the login page, as the browser does: the session names the backend.
    from django.contrib import auth
    from django.test import RequestFactory

    assert _attempt(client, "clerk", "demo-clerk-2022").status_code == 302
    request = RequestFactory().get("/")
    request.session = client.session

    with django_assert_num_queries(2):  # the session, then the user with the department
        user = auth.get_user(request)
        assert user.username == "clerk"
        assert user.department.name == demo.report.department.name


# --- What the sign-in page says (perfeval.signin) -----------------------------------------

EXPIRED = "登录已过期"
KEPT = "您刚才提交的内容已暂时保留"
SENT = "请先登录，登录后将打开您要访问的页面。"
WELCOME = "欢迎使用部门整体支出绩效自评"


def _sign_in_page(client, url):
    """Follow ``url`` to the sign-in page it sends a signed-out visitor to; its text."""
    response = client.get(url, follow=True)
    assert response.redirect_chain[-1][0].startswith("/accounts/login/?next=")
    return response.content.decode()


def _expire_sessions():
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    Session.objects.update(expire_date=timezone.now() - timezone.timedelta(seconds=1))


def test_a_first_visit_to_the_sign_in_page_is_welcomed_without_talk_of_expiry(db, client):
    page = client.get("/accounts/login/").content.decode()

    assert WELCOME in page
    assert EXPIRED not in page and SENT not in page


def test_a_first_visit_to_a_page_asks_to_sign_in_without_talk_of_expiry(demo, client):
    page = _sign_in_page(client, f"/reports/{demo.report.pk}/")

    assert SENT in page
    assert EXPIRED not in page and WELCOME not in page


def test_a_session_that_ran_out_says_so_on_the_sign_in_page(demo, client):
    assert _attempt(client, "clerk", "demo-clerk-2022").status_code == 302
    client.get("/")
    _expire_sessions()

    page = _sign_in_page(client, f"/reports/{demo.report.pk}/")

    assert EXPIRED in page and "8 小时没有操作会自动退出" in page
    assert "登录后将回到刚才的页面" in page
    assert SENT not in page and KEPT not in page


def test_after_signing_out_the_sign_in_page_does_not_talk_of_expiry(demo, client):
    assert _attempt(client, "clerk", "demo-clerk-2022").status_code == 302
    client.get("/")
    client.post("/accounts/logout/")

    page = _sign_in_page(client, f"/reports/{demo.report.pk}/")

    assert SENT in page
    assert EXPIRED not in page


def test_a_save_posted_after_the_session_ran_out_is_said_to_be_kept(demo, client):
    url = f"/reports/{demo.report.pk}/edit/problems/"
    assert _attempt(client, "clerk", "demo-clerk-2022").status_code == 302
    client.get(url)
    _expire_sessions()

    response = client.post(url, {"problems": "新写的问题"}, follow=True)

    page = response.content.decode()
    assert response.redirect_chain[-1][0] == f"/accounts/login/?next={url}"
    assert EXPIRED in page and KEPT in page and "请核对后点击“保存”" in page


def test_the_signed_in_cookie_is_set_on_sign_in_and_removed_on_sign_out(demo, client):
    from perfeval.signin import SIGNED_IN_COOKIE

    _attempt(client, "clerk", "demo-clerk-2022")
    cookie = client.cookies[SIGNED_IN_COOKIE]
    assert cookie.value == "1"
    assert cookie["httponly"] and cookie["samesite"] == "Lax"

    client.post("/accounts/logout/")
    assert client.cookies[SIGNED_IN_COOKIE].value == ""


def test_signing_out_of_the_admin_removes_the_signed_in_cookie_too(demo, client):
    from perfeval.signin import SIGNED_IN_COOKIE

    client.post("/admin/login/", {"username": "reviewer", "password": "demo-reviewer-2022"})
    assert client.cookies[SIGNED_IN_COOKIE].value == "1"

    client.post("/admin/logout/")
    assert client.cookies[SIGNED_IN_COOKIE].value == ""
