from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from gonghui.core import masking
from gonghui.core.api import ScopedPermission, ScopedViewSet
from gonghui.core.throttling import SharedAnonThrottle
from gonghui.core.timeline import AuditEventSerializer, timeline
from gonghui.members import services
from gonghui.members.filters import MembershipFilter, PersonFilter
from gonghui.members.models import JoinApplication, Membership, Person, Reveal, Transfer


class JoinThrottle(SharedAnonThrottle):
    """Anonymous join submissions and status checks, limited per client address and
    counted across all server processes."""

    scope = "join"


class JoinApplicationSerializer(serializers.ModelSerializer):
    union = serializers.CharField(source="union.code")
    union_name = serializers.CharField(source="union.name")
    status_display = serializers.CharField(source="get_status_display")
    member_number = serializers.CharField(
        source="membership.member_number", default=None, allow_null=True
    )
    flags = serializers.ListField(
        child=serializers.ChoiceField(choices=JoinApplication.Flag.choices),
        read_only=True,
        help_text="for a pending application: duplicate (another pending application of "
        "the ID number), member (already a member), phone_held (the mobile number is "
        "registered to another person)",
    )

    class Meta:
        model = JoinApplication
        fields = [
            "id", "number", "name", "id_number_masked", "phone_masked", "employment_form",
            "platform", "employer_name", "union", "union_name", "channel", "status",
            "status_display", "reason", "submitted_at", "decided_at", "member_number", "flags",
        ]  # fmt: skip


class ApplicantView(serializers.ModelSerializer):
    """What an applicant sees of their own application: no numbers, masked or whole."""

    union_name = serializers.CharField(source="union.name")
    status_display = serializers.CharField(source="get_status_display")

    class Meta:
        model = JoinApplication
        fields = ["number", "name", "union_name", "status", "status_display", "reason"]


class JoinReceipt(ApplicantView):
    """The answer to every accepted submission, whoever the person is: a new reference."""

    message = serializers.SerializerMethodField()

    class Meta(ApplicantView.Meta):
        fields = [*ApplicantView.Meta.fields, "message"]

    def get_message(self, application) -> str:
        return services.submitted_message()


class JoinApplicationInput(serializers.Serializer):
    name = serializers.CharField()
    id_number = serializers.CharField()
    phone = serializers.CharField()
    employment_form = serializers.CharField(required=False, default="standard")
    platform = serializers.CharField(required=False, allow_blank=True, default="")
    employer_name = serializers.CharField(required=False, allow_blank=True, default="")
    union = serializers.CharField(required=False, allow_blank=True, help_text="union code")
    region = serializers.CharField(
        required=False, allow_blank=True, help_text="division code, for the county pool union"
    )
    household_region = serializers.CharField(required=False, allow_blank=True)
    residence_region = serializers.CharField(required=False, allow_blank=True)
    consent = serializers.BooleanField(
        required=False, default=False, help_text="the worker agrees to the processing"
    )


class RejectInput(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True)


class JoinApplicationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Join applications (入会申请). Anyone may submit (POST) and check a status; staff
    see and review the applications to unions in their subtree."""

    model = JoinApplication
    serializer_class = JoinApplicationSerializer
    filterset_fields = ["status"]

    def scoped(self, queryset):
        return queryset.select_related("union", "membership").with_flags()

    def respond(self, application):
        return Response(self.get_serializer(self.get_queryset().get(pk=application.pk)).data)

    def get_permissions(self):
        if self.action in ("create", "status"):
            return [AllowAny()]
        return [ScopedPermission()]

    def get_throttles(self):
        if self.action in ("create", "status") and not self.request.user.is_authenticated:
            return [JoinThrottle()]
        return []

    @extend_schema(request=JoinApplicationInput, responses={201: JoinReceipt})
    def create(self, request):
        """Submit an application. New, repeated and already-member submissions get the
        same answer (a new reference); only a bad field is refused, by name."""
        serializer = JoinApplicationInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        consent = data.pop("consent")
        actor = request.user if request.user.is_authenticated else None
        application = services.submit_application(data, actor=actor, consent=consent)
        return Response(JoinReceipt(application).data, status=201)

    @extend_schema(
        parameters=[
            OpenApiParameter("number", str, description="the application number"),
            OpenApiParameter("phone", str, description="the whole mobile number applied with"),
        ],
        responses=ApplicantView,
    )
    @action(detail=False)
    def status(self, request):
        """An applicant's own check: the application number and the whole mobile number.
        An unknown number and a wrong phone answer the same 404."""
        application = services.application_status(
            request.query_params.get("number", ""), request.query_params.get("phone", "")
        )
        if application is None:
            raise Http404
        return Response(ApplicantView(application).data)

    @extend_schema(request=None, responses=JoinApplicationSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self.respond(services.approve_application(request.user, self.get_object()))

    @extend_schema(request=RejectInput, responses=JoinApplicationSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        serializer = RejectInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        application = services.reject_application(
            request.user, self.get_object(), serializer.validated_data["reason"]
        )
        return self.respond(application)


class PersonSerializer(serializers.ModelSerializer):
    """A person as every user sees them: numbers masked (reveal/ shows one whole)."""

    employer = serializers.CharField(source="employer.name", default=None, allow_null=True)
    # The mask policy: the ID is masked, so the birth date shows as year and age only.
    birth_year = masking.BirthYearField()
    age = masking.AgeField()

    class Meta:
        model = Person
        fields = [
            "id", "name", "name_pinyin", "id_number_masked", "sex", "birth_year", "age",
            "phone_masked", "household_region", "residence_region", "education",
            "employment_form", "platform", "employer", "created_at",
        ]  # fmt: skip


class RevealInput(serializers.Serializer):
    field = serializers.ChoiceField(choices=Reveal.Field.choices, default="id_number")
    reason = serializers.CharField(allow_blank=True)


class PhoneReleaseInput(serializers.Serializer):
    phone = serializers.CharField()
    reason = serializers.CharField(allow_blank=True)


class PersonViewSet(mixins.RetrieveModelMixin, mixins.ListModelMixin, ScopedViewSet):
    """Persons with a membership in the caller's subtree; `q` finds by ID number (exact),
    mobile, pinyin or initials (zsf), or name."""

    model = Person
    serializer_class = PersonSerializer
    filterset_class = PersonFilter

    def scoped(self, queryset):
        return queryset.select_related("employer")

    @extend_schema(
        request=RevealInput,
        responses=inline_serializer("Revealed", {"value": serializers.CharField()}),
    )
    @action(detail=True, methods=["post"])
    def reveal(self, request, pk=None):
        """One whole number, for a user with the permission, with a reason; logged."""
        serializer = RevealInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        value = services.reveal(request.user, self.get_object(), **serializer.validated_data)
        return Response({"value": value})

    @extend_schema(request=PhoneReleaseInput, responses=PersonSerializer)
    @action(detail=False, methods=["post"], url_path="release-phone")
    def release_phone(self, request):
        """A county (or higher) administrator takes a mobile number from the person who
        holds it, so another worker can join with it; the holder's history records why."""
        serializer = PhoneReleaseInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        holder = services.release_phone(request.user, **serializer.validated_data)
        return Response(PersonSerializer(holder).data)


class RevealSerializer(serializers.ModelSerializer):
    """One look at one person's number, or an export with whole numbers (`job`, `count`)."""

    username = serializers.CharField(source="user.username")
    person_name = serializers.CharField(source="person.name", default=None, allow_null=True)
    id_number_masked = serializers.CharField(
        source="person.id_number_masked", default=None, allow_null=True
    )

    class Meta:
        model = Reveal
        fields = [
            "id", "at", "username", "person", "person_name", "id_number_masked", "job",
            "count", "field", "reason", "request_id", "ip",
        ]  # fmt: skip


class RevealViewSet(mixins.RetrieveModelMixin, mixins.ListModelMixin, ScopedViewSet):
    """The reveal log (PIPL): every look at a whole number by the users of the caller's
    subtree; administrators only. Filter by `user__username` or `person`."""

    model = Reveal
    serializer_class = RevealSerializer
    filterset_fields = {"user__username": ["exact"], "person": ["exact"]}

    def scoped(self, queryset):
        return queryset.select_related("user", "person")


class MembershipSerializer(serializers.ModelSerializer):
    person_name = serializers.CharField(source="person.name")
    id_number_masked = serializers.CharField(source="person.id_number_masked")
    union = serializers.CharField(source="union.code")
    union_name = serializers.CharField(source="union.name")
    status_display = serializers.CharField(source="get_status_display")

    class Meta:
        model = Membership
        fields = [
            "id", "member_number", "person", "person_name", "id_number_masked", "union",
            "union_name", "joined_on", "status", "status_display", "ended_on", "card_number",
        ]  # fmt: skip


class StatusInput(serializers.Serializer):
    status = serializers.ChoiceField(choices=Membership.Status.choices)
    on = serializers.DateField(required=False, allow_null=True, default=None)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class MembershipViewSet(mixins.RetrieveModelMixin, mixins.ListModelMixin, ScopedViewSet):
    """Memberships of unions in the caller's subtree, with their history of statuses."""

    model = Membership
    serializer_class = MembershipSerializer
    filterset_class = MembershipFilter

    def scoped(self, queryset):
        return queryset.select_related("person", "union")

    @extend_schema(request=StatusInput, responses=MembershipSerializer)
    @action(detail=True, methods=["post"], url_path="status")
    def change_status(self, request, pk=None):
        """retained (保留会籍), active again, left or deceased, from a date (default today)."""
        serializer = StatusInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        membership = services.change_membership_status(
            request.user, self.get_object(), **serializer.validated_data
        )
        return Response(self.get_serializer(membership).data)

    @extend_schema(responses=AuditEventSerializer(many=True))
    # The timeline (at most 200 events) comes whole: a plain list, as the schema says.
    @action(detail=True, pagination_class=None)
    def history(self, request, pk=None):
        return Response(AuditEventSerializer(timeline(self.get_object()), many=True).data)


class TransferSerializer(serializers.ModelSerializer):
    person_name = serializers.CharField(source="membership.person.name")
    id_number_masked = serializers.CharField(source="membership.person.id_number_masked")
    from_union = serializers.CharField(source="from_union.code")
    from_union_name = serializers.CharField(source="from_union.name")
    to_union = serializers.CharField(source="to_union.code")
    to_union_name = serializers.CharField(source="to_union.name")
    status_display = serializers.CharField(source="get_status_display")
    new_member_number = serializers.CharField(
        source="new_membership.member_number", default=None, allow_null=True
    )

    class Meta:
        model = Transfer
        fields = [
            "id", "membership", "person_name", "id_number_masked", "from_union",
            "from_union_name", "to_union", "to_union_name", "status", "status_display", "note",
            "reason", "requested_at", "released_at", "received_at", "new_member_number",
        ]  # fmt: skip


class TransferInput(serializers.Serializer):
    membership = serializers.IntegerField()
    to_union = serializers.CharField(help_text="code of the receiving union")
    note = serializers.CharField(required=False, allow_blank=True, default="")


class TransferViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Transfers out of and into the caller's subtree (会员关系接转): the old union releases
    (release/), the new one receives (receive/); either may reject/ with a reason."""

    model = Transfer
    serializer_class = TransferSerializer
    filterset_fields = ["status"]

    def scoped(self, queryset):
        return queryset.select_related(
            "membership__person", "from_union", "to_union", "new_membership"
        )

    def respond(self, transfer, status=200):
        return Response(self.get_serializer(self.get_queryset().get(pk=transfer.pk)).data, status)

    @extend_schema(request=TransferInput, responses={201: TransferSerializer})
    def create(self, request):
        serializer = TransferInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        membership = get_object_or_404(
            Membership.objects.visible_to(request.user), pk=data["membership"]
        )
        transfer = services.request_transfer(
            request.user, membership, data["to_union"], data["note"]
        )
        return self.respond(transfer, 201)

    @extend_schema(request=None, responses=TransferSerializer)
    @action(detail=True, methods=["post"])
    def release(self, request, pk=None):
        return self.respond(services.release_transfer(request.user, self.get_object()))

    @extend_schema(request=None, responses=TransferSerializer)
    @action(detail=True, methods=["post"])
    def receive(self, request, pk=None):
        return self.respond(services.receive_transfer(request.user, self.get_object()))

    @extend_schema(request=RejectInput, responses=TransferSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        serializer = RejectInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        transfer = services.reject_transfer(
            request.user, self.get_object(), serializer.validated_data["reason"]
        )
        return self.respond(transfer)
