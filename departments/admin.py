from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from perfeval.resources import ImportExportAdminMixin

from .models import Department, OrgUnit, Role, User
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
    # Roles are groups linked to a role code; Django's model permissions decide nothing here
    # (perfeval.access), so the form offers none.
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("个人信息"), {"fields": ["first_name", "last_name", "email"]}),
        (_("角色与状态"), {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        (_("所属部门与审核范围"), {"fields": ["department", "reviewed_departments"]}),
        (_("重要日期"), {"fields": ["last_login", "date_joined"]}),
    ]
    filter_horizontal = ["groups", "reviewed_departments"]
    add_fieldsets = [
        *DjangoUserAdmin.add_fieldsets,
        (_("所属部门"), {"fields": ["department"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        # Only a superuser makes another superuser.
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly.append("is_superuser")
        return readonly


class RoleInline(admin.StackedInline):
    model = Role
    fields = ["code"]
    readonly_fields = ["code"]
    can_delete = False
    extra = 0
    max_num = 0


admin.site.unregister(Group)


@admin.register(Group)
class RoleGroupAdmin(admin.ModelAdmin):
    """Groups; the four role groups carry their role's code, whatever they are named."""

    list_display = ["name", "role_code"]
    search_fields = ["name"]
    fields = ["name"]
    inlines = [RoleInline]

    @admin.display(description=_("角色"))
    def role_code(self, obj):
        role = getattr(obj, "role", None)
        return role.get_code_display() if role else "—"
