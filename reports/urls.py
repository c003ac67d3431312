from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("reports/start/", views.report_start, name="report_start"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("reports/<int:pk>/edit/", views.report_edit, name="report_edit"),
    path("reports/<int:pk>/edit/<slug:section>/", views.report_edit, name="report_edit"),
    path("reports/<int:pk>/transition/", views.report_transition, name="report_transition"),
    path("reports/<int:pk>/pdf/", views.report_pdf, name="report_pdf"),
    path("approved/", views.archive_list, name="archive"),
    path("approved/zip/", views.archive_zip, name="archive_zip"),
    path("approved/prepare/", views.archive_prepare, name="archive_prepare"),
]
