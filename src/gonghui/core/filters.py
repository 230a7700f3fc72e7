"""What every FilterSet shares (web lists, the API and exports filter alike).

Numbers are bounded to what a database integer holds: `?campaign=99999999999999999999`
is a clear error naming the filter, not a database overflow (a 500 on SQLite).
"""

import django_filters
from django_filters.rest_framework import DjangoFilterBackend

BIGGEST = 2**63 - 1


class FilterSet(django_filters.FilterSet):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for f in self.filters.values():  # this instance's copies
            if isinstance(f, django_filters.NumberFilter):
                f.extra.setdefault("min_value", -BIGGEST)
                f.extra.setdefault("max_value", BIGGEST)


class FilterBackend(DjangoFilterBackend):
    """The API's filters: filterset_fields on a viewset get the same base as written ones."""

    filterset_base = FilterSet
