from django.urls import path

from . import views

urlpatterns = [
    path(
        "reports/<id:pk>/projects/<id:project>/import/",
        views.project_import,
        name="project_import",
    ),
]
