"""问题整改's pages."""

from django.urls import path

from . import views

urlpatterns = [
    path("problems/", views.problem_list, name="problem_list"),
    path("problems/new/", views.problem_issue, name="problem_issue"),
    path("problems/<id:pk>/", views.problem_detail, name="problem_detail"),
]
