"""The admin app with perfeval's own site (``perfeval.admin.PerfevalAdminSite``)."""

from django.contrib.admin.apps import AdminConfig


class PerfevalAdminConfig(AdminConfig):
    default_site = "perfeval.admin.PerfevalAdminSite"
