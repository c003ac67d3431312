"""Review comments: a reviewer's comment on a part of a report, the replies to it, and each
thread's state (未答复, 已答复, 已解决) worked out from its entries, which never change.

A comment points at an anchor of the report: a page of the editor ("section:scores"), a text
field ("field:asset_management") or a level-3 row of the 自评表 ("row:<indicator pk>").
Who may comment, reply, resolve and reopen is ``perfeval.access``'s answer, asked under the
report's row lock so that a transition in between cannot slip past it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.db.models import Max
from django.urls import reverse

from perfeval import access
from perfeval.fields import model_field, text_too_long
from perfeval.limits import COMMENT_MAX_CHARS
from scoring.models import Indicator
from scoring.selectors import framework_children

from .editor import SECTIONS, SECTIONS_BY_KEY, ScoresSection
from .models import NARRATIVE_FIELDS, Report, ReportTransition, ReviewComment

Kind = ReviewComment.Kind
Status = Report.Status

OPEN, ANSWERED, DONE = "open", "answered", "done"
STATE_LABELS = {OPEN: "未答复", ANSWERED: "已答复", DONE: "已解决"}
SECTION_ORDER = [section.key for section in SECTIONS]


class CommentRefused(Exception):
    """A comment, reply or change of state that may not be made; the message says why and
    what to do. ``forbidden``: the user's role never allows it on this report (as opposed to
    not in the report's state, or not with this input)."""

    def __init__(self, message: str, *, forbidden: bool = False):
        super().__init__(message)
        self.message = message
        self.forbidden = forbidden


# --- Anchors: where a comment points ---------------------------------------------------------


@dataclass(frozen=True)
class Anchor:
    """A place in a report that a comment can point at, as the editor shows it."""

    key: str  # "section:money", "field:functions", "row:12"
    label: str  # 自评表 · 预算执行管理 · 预算执行规范性
    section: str  # the key of the editor page it is on
    target: str = ""  # the id of its element on that page ("" for the page itself)

    @property
    def kind(self) -> str:
        return self.key.partition(":")[0]

    @property
    def name(self) -> str:
        return self.key.partition(":")[2]


UNKNOWN_PLACE = "（本报告中已没有这一位置）"


def _section_anchor(section) -> Anchor:
    return Anchor(f"section:{section.key}", f"{section.title}（整体）", section.key)


def _field_anchor(name: str) -> Anchor:
    section = next(section for section in SECTIONS if name in section.narrative)
    label = model_field(Report, name).verbose_name
    return Anchor(f"field:{name}", f"{section.title} · {label}", section.key, f"div_id_{name}")


def _row_anchor(row: Indicator, group_name: str) -> Anchor:
    return Anchor(
        f"row:{row.pk}",
        f"{ScoresSection.title} · {group_name} · {row.name}",
        ScoresSection.key,
        f"row-{row.pk}",
    )


def _row_pk(name: str) -> int | None:
    return int(name) if name.isascii() and name.isdigit() and len(name) < 12 else None


def _plain_anchor(key: str) -> Anchor | None:
    """The anchor of a page or text field, with no query; None for a row or a bad key."""
    kind, _, name = key.partition(":")
    if kind == "section" and name in SECTIONS_BY_KEY:
        return _section_anchor(SECTIONS_BY_KEY[name])
    if kind == "field" and name in NARRATIVE_FIELDS:
        return _field_anchor(name)
    return None


def report_anchors(*, report: Report) -> list[tuple[str, list[Anchor]]]:
    """Every place of ``report`` a comment can point at, page by page in the editor's order:
    the page itself, its text fields and, on the 自评表, each level-3 row."""
    pages = []
    for section in SECTIONS:
        anchors = [_section_anchor(section)]
        anchors += [_field_anchor(name) for name in section.narrative if name in NARRATIVE_FIELDS]
        if isinstance(section, ScoresSection):
            children = framework_children(framework_id=report.framework_id)
            for top in children[None]:
                for group in children[top.pk]:
                    anchors += [_row_anchor(row, group.name) for row in children[group.pk]]
        pages.append((section.title, anchors))
    return pages


def anchors_of(*, report: Report, keys: Iterable[str]) -> dict[str, Anchor]:
    """The anchors of ``keys`` in ``report`` (one query if any is a row); a key that is not
    a place of this report is left out of the answer."""
    found: dict[str, Anchor] = {}
    rows: dict[int, str] = {}
    for key in set(keys):
        if (anchor := _plain_anchor(key)) is not None:
            found[key] = anchor
        elif key.startswith("row:") and (pk := _row_pk(key[4:])) is not None:
            rows[pk] = key
    if rows:
        indicators = Indicator.objects.filter(
            pk__in=rows, framework_id=report.framework_id, level=Indicator.Level.THIRD
        ).select_related("parent")
        for row in indicators:
            assert row.parent is not None  # a level-3 indicator
            found[rows[row.pk]] = _row_anchor(row, row.parent.name)
    return found


def _section_of(key: str) -> str:
    """The editor page of an anchor key, with no query."""
    if key.startswith("row:"):
        return ScoresSection.key
    anchor = _plain_anchor(key)
    return anchor.section if anchor else SECTION_ORDER[0]


# --- Threads ----------------------------------------------------------------------------


@dataclass
class Thread:
    """A comment and what followed it, oldest first."""

    comment: ReviewComment
    anchor: Anchor
    entries: list[ReviewComment] = field(default_factory=list)

    @property
    def pk(self) -> int:
        return self.comment.pk

    @property
    def state(self) -> str:
        """Done once marked so (until reopened); answered when someone other than the
        commenter replied last; open otherwise. A reply to a done thread leaves it done."""
        state = OPEN
        for entry in self.entries:
            if entry.kind == Kind.DONE:
                state = DONE
            elif entry.kind == Kind.REOPENED:
                state = OPEN
            elif entry.kind == Kind.REPLY and state != DONE:
                state = OPEN if entry.user_id == self.comment.user_id else ANSWERED
        return state

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def is_open(self) -> bool:
        return self.state == OPEN

    @property
    def is_done(self) -> bool:
        return self.state == DONE

    @property
    def last_at(self) -> datetime:
        return (self.entries[-1] if self.entries else self.comment).created_at


def _threads(entries: Iterable[ReviewComment], anchor_for) -> dict[int, list[Thread]]:
    """Entries (oldest first) gathered into threads, by report, in the report's order: by
    editor page, a page's own threads before those on its fields and rows, then by time."""
    threads: dict[int, Thread] = {}
    by_report: dict[int, list[Thread]] = {}
    for entry in entries:
        if entry.thread_id is None:
            threads[entry.pk] = Thread(entry, anchor_for(entry.anchor))
            by_report.setdefault(entry.report_id, []).append(threads[entry.pk])
        elif entry.thread_id in threads:
            threads[entry.thread_id].entries.append(entry)
    for found in by_report.values():
        found.sort(
            key=lambda t: (SECTION_ORDER.index(t.anchor.section), t.anchor.kind != "section")
        )
    return by_report


def _entries(report_ids: Iterable[int]):
    return (
        ReviewComment.objects.filter(report_id__in=list(report_ids))
        .select_related("user")
        .order_by("created_at", "pk")
    )


def comment_threads(*, report: Report) -> list[Thread]:
    """The report's threads with their entries and places, in the report's order: one query,
    and one more for the labels of 自评表 rows if any is commented on."""
    entries = list(_entries([report.pk]))
    anchors = anchors_of(report=report, keys=[e.anchor for e in entries if e.thread_id is None])

    def anchor_for(key: str) -> Anchor:
        return anchors.get(key) or Anchor(key, UNKNOWN_PLACE, _section_of(key))

    return _threads(entries, anchor_for).get(report.pk, [])


def thread_url(*, thread: Thread, report: Report, editable: bool) -> str:
    """Where a thread is shown: beside its place in the editor, or on the report's page."""
    if editable:
        url = reverse("report_edit", args=[report.pk, thread.anchor.section])
    else:
        url = reverse("report_detail", args=[report.pk])
    return f"{url}#comment-{thread.pk}"


# --- Banners: a returned report's reason, where the clerk looks ------------------------------


@dataclass(frozen=True)
class Banner:
    """The reviewer's comment on returning the report, and the threads still unanswered."""

    transition: ReportTransition
    open_count: int
    thread_count: int
    first_open_url: str = ""

    @property
    def reviewer(self) -> str:
        return self.transition.user.first_name or self.transition.user.username


def _last_returns(report_ids: list[int]) -> dict[int, ReportTransition]:
    latest = (
        ReportTransition.objects.filter(
            report_id__in=report_ids, action=ReportTransition.Action.RETURN
        )
        .values("report_id")
        .annotate(last=Max("pk"))
        .values("last")
    )
    returns = ReportTransition.objects.filter(pk__in=latest).select_related("user")
    return {transition.report_id: transition for transition in returns.order_by()}


def _banner(report: Report, transition, threads: list[Thread], user) -> Banner | None:
    if report.status != Status.RETURNED or transition is None:
        return None
    unanswered = [thread for thread in threads if thread.is_open]
    url = ""
    if unanswered:
        editable = access.may(user, access.CHANGE, report)
        url = thread_url(thread=unanswered[0], report=report, editable=editable)
    return Banner(transition, len(unanswered), len(threads), url)


def return_banner(*, report: Report, user, threads: list[Thread] | None = None) -> Banner | None:
    """The banner of a returned report for ``user`` (None for a report in any other state)."""
    if report.status != Status.RETURNED:
        return None
    threads = comment_threads(report=report) if threads is None else threads
    return _banner(report, _last_returns([report.pk]).get(report.pk), threads, user)


def return_banners(*, reports: Iterable[Report], user) -> dict[int, Banner]:
    """The banners of the returned ones of ``reports`` (a list page), by report: no query
    when none is returned, two otherwise."""
    returned = {report.pk: report for report in reports if report.status == Status.RETURNED}
    if not returned:
        return {}
    transitions = _last_returns(list(returned))

    def anchor_for(key: str) -> Anchor:
        return Anchor(key, "", _section_of(key))

    threads = _threads(_entries(returned), anchor_for)
    banners = {}
    for pk, report in returned.items():
        banner = _banner(report, transitions.get(pk), threads.get(pk, []), user)
        if banner is not None:
            banners[pk] = banner
    return banners


# --- What a page shows: threads, the banner, what the user may do --------------------------


@dataclass
class Review:
    """A report's review comments as one user's page shows them."""

    report: Report
    threads: list[Thread]
    banner: Banner | None
    may_comment: bool
    may_reply: bool
    may_resolve: bool
    may_reopen: bool
    # The places to comment on, page by page (only for who may comment).
    anchors: list[tuple[str, list[Anchor]]] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(STATE_LABELS, 0)
        for thread in self.threads:
            counts[thread.state] += 1
        return counts

    @property
    def summary(self) -> str:
        """未答复 2 条、已答复 1 条、已解决 0 条."""
        counts = self.counts
        return "、".join(f"{STATE_LABELS[state]} {counts[state]} 条" for state in STATE_LABELS)


def report_review(*, report: Report, user, anchors: bool = False) -> Review:
    """The review comments of ``report`` for ``user``'s page; with ``anchors``, also the
    places they may comment on (the reviewer's form)."""
    threads = comment_threads(report=report)
    probe = ReviewComment(report=report)  # what the user may do to any thread of the report
    may_comment = access.may(user, access.COMMENT, report)
    return Review(
        report=report,
        threads=threads,
        banner=return_banner(report=report, user=user, threads=threads),
        may_comment=may_comment,
        may_reply=access.may(user, access.REPLY, probe),
        may_resolve=access.may(user, access.RESOLVE, probe),
        may_reopen=access.may(user, access.REOPEN, probe),
        anchors=report_anchors(report=report) if anchors and may_comment else [],
    )


@dataclass
class EditorReview:
    """What one editor page shows of the review comments: each thread beside its place."""

    review: Review
    section: str
    page: list[Thread] = field(default_factory=list)  # on the page as a whole: at its top
    by_field: dict[str, list[Thread]] = field(default_factory=dict)  # under a text field
    by_row: dict[int, list[Thread]] = field(default_factory=dict)  # in a 自评表 row
    elsewhere: list[tuple[Thread, str]] = field(default_factory=list)  # open, other pages

    @property
    def here(self) -> list[Thread]:
        return [t for t in self.review.threads if t.anchor.section == self.section]


def editor_review(*, report: Report, section: str, user) -> EditorReview:
    """The review comments of ``report`` for its editor page ``section``."""
    review = report_review(report=report, user=user)
    shown = EditorReview(review, section)
    for thread in review.threads:
        anchor = thread.anchor
        if anchor.section != section:
            if thread.is_open:
                url = thread_url(thread=thread, report=report, editable=True)
                shown.elsewhere.append((thread, url))
        elif anchor.kind == "field":
            shown.by_field.setdefault(anchor.name, []).append(thread)
        elif anchor.kind == "row" and anchor.label != UNKNOWN_PLACE:
            shown.by_row.setdefault(int(anchor.name), []).append(thread)
        else:
            shown.page.append(thread)
    return shown


# --- Writing: a new thread, a reply, done, reopened ------------------------------------------


def _locked(report_id: int) -> Report:
    return Report.objects.select_for_update().select_related("department").get(pk=report_id)


def _clean(text: str, *, what: str, required: bool) -> str:
    text = (text or "").replace("\r\n", "\n").strip()
    if required and not text:
        raise CommentRefused(f"请填写{what}内容。")
    if "\x00" in text:
        raise CommentRefused(f"{what}中含有无法保存的控制字符：请删除后重新填写。")
    if too_long := text_too_long(text, COMMENT_MAX_CHARS):
        raise CommentRefused(f"{what}{too_long}")
    return text


@transaction.atomic
def comment_add(*, report: Report, user, anchor: str, text: str) -> ReviewComment:
    """A reviewer's new comment on a place of a submitted or returned report."""
    locked = _locked(report.pk)
    if not access.may(user, access.COMMENT, locked):
        if not access.may(user, access.RETURN, locked):
            raise CommentRefused(
                f"您无权对“{locked}”提出审核意见：只有负责该部门的审核人可以提出。",
                forbidden=True,
            )
        raise CommentRefused(
            f"报告当前为“{locked.get_status_display()}”状态，不能添加审核意见："
            "只有“待审核”和“已退回”的报告可以添加。"
        )
    place = anchors_of(report=locked, keys=[anchor or ""]).get(anchor or "")
    if place is None:
        raise CommentRefused("请选择意见针对的位置：报告的某一部分、某段文字或自评表的某一行。")
    text = _clean(text, what="意见", required=True)
    return ReviewComment.objects.create(
        report=locked, anchor=place.key, kind=Kind.COMMENT, text=text, user=user
    )


def _thread_action(thread: ReviewComment, user, action: str, refusal: str) -> Thread:
    """The thread as stored, its report locked, if ``user`` may take ``action`` on it."""
    locked = _locked(thread.report_id)
    root = ReviewComment.objects.get(pk=thread.pk)
    root.report = locked
    if not access.may(user, action, root):
        if locked.status == Status.APPROVED:
            raise CommentRefused("报告已批准，审核意见已随报告存档，不能再回复或更改。")
        raise CommentRefused(refusal, forbidden=True)
    entries = list(ReviewComment.objects.filter(thread=root).order_by("created_at", "pk"))
    return Thread(root, Anchor(root.anchor, "", _section_of(root.anchor)), entries)


def _entry(thread: Thread, user, kind: str, text: str = "") -> ReviewComment:
    comment = thread.comment
    entry = ReviewComment.objects.create(
        report=comment.report, thread=comment, kind=kind, text=text, user=user
    )
    thread.entries.append(entry)
    return entry


NOT_YOURS = "您无权{}这条审核意见：只有本部门的填报员和负责该部门的审核人可以{}。"


@transaction.atomic
def comment_reply(*, thread: ReviewComment, user, text: str, resolve: bool = False) -> Thread:
    """A reply to a thread; with ``resolve``, the thread is marked done after it."""
    action = access.RESOLVE if resolve else access.REPLY
    verb = "回复并解决" if resolve else "回复"
    found = _thread_action(thread, user, action, NOT_YOURS.format(verb, verb))
    text = _clean(text, what="回复", required=True)
    if resolve and found.is_done:
        raise CommentRefused("这条意见已经标记为已解决：如需补充，请直接回复。")
    _entry(found, user, Kind.REPLY, text)
    if resolve:
        _entry(found, user, Kind.DONE)
    return found


@transaction.atomic
def comment_resolve(*, thread: ReviewComment, user, text: str = "") -> Thread:
    """Mark a thread done, with an optional last word (recorded as a reply before it)."""
    found = _thread_action(thread, user, access.RESOLVE, NOT_YOURS.format("解决", "标记为已解决"))
    text = _clean(text, what="回复", required=False)
    if found.is_done:
        raise CommentRefused("这条意见已经标记为已解决，无需重复操作。")
    if text:
        _entry(found, user, Kind.REPLY, text)
    _entry(found, user, Kind.DONE)
    return found


@transaction.atomic
def comment_reopen(*, thread: ReviewComment, user, text: str = "") -> Thread:
    """Open a done thread again (a reviewer not satisfied), saying why if they wish."""
    found = _thread_action(
        thread,
        user,
        access.REOPEN,
        "您无权重新打开这条审核意见：只有负责该部门的审核人可以重新打开。",
    )
    text = _clean(text, what="意见", required=False)
    if not found.is_done:
        raise CommentRefused("这条意见尚未解决，不需要重新打开：如需补充，请直接回复。")
    _entry(found, user, Kind.REOPENED, text)
    return found
