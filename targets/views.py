"""The target forms' pages: the list, starting a year's form, a form, editing, the workflow
buttons and an adjustment."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from perfeval import access
from reports import workflow
from reports.views.moves import transition_posted

from .checks import form_errors
from .documents import target_pdf_response, target_xlsx_response
from .forms import AdjustForm, HeaderForm, RowForm, StartForm
from .models import TargetForm
from .selectors import (
    form_rows,
    form_values,
    latest_version,
    target_forms_visible,
    target_table,
    target_versions,
)
from .services import TargetRefused, target_adjust, target_form_create, target_form_save


def _form_for(user, pk: int) -> TargetForm:
    """The form, if this user may see it; 404 otherwise."""
    forms = access.scope(user, TargetForm).select_related("department", "framework", "based_on")
    return get_object_or_404(forms, pk=pk)


def _editable_for(user, pk: int) -> TargetForm:
    """The form, if this user may change it now; 404 if they may not see it, else 403."""
    form = _form_for(user, pk)
    if not access.may(user, access.CHANGE, form):
        if form.is_locked:
            raise PermissionDenied("该绩效目标表已批准，不能修改：如需变更，请发起“调整”。")
        if not form.is_editable:
            raise PermissionDenied(
                f"该绩效目标表处于“{form.get_status_display()}”状态，不能修改："
                "审核人退回或撤回提交后才能再修改。"
            )
        raise PermissionDenied("您无权修改该绩效目标表：只有本部门的填报员可以修改。")
    return form


def target_list(request):
    department = request.user.department
    can_start = department is not None and access.may(request.user, access.START, department)
    forms = list(target_forms_visible(user=request.user))
    # This year's form, or the one after the department's latest.
    start_year = timezone.localdate().year
    own_years = {form.year for form in forms if department and form.department_id == department.pk}
    if start_year in own_years:
        start_year = max(own_years) + 1
    return render(
        request,
        "targets/target_list.html",
        {"forms": forms, "can_start": can_start, "start_year": start_year},
    )


@require_POST
def target_start(request):
    department = request.user.department
    if department is None or not access.may(request.user, access.START, department):
        raise PermissionDenied("只有部门的填报员可以新建本部门的绩效目标表。")
    start = StartForm({"year": request.POST.get("year") or timezone.localdate().year})
    if not start.is_valid():
        errors = [e for field_errors in start.errors.values() for e in field_errors]
        messages.error(request, f"未新建绩效目标表：{errors[0]}")
        return redirect("target_list")
    year = start.cleaned_data["year"]
    try:
        form = target_form_create(department=department, year=year)
    except TargetRefused as refused:
        messages.error(request, refused.message)
        return redirect("target_list")
    messages.success(
        request, f"已新建 {year} 年部门整体绩效目标表：请填写年度总体目标、预算和指标值。"
    )
    return redirect("target_edit", pk=form.pk)


def target_detail(request, pk: int):
    form = _form_for(request.user, pk)
    rows = form_rows(form=form)
    actions = workflow.document_actions(user=request.user, subject=form)
    latest = latest_version(department_id=form.department_id, year=form.year)
    can_adjust = access.may(request.user, access.ADJUST, form) and latest == form
    context = {
        "form": form,
        "table": target_table(rows),
        "versions": target_versions(
            department_id=form.department_id, year=form.year, user=request.user
        ),
        "transitions": workflow.document_history(subject=form),
        "actions": actions,
        "can_edit": access.may(request.user, access.CHANGE, form),
        "can_adjust": can_adjust,
        "adjust_form": AdjustForm() if can_adjust else None,
    }
    if form.is_editable and (context["can_edit"] or "submit" in actions):
        context["checks"] = form_errors(form_values(form=form, rows=rows))
    return render(request, "targets/target_detail.html", context)


def _bound_forms(request, form: TargetForm, rows):
    data = request.POST if request.method == "POST" else None
    header = HeaderForm(data, instance=form, prefix="header")
    row_forms = [(row, RowForm(data, instance=row, prefix=str(row.indicator_id))) for row in rows]
    return header, row_forms


def _errors_shown(error: ValidationError, header: HeaderForm, row_forms) -> None:
    """The service's errors beside the fields they are about."""
    by_indicator = {str(row.indicator_id): row_form for row, row_form in row_forms}
    for key, field_messages in error.message_dict.items():
        owner, _, name = key.partition(".")
        if name and owner in by_indicator and name in by_indicator[owner].fields:
            by_indicator[owner].add_error(name, field_messages)
        elif key in header.fields:
            header.add_error(key, field_messages)
        else:
            header.add_error(None, field_messages)


def target_edit(request, pk: int):
    form = _editable_for(request.user, pk)
    rows = form_rows(form=form)
    header, row_forms = _bound_forms(request, form, rows)
    if request.method == "POST":
        valid = header.is_valid() & all([row_form.is_valid() for _, row_form in row_forms])
        if valid:
            try:
                target_form_save(
                    form=form,
                    user=request.user,
                    header=header.cleaned_data,
                    rows={row.indicator_id: f.cleaned_data for row, f in row_forms},
                )
            except TargetRefused as refused:
                messages.error(request, refused.message)
                return redirect("target_detail", pk=form.pk)
            except ValidationError as error:
                _errors_shown(error, header, row_forms)
            else:
                messages.success(request, "已保存。填好后请在目标表页面提交审核。")
                return redirect("target_detail", pk=form.pk)
        messages.error(request, "未保存：请按标红处的提示改正后再保存。")
    return render(
        request,
        "targets/target_edit.html",
        {
            "form": form,
            "header": header,
            "table": list(zip(target_table(rows), [f for _, f in row_forms], strict=True)),
        },
    )


@require_POST
def target_transition(request, pk: int):
    form = _form_for(request.user, pk)
    transition_posted(request, form)
    return redirect("target_detail", pk=form.pk)


@require_POST
def target_adjust_start(request, pk: int):
    form = _form_for(request.user, pk)
    if not access.may(request.user, access.ADJUST, form):
        raise PermissionDenied("只有本部门的填报员可以调整已批准的绩效目标表。")
    adjust = AdjustForm(request.POST)
    if not adjust.is_valid():
        messages.error(request, f"未调整：{adjust.errors['reason'][0]}")
        return redirect("target_detail", pk=form.pk)
    try:
        adjusted = target_adjust(form=form, user=request.user, reason=adjust.cleaned_data["reason"])
    except TargetRefused as refused:
        messages.error(request, refused.message)
        return redirect("target_detail", pk=form.pk)
    messages.success(
        request,
        f"已新建第 {adjusted.number} 版（调整）：请修改需要调整的目标后提交审核；"
        f"第 {form.number} 版仍保持已批准。",
    )
    return redirect("target_edit", pk=adjusted.pk)


def target_pdf(request, pk: int):
    return target_pdf_response(form=_form_for(request.user, pk))


def target_xlsx(request, pk: int):
    return target_xlsx_response(form=_form_for(request.user, pk))
