from django.urls import path

from .views import comments, downloads, edit, imports, pages

urlpatterns = [
    path("", pages.home, name="home"),
    path("reports/start/", pages.report_start, name="report_start"),
    path("reports/<id:pk>/", pages.report_detail, name="report_detail"),
    path("reports/<id:pk>/edit/", edit.report_edit, name="report_edit"),
    path("reports/<id:pk>/edit/<slug:section>/", edit.report_edit, name="report_edit"),
    path("reports/<id:pk>/transition/", pages.transition_post, name="report_transition"),
    path("reports/<id:pk>/pdf/", downloads.report_pdf, name="report_pdf"),
    path("reports/<id:pk>/pdf/status/", downloads.report_pdf_status, name="report_pdf_status"),
    path("reports/<id:pk>/xlsx/", downloads.report_xlsx, name="report_xlsx"),
    path("reports/<id:pk>/docx/", downloads.report_docx, name="report_docx"),
    path("reports/<id:pk>/import/", imports.report_import, name="report_import"),
    path("reports/<id:pk>/comments/", comments.comment_add, name="report_comment_add"),
    path(
        "reports/<id:pk>/comments/<id:thread>/",
        comments.comment_thread,
        name="report_comment_thread",
    ),
    path("approved/", downloads.archive_list, name="archive"),
    path("approved/zip/", downloads.archive_zip, name="archive_zip"),
    path("approved/prepare/", downloads.archive_prepare, name="archive_prepare"),
]
