from django.urls import path

from . import views

urlpatterns = [
    path("dashboard/", views.dashboard_latest, name="dashboard_latest"),
    path("dashboard/<year:year>/", views.dashboard_page, name="dashboard"),
    path("dashboard/<year:year>/export.xlsx", views.dashboard_export, name="dashboard_export"),
    path("departments/<id:pk>/history/", views.department_history, name="department_history"),
]
