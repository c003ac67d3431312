from django.urls import path

from . import views

urlpatterns = [
    path("monitoring/", views.monitoring_list, name="monitoring_list"),
    path(
        "monitoring/checkpoints/default/",
        views.checkpoints_default,
        name="monitoring_checkpoints_default",
    ),
    path("monitoring/checkpoints/<id:pk>/", views.checkpoint_overview, name="checkpoint_overview"),
    path(
        "monitoring/checkpoints/<id:pk>/start/",
        views.checkpoint_report_start,
        name="checkpoint_report_start",
    ),
    path(
        "monitoring/reports/<id:pk>/",
        views.checkpoint_report_detail,
        name="checkpoint_report_detail",
    ),
    path(
        "monitoring/reports/<id:pk>/edit/",
        views.checkpoint_report_edit,
        name="checkpoint_report_edit",
    ),
    path(
        "monitoring/reports/<id:pk>/transition/",
        views.checkpoint_report_transition,
        name="checkpoint_report_transition",
    ),
    path(
        "monitoring/reports/<id:pk>/pdf/", views.checkpoint_report_pdf, name="checkpoint_report_pdf"
    ),
    path(
        "monitoring/reports/<id:pk>/xlsx/",
        views.checkpoint_report_xlsx,
        name="checkpoint_report_xlsx",
    ),
]
