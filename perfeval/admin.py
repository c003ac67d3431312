"""The admin site, with every ModelAdmin and inline answering to ``perfeval.access``.

``PerfevalAdminSite.register`` puts each registered admin class (ours and third-party ones
alike) under ``PolicyAdminMixin`` and each of its inlines under ``PolicyInlineMixin``: lists,
change, history, delete, actions, autocomplete, import and export all ask the policy, and
every write asks it again under the lock of the report it touches. An admin class of this
project that decides access itself is refused at start-up, so there is one answer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.utils import NotRelationField, get_fields_from_path, unquote
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import (
    FieldDoesNotExist,
    ImproperlyConfigured,
    PermissionDenied,
    ValidationError,
)
from django.db import transaction
from django.db.models import AutoField, BigAutoField
from django.http import Http404
from simple_history.template_utils import HistoricalRecordContextHelper

from deadlines.selectors import late_panel
from reports.review_queue import review_queue

from . import access
from .converters import IdConverter
from .owned import writer_for

# The methods through which the admin asks who may do what: the policy's alone.
DECIDING_METHODS = (
    "has_module_permission",
    "has_view_permission",
    "has_add_permission",
    "has_change_permission",
    "has_delete_permission",
    "has_import_permission",
    "has_export_permission",
    "revert_disabled",
)
ADMIN_REASON = "管理后台修改"
PROJECT_APPS = (
    "departments",
    "budgets",
    "scoring",
    "reports",
    "perfeval",
    "dashboard",
    "sheets",
    "targets",
    "monitoring",
    "followup",
    "deadlines",
    "projects",
    "publishing",
)


if TYPE_CHECKING:
    # What the mixins are put over: any admin class (Django's, django-simple-history's,
    # import-export's; the last two untyped, so their hooks are Any) and any inline.
    from simple_history.admin import SimpleHistoryAdmin

    class _AdminBase(SimpleHistoryAdmin, admin.ModelAdmin[Any]): ...

    _InlineBase = admin.options.InlineModelAdmin[Any, Any]
else:
    _AdminBase = _InlineBase = object


def _refuse(request, action: str, obj) -> None:
    """Raise PermissionDenied unless the user may still do this, checked under the lock."""
    refusal = access.write_refusal(request.user, action, obj)
    if refusal:
        raise PermissionDenied(refusal)


class PolicyAdminMixin(_AdminBase):
    """A ModelAdmin whose every access decision is ``perfeval.access``'s."""

    def get_queryset(self, request):
        return access.scope(request.user, self.model, super().get_queryset(request))

    def has_module_permission(self, request):
        return access.may(request.user, access.VIEW, self.model)

    def has_view_permission(self, request, obj=None):
        return access.may(request.user, access.VIEW, self.model if obj is None else obj)

    def has_add_permission(self, request):
        return access.may(request.user, access.ADD, self.model)

    def has_change_permission(self, request, obj=None):
        return access.may(request.user, access.CHANGE, self.model if obj is None else obj)

    def has_delete_permission(self, request, obj=None):
        return access.may(request.user, access.DELETE, self.model if obj is None else obj)

    def has_export_permission(self, request):
        return access.may(request.user, access.EXPORT, self.model)

    def has_import_permission(self, request):
        return access.may(request.user, access.IMPORT, self.model)

    def get_field_queryset(self, db, db_field, request):
        # A foreign key offers only rows the user may pick (a line goes into a report they
        # may write); the form then refuses any other value.
        queryset = super().get_field_queryset(db, db_field, request)
        return access.choices(request.user, db_field.remote_field.model, queryset)

    def get_search_results(self, request, queryset, search_term):
        queryset, duplicates = super().get_search_results(request, queryset, search_term)
        match = request.resolver_match
        if match is not None and match.url_name == "autocomplete":
            # Typed into a foreign key's box: offer only the rows that the key may take.
            queryset = access.choices(request.user, self.model, queryset)
        return queryset, duplicates

    def get_list_filter(self, request):
        # A filter on a relation lists only values the user's rows have, not every
        # department in the database.
        filters = []
        for item in super().get_list_filter(request):
            if isinstance(item, str) and _is_relation(self.model, item):
                item = (item, admin.RelatedOnlyFieldListFilter)
            filters.append(item)
        return filters

    def get_deleted_objects(self, objs, request):
        # Rows the user may not delete (those of a submitted or approved report) are listed
        # as protected, so the page says which ones stop the deletion.
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        refused = [str(obj) for obj in objs if not self.has_delete_permission(request, obj)]
        if refused:
            perms_needed = {name for name in perms_needed if name != str(self.opts.verbose_name)}
        return deleted, counts, perms_needed, [*protected, *refused]

    # --- Input that is not a key ------------------------------------------------------------

    def response_action(self, request, queryset):
        # Ticked rows arrive as text; one that is no key of this model (text, a number too large
        # for the database) would fail the query: it is dropped, as a row that is gone would be.
        selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        keys = [value for value in selected if is_key(self.model, value)]
        if keys != selected:
            request.POST = request.POST.copy()
            request.POST.setlist(helpers.ACTION_CHECKBOX_NAME, keys)
        return super().response_action(request, queryset)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = KeyAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    # --- Writes ---------------------------------------------------------------------------

    # A report's lines and results are written by their writers (perfeval.owned), which
    # lock the report, record the history and refresh its stored totals.

    def save_model(self, request, obj, form, change):
        _refuse(request, access.CHANGE if change else access.ADD, obj)
        if writer := writer_for(self.model):
            writer.save(obj, user=request.user, reason=ADMIN_REASON, validate=False)
        else:
            super().save_model(request, obj, form, change)

    def delete_model(self, request, obj):
        _refuse(request, access.DELETE, obj)
        if writer := writer_for(self.model):
            writer.delete(obj, user=request.user, reason=ADMIN_REASON)
        else:
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        # The bulk action runs outside the change pages' transaction: one of its own, so the
        # refusals are decided under the locks that the deletion then holds.
        with transaction.atomic(using=queryset.db):
            for obj in queryset:
                _refuse(request, access.DELETE, obj)
            if writer := writer_for(self.model):
                writer.delete_many(list(queryset), user=request.user, reason=ADMIN_REASON)
            else:
                super().delete_queryset(request, queryset)

    def save_formset(self, request, form, formset, change):
        if writer := writer_for(formset.model):
            writer.formset_save(formset, user=request.user, reason=ADMIN_REASON)
        else:
            super().save_formset(request, form, formset, change)

    # --- django-simple-history's pages ----------------------------------------------------

    def history_view(self, request, object_id, extra_context=None):
        # simple-history would show a row outside the user's scope from its history.
        if self.get_object(request, unquote(object_id)) is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        current = self.get_object(request, unquote(object_id))
        if current is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not IdConverter.is_valid(version_id):
            raise Http404("没有这一版本。")
        if request.method == "POST" and not self.has_change_permission(request, current):
            raise PermissionDenied("该记录当前不能修改，不能恢复到以前的版本。")
        return super().history_form_view(request, object_id, version_id, extra_context)

    def get_historical_record_context_helper(self, request, historical_record):
        return RecordChanges(self.model, historical_record)

    def render_history_view(self, request, template, context, **kwargs):
        # Rows that 系统 created (a new report's empty lines, the demo loaded) say nothing a
        # reader looks for: counted in a line of their own instead of listed.
        if "page_obj" in context:  # the list of versions, not one version's page
            records = list(context["page_obj"].object_list)
            created = {r.pk for r in records if r.history_type == "+" and r.history_user_id is None}
            # The only row of a line that 系统 created stays: a table with no row says less.
            context["system_created"] = created if len(created) < len(records) else set()
        return super().render_history_view(request, template, context, **kwargs)

    def revert_disabled(self, request, obj=None):
        # ``obj`` is the row as it was then; whether it may be reverted is decided on the
        # row as it is now (an approved report was once a draft).
        current = None if obj is None else self.get_object(request, str(obj.pk))
        return current is None or not self.has_change_permission(request, current)


class RecordChanges(HistoricalRecordContextHelper):
    """A history row's changes as people read them: a choice by its label, （空） for none."""

    def prepare_delta_change_value(self, change, value):
        field = self.model._meta.get_field(change.field)
        if value is None or value == "":
            return "（空）"
        if field.choices:
            return dict(field.flatchoices).get(value, value)
        return super().prepare_delta_change_value(change, value)


class PolicyInlineMixin(_InlineBase):
    """Rows shown inside their parent's page: seen and written as parts of the parent."""

    def get_queryset(self, request):
        return access.scope(request.user, self.model, super().get_queryset(request))

    def has_view_permission(self, request, obj=None):
        return access.may(request.user, access.VIEW, self.parent_model if obj is None else obj)

    def has_add_permission(self, request, obj=None):
        if obj is None:
            return access.may(request.user, access.ADD, self.parent_model)
        return access.may(request.user, access.CHANGE, obj)

    def has_change_permission(self, request, obj=None):
        return access.may(request.user, access.CHANGE, self.parent_model if obj is None else obj)

    has_delete_permission = has_change_permission

    def get_field_queryset(self, db, db_field, request):
        queryset = super().get_field_queryset(db, db_field, request)
        return access.choices(request.user, db_field.remote_field.model, queryset)


def is_key(model, value) -> bool:
    """Whether ``value`` could be the primary key of a row of ``model`` in the database."""
    field = model._meta.pk
    if isinstance(field, (AutoField, BigAutoField)) or field.get_internal_type().endswith(
        "IntegerField"
    ):
        return IdConverter.is_valid(value)
    try:
        field.to_python(value)
    except (ValidationError, ValueError, TypeError):
        return False
    return True


class KeyAutocompleteSelect(AutocompleteSelect):
    """Django's autocomplete box; a submitted value that is no key shows as nothing chosen
    (Django's own would put it into a query and fail), and the form says it is invalid."""

    def optgroups(self, name, value, attr=None):
        model = self.field.remote_field.model
        return super().optgroups(name, [v for v in value if is_key(model, v)], attr)


def _is_relation(model, path: str) -> bool:
    try:
        return get_fields_from_path(model, path)[-1].is_relation
    except (FieldDoesNotExist, NotRelationField):
        return False


def _decides_itself(admin_class) -> list[str]:
    """The access methods that a project admin class defines itself."""
    return [
        f"{cls.__qualname__}.{name}"
        for cls in admin_class.__mro__
        if cls.__module__.split(".")[0] in PROJECT_APPS
        and cls not in (PolicyAdminMixin, PolicyInlineMixin)
        for name in DECIDING_METHODS
        if name in vars(cls)
    ]


def _under(mixin, admin_class, **attrs):
    offending = _decides_itself(admin_class)
    if offending:
        raise ImproperlyConfigured(
            f"{', '.join(offending)}: access is decided by perfeval.access, not by admin classes."
        )
    attrs.setdefault("__module__", admin_class.__module__)
    attrs.setdefault("__doc__", admin_class.__doc__)
    return type(admin_class.__name__, (mixin, admin_class), attrs)


def under_policy(admin_class):
    """``admin_class`` and its inlines, each with the policy's answers first in line."""
    if issubclass(admin_class, PolicyAdminMixin):
        return admin_class
    inlines = [
        inline if issubclass(inline, PolicyInlineMixin) else _under(PolicyInlineMixin, inline)
        for inline in admin_class.inlines
    ]
    return _under(PolicyAdminMixin, admin_class, inlines=inlines)


class PerfevalAdminSite(admin.AdminSite):
    site_header = "部门整体支出绩效自评"
    site_title = "绩效自评管理"
    index_title = "管理首页"

    def index(self, request, extra_context=None):
        # A reviewer opens the admin on their queue; the model links follow it.
        extra_context = {
            **(extra_context or {}),
            "review_queue": review_queue(user=request.user),
            # The departments past a deadline, to remind (催办) from the deadlines page.
            **late_panel(user=request.user),
        }
        return super().index(request, extra_context)

    def register(self, model_or_iterable, admin_class=None, **options):
        super().register(
            model_or_iterable, under_policy(admin_class or admin.ModelAdmin), **options
        )
