"""Review comments: a reviewer's comment on a part of a report, the clerk's reply beside the
field, each thread's state, the banner of a returned report, and who may do what."""

import re

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from departments.models import User
from perfeval import access
from reports import comments
from reports.models import RecordChangeRefused, ReviewComment
from reports.services import report_create
from reports.workflow import transition_apply
from scoring.models import Indicator

RETURN_COMMENT = "请补充资产管理情况，并说明预算执行规范性的扣分理由。"


def row(report, name="预算执行规范性") -> Indicator:
    return Indicator.objects.get(framework_id=report.framework_id, name=name)


@pytest.fixture
def submitted(demo_report, users):
    transition_apply(report=demo_report, user=users["clerk"], action="submit")
    demo_report.refresh_from_db()
    return demo_report


@pytest.fixture
def thread(submitted, users):
    """A reviewer's comment on the 预算执行规范性 row of the submitted demo report."""
    return comments.comment_add(
        report=submitted,
        user=users["reviewer"],
        anchor=f"row:{row(submitted).pk}",
        text="预算执行规范性为何扣 1 分？请写明理由。",
    )


@pytest.fixture
def returned(submitted, thread, users):
    transition_apply(
        report=submitted, user=users["reviewer"], action="return", comment=RETURN_COMMENT
    )
    submitted.refresh_from_db()
    return submitted


def only_thread(report) -> comments.Thread:
    (found,) = comments.comment_threads(report=report)
    return found


def html(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


# --- Services -------------------------------------------------------------------------------


def test_a_comment_on_a_row_is_labelled_with_its_group_and_name_and_starts_unanswered(thread):
    found = only_thread(thread.report)
    assert found.anchor.label == "自评表 · 预算执行管理 · 预算执行规范性"
    assert (found.anchor.section, found.anchor.target) == ("scores", f"row-{row(thread.report).pk}")
    assert (found.state, found.state_label) == ("open", "未答复")
    assert found.comment.text == "预算执行规范性为何扣 1 分？请写明理由。"


def test_a_text_field_and_a_page_are_places_to_comment_on(submitted, users):
    for anchor in ("field:asset_management", "section:money"):
        comments.comment_add(report=submitted, user=users["reviewer"], anchor=anchor, text="请补充")
    labels = [t.anchor.label for t in comments.comment_threads(report=submitted)]
    # In the editor's order: 收入和支出 before 资产管理.
    assert labels == ["收入和支出（整体）", "资产管理 · 四、资产管理情况"]


def test_the_clerks_reply_answers_a_thread_and_marking_it_done_resolves_it(returned, users):
    thread = only_thread(returned).comment
    comments.comment_reply(thread=thread, user=users["clerk"], text="已补充扣分理由。")
    assert only_thread(returned).state_label == "已答复"
    comments.comment_resolve(thread=thread, user=users["clerk"])
    found = only_thread(returned)
    assert found.state_label == "已解决"
    assert [(e.kind, e.text) for e in found.entries] == [
        ("reply", "已补充扣分理由。"),
        ("done", ""),
    ]


def test_the_commenters_own_reply_leaves_the_thread_unanswered(thread, users):
    comments.comment_reply(thread=thread, user=users["clerk"], text="已改。")
    comments.comment_reply(thread=thread, user=users["reviewer"], text="还不够具体。")
    assert only_thread(thread.report).state_label == "未答复"


def test_a_reply_and_done_in_one_step_keeps_the_reply_before_the_mark(thread, users):
    comments.comment_reply(thread=thread, user=users["clerk"], text="已补充。", resolve=True)
    found = only_thread(thread.report)
    assert [e.kind for e in found.entries] == ["reply", "done"]
    assert found.state_label == "已解决"


def test_a_reviewer_reopens_a_resolved_thread_and_it_is_unanswered_again(thread, users):
    comments.comment_resolve(thread=thread, user=users["clerk"], text="已改正。")
    with pytest.raises(comments.CommentRefused, match="已经标记为已解决"):
        comments.comment_resolve(thread=thread, user=users["clerk"])
    comments.comment_reopen(thread=thread, user=users["reviewer"], text="理由仍未写明。")
    found = only_thread(thread.report)
    assert [e.kind for e in found.entries] == ["reply", "done", "reopened"]
    assert found.state_label == "未答复"
    with pytest.raises(comments.CommentRefused, match="尚未解决"):
        comments.comment_reopen(thread=thread, user=users["reviewer"])


@pytest.mark.parametrize(
    "anchor",
    [
        "",
        "section:nope",
        "field:status",
        "field:report_date",
        "row:99999999999999999999",
        "row:abc",
        "row:-1",
        "group:1",
    ],
)
def test_a_comment_must_point_at_a_place_of_the_report(submitted, users, anchor):
    with pytest.raises(comments.CommentRefused, match="请选择意见针对的位置"):
        comments.comment_add(report=submitted, user=users["reviewer"], anchor=anchor, text="x")
    assert not ReviewComment.objects.exists()


def test_a_row_of_another_level_is_not_a_place_to_comment_on(submitted, users):
    group = row(submitted).parent
    with pytest.raises(comments.CommentRefused, match="请选择意见针对的位置"):
        comments.comment_add(
            report=submitted, user=users["reviewer"], anchor=f"row:{group.pk}", text="x"
        )


def test_a_comment_over_the_limit_says_how_long_it_is_and_nothing_is_written(submitted, users):
    with pytest.raises(comments.CommentRefused) as refused:
        comments.comment_add(
            report=submitted, user=users["reviewer"], anchor="section:money", text="字" * 2001
        )
    assert "最多 2,000 字，现有 2,001 字" in refused.value.message
    assert not ReviewComment.objects.exists()


def test_an_empty_reply_is_refused(thread, users):
    with pytest.raises(comments.CommentRefused, match="请填写回复内容"):
        comments.comment_reply(thread=thread, user=users["clerk"], text="  \n ")
    assert only_thread(thread.report).entries == []


def test_a_clerk_may_not_start_a_thread(submitted, users):
    with pytest.raises(comments.CommentRefused) as refused:
        comments.comment_add(
            report=submitted, user=users["clerk"], anchor="section:money", text="自己提意见"
        )
    assert refused.value.forbidden
    assert "只有负责该部门的审核人" in refused.value.message


def test_no_new_comment_on_a_draft_and_no_reply_once_approved(demo_report, thread, users):
    report = thread.report
    transition_apply(report=report, user=users["reviewer"], action="approve")
    report.refresh_from_db()
    with pytest.raises(comments.CommentRefused, match="“已批准”状态，不能添加审核意见"):
        comments.comment_add(
            report=report, user=users["reviewer"], anchor="section:money", text="x"
        )
    with pytest.raises(comments.CommentRefused, match="报告已批准") as refused:
        comments.comment_reply(thread=thread, user=users["clerk"], text="晚了")
    assert not refused.value.forbidden
    assert ReviewComment.objects.count() == 1


def test_comments_are_records_never_changed_or_deleted(thread):
    with pytest.raises(RecordChangeRefused):
        thread.save()
    with pytest.raises(RecordChangeRefused):
        thread.delete()
    with pytest.raises(RecordChangeRefused):
        ReviewComment.objects.filter(pk=thread.pk).update(text="改过")
    with pytest.raises(RecordChangeRefused):
        ReviewComment.objects.all().delete()
    assert ReviewComment.objects.get(pk=thread.pk).text.startswith("预算执行规范性为何")


def test_the_database_holds_a_reply_to_a_thread_and_a_comment_to_a_place(thread, users):
    with pytest.raises(IntegrityError), transaction.atomic():
        ReviewComment.objects.create(
            report=thread.report, kind="reply", text="无主的回复", user=users["clerk"]
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        ReviewComment.objects.create(
            report=thread.report, kind="comment", text="没有位置", user=users["reviewer"]
        )
    assert ReviewComment.objects.count() == 1


# --- The policy -----------------------------------------------------------------------------


def test_who_may_comment_reply_resolve_and_reopen(world, thread, users):
    report = thread.report
    people = {name: User.objects.get(username=name) for name in ("clerk_b", "reviewer_b")}
    people |= {name: users[name] for name in ("clerk", "reviewer", "auditor", "admin")}
    asked = {
        name: (
            access.may(user, access.COMMENT, report),
            access.may(user, access.REPLY, thread),
            access.may(user, access.RESOLVE, thread),
            access.may(user, access.REOPEN, thread),
        )
        for name, user in people.items()
    }
    assert asked == {
        "clerk": (False, True, True, False),
        "reviewer": (True, True, True, True),
        "admin": (True, True, True, True),
        "clerk_b": (False, False, False, False),
        "reviewer_b": (False, False, False, False),
        "auditor": (False, False, False, False),
    }


def test_only_a_thread_is_acted_on_and_no_entry_is_ever_edited(thread, users):
    admin = users["admin"]
    reply = comments.comment_reply(thread=thread, user=users["clerk"], text="好").entries[0]
    assert access.may(admin, access.REPLY, thread)
    for action in (access.REPLY, access.RESOLVE, access.REOPEN, access.CHANGE, access.DELETE):
        assert not access.may(admin, action, reply), action
    for action in (access.ADD, access.CHANGE, access.DELETE):
        assert not access.may(admin, action, thread), action


# --- Pages: the banner, the threads beside their places, the history -------------------------


def test_a_returned_report_shows_the_return_comment_on_home_editor_and_report_page(
    returned, client_for
):
    clerk = client_for("clerk")
    thread = only_thread(returned)
    link = f"/reports/{returned.pk}/edit/scores/#comment-{thread.pk}"
    for url in ("/", f"/reports/{returned.pk}/edit/overview/", f"/reports/{returned.pk}/"):
        page = html(clerk.get(url))
        assert re.search(r"审核人退回意见（审核人（演示），\d{4}-\d\d-\d\d \d\d:\d\d）：", page), (
            url
        )
        assert RETURN_COMMENT in page, url
        assert "还有 <strong>1</strong> 条具体意见未答复" in page, url
        assert f'href="{link}"' in page, url


def test_the_banner_counts_only_unanswered_threads_and_leaves_with_the_returned_state(
    returned, client_for, users
):
    comments.comment_reply(thread=only_thread(returned).comment, user=users["clerk"], text="已改")
    page = html(client_for("clerk").get("/"))
    assert "1 条具体意见均已答复或解决" in page
    transition_apply(report=returned, user=users["clerk"], action="submit")
    assert "审核人退回意见" not in html(client_for("clerk").get("/"))
    assert "审核人退回意见" not in html(client_for("clerk").get(f"/reports/{returned.pk}/"))


def test_a_thread_on_a_row_shows_in_that_row_of_the_editors_grid(returned, client_for):
    thread = only_thread(returned)
    page = html(client_for("clerk").get(f"/reports/{returned.pk}/edit/scores/"))
    grid_row = page.split(f'id="row-{row(returned).pk}"', 1)[1].split("</tr>", 1)[0]
    assert f'id="comment-{thread.pk}"' in grid_row
    assert "预算执行规范性为何扣 1 分" in grid_row
    assert f'name="text-{thread.pk}"' in grid_row
    assert 'value="resolve"' in grid_row
    assert 'id="review-comments-form"' in page
    # Not on another page, which links to it instead.
    other = html(client_for("clerk").get(f"/reports/{returned.pk}/edit/assets/"))
    assert f'id="comment-{thread.pk}"' not in other
    assert "其他页面还有 1 条未答复的审核意见" in other


def test_a_thread_on_a_text_shows_under_that_field(submitted, users, client_for):
    comments.comment_add(
        report=submitted, user=users["reviewer"], anchor="field:asset_management", text="请补充"
    )
    transition_apply(report=submitted, user=users["reviewer"], action="return", comment="见意见")
    page = html(client_for("clerk").get(f"/reports/{submitted.pk}/edit/assets/"))
    field, after = page.split('id="div_id_asset_management"', 1)
    assert "资产管理 · 四、资产管理情况" in after.split("</form>", 1)[0]
    assert "资产管理 · 四、资产管理情况" not in field


def test_the_report_page_keeps_the_trail_under_its_history(returned, users, client_for):
    thread = only_thread(returned).comment
    comments.comment_reply(thread=thread, user=users["clerk"], text="已写明扣分理由。")
    page = html(client_for("reviewer").get(f"/reports/{returned.pk}/"))
    history = page.split("审核记录", 1)[1]
    assert "审核意见（未答复 0 条、已答复 1 条、已解决 0 条）" in history
    assert "已写明扣分理由。" in history


# --- Posting -------------------------------------------------------------------------------


def thread_url(report, pk) -> str:
    return reverse("report_comment_thread", args=[report.pk, pk])


def test_the_clerks_reply_goes_back_beside_the_row_in_the_editor(returned, client_for):
    thread = only_thread(returned)
    response = client_for("clerk").post(
        thread_url(returned, thread.pk), {f"text-{thread.pk}": "已补充。", "action": "reply"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/reports/{returned.pk}/edit/scores/#comment-{thread.pk}"
    assert only_thread(returned).state_label == "已答复"


def test_a_post_goes_back_to_a_safe_next_and_never_off_the_site(returned, client_for):
    thread = only_thread(returned)
    clerk = client_for("clerk")
    url = thread_url(returned, thread.pk)
    page = f"/reports/{returned.pk}/edit/overview/"
    response = clerk.post(url, {"text": "一", "next": page})
    assert response["Location"] == f"{page}#comment-{thread.pk}"
    for unsafe in ("https://evil.example/", "//evil.example/x", "javascript:alert(1)", "home"):
        response = clerk.post(url, {"text": "二", "next": unsafe})
        assert response["Location"].startswith(f"/reports/{returned.pk}/edit/scores/"), unsafe


def test_a_reviewer_comments_from_the_admin_and_returns_to_it(submitted, client_for):
    reviewer = client_for("reviewer")
    change = reverse("admin:reports_report_change", args=[submitted.pk])
    page = html(reviewer.get(change))
    assert 'id="review-comments"' in page
    assert (
        f'<option value="row:{row(submitted).pk}">自评表 · 预算执行管理 · 预算执行规范性</option>'
        in page
    )
    assert 'id="review-comments-form"' in page
    response = reviewer.post(
        reverse("report_comment_add", args=[submitted.pk]),
        {"anchor": "field:asset_management", "text": "请补充资产处置情况。", "next": change},
    )
    created = ReviewComment.objects.get()
    assert response["Location"] == f"{change}#comment-{created.pk}"
    page = html(reviewer.get(change))
    assert "已添加审核意见：资产管理 · 四、资产管理情况。" in page
    assert "审核意见（未答复 1 条、已答复 0 条、已解决 0 条）" in page


def test_a_comment_too_long_is_a_message_and_nothing_is_written(submitted, client_for):
    response = client_for("reviewer").post(
        reverse("report_comment_add", args=[submitted.pk]),
        {"anchor": "section:money", "text": "长" * 2001},
        follow=True,
    )
    assert "未添加审核意见：意见内容过长：最多 2,000 字，现有 2,001 字" in html(response)
    assert not ReviewComment.objects.exists()


def test_unknown_or_foreign_threads_are_not_found(returned, world, client_for, users):
    clerk = client_for("clerk")
    thread = only_thread(returned)
    assert clerk.post(thread_url(returned, 999999), {"text": "x"}).status_code == 404
    # The clerk's own next report: the thread is not one of its threads.
    other = report_create(department=returned.department, year=2023)
    assert clerk.post(thread_url(other, thread.pk), {"text": "x"}).status_code == 404
    reply = comments.comment_reply(thread=thread.comment, user=users["clerk"], text="好").entries
    assert clerk.post(thread_url(returned, reply[0].pk), {"text": "x"}).status_code == 404
    # Another department's clerk does not learn that the report exists.
    assert (
        client_for("clerk_b").post(thread_url(returned, thread.pk), {"text": "x"}).status_code
        == 404
    )
    assert clerk.get(thread_url(returned, thread.pk)).status_code == 405


def test_a_wrong_role_is_refused_with_403(returned, client_for):
    thread = only_thread(returned)
    add = reverse("report_comment_add", args=[returned.pk])
    assert (
        client_for("clerk").post(add, {"anchor": "section:money", "text": "x"}).status_code == 403
    )
    reopen = client_for("clerk").post(thread_url(returned, thread.pk), {"action": "reopen"})
    assert reopen.status_code == 403
    assert only_thread(returned).entries == []


@pytest.mark.parametrize(
    "data", [{"text": "中文\x00", "action": "reply"}, {"text": "x", "action": "delete"}]
)
def test_a_forged_post_writes_nothing_and_says_so(returned, client_for, data):
    thread = only_thread(returned)
    response = client_for("clerk").post(thread_url(returned, thread.pk), data, follow=True)
    assert "未保存：提交的内容无法识别" in html(response)
    assert only_thread(returned).entries == []
