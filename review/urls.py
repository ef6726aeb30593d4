from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from review import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.task_list, name="review_task_list"),
    path("<int:task_pk>/", views.task_detail, name="review_task"),
    path("<int:task_pk>/confirm/", views.task_confirm, name="review_task_confirm"),
]
