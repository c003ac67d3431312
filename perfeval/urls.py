"""URL configuration of perfeval."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path, register_converter

from .converters import IdConverter, YearConverter
from .signin import SignInView

register_converter(IdConverter, "id")
register_converter(YearConverter, "year")

urlpatterns = [
    path("admin/", admin.site.urls),
    path(
        "accounts/login/",
        # Without a ``next`` page, each role lands where its work is (perfeval.landing); the
        # page says why the visitor is there (perfeval.signin).
        login_not_required(SignInView.as_view()),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("reports.urls")),
    path("", include("dashboard.urls")),
    path("", include("targets.urls")),
    path("", include("monitoring.urls")),
    path("", include("followup.urls")),
    path("", include("deadlines.urls")),
    path("", include("projects.urls")),
    path("", include("publishing.urls")),
]
