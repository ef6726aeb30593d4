"""The inbox (list, mark read, mark all read) and the person's notification choices."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from notifications import selectors, services
from notifications.forms import PreferencesForm

ALL_INBOX_ONLY_WARNING = (
    "You chose “Inbox only” for every kind, so Continuity will not email you at all. "
    "Everything still arrives in your inbox, and the top bar shows how many are unread."
)


def _me(request: HttpRequest) -> AbstractBaseUser:
    user = request.user
    assert isinstance(user, AbstractBaseUser), "login_required lets only people in"
    return user


def _back(request: HttpRequest) -> HttpResponse:
    unread = request.POST.get("unread") == "1"
    return redirect(reverse("inbox") + ("?unread=1" if unread else ""))


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    me = _me(request)
    unread_only = request.GET.get("unread") == "1"
    page = Paginator(selectors.inbox(me, unread_only=unread_only), selectors.INBOX_PAGE_SIZE)
    return render(
        request,
        "notifications/inbox.html",
        {
            "page": page.get_page(request.GET.get("page")),
            "unread_only": unread_only,
        },
    )


@login_required
@require_POST
def mark_read(request: HttpRequest, notification_pk: int) -> HttpResponse:
    services.notification_mark_read(user=_me(request), notification_pk=notification_pk)
    return _back(request)


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    count = services.notifications_mark_all_read(user=_me(request))
    messages.success(request, f"Marked {count} notification{'s' if count != 1 else ''} read.")
    return _back(request)


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    me = _me(request)
    deliveries = selectors.deliveries_for(me)
    initial = PreferencesForm.initial_for(deliveries, selectors.digest_time_for(me))
    form = PreferencesForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.notification_preferences_set(
                    user=me,
                    deliveries=form.deliveries(),
                    digest_time=form.cleaned_data["digest_time"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                if selectors.hears_nothing_by_email(form.deliveries()):
                    messages.warning(request, ALL_INBOX_ONLY_WARNING)
                else:
                    messages.success(request, "Your notification choices are saved.")
                return redirect("notification_preferences")
        status = 400
    return render(
        request,
        "notifications/preferences.html",
        {
            "form": form,
            "all_inbox_only": selectors.hears_nothing_by_email(deliveries),
            "all_inbox_only_warning": ALL_INBOX_ONLY_WARNING,
        },
        status=status,
    )
