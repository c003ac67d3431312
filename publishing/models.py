"""The record of what was published on the public site (绩效信息公开), and withdrawn from it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from perfeval.fields import LimitedTextField
from perfeval.limits import COMMENT_MAX_CHARS
from reports.models import AppendOnly, ApprovedVersion, Report


class PublicationEvent(AppendOnly):
    """One publication of an approved version, or its withdrawal; never changed or deleted.

    A report is public while its latest event publishes the version it still stands at
    (``publishing.selectors.published_events``): reopening it takes it off the public site
    without an event of its own, and approving it again needs a new publication.
    """

    class Action(models.TextChoices):
        PUBLISH = "publish", _("公开发布")
        WITHDRAW = "withdraw", _("撤回公开")

    report = models.ForeignKey(
        Report,
        on_delete=models.PROTECT,
        related_name="publication_events",
        verbose_name=_("自评报告"),
    )
    version = models.ForeignKey(
        ApprovedVersion,
        on_delete=models.PROTECT,
        related_name="publication_events",
        verbose_name=_("已批准版本"),
    )
    action = models.CharField(_("操作"), max_length=16, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="publication_events",
        verbose_name=_("操作人"),
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    note = LimitedTextField(_("说明"), blank=True, limit=COMMENT_MAX_CHARS)

    class Meta:
        verbose_name = _("公开记录")
        verbose_name_plural = _("公开记录")
        ordering = ["report", "at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(action__in=["publish", "withdraw"]),
                name="publication_event_action_known",
            ),
            models.CheckConstraint(
                condition=~models.Q(action="withdraw", note=""),
                name="publication_withdrawal_has_reason",
                violation_error_message=_("撤回公开必须填写原因。"),
            ),
        ]

    def __str__(self):
        return f"{self.report}：{self.get_action_display()}（{self.actor}）"
