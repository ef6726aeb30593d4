from __future__ import annotations

from django.urls import URLPattern, path

from notifications import views

urlpatterns: list[URLPattern] = [
    path("", views.inbox, name="inbox"),
    path("<int:notification_pk>/read/", views.mark_read, name="notification_read"),
    path("read-all/", views.mark_all_read, name="notifications_read_all"),
    path("preferences/", views.preferences, name="notification_preferences"),
]
