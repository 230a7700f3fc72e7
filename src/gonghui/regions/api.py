from rest_framework import serializers, viewsets

from gonghui.regions.filters import RegionFilter
from gonghui.regions.models import Region


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["code", "name", "full_name", "level", "parent", "valid_from", "valid_to"]


class RegionViewSet(viewsets.ReadOnlyModelViewSet):
    """GB/T 2260 divisions, current and retired (valid_to set)."""

    serializer_class = RegionSerializer
    filterset_class = RegionFilter
    lookup_value_regex = r"\d{6,12}"

    def get_queryset(self):
        return Region.objects.visible_to(self.request.user)
