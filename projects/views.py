"""Pages of the projects' self-assessment tables: importing one from .xlsx."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from budgets.models import Project
from perfeval.numbers import DASH, amount_text, num, rate_text, score_text
from reports.forms import SelfevalUploadForm
from reports.views.access import editable_report_for
from reports.views.imports import PENDING_MAX_AGE, PENDING_UPLOADS, pending_prune
from sheets.cells import Problem

from . import calc, importer
from .models import ProjectAssessment
from .services import project_framework_default

PENDING_SALT = "perfeval.project-upload"  # not the department table's: no token crosses over
TEMPLATE = "projects/import.html"


def project_import(request, pk: int, project: int):
    """Upload a project's 自评表 (.xlsx), see what it writes, then confirm it.

    As the department table's import: the report must be one the user may edit (404 if they
    may not see it, 403 otherwise), nothing is written before the user confirms the preview,
    and meanwhile the file waits in storage under a signed token.
    """
    report = editable_report_for(request.user, pk)
    project_row = get_object_or_404(Project, pk=project, report=report)
    assessment = (
        ProjectAssessment.objects.filter(project=project_row).select_related("framework").first()
    )
    framework = assessment.framework if assessment else project_framework_default()
    page = _Page(request, report, project_row, assessment, framework)
    if request.method == "POST" and request.POST.get("pending"):
        return page.answer(request.POST)
    form = SelfevalUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        return page.preview(upload.read(), upload.name, form)
    return page.render(form=form)


class _Page:
    def __init__(self, request, report, project, assessment, framework):
        self.request, self.report, self.project = request, report, project
        self.assessment, self.framework = assessment, framework

    def render(self, **extra):
        context = {
            "report": self.report,
            "project": self.project,
            "framework": self.framework,
            "has_table": self.assessment is not None,
            **extra,
        }
        context.setdefault("form", SelfevalUploadForm())
        return render(self.request, TEMPLATE, context)

    def plan(self, data: bytes):
        return importer.project_plan(data=data, project=self.project, layout=self.framework.layout)

    def preview(self, data: bytes, filename: str, form, *, outdated=False):
        try:
            plan = self.plan(data)
        except importer.ProjectImportRefused as refused:
            return self.render(form=form, problems=refused.problems)
        if plan.errors:
            return self.render(form=form, problems=plan.problems, filename=filename)
        pending_prune()
        name = default_storage.save(f"{PENDING_UPLOADS}{uuid.uuid4().hex}.xlsx", ContentFile(data))
        token = signing.dumps(
            {
                "file": name,
                "filename": filename,
                "report": self.report.pk,
                "project": self.project.pk,
                "preview": plan.fingerprint,
            },
            salt=PENDING_SALT,
        )
        return self.render(
            plan=plan,
            pending=token,
            filename=filename,
            outdated=outdated,
            fields=_fields(plan, self.assessment),
            figures=_figures(plan, self.project, self.framework.layout),
            rows=list(zip(plan.rows, plan.indicators, strict=True)),
        )

    def answer(self, post):
        """The confirmation (or cancellation) of a preview."""
        try:
            held = signing.loads(post["pending"], salt=PENDING_SALT, max_age=PENDING_MAX_AGE)
        except signing.BadSignature:
            messages.error(self.request, "确认已过期：请重新选择文件上传。")
            return redirect(self.request.path)
        if not isinstance(held, dict) or (held.get("report"), held.get("project")) != (
            self.report.pk,
            self.project.pk,
        ):
            messages.error(self.request, "确认不属于这个项目：请重新选择文件上传。")
            return redirect(self.request.path)
        try:
            with default_storage.open(held["file"], "rb") as f:
                data = f.read()
        except FileNotFoundError:
            messages.error(self.request, "确认已使用或已过期：请重新选择文件上传。")
            return redirect(self.request.path)
        default_storage.delete(held["file"])
        if "cancel" in post:
            messages.info(self.request, "已取消导入，没有保存任何内容。")
            return redirect(self.request.path)
        return self.confirm(data, held)

    def confirm(self, data: bytes, held: dict):
        filename = held.get("filename", "")
        try:
            plan = self.plan(data)
        except importer.ProjectImportRefused as refused:
            return self.render(problems=refused.problems)
        if plan.errors:
            return self.render(problems=plan.problems, filename=filename)
        if plan.fingerprint != held.get("preview"):
            # The project's figures or table changed since the preview: show it again.
            return self.preview(data, filename, SelfevalUploadForm(), outdated=True)
        try:
            with transaction.atomic():
                changed = importer.project_import_write(
                    project=self.project,
                    framework=self.framework,
                    plan=plan,
                    user=self.request.user,
                )
        except ValidationError as refused:
            return self.render(problems=[Problem(m) for m in refused.messages])
        done = "已导入" if changed else "表中内容与现有自评表相同，未作修改"
        messages.success(
            self.request,
            f"项目“{self.project.name}”的自评表{done}（工作表“{plan.sheet}”，"
            f"三级指标 {len(plan.indicators)} 行）。",
        )
        for warning in plan.warnings:
            messages.warning(self.request, str(warning))
        return redirect(reverse("report_detail", args=[self.report.pk]))


def _shown(value) -> str:
    return amount_text(value) if isinstance(value, Decimal) or value is None else str(value)


def _fields(plan, stored) -> list[tuple[str, str, str]]:
    """The values the import writes: label, now (``stored``: the table, if any), after."""
    labels = {field.name: str(field.verbose_name) for field in ProjectAssessment._meta.fields}
    return [
        (
            labels[name],
            _shown(getattr(stored, name) if stored else ""),
            _shown(value),
        )
        for name, value in plan.values.items()
    ]


def _figures(plan, project, layout) -> list[tuple[str, str]]:
    """What the table prints from the project's own figures (not written by the import)."""
    rate = calc.execution_rate(project.actual, project.budget)
    return [
        ("全年预算数（万元，取自“项目”）", amount_text(project.budget)),
        ("全年执行数（万元，取自“项目”）", amount_text(project.actual)),
        ("执行率", rate_text(rate)),
        (
            f"预算执行得分（分值 {num(layout.execution_points)}）",
            DASH if plan.execution_score is None else score_text(plan.execution_score),
        ),
        ("总分", DASH if plan.total_score is None else score_text(plan.total_score)),
    ]
