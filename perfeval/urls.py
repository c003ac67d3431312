"""URL configuration of perfeval."""

from django.contrib import admin
from django.urls import path
from django.views.generic import RedirectView

admin.site.site_header = "部门整体支出绩效自评"
admin.site.site_title = "绩效自评管理"
admin.site.index_title = "管理首页"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
]
