from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from perfeval.resources import ImportExportAdminMixin

from .models import Department, OrgUnit, User
from .resources import DepartmentResource, OrgUnitResource


class OrgUnitInline(admin.TabularInline):
    model = OrgUnit
    extra = 0


@admin.register(Department)
class DepartmentAdmin(ImportExportAdminMixin, admin.ModelAdmin):
    resource_classes = [DepartmentResource]
    list_display = ["name", "code", "short_name", "reporting_unit", "region"]
    list_filter = ["region"]
    search_fields = ["name", "code", "short_name", "reporting_unit"]
    inlines = [OrgUnitInline]


@admin.register(OrgUnit)
class OrgUnitAdmin(ImportExportAdminMixin, admin.ModelAdmin):
    resource_classes = [OrgUnitResource]
    list_display = ["name", "kind", "department", "order"]
    list_filter = ["kind", "department"]
    search_fields = ["name", "department__name"]
    list_select_related = ["department"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "first_name", "department", "is_staff", "is_active"]
    list_filter = ["department", "is_staff", "is_superuser", "is_active", "groups"]
    list_select_related = ["department"]
    search_fields = ["username", "first_name", "last_name", "email", "department__name"]
    fieldsets = [
        *DjangoUserAdmin.fieldsets,
        (_("所属部门与审核范围"), {"fields": ["department", "reviewed_departments"]}),
    ]
    filter_horizontal = ["groups", "user_permissions", "reviewed_departments"]
    add_fieldsets = [
        *DjangoUserAdmin.add_fieldsets,
        (_("所属部门"), {"fields": ["department"]}),
    ]
