"""URL configuration of perfeval."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path, register_converter

from .converters import IdConverter, YearConverter

register_converter(IdConverter, "id")
register_converter(YearConverter, "year")

urlpatterns = [
    path("admin/", admin.site.urls),
    path(
        "accounts/login/",
        login_not_required(auth_views.LoginView.as_view(redirect_authenticated_user=True)),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("reports.urls")),
]
