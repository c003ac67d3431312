"""The target forms in the admin: declarations and the hooks a new form needs; perfeval.access
decides who may do what."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from .models import BUDGET_FIELDS, TargetForm, TargetRow, TargetTransition
from .services import ROW_FIELDS, target_rows_complete


class TargetRowInline(admin.TabularInline):
    """A form's rows, shown read-only: they are written on the form's own page."""

    model = TargetRow
    fields = ["indicator", *ROW_FIELDS]
    readonly_fields = ["indicator", *ROW_FIELDS]
    extra = 0
    can_delete = False
    max_num = 0


class TargetFormAdminForm(forms.ModelForm):
    class Meta:
        model = TargetForm
        fields = [
            "department",
            "year",
            "framework",
            "adjustment_reason",
            "annual_goal",
            *BUDGET_FIELDS,
        ]

    def clean(self):
        cleaned = super().clean() or {}
        department, year = cleaned.get("department"), cleaned.get("year")
        if (
            self.instance.pk is None
            and year is not None
            and TargetForm.objects.filter(department=department, year=year).exists()
        ):
            raise ValidationError(
                "该部门该年度已有绩效目标表：请打开已有的目标表；已批准的如需变更，"
                "请在目标表页面发起“调整”。"
            )
        return cleaned


@admin.register(TargetForm)
class TargetFormAdmin(admin.ModelAdmin):
    form = TargetFormAdminForm
    list_display = ["department", "year", "number", "status", "updated_at"]
    list_filter = ["year", "status"]
    search_fields = ["department__name", "department__code"]
    list_select_related = ["department"]
    readonly_fields = ["number", "based_on", "status", "created_at", "updated_at"]
    inlines = [TargetRowInline]

    def get_readonly_fields(self, request, obj=None):
        # A form's place (department, year, framework) is fixed once it has rows.
        fixed = ["department", "year", "framework"] if obj is not None else []
        return [*fixed, *super().get_readonly_fields(request, obj)]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            target_rows_complete(form=obj)


@admin.register(TargetTransition)
class TargetTransitionAdmin(admin.ModelAdmin):
    """Records of what happened: read-only, append-only."""

    list_display = ["form", "action", "from_status", "to_status", "user", "created_at"]
    list_filter = ["action", "form__year"]
    search_fields = ["form__department__name", "user__username", "comment"]
    list_select_related = ["form__department", "user"]
    readonly_fields = [
        "form",
        "action",
        "from_status",
        "to_status",
        "user",
        "comment",
        "created_at",
    ]
