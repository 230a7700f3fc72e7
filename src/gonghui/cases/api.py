"""/api/v1/cases/ (维权案件, 12351 工单): the call system and apps create cases and read
them; every step of the workflow is a POST action of the same name as on the web.

Thin: every write hands the request's JSON object to a service as it came, so errors are
named as the services name them. A confidential caller is hidden from those who see the
case but may not see them (a union it is being handed to): name, numbers and registry
link alike (cases/services.may_see_caller).
"""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from gonghui.cases import services
from gonghui.cases.filters import CaseFilter
from gonghui.cases.models import Case, CaseAction
from gonghui.cases.workflow import CASE
from gonghui.core.api import ScopedViewSet
from gonghui.core.api_fields import ChoiceLabel
from gonghui.core.timeline import AuditEventSerializer
from gonghui.core.workflow_api import payload, with_transitions

CALLER_FIELDS = ("caller_name", "phone_masked", "id_number_masked", "person")


def label(field):
    """A choice field's label in the reader's language, beside its stored value."""
    return ChoiceLabel(field)


class CaseSerializer(serializers.ModelSerializer):
    union = serializers.CharField(source="union.code")
    union_name = serializers.CharField(source="union.name")
    transfer_to = serializers.CharField(source="transfer_to.code", default=None, allow_null=True)
    transfer_to_name = serializers.CharField(
        source="transfer_to.name", default=None, allow_null=True
    )
    status_display = label("status")
    channel_display = label("channel")
    kind_display = label("kind")
    subject_display = label("subject")
    complexity_display = label("complexity")
    outcome_display = label("outcome")
    satisfaction_display = label("satisfaction")
    caller_hidden = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = [
            "id", "number", "union", "union_name", "transfer_to", "transfer_to_name", "status",
            "status_display", "channel", "channel_display", "kind", "kind_display", "subject",
            "subject_display", "complexity", "complexity_display", "caller_name",
            "phone_masked", "id_number_masked", "person", "caller_hidden", "confidential",
            "reply_wanted", "employer", "employer_name", "employer_uscc", "workers",
            "amount_claimed", "received_on", "due_on", "workdays", "extension_state",
            "supervised", "outcome", "outcome_display", "concluded_on", "amount_recovered",
            "workers_helped", "satisfaction", "satisfaction_display", "called_back_on",
        ]  # fmt: skip

    @extend_schema_field(serializers.BooleanField())
    def get_caller_hidden(self, case):
        return not services.may_see_caller(self.context["request"].user, case)

    def to_representation(self, case):
        data = super().to_representation(case)
        if data["caller_hidden"]:
            data.update(caller_name=_("(confidential)"), phone_masked="", id_number_masked="")
            data["person"] = None
        return data


class CaseActionSerializer(serializers.ModelSerializer):
    kind_display = label("kind")
    recorded_by = serializers.CharField(
        source="recorded_by.username", default=None, allow_null=True
    )

    class Meta:
        model = CaseAction
        fields = [
            "id", "kind", "kind_display", "taken_on", "text", "agreement", "reply_due_on",
            "replied_on", "reply", "recorded_by", "recorded_at",
        ]  # fmt: skip


class CaseDetailSerializer(CaseSerializer):
    first_union = serializers.CharField(source="first_union.code")
    first_union_name = serializers.CharField(source="first_union.name")
    court_referral_display = label("court_referral")
    actions = CaseActionSerializer(many=True)
    next_steps = serializers.SerializerMethodField()

    class Meta(CaseSerializer.Meta):
        fields = [
            *CaseSerializer.Meta.fields,
            "first_union", "first_union_name", "transfer_note", "request", "answer",
            "extension_workdays", "extension_reason", "urged_on", "court_referral",
            "court_referral_display", "court_name", "court_due_on", "court_extended",
            "judicial_confirmation", "dispute_focus", "mediation_difficulty", "reopened",
            "checked_on", "check_passed", "check_note", "actions", "next_steps", "created_at",
        ]  # fmt: skip

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_next_steps(self, case):
        """The steps the caller may take now (the names of the POST actions)."""
        user = self.context["request"].user
        return [t.name for t in CASE.available(case, user)] if user.can_edit else []


class CaseInput(serializers.Serializer):
    """What a case says, as the call system or an app sends it."""

    union = serializers.CharField(required=False, help_text="code; default your union")
    channel = serializers.ChoiceField(Case.Channel.choices)
    kind = serializers.ChoiceField(Case.Kind.choices)
    subject = serializers.ChoiceField(Case.Subject.choices)
    complexity = serializers.ChoiceField(Case.Complexity.choices, required=False)
    caller_name = serializers.CharField()
    phone = serializers.CharField(help_text="mobile, or landline with its area code")
    id_number = serializers.CharField(required=False)
    confidential = serializers.BooleanField(required=False)
    reply_wanted = serializers.BooleanField(required=False, help_text="default true")
    employer = serializers.IntegerField(required=False, help_text="an employer's id")
    employer_name = serializers.CharField(required=False)
    employer_uscc = serializers.CharField(required=False)
    workers = serializers.IntegerField(required=False, min_value=1)
    amount_claimed = serializers.CharField(required=False, help_text="yuan")
    request = serializers.CharField()
    received_on = serializers.DateField(required=False, help_text="default today")
    court_referral = serializers.ChoiceField(Case.CourtReferral.choices, required=False)
    court_name = serializers.CharField(required=False)
    note = serializers.CharField(required=False)


class CaseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Cases (维权案件) handled in the caller's subtree or being handed to their union.
    `box` picks a workbench list: mine, accept, soon, overdue, callback, extension, check
    (the quality-check sample), all."""

    model = Case
    filterset_class = CaseFilter

    def scoped(self, queryset):
        found = queryset.select_related("union", "transfer_to")
        if self.action == "list":
            return found
        return found.select_related("first_union").prefetch_related("actions__recorded_by")

    def get_serializer_class(self):
        return CaseSerializer if self.action == "list" else CaseDetailSerializer

    def respond(self, case, status=200):
        # A case returned or handed over may have left the caller's scope: they are
        # answered with what they just did, as the service wrote it.
        fresh = self.get_queryset().filter(pk=case.pk).first() or case
        serializer = CaseDetailSerializer(fresh, context=self.get_serializer_context())
        return Response(serializer.data, status=status)

    @extend_schema(request=CaseInput, responses={201: CaseDetailSerializer})
    def create(self, request):
        """受理: a case taken by the caller's union (or one in their scope, by code)."""
        return self.respond(services.take(request.user, payload(request)), 201)

    @extend_schema(request=CaseInput, responses=CaseDetailSerializer)
    def update(self, request, pk=None):
        """Correct what an open case says (PUT: all of it)."""
        return self.respond(services.update(request.user, self.get_object(), payload(request)))

    @extend_schema(responses=AuditEventSerializer(many=True))
    @action(detail=True, pagination_class=None)
    def history(self, request, pk=None):
        """The case's timeline: every step with its actor, date and note."""
        events = services.case_timeline(request.user, self.get_object())
        return Response(AuditEventSerializer(events, many=True).data)


CaseViewSet = with_transitions(
    CASE,
    CaseDetailSerializer,
    record_of=lambda result: result.case if isinstance(result, CaseAction) else result,
)(CaseViewSet)
