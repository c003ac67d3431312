"""The self-assessment report of one department for one year, with its narrative."""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from perfeval.fields import LimitedTextField
from perfeval.limits import COMMENT_MAX_CHARS, NARRATIVE_MAX_CHARS
from perfeval.text import plain_text

MIN_YEAR = 2000

# The clerk's text of every section, in the report's order.
NARRATIVE_FIELDS = (
    "annual_goal",
    "annual_goal_result",
    "functions",
    "organisation",
    "work_plan",
    "spending_scope",
    "personnel_description",
    "public_operating_description",
    "three_public_variance_reason",
    "three_public_change_reason",
    "basic_management",
    "project_usage",
    "project_fund_management",
    "project_organisation",
    "project_management",
    "asset_management",
    "performance",
    "problems",
    "improvements",
)
MAX_YEAR = 2100


def same_text(stored, posted) -> bool:
    """Whether a posted text is the stored one: browsers send lines ending in CR LF."""

    return plain_text(stored) == plain_text(posted)


def narrative_field(verbose_name, help_text=""):
    return LimitedTextField(
        verbose_name, blank=True, help_text=help_text, limit=NARRATIVE_MAX_CHARS
    )


class Report(models.Model):
    """部门整体支出绩效自评报告: one per department and year."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("待审核")
        RETURNED = "returned", _("已退回")
        APPROVED = "approved", _("已批准")

    # The states in which a report's content may change: the one home of "read-only unless
    # editable" (the model, the access policy, the save guards and the importer ask it).
    EDITABLE_STATUSES = (Status.DRAFT, Status.RETURNED)

    department = models.ForeignKey(
        "departments.Department",
        on_delete=models.PROTECT,
        related_name="reports",
        verbose_name=_("部门"),
    )
    year = models.PositiveSmallIntegerField(
        _("年度"),
        validators=[
            MinValueValidator(MIN_YEAR, message=_("年度不能早于 %(limit_value)s 年。")),
            MaxValueValidator(MAX_YEAR, message=_("年度不能晚于 %(limit_value)s 年。")),
        ],
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    framework = models.ForeignKey(
        "scoring.Framework",
        on_delete=models.PROTECT,
        related_name="reports",
        verbose_name=_("指标体系"),
    )
    report_date = models.DateField(
        _("报告日期"), null=True, blank=True, help_text=_("封面按“二〇二三年九月”的格式打印年月。")
    )

    # 自评表 header: 年度总体目标
    annual_goal = narrative_field(_("年初设定目标"))
    annual_goal_result = narrative_field(_("全年完成情况"))

    # 一、部门概况
    functions = narrative_field(_("（一）部门职能概述"))
    organisation = narrative_field(_("（二）部门组织机构及人员情况"))
    work_plan = narrative_field(_("（三）年度重点工作计划"))
    spending_scope = narrative_field(
        _("（四）支出使用方向、主要内容和涉及范围"),
        _("接在自动生成的收支规模句子之后。"),
    )

    # 二、部门整体支出资金管理及使用情况
    personnel_description = narrative_field(
        _("人员经费主要内容"), _("接在“人员经费 … 万元，占基本支出的 …%，”之后。")
    )
    public_operating_description = narrative_field(
        _("公用经费主要内容"), _("接在“公用经费 … 万元，占基本支出的 …%，”之后。")
    )
    three_public_variance_reason = narrative_field(_("“三公”经费决算数与预算数差异的原因"))
    three_public_change_reason = narrative_field(_("“三公”经费比上年增减的主要原因"))
    basic_management = narrative_field(_("基本支出管理情况"))
    project_usage = narrative_field(_("项目资金实际使用情况"))
    project_fund_management = narrative_field(
        _("项目资金管理情况"), _("接在“项目支出决算数为 … 万元，”之后。")
    )

    # 三、部门项目实施情况
    project_organisation = narrative_field(_("（一）项目组织情况"))
    project_management = narrative_field(_("（二）项目管理情况"))

    # 四 to 七
    asset_management = narrative_field(_("四、资产管理情况"))
    performance = narrative_field(_("五、部门整体支出绩效情况"))
    problems = narrative_field(_("六、存在的主要问题"))
    improvements = narrative_field(_("七、改进措施和有关建议"))

    # Text copied from last year's report and not edited since (report_start_next_year): the
    # editor marks it and a warning asks for it to be rewritten while it still names that year.
    carried_fields = models.JSONField(
        _("沿用上年内容、尚未修改的段落"), default=list, blank=True, editable=False
    )
    carried_from = models.PositiveSmallIntegerField(
        _("沿用内容的年度"), null=True, blank=True, editable=False
    )

    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    history = HistoricalRecords(
        verbose_name=_("修改记录"), excluded_fields=["updated_at", "carried_fields"]
    )

    class Meta:
        verbose_name = _("自评报告")
        verbose_name_plural = _("自评报告")
        ordering = ["-year", "department__code"]
        indexes = [
            # A year's reports (the dashboard) or the approved ones (the approved list) read
            # from the index alone on PostgreSQL, not from the rows with all their text.
            models.Index(
                fields=["year", "status"],
                include=["id", "department", "framework"],
                name="report_year_status",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "year"],
                name="report_one_per_department_year",
                violation_error_message=_(
                    "该部门该年度的自评报告已存在：请打开已有报告继续填写，不要重复新建。"
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(year__gte=MIN_YEAR, year__lte=MAX_YEAR),
                name="report_year_in_range",
            ),
        ]

    def __str__(self):
        return f"{self.department} {self.year} 年部门整体支出绩效自评报告"

    @property
    def title(self) -> str:
        return f"{self.year} 年部门整体支出绩效自评报告"

    @property
    def is_locked(self) -> bool:
        """An approved report is exactly what was approved: nothing of it may change."""
        return self.status == self.Status.APPROVED

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE_STATUSES

    def carried_edited(self, fields) -> bool:
        """Forget that ``fields`` hold last year's text (they were edited); whether any did.

        The caller saves ``carried_fields`` with the fields it writes.
        """
        edited = set(fields)
        kept = [field for field in self.carried_fields if field not in edited]
        if kept == self.carried_fields:
            return False
        self.carried_fields = kept
        return True

    @classmethod
    @contextmanager
    def editing(cls, report_ids: Iterable[int]) -> Iterator[None]:
        """A block that writes rows of these reports (``perfeval.owned``): one transaction,
        the reports locked and refused unless editable, their totals refreshed at its end."""
        from .guards import editing_session
        from .totals import totals_changed, totals_deferred

        ids = sorted(set(report_ids) - {None})
        with transaction.atomic(), totals_deferred(), editing_session(ids):
            yield
            totals_changed(ids)


def sum_field(verbose_name):
    """A sum of money lines in 万元: room for a province's worth of reports."""
    return models.DecimalField(verbose_name, max_digits=16, decimal_places=2, default=0)


class ReportTotals(models.Model):
    """A report's 总分 and money sums, kept up to date from its lines (``reports.totals``).

    Worked out from the stored results and lines whenever they change, never typed: lists
    and the dashboard read them instead of summing every report's lines again.
    """

    report = models.OneToOneField(
        Report,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="totals",
        verbose_name=_("自评报告"),
    )
    # None while no row or group of the report has a score: 未评分, not 0 分 差.
    score = models.DecimalField(_("总分"), max_digits=8, decimal_places=2, null=True, blank=True)
    basic_budget = sum_field(_("基本支出预算数（万元）"))
    basic_actual = sum_field(_("基本支出执行数（万元）"))
    project_budget = sum_field(_("项目支出预算数（万元）"))
    project_actual = sum_field(_("项目支出执行数（万元）"))
    three_public_budget = sum_field(_("三公经费预算数（万元）"))
    three_public_actual = sum_field(_("三公经费决算数（万元）"))
    three_public_previous = sum_field(_("三公经费上年决算数（万元）"))

    class Meta:
        verbose_name = _("报告合计")
        verbose_name_plural = _("报告合计")

    def __str__(self):
        return f"{self.report}：{'未评分' if self.score is None else f'{self.score} 分'}"


# Records: what happened stays as it was recorded.


class RecordChangeRefused(ValidationError):
    """An attempt to change or delete a record of what happened (reports.models.AppendOnly)."""


def record_refusal(model) -> RecordChangeRefused:
    return RecordChangeRefused(
        f"“{model._meta.verbose_name}”是存档记录，只能新增，不能修改或删除："
        "如报告需要更正，请由超级管理员重新打开报告，再次批准后会产生新的记录。"
    )


class AppendOnlyQuerySet(models.QuerySet):
    """Rows are added (``create``, ``bulk_create``), never updated or deleted in bulk."""

    def update(self, **kwargs):
        raise record_refusal(self.model)

    def bulk_update(self, objs, fields, batch_size=None):
        # Before Django's own atomic block: raised inside it, the caller's would be broken.
        raise record_refusal(self.model)

    def delete(self):
        raise record_refusal(self.model)

    delete.queryset_only = True  # type: ignore[attr-defined]  # Django's flag on a method

    def bulk_create(self, objs, *args, update_conflicts=False, **kwargs):
        if update_conflicts:  # an upsert would change rows already there
            raise record_refusal(self.model)
        return super().bulk_create(objs, *args, **kwargs)


class AppendOnly(models.Model):
    """A record that is written once and kept as written: the workflow's log, approved
    versions, official PDFs and downloads.

    Every write through the ORM but an insert is refused (saving a loaded row, ``delete``,
    ``QuerySet.update`` and ``delete``); fixtures still load (``loaddata`` saves raw,
    below ``save``), and whole-database flushes of a restore or of tests are plain SQL.
    """

    objects = models.Manager.from_queryset(AppendOnlyQuerySet)()

    class Meta:
        abstract = True

    def save(self, *, force_insert=False, force_update=False, using=None, update_fields=None):
        if not self._state.adding or force_update or update_fields is not None:
            raise record_refusal(type(self))
        # An insert even when a pk is given: never an UPDATE of a row with that pk.
        super().save(force_insert=True, using=using)

    def delete(self, using=None, keep_parents=False):
        raise record_refusal(type(self))


class TransitionLog(AppendOnly):
    """One step of a document's workflow (``reports.workflow``): what was done, from which
    state to which, with what comment, when. A concrete log adds its document's foreign key
    (``related_name="transitions"``) and who made the move."""

    class Action(models.TextChoices):
        SUBMIT = "submit", _("提交审核")
        APPROVE = "approve", _("批准")
        RETURN = "return", _("退回")
        REOPEN = "reopen", _("重新打开")
        WITHDRAW = "withdraw", _("撤回")

    action = models.CharField(_("操作"), max_length=16, choices=Action.choices)
    from_status = models.CharField(_("原状态"), max_length=16, choices=Report.Status.choices)
    to_status = models.CharField(_("新状态"), max_length=16, choices=Report.Status.choices)
    comment = LimitedTextField(_("意见"), blank=True, limit=COMMENT_MAX_CHARS)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    class Meta(AppendOnly.Meta):
        abstract = True


class ReportTransition(TransitionLog):
    """One step of a report's workflow: who moved it, when, from which state to which."""

    report = models.ForeignKey(
        Report, on_delete=models.PROTECT, related_name="transitions", verbose_name=_("自评报告")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="report_transitions",
        verbose_name=_("操作人"),
    )

    class Meta:
        verbose_name = _("审核记录")
        verbose_name_plural = _("审核记录")
        ordering = ["report", "created_at", "pk"]

    def __str__(self):
        return f"{self.report}：{self.get_action_display()}（{self.user}）"


class ReviewOpening(AppendOnly):
    """A reviewer opened a submitted report: from then on its clerk can no longer withdraw
    that submission (``reports.workflow``)."""

    submission = models.ForeignKey(
        ReportTransition,
        on_delete=models.PROTECT,
        related_name="openings",
        verbose_name=_("提交记录"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="review_openings",
        verbose_name=_("审核人"),
    )
    created_at = models.DateTimeField(_("打开时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("审核打开记录")
        verbose_name_plural = _("审核打开记录")
        ordering = ["submission", "created_at", "pk"]

    def __str__(self):
        return f"{self.submission.report}：{self.user} 已打开审核"


class ApprovedVersion(AppendOnly):
    """What was approved, kept on record even after the report is reopened and changed."""

    report = models.ForeignKey(
        Report,
        on_delete=models.PROTECT,
        related_name="approved_versions",
        verbose_name=_("自评报告"),
    )
    number = models.PositiveSmallIntegerField(_("版本号"))
    transition = models.OneToOneField(
        ReportTransition,
        on_delete=models.PROTECT,
        related_name="approved_version",
        verbose_name=_("批准记录"),
    )
    summary = models.JSONField(_("汇总数据"))
    content = models.JSONField(_("报告全部内容"))
    # Copied from ``summary`` when approved (the approved figures cannot change) so that
    # lists filter and sort on them in the database.
    total_score = models.DecimalField(_("总分"), max_digits=6, decimal_places=2)
    grade = models.CharField(_("等级"), max_length=16, db_index=True)
    created_at = models.DateTimeField(_("批准时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("已批准版本")
        verbose_name_plural = _("已批准版本")
        ordering = ["report", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "number"], name="approved_version_unique_number"
            )
        ]

    def __str__(self):
        return f"{self.report}（第 {self.number} 次批准）"


def official_pdf_path(instance: "OfficialPdf", filename: str) -> str:
    report = instance.version.report
    return f"reports/{report.year}/{report.department.code}/{filename}"


class OfficialPdf(AppendOnly):
    """The PDF of an approved version, rendered once and kept with its SHA-256.

    It is never replaced: reopening and approving again makes a new version with its own file.
    """

    version = models.OneToOneField(
        ApprovedVersion,
        on_delete=models.PROTECT,
        related_name="pdf",
        verbose_name=_("已批准版本"),
    )
    file = models.FileField(_("文件"), upload_to=official_pdf_path, max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("大小（字节）"))
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("正式 PDF")
        verbose_name_plural = _("正式 PDF")
        ordering = ["version"]

    def __str__(self):
        return f"{self.version}：{self.sha256[:12]}…"


class Download(AppendOnly):
    """Who downloaded which report, in what form, and when."""

    class Kind(models.TextChoices):
        PDF = "pdf", _("正式 PDF")
        PREVIEW = "preview", _("预览 PDF（水印）")
        ZIP = "zip", _("ZIP 打包中的 PDF")
        XLSX = "xlsx", _("Excel")
        DOCX = "docx", _("Word")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="downloads",
        verbose_name=_("用户"),
    )
    report = models.ForeignKey(
        Report, on_delete=models.PROTECT, related_name="downloads", verbose_name=_("自评报告")
    )
    version = models.ForeignKey(
        ApprovedVersion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="downloads",
        verbose_name=_("已批准版本"),
    )
    kind = models.CharField(_("形式"), max_length=8, choices=Kind.choices)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("下载记录")
        verbose_name_plural = _("下载记录")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.user} {self.get_kind_display()} {self.report}"


class ReviewComment(AppendOnly):
    """One entry of a review comment thread: the reviewer's comment on a part of a report (the
    thread's first entry, ``thread`` empty), a reply, or marking the thread done or open again.

    Nothing is changed in place: a thread's state (未答复, 已答复, 已解决) follows from its
    entries (``reports.comments``), and the trail stays with the report's history.
    """

    class Kind(models.TextChoices):
        COMMENT = "comment", _("审核意见")
        REPLY = "reply", _("回复")
        DONE = "done", _("标记为已解决")
        REOPENED = "reopened", _("重新打开")

    report = models.ForeignKey(
        Report,
        on_delete=models.PROTECT,
        related_name="review_comments",
        verbose_name=_("自评报告"),
    )
    thread = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entries",
        verbose_name=_("所属意见"),
    )
    # Where the comment points (a thread's first entry only): "section:<key>", "field:<name>"
    # or "row:<indicator pk>" (reports.comments.anchor_label).
    anchor = models.CharField(_("位置"), max_length=64, blank=True)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    text = LimitedTextField(_("内容"), blank=True, limit=COMMENT_MAX_CHARS)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="review_comments",
        verbose_name=_("填写人"),
    )
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("审核意见")
        verbose_name_plural = _("审核意见")
        ordering = ["report", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(kind="comment", thread__isnull=True) & ~models.Q(anchor=""))
                | (~models.Q(kind="comment") & models.Q(thread__isnull=False, anchor="")),
                name="review_comment_thread_matches_kind",
                violation_error_message=_(
                    "审核意见须指明位置；回复、解决和重新打开须属于一条已有的意见。"
                ),
            ),
        ]

    def __str__(self):
        return f"{self.report}：{self.get_kind_display()}（{self.user}）"
