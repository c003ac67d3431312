"""Deadlines of a department's year, reminders (催办) sent to late departments, and the
notifications each user reads in the app (and by e-mail)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from perfeval.fields import LimitedTextField
from perfeval.limits import COMMENT_MAX_CHARS
from reports.models import MAX_YEAR, MIN_YEAR, AppendOnly


def year_field():
    return models.PositiveSmallIntegerField(
        _("年度"),
        validators=[
            MinValueValidator(MIN_YEAR, message=_("年度不能早于 %(limit_value)s 年。")),
            MaxValueValidator(MAX_YEAR, message=_("年度不能晚于 %(limit_value)s 年。")),
        ],
    )


class Deadline(models.Model):
    """The date by which every department must have done one stage of a year (set by
    administrators; the checkpoints of monitoring carry their own dates)."""

    class Stage(models.TextChoices):
        TARGETS = "targets", _("绩效目标申报")
        SELFEVAL = "selfeval", _("绩效自评")

    year = year_field()
    stage = models.CharField(_("阶段"), max_length=16, choices=Stage.choices)
    due = models.DateField(_("截止日期"))
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("截止日期")
        verbose_name_plural = _("截止日期")
        ordering = ["-year", "due"]
        constraints = [
            models.UniqueConstraint(fields=["year", "stage"], name="deadline_unique_year_stage")
        ]

    def __str__(self):
        return f"{self.year} 年{self.get_stage_display()}：{self.due:%Y-%m-%d} 截止"

    @property
    def is_locked(self) -> bool:
        """A deadline may always be moved by an administrator."""
        return False


class Reminder(AppendOnly):
    """A 催办 sent to a department about a stage it has not done: who sent it, and when."""

    department = models.ForeignKey(
        "departments.Department",
        on_delete=models.PROTECT,
        related_name="reminders",
        verbose_name=_("部门"),
    )
    year = year_field()
    stage_key = models.CharField(_("阶段代码"), max_length=32)
    stage_label = models.CharField(_("阶段"), max_length=100)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="reminders_sent",
        verbose_name=_("催办人"),
    )
    note = LimitedTextField(_("附言"), blank=True, limit=COMMENT_MAX_CHARS)
    created_at = models.DateTimeField(_("催办时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("催办记录")
        verbose_name_plural = _("催办记录")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"催办 {self.department} {self.year} 年{self.stage_label}（{self.user}）"


class Notification(models.Model):
    """A message for one user: a document returned, approved or submitted, a 催办, a deadline
    coming or passed. ``key`` makes a daily notice idempotent (empty for the others)."""

    class Kind(models.TextChoices):
        RETURNED = "returned", _("退回")
        APPROVED = "approved", _("批准")
        SUBMITTED = "submitted", _("提交")
        REMINDER = "reminder", _("催办")
        DUE_SOON = "due_soon", _("临近截止")
        OVERDUE = "overdue", _("逾期")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("接收人"),
    )
    kind = models.CharField(_("类别"), max_length=16, choices=Kind.choices)
    text = LimitedTextField(_("内容"), limit=COMMENT_MAX_CHARS * 2)
    url = models.CharField(_("链接"), max_length=200, blank=True)
    key = models.CharField(_("去重键"), max_length=100, blank=True, editable=False)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key"], condition=~Q(key=""), name="notification_unique_key"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()}：{self.text[:40]}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
