"""绩效目标: the target forms' pages."""

from django.urls import path

from . import views

urlpatterns = [
    path("targets/", views.target_list, name="target_list"),
    path("targets/start/", views.target_start, name="target_start"),
    path("targets/<id:pk>/", views.target_detail, name="target_detail"),
    path("targets/<id:pk>/edit/", views.target_edit, name="target_edit"),
    path("targets/<id:pk>/transition/", views.target_transition, name="target_transition"),
    path("targets/<id:pk>/adjust/", views.target_adjust_start, name="target_adjust"),
    path("targets/<id:pk>/pdf/", views.target_pdf, name="target_pdf"),
    path("targets/<id:pk>/xlsx/", views.target_xlsx, name="target_xlsx"),
]
