from dataclasses import dataclass

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from budgets.models import ExpenditureLine, IncomeLine, Project, ThreePublicLine
from departments.roles import is_admin
from perfeval import access
from scoring.models import GroupResult, IndicatorResult

from . import archive, workflow
from .changes import report_changes, year_comparison
from .forms import SelfevalAdminUploadForm
from .models import (
    ApprovedVersion,
    Download,
    OfficialPdf,
    Report,
    ReportTransition,
    same_text,
)
from .selectors import decimal_str, report_change_log, report_document
from .totals import with_scores
from .views.imports import selfeval_upload


@dataclass(frozen=True)
class ActionButton:
    """How a workflow action shows on a report's admin page: its button and the dialog that
    confirms it (whether a comment is required is the workflow's to say)."""

    label: str
    title: str
    explanation: str
    comment_label: str
    confirm: str


ACTION_BUTTONS = {
    "approve": ActionButton(
        "批准",
        "批准这份报告？",
        "批准后报告锁定，不能再修改，并生成正式 PDF 供下载。",
        "审核意见（可不填）",
        "确认批准",
    ),
    "return": ActionButton(
        "退回修改",
        "退回给填报员修改？",
        "退回后填报员可以修改报告，改好后再次提交审核。请写明需要修改的地方。",
        "退回意见（必填）",
        "确认退回",
    ),
    "reopen": ActionButton(
        "重新打开",
        "重新打开已批准的报告？",
        "报告回到草稿，可以再次修改；已批准的版本和正式 PDF 仍保留在记录中。",
        "重新打开的理由（必填）",
        "确认重新打开",
    ),
    "submit": ActionButton(
        "提交审核",
        "提交审核？",
        "提交后报告不能修改，等待审核人批准或退回。",
        "给审核人的说明（可不填）",
        "确认提交",
    ),
    "withdraw": ActionButton(
        "撤回",
        "撤回这次提交？",
        "报告回到草稿，可以继续修改，改好后再次提交审核。",
        "说明（可不填）",
        "确认撤回",
    ),
}


def action_buttons(actions: list[str]) -> list[dict]:
    """The buttons of the actions a user may take now, each with its confirming dialog."""
    return [
        {
            "action": action,
            "ui": ACTION_BUTTONS[action],
            "comment_required": bool(workflow.TRANSITIONS[action].comment_required),
        }
        for action in actions
        if action in ACTION_BUTTONS and action in workflow.TRANSITIONS
    ]


def system_created(change) -> bool:
    """A row that 系统 created (a new report's empty lines, the demo loaded): not news."""
    return change.user is None and change.field == "—" and change.new == "新增"


class OwnedInline:
    """Inlines of a report; read-only unless the report may be written (perfeval.access)."""

    extra = 0


class IncomeLineInline(OwnedInline, admin.TabularInline):
    model = IncomeLine


class ExpenditureLineInline(OwnedInline, admin.TabularInline):
    model = ExpenditureLine


class ThreePublicLineInline(OwnedInline, admin.TabularInline):
    model = ThreePublicLine
    max_num = len(ThreePublicLine.Kind)


class ProjectInline(OwnedInline, admin.StackedInline):
    model = Project


class IndicatorResultInline(OwnedInline, admin.TabularInline):
    model = IndicatorResult
    fields = [
        "indicator",
        "target",
        "actual",
        "actual_reason",
        "score",
        "deviation",
        "override_reason",
    ]
    raw_id_fields = ["indicator"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("indicator")


class GroupResultInline(OwnedInline, admin.TabularInline):
    model = GroupResult
    fields = ["indicator", "score", "deviation", "override_reason"]
    raw_id_fields = ["indicator"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("indicator")


class StatusFilter(admin.SimpleListFilter):
    """Status, defaulting to 待审核 for reviewers: their queue is what they open the list for."""

    title = _("状态")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("all", _("全部")), *Report.Status.choices]

    def choices(self, changelist):
        value = self.value()
        for lookup, title in self.lookup_choices:
            yield {
                "selected": value == str(lookup),
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def __init__(self, request, params, model, model_admin):
        self.user = request.user
        super().__init__(request, params, model, model_admin)

    def value(self):
        value = super().value()
        if value is None and not is_admin(self.user):
            return Report.Status.SUBMITTED
        return value

    def queryset(self, request, queryset):
        value = self.value()
        if value and value != "all":
            return queryset.filter(status=value)
        return queryset


@admin.register(Report)
class ReportAdmin(SimpleHistoryAdmin):
    list_display = ["department", "year", "status", "total_score", "grade", "updated_at"]
    list_filter = [StatusFilter, "year", ("department", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["department__name", "department__code"]
    list_select_related = ["department", "framework"]
    readonly_fields = ["status", "created_at", "updated_at"]
    change_form_template = "admin/reports/report/change_form.html"
    actions = ["approve_selected"]
    inlines = [
        IncomeLineInline,
        ExpenditureLineInline,
        ThreePublicLineInline,
        ProjectInline,
        IndicatorResultInline,
        GroupResultInline,
    ]
    fieldsets = [
        (None, {"fields": ["department", "year", "status", "framework", "report_date"]}),
        (_("年度总体目标"), {"fields": ["annual_goal", "annual_goal_result"]}),
        (
            _("一、部门概况"),
            {"fields": ["functions", "organisation", "work_plan", "spending_scope"]},
        ),
        (
            _("二、部门整体支出资金管理及使用情况"),
            {
                "fields": [
                    "personnel_description",
                    "public_operating_description",
                    "three_public_variance_reason",
                    "three_public_change_reason",
                    "basic_management",
                    "project_usage",
                    "project_fund_management",
                ]
            },
        ),
        (_("三、部门项目实施情况"), {"fields": ["project_organisation", "project_management"]}),
        (
            _("四至七"),
            {"fields": ["asset_management", "performance", "problems", "improvements"]},
        ),
        (_("记录"), {"fields": ["created_at", "updated_at"]}),
    ]

    def get_queryset(self, request):
        # The list's score and grade come from the stored totals, one query for the page.
        return with_scores(super().get_queryset(request))

    def save_model(self, request, obj, form, change):
        # Text copied from last year's report is no longer carried over once changed here.
        obj.carried_edited(
            field
            for field in form.changed_data
            if not same_text(form.initial.get(field), form.cleaned_data.get(field))
        )
        super().save_model(request, obj, form, change)

    @admin.display(description=_("自评得分"))
    def total_score(self, obj):
        return decimal_str(obj.score_total)

    @admin.display(description=_("等级"))
    def grade(self, obj):
        return obj.score_grade

    def get_urls(self):
        return [
            path(
                "<id:pk>/transition/",
                self.admin_site.admin_view(self.transition_view),
                name="reports_report_transition",
            ),
            path(
                "<id:pk>/selfeval/",
                self.admin_site.admin_view(self.selfeval_view),
                name="reports_report_selfeval",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        report = self.get_object(request, unquote(object_id))
        if report is None:
            raise Http404("没有找到该报告。")
        if request.method == "GET":
            # A reviewer has seen the submission: its clerk can no longer withdraw it.
            workflow.review_opened(report=report, user=request.user)
        document = report_document(report=report)
        data = document.data
        previous = (
            self.get_queryset(request)
            .filter(department_id=report.department_id, year=report.year - 1)
            .first()
        )
        change_log = report_change_log(report=report)
        actions = workflow.available_actions(user=request.user, report=report)
        extra_context = {
            **(extra_context or {}),
            "doc": document,
            "actions_available": actions,
            "action_buttons": action_buttons(actions),
            "transition_url": reverse("admin:reports_report_transition", args=[report.pk]),
            "transitions": report.transitions.select_related("user"),
            "submission": workflow.last_submission(report),
            "changes": report_changes(report=report),
            "previous": previous,
            "year_figures": year_comparison(
                figures=data.figures, scorecard=data.scorecard, previous=previous
            ),
            "field_changes": [c for c in change_log if not system_created(c)],
            "system_created": sum(1 for c in change_log if system_created(c)),
            "approved_versions": report.approved_versions.select_related("transition__user", "pdf"),
            # Approved: its official PDF renders in the background (reports/tasks.py).
            "pdf_ready": archive.official_pdf_ready(report=report),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def selfeval_view(self, request, pk):
        """The 自评表 in Excel: download it, or import a filled one into an editable report."""
        report = get_object_or_404(self.get_queryset(request), pk=pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": report,
            "report": report,
            "title": f"自评表 Excel 导入导出：{report}",
            "can_import": access.may(request.user, access.CHANGE, report),
        }
        if request.method == "POST" and not context["can_import"]:
            raise PermissionDenied("该报告当前不能修改，不能导入：只有草稿和已退回的报告可以导入。")
        return selfeval_upload(
            request,
            report=report,
            form_class=SelfevalAdminUploadForm,
            template="admin/reports/report/selfeval.html",
            context=context,
            done_url=reverse("admin:reports_report_change", args=[report.pk]),
        )

    def transition_view(self, request, pk):
        report = get_object_or_404(self.get_queryset(request), pk=pk)
        if request.method == "POST":
            action = request.POST.get("action", "")
            try:
                workflow.transition_apply(
                    report=report,
                    user=request.user,
                    action=action,
                    comment=request.POST.get("comment", ""),
                )
            except workflow.TransitionRefused as refused:
                self.message_user(request, refused.message, messages.ERROR)
                for error in refused.errors:
                    self.message_user(request, error, messages.ERROR)
            else:
                self.message_user(
                    request,
                    f"已{workflow.action_label(action)}“{report}”：当前状态“"
                    f"{report.get_status_display()}”。",
                    messages.SUCCESS,
                )
        return HttpResponseRedirect(reverse("admin:reports_report_change", args=[report.pk]))

    @admin.action(description=_("批准所选报告"))
    def approve_selected(self, request, queryset):
        approved, refused = [], []
        for report in queryset:
            try:
                workflow.report_approve(report=report, user=request.user)
            except workflow.TransitionRefused as refusal:
                reasons = "；".join([refusal.message, *refusal.errors])
                refused.append(f"“{report}”未批准：{reasons}")
            else:
                approved.append(str(report))
        if approved:
            self.message_user(
                request, f"已批准 {len(approved)} 份报告：{'、'.join(approved)}。", messages.SUCCESS
            )
        for line in refused:
            self.message_user(request, line, messages.ERROR)


@admin.register(ReportTransition)
class ReportTransitionAdmin(admin.ModelAdmin):
    """Records of what happened: read-only to everyone (perfeval.access), append-only."""

    list_display = ["report", "action", "from_status", "to_status", "user", "created_at"]
    list_filter = ["action", "report__year", "report__department"]
    search_fields = ["report__department__name", "user__username", "comment"]
    list_select_related = ["report__department", "user"]


@admin.register(ApprovedVersion)
class ApprovedVersionAdmin(ReportTransitionAdmin):
    list_display = ["report", "number", "total_score", "grade", "created_at"]
    list_filter = ["report__year", "report__department"]
    search_fields = ["report__department__name"]
    list_select_related = ["report__department"]


@admin.register(OfficialPdf)
class OfficialPdfAdmin(ReportTransitionAdmin):
    """Stored official PDFs: a record, never edited (a new approval makes a new one)."""

    list_display = ["version", "sha256", "size", "created_at"]
    list_filter = ["version__report__year"]
    search_fields = ["version__report__department__name", "sha256"]
    list_select_related = ["version__report__department"]


@admin.register(Download)
class DownloadAdmin(ReportTransitionAdmin):
    """Who downloaded what and when."""

    list_display = ["created_at", "user", "report", "kind", "version", "sha256"]
    list_filter = ["kind", "report__year"]
    search_fields = ["user__username", "report__department__name", "sha256"]
    list_select_related = ["user", "report__department", "version__report__department"]
    date_hierarchy = "created_at"
