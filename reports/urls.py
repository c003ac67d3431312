from django.urls import path

from . import dashboard_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("reports/start/", views.report_start, name="report_start"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("reports/<int:pk>/edit/", views.report_edit, name="report_edit"),
    path("reports/<int:pk>/edit/<slug:section>/", views.report_edit, name="report_edit"),
    path("reports/<int:pk>/transition/", views.report_transition, name="report_transition"),
    path("reports/<int:pk>/pdf/", views.report_pdf, name="report_pdf"),
    path("reports/<int:pk>/pdf/status/", views.report_pdf_status, name="report_pdf_status"),
    path("reports/<int:pk>/xlsx/", views.report_xlsx, name="report_xlsx"),
    path("reports/<int:pk>/import/", views.report_import, name="report_import"),
    path("approved/", views.archive_list, name="archive"),
    path("approved/zip/", views.archive_zip, name="archive_zip"),
    path("approved/prepare/", views.archive_prepare, name="archive_prepare"),
    path("dashboard/", dashboard_views.dashboard_latest, name="dashboard_latest"),
    path("dashboard/<int:year>/", dashboard_views.dashboard_page, name="dashboard"),
    path(
        "dashboard/<int:year>/export.xlsx",
        dashboard_views.dashboard_export,
        name="dashboard_export",
    ),
    path(
        "departments/<int:pk>/history/",
        dashboard_views.department_history,
        name="department_history",
    ),
]
