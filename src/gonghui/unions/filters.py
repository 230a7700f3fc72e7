"""One FilterSet per model: the web list, the API and exports filter alike.

Bad values (an unknown code, a kind not in the list) become form errors that
name the parameter, which the API answers as 400 and the web list shows.
"""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gonghui.core.filters import FilterSet
from gonghui.core.widgets import UnionPicker
from gonghui.lib.text import compact_code
from gonghui.regions.filters import code_prefix
from gonghui.regions.models import Region
from gonghui.unions.models import Employer, TradeUnion


def search_box(placeholder):
    return forms.TextInput(attrs={"placeholder": placeholder, "type": "search"})


def union_search(value, prefix=""):
    """A union by part of its name, its pinyin or initials (jjq, jinjiang), or its code."""
    value = value.strip()
    found = Q(**{f"{prefix}name__contains": value}) | Q(**{f"{prefix}code": compact_code(value)})
    letters = value.replace(" ", "").lower()
    if letters.isascii() and letters.isalpha():
        found |= Q(**{f"{prefix}name_pinyin__contains": letters}) | Q(
            **{f"{prefix}name_initials__contains": letters}
        )
    return found


def visible_unions(request):
    return TradeUnion.objects.visible_to(request.user if request else None)


class RegionCodeFilter(django_filters.ModelChoiceFilter):
    """A division given by its code; matches records anywhere inside it (51 → all of 四川)."""

    def __init__(self, field_name, **kwargs):
        super().__init__(
            queryset=Region.objects.all(),
            to_field_name="code",
            label=_("region (division code)"),
            error_messages={"invalid_choice": _("Unknown division code %(value)s.")},
            **kwargs,
        )
        self.region_field = field_name

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.filter(**{f"{self.region_field}__code__startswith": code_prefix(value.code)})


def union_code_filter(label, **kwargs):
    return django_filters.ModelChoiceFilter(
        queryset=visible_unions,
        to_field_name="code",
        label=label,
        widget=UnionPicker(),
        error_messages={"invalid_choice": _("No union with code %(value)s in your scope.")},
        **kwargs,
    )


class UnionFilter(FilterSet):
    parent = union_code_filter(_("parent union (code)"))
    region = RegionCodeFilter("region")
    kind = django_filters.ChoiceFilter(
        choices=TradeUnion.Kind.choices, label=_("kind"), empty_label=_("all kinds")
    )
    status = django_filters.ChoiceFilter(
        choices=TradeUnion.Status.choices, label=_("status"), empty_label=_("any status")
    )
    q = django_filters.CharFilter(
        method="search", label=_("name or code"), widget=search_box(_("union name or code"))
    )

    class Meta:
        model = TradeUnion
        fields = ["parent", "region", "kind", "status", "q"]

    def search(self, queryset, name, value):
        return queryset.filter(union_search(value))


class EmployerFilter(FilterSet):
    region = RegionCodeFilter("region")
    industry = django_filters.ChoiceFilter(
        choices=Employer.Industry.choices, label=_("industry"), empty_label=_("all industries")
    )
    has_union = django_filters.BooleanFilter(
        field_name="covering_union",
        lookup_expr="isnull",
        exclude=True,
        label=_("has a union"),
        widget=forms.Select(
            choices=[
                ("", _("with or without a union")),
                ("true", _("has a union")),
                ("false", _("no union yet")),
            ]
        ),
    )
    union = union_code_filter(_("union (code)"), method="filter_union")
    q = django_filters.CharFilter(
        method="search",
        label=_("name or social-credit code"),
        widget=search_box(_("employer name or social-credit code")),
    )

    class Meta:
        model = Employer
        fields = ["region", "industry", "has_union", "union", "q"]

    def filter_union(self, queryset, name, value):
        return queryset.filter(Q(local_union=value) | Q(covering_union=value))

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(name__contains=value) | Q(uscc=compact_code(value)))
