"""问题整改: each problem a report (or a reviewer) found, followed until it is put right."""

from datetime import date

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from perfeval.fields import LimitedTextField
from perfeval.limits import COMMENT_MAX_CHARS, NARRATIVE_MAX_CHARS
from reports.models import MAX_YEAR, MIN_YEAR, AppendOnly

OWNER_MAX_CHARS = 100


class ProblemItem(models.Model):
    """One problem of a department's year, with its 改进措施, owner, due date and status."""

    class Source(models.TextChoices):
        SELF = "self", _("本部门自评")
        REVIEW = "review", _("审核意见")
        INSPECTION = "inspection", _("财政检查")

    class Status(models.TextChoices):
        OPEN = "open", _("未整改")
        IN_PROGRESS = "in_progress", _("整改中")
        DONE = "done", _("已整改")

    # The states in which an item is still to be put right (and can be overdue).
    PENDING_STATUSES = (Status.OPEN, Status.IN_PROGRESS)

    department = models.ForeignKey(
        "departments.Department",
        on_delete=models.PROTECT,
        related_name="problem_items",
        verbose_name=_("部门"),
    )
    year = models.PositiveSmallIntegerField(
        _("发现年度"),
        validators=[
            MinValueValidator(MIN_YEAR, message=_("年度不能早于 %(limit_value)s 年。")),
            MaxValueValidator(MAX_YEAR, message=_("年度不能晚于 %(limit_value)s 年。")),
        ],
        help_text=_("发现这一问题的自评报告所属年度。"),
    )
    report = models.ForeignKey(
        "reports.Report",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="problem_items",
        verbose_name=_("自评报告"),
    )
    source = models.CharField(_("来源"), max_length=16, choices=Source.choices)
    text = LimitedTextField(_("存在的问题"), limit=NARRATIVE_MAX_CHARS)
    measure = LimitedTextField(_("改进措施"), blank=True, limit=NARRATIVE_MAX_CHARS)
    owner = models.CharField(_("责任人或责任科室"), max_length=OWNER_MAX_CHARS, blank=True)
    due_date = models.DateField(_("整改期限"), null=True, blank=True)
    # Changed only by followup.services.problem_update, which records every change.
    status = models.CharField(
        _("整改状态"),
        max_length=16,
        choices=Status.choices,
        default=Status.OPEN,
        editable=False,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="problem_items_created",
        verbose_name=_("登记人"),
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("整改问题")
        verbose_name_plural = _("整改问题")
        ordering = ["-year", "department", "pk"]
        indexes = [models.Index(fields=["department", "year"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(year__gte=MIN_YEAR, year__lte=MAX_YEAR),
                name="followup_problem_year_in_range",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["open", "in_progress", "done"]),
                name="followup_problem_status_known",
            ),
        ]

    def __str__(self):
        short = self.text if len(self.text) <= 20 else f"{self.text[:20]}…"
        return f"{self.department} {self.year} 年问题：{short}"

    def get_absolute_url(self):
        return reverse("problem_detail", args=[self.pk])

    def is_overdue(self, today: date | None = None) -> bool:
        """Still to be put right, and its 整改期限 has passed."""
        today = today or timezone.localdate()
        return (
            self.status in self.PENDING_STATUSES
            and self.due_date is not None
            and self.due_date < today
        )


class ProblemUpdate(AppendOnly):
    """One step of an item's 整改: its status then and now, and what was done."""

    item = models.ForeignKey(
        ProblemItem, on_delete=models.PROTECT, related_name="updates", verbose_name=_("整改问题")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="problem_updates",
        verbose_name=_("操作人"),
    )
    from_status = models.CharField(_("原状态"), max_length=16, choices=ProblemItem.Status.choices)
    to_status = models.CharField(_("新状态"), max_length=16, choices=ProblemItem.Status.choices)
    note = LimitedTextField(_("整改情况说明"), blank=True, limit=COMMENT_MAX_CHARS)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("整改记录")
        verbose_name_plural = _("整改记录")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return (
            f"{self.item.department} {self.item.year} 年问题："
            f"{self.get_from_status_display()} → {self.get_to_status_display()}"
        )
