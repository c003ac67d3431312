from django.urls import path, re_path

from . import public, views

urlpatterns = [
    path("reports/<id:pk>/publish/", views.publish_post, name="report_publish"),
    path("reports/<id:pk>/publish/withdraw/", views.withdraw_post, name="report_unpublish"),
    path("public/", public.public_list, name="public_list"),
    path("public/<id:pk>/", public.public_report, name="public_report"),
    path("public/<id:pk>/pdf/", public.public_pdf, name="public_pdf"),
    # Anything else under /public/: the public site's own 404, not the signed-in site's.
    re_path(r"^public/.*$", public.public_other, name="public_other"),
]
