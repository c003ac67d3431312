from django.urls import path

from . import views

urlpatterns = [
    path("deadlines/", views.deadline_list, name="deadline_list"),
    path("deadlines/remind/", views.deadline_remind, name="deadline_remind"),
    path("notifications/", views.notification_list, name="notification_list"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
]
