"""Filters of the component list (django-filter): kind, site, replication, search, sort."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet

from bcp.models import Plan
from inventory.models import Component, ComponentKind, Replication, Site


class ComponentFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search")
    kind = django_filters.ChoiceFilter(choices=ComponentKind.choices, empty_label="Any kind")
    site = django_filters.ModelChoiceFilter(queryset=Site.objects.none(), empty_label="Any site")
    replication = django_filters.ChoiceFilter(
        choices=Replication.choices, empty_label="Any replication"
    )
    sort = django_filters.OrderingFilter(
        fields=(
            ("name", "name"),
            ("kind", "kind"),
            ("site__name", "site"),
            ("owner", "owner"),
            ("availability_percent", "availability"),
            ("restore_hours", "restore"),
            ("cost_per_year", "cost"),
        ),
        label="Sort by",
        empty_label="Name",
    )

    class Meta:
        model = Component
        fields = ["q", "kind", "site", "replication"]

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.filters["site"].queryset = Site.objects.filter(plan=plan).order_by("name")
        for name in ("kind", "site", "replication", "sort"):
            self.form.fields[name].widget.attrs["class"] = "form-select form-select-sm"

    def search(self, queryset: QuerySet[Component], name: str, value: str) -> QuerySet[Component]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value) | Q(owner__icontains=value) | Q(notes__icontains=value)
        )
