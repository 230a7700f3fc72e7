import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gonghui.core.filters import FilterSet
from gonghui.regions.models import Region


def code_prefix(code):
    """The prefix shared by a division and everything under it: 510000 → 51, 510100 → 5101."""
    if len(code) == 6:
        for width in (2, 4):
            if code[width:] == "0" * (6 - width):
                return code[:width]
    return code


class RegionFilter(FilterSet):
    parent = django_filters.CharFilter(field_name="parent_id", label=_("parent division"))
    level = django_filters.ChoiceFilter(choices=Region.Level.choices, label=_("level"))
    current = django_filters.BooleanFilter(
        field_name="valid_to", lookup_expr="isnull", label=_("in force")
    )
    q = django_filters.CharFilter(method="search", label=_("search"))

    class Meta:
        model = Region
        fields = ["parent", "level", "current", "q"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(code__startswith=value) | Q(full_name__contains=value))
