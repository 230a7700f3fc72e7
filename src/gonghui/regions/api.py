from rest_framework import mixins, serializers

from gonghui.core.api import ScopedViewSet
from gonghui.regions.filters import RegionFilter
from gonghui.regions.models import Region


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["code", "name", "full_name", "level", "parent", "valid_from", "valid_to"]


class RegionViewSet(mixins.RetrieveModelMixin, mixins.ListModelMixin, ScopedViewSet):
    """GB/T 2260 divisions, current and retired (valid_to set).

    Public reference data, yet scoped like the rest: Region's visible_to gives every
    signed-in user the whole table (and nobody else anything), so the divisions need no
    exception from the rule."""

    model = Region

    serializer_class = RegionSerializer
    filterset_class = RegionFilter
    lookup_value_regex = r"\d{6,12}"
