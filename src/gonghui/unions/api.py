from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from gonghui.core.api import ScopedViewSet
from gonghui.core.timeline import AuditEventSerializer, timeline
from gonghui.unions import services
from gonghui.unions.filters import EmployerFilter, UnionFilter
from gonghui.unions.models import Employer, TradeUnion


class UnionSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region_id")
    region_name = serializers.CharField(source="region.full_name")
    parent = serializers.CharField(source="parent.code", default=None, allow_null=True)
    successor = serializers.CharField(source="successor.code", default=None, allow_null=True)
    kind_display = serializers.CharField(source="get_kind_display")
    status_display = serializers.CharField(source="get_status_display")
    child_count = serializers.IntegerField(default=0, read_only=True)
    pool_union = serializers.CharField(
        source="pool_union.code",
        default=None,
        allow_null=True,
        help_text="a federation's union for the join applications of its region (pool/)",
    )
    pool_union_name = serializers.CharField(source="pool_union.name", default=None, allow_null=True)

    class Meta:
        model = TradeUnion
        fields = [
            "id", "code", "name", "kind", "kind_display", "region", "region_name", "parent",
            "uscc", "founded_on", "chair", "contact_person", "contact_phone", "address",
            "status", "status_display", "successor", "ended_on", "child_count",
            "pool_union", "pool_union_name", "created_at", "updated_at",
        ]  # fmt: skip


class UnionInput(serializers.Serializer):
    """What a client sends to create or edit a union; unions and regions named by code."""

    code = serializers.CharField(required=False)
    name = serializers.CharField(required=False)
    kind = serializers.CharField(required=False)
    region = serializers.CharField(required=False, help_text="GB/T 2260 division code")
    parent = serializers.CharField(required=False, help_text="code of the parent union")
    uscc = serializers.CharField(required=False, allow_blank=True)
    founded_on = serializers.DateField(required=False, allow_null=True)
    chair = serializers.CharField(required=False, allow_blank=True)
    contact_person = serializers.CharField(required=False, allow_blank=True)
    contact_phone = serializers.CharField(required=False, allow_blank=True)
    address = serializers.CharField(required=False, allow_blank=True)
    confirm = serializers.BooleanField(
        required=False, default=False, help_text="confirm warnings such as a failed USCC check"
    )


class MoveInput(serializers.Serializer):
    parent = serializers.CharField(help_text="code of the new parent union")
    note = serializers.CharField(required=False, allow_blank=True, default="")


class PoolInput(serializers.Serializer):
    pool_union = serializers.CharField(
        allow_blank=True, help_text="code of a gig_pool union of this federation; empty clears"
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")


class CloseInput(serializers.Serializer):
    successor = serializers.CharField(required=False, allow_blank=True, default="")
    ended_on = serializers.DateField(required=False, allow_null=True, default=None)
    note = serializers.CharField(required=False, allow_blank=True, default="")


def validated(serializer_class, request):
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class UnionViewSet(
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    mixins.ListModelMixin,
    ScopedViewSet,
):
    """Union organisations in the caller's subtree. Unions are named by their code."""

    model = TradeUnion
    serializer_class = UnionSerializer
    filterset_class = UnionFilter
    http_method_names = ["get", "post", "patch", "put", "head", "options"]

    def scoped(self, queryset):
        return queryset.select_related(
            "region", "parent", "successor", "pool_union"
        ).with_child_counts()

    def respond(self, union, status=200):
        return Response(self.get_serializer(self.get_queryset().get(pk=union.pk)).data, status)

    @extend_schema(request=UnionInput, responses={201: UnionSerializer})
    def create(self, request, *args, **kwargs):
        data = validated(UnionInput, request)
        confirm = data.pop("confirm")
        return self.respond(services.create_union(request.user, data, confirm), 201)

    @extend_schema(request=UnionInput, responses=UnionSerializer)
    def update(self, request, *args, **kwargs):
        data = validated(UnionInput, request)
        confirm = data.pop("confirm")
        return self.respond(services.update_union(request.user, self.get_object(), data, confirm))

    @extend_schema(responses=UnionSerializer(many=True))
    @action(detail=True)
    def children(self, request, pk=None):
        # The list filters (?kind=, ?status=) apply to the children, not to this union.
        union = get_object_or_404(self.get_queryset(), pk=pk)
        children = self.filter_queryset(self.get_queryset().filter(parent=union))
        page = self.paginate_queryset(children)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(request=MoveInput, responses=UnionSerializer)
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        data = validated(MoveInput, request)
        return self.respond(services.move_union(request.user, self.get_object(), **data))

    @extend_schema(request=PoolInput, responses=UnionSerializer)
    @action(detail=True, methods=["post"])
    def pool(self, request, pk=None):
        """A federation names the new-forms-of-employment union that receives the join
        applications of its region (its own staff or a level above)."""
        data = validated(PoolInput, request)
        union = services.assign_pool_union(
            request.user, self.get_object(), data["pool_union"], data["note"]
        )
        return self.respond(union)

    @extend_schema(request=CloseInput, responses=UnionSerializer)
    @action(detail=True, methods=["post"])
    def merge(self, request, pk=None):
        data = validated(CloseInput, request)
        union = services.merge_union(request.user, self.get_object(), data.pop("successor"), **data)
        return self.respond(union)

    @extend_schema(request=CloseInput, responses=UnionSerializer)
    @action(detail=True, methods=["post"])
    def dissolve(self, request, pk=None):
        data = validated(CloseInput, request)
        return self.respond(services.dissolve_union(request.user, self.get_object(), **data))

    @extend_schema(responses=AuditEventSerializer(many=True))
    # The timeline (at most 200 events) comes whole: a plain list, as the schema says.
    @action(detail=True, pagination_class=None)
    def history(self, request, pk=None):
        return Response(AuditEventSerializer(timeline(self.get_object()), many=True).data)


class EmployerSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region_id")
    region_name = serializers.CharField(source="region.full_name")
    industry_display = serializers.CharField(source="get_industry_display")
    local_union = serializers.CharField(source="local_union.code")
    covering_union = serializers.CharField(
        source="covering_union.code", default=None, allow_null=True
    )

    class Meta:
        model = Employer
        fields = [
            "id", "name", "uscc", "region", "region_name", "industry", "industry_display",
            "employee_count", "address", "local_union", "covering_union",
            "created_at", "updated_at",
        ]  # fmt: skip


class EmployerInput(serializers.Serializer):
    name = serializers.CharField(required=False)
    uscc = serializers.CharField(required=False, allow_blank=True)
    region = serializers.CharField(required=False)
    industry = serializers.CharField(required=False)
    employee_count = serializers.IntegerField(required=False, allow_null=True)
    address = serializers.CharField(required=False, allow_blank=True)
    local_union = serializers.CharField(required=False)
    covering_union = serializers.CharField(required=False, allow_blank=True)
    confirm = serializers.BooleanField(required=False, default=False)


class EmployerViewSet(
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    mixins.ListModelMixin,
    ScopedViewSet,
):
    """Employers registered in the caller's subtree (by local federation or covering union)."""

    model = Employer
    serializer_class = EmployerSerializer
    filterset_class = EmployerFilter
    http_method_names = ["get", "post", "patch", "put", "head", "options"]

    def scoped(self, queryset):
        return queryset.select_related("region", "local_union", "covering_union")

    def respond(self, employer, status=200):
        employer = get_object_or_404(self.get_queryset(), pk=employer.pk)
        return Response(self.get_serializer(employer).data, status)

    @extend_schema(request=EmployerInput, responses={201: EmployerSerializer})
    def create(self, request, *args, **kwargs):
        data = validated(EmployerInput, request)
        confirm = data.pop("confirm")
        return self.respond(services.create_employer(request.user, data, confirm), 201)

    @extend_schema(request=EmployerInput, responses=EmployerSerializer)
    def update(self, request, *args, **kwargs):
        data = validated(EmployerInput, request)
        confirm = data.pop("confirm")
        employer = services.update_employer(request.user, self.get_object(), data, confirm)
        return self.respond(employer)

    @extend_schema(responses=AuditEventSerializer(many=True))
    # The timeline (at most 200 events) comes whole: a plain list, as the schema says.
    @action(detail=True, pagination_class=None)
    def history(self, request, pk=None):
        return Response(AuditEventSerializer(timeline(self.get_object()), many=True).data)
