"""Who reports: departments, their organisational units, and the users who belong to them."""

from django.contrib.auth.models import AbstractUser, Group
from django.db import models
from django.utils.translation import gettext_lazy as _


class Department(models.Model):
    """A 部门/单位 that files one self-assessment a year."""

    name = models.CharField(_("部门名称"), max_length=100, unique=True)
    code = models.CharField(_("部门编码"), max_length=32, unique=True)
    short_name = models.CharField(
        _("简称"),
        max_length=100,
        blank=True,
        help_text=_("正文句子中使用的名称，如“浏阳市人大常委会”；不填则使用部门名称。"),
    )
    reporting_unit = models.CharField(
        _("报告单位（盖章）"),
        max_length=100,
        help_text=_("封面“单位名称（盖章）”处的单位，如“浏阳市人大常委会办公室”。"),
    )
    region = models.CharField(_("所属地区"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("部门")
        verbose_name_plural = _("部门")
        ordering = ["code"]
        # The dashboard of one region (issue 20: 1,200 regions of 100 departments).
        indexes = [models.Index(fields=["region"], name="department_region")]

    def __str__(self):
        return self.name

    @property
    def display_name(self) -> str:
        return self.short_name or self.name


class OrgUnit(models.Model):
    """An organisational unit of a department (a committee, an office, a subordinate unit)."""

    class Kind(models.TextChoices):
        SPECIAL_COMMITTEE = "special_committee", _("专门委员会")
        ADMINISTRATIVE_OFFICE = "administrative_office", _("办事机构")
        WORKING_BODY = "working_body", _("工作机构")
        SUBORDINATE_UNIT = "subordinate_unit", _("二级机构")

    department = models.ForeignKey(
        Department, on_delete=models.CASCADE, related_name="org_units", verbose_name=_("部门")
    )
    kind = models.CharField(_("机构类别"), max_length=32, choices=Kind.choices)
    name = models.CharField(_("机构名称"), max_length=100)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("内设机构")
        verbose_name_plural = _("内设机构")
        ordering = ["department", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "kind", "name"], name="org_unit_unique_name_per_kind"
            )
        ]

    def __str__(self):
        return f"{self.name}（{self.get_kind_display()}）"


class Role(models.Model):
    """One of perfeval's four roles, known by its stable code; the auth group carrying it is
    only its label, so renaming the group changes nothing of what its members may do.

    What each role may do is decided in ``perfeval.access``, not by Django's model permissions.
    """

    class Code(models.TextChoices):
        CLERK = "clerk", _("填报员")
        REVIEWER = "reviewer", _("审核人")
        AUDITOR = "auditor", _("审计员")
        ADMIN = "admin", _("管理员")

    code = models.CharField(_("角色代码"), max_length=16, choices=Code.choices, unique=True)
    group = models.OneToOneField(
        Group, on_delete=models.PROTECT, related_name="role", verbose_name=_("用户组")
    )

    class Meta:
        verbose_name = _("角色")
        verbose_name_plural = _("角色")
        ordering = ["code"]

    def __str__(self):
        return f"{self.get_code_display()}（{self.group.name}）"


class User(AbstractUser):
    """A person who signs in; clerks belong to the department whose reports they fill."""

    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("所属部门"),
    )
    reviewed_departments = models.ManyToManyField(
        Department,
        blank=True,
        related_name="reviewers",
        verbose_name=_("负责审核的部门"),
        help_text=_("审核人只能审核这些部门的报告。"),
    )

    # What departments.roles keeps on the user object for one request.
    _perfeval_roles: set[str]
    _perfeval_reviewed: set[int]

    class Meta(AbstractUser.Meta):  # type: ignore[name-defined]  # real; not in the stubs
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
