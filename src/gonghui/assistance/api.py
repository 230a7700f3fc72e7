"""/api/v1/hardship-files/, assistance-records/, campaigns/ and hardship-reminders/.

Thin: every write hands the request's JSON object to a service as it came, so errors are
named as the services name them (`household.N.field`, `rows.N.field`) and the web and the
API refuse alike. The input serializers here only describe the input for the schema.
Unions are named by code, as everywhere in the API; files and campaigns by id.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import DecimalField, OuterRef, Prefetch, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from gonghui.assistance import reminders
from gonghui.assistance.filters import (
    AssistanceRecordFilter,
    CampaignFilter,
    HardshipFileFilter,
)
from gonghui.assistance.inputs import HardshipFileInput
from gonghui.assistance.models import (
    AssistanceRecord,
    Campaign,
    HardshipFile,
    HomeVisit,
    HouseholdMember,
)
from gonghui.assistance.services import campaigns, files, records
from gonghui.assistance.workflow import HARDSHIP_FILE
from gonghui.core import masking
from gonghui.core import values as read
from gonghui.core.api import ScopedViewSet
from gonghui.core.api_fields import ChoiceLabel
from gonghui.core.timeline import AuditEventSerializer, timeline
from gonghui.core.workflow_api import payload, with_transitions
from gonghui.unions.models import TradeUnion

MONEY = {"max_digits": 14, "decimal_places": 2}


def with_union(user, data, prefix=""):
    """`union` given by code becomes the union itself (the services take an id or a
    union); a code outside the caller's scope is refused under the field's name."""
    code = data.get("union")
    if code in (None, "") or isinstance(code, TradeUnion):
        return data
    union = TradeUnion.objects.visible_to(user).filter(code=str(code).strip()).first()
    if union is None:
        raise ValidationError({f"{prefix}union": _("No such union in your scope.")})
    return {**data, "union": union}


def label(field):
    """A choice field's label in the reader's language, beside its stored value."""
    return ChoiceLabel(field)


# --- hardship files -------------------------------------------------------------------


class HardshipFileSerializer(serializers.ModelSerializer):
    """A file as the list shows it: numbers masked."""

    union = serializers.CharField(source="union.code")
    union_name = serializers.CharField(source="union.name")
    head_name = serializers.CharField(source="head.name")
    head_id_number_masked = serializers.CharField(source="head.id_number_masked")
    status_display = label("status")
    category_display = label("category")
    standard_level_display = label("standard_level")
    main_cause_display = label("main_cause")

    class Meta:
        model = HardshipFile
        fields = [
            "id", "union", "union_name", "head", "head_name", "head_id_number_masked",
            "status", "status_display", "category", "category_display", "standard_level",
            "standard_level_display", "main_cause", "main_cause_display", "income_per_head",
            "applied_on", "reviewed_on", "notice_from", "notice_until", "filed_on",
            "last_visit_on", "last_review_on", "exit_notice_from", "exit_notice_until",
            "exited_on", "follow_up_until", "closed_on",
        ]  # fmt: skip


class HouseholdMemberSerializer(serializers.ModelSerializer):
    relation_display = label("relation")
    work_display = label("work")
    health_display = label("health")
    disability_display = label("disability")
    # The mask policy: the ID is masked, so the birth date shows as year and age only.
    birth_year = masking.BirthYearField()
    # Looked up at each call: the services' today, which tests set, not the one at import.
    age = masking.AgeField(on=lambda: read.today())

    class Meta:
        model = HouseholdMember
        fields = [
            "relation", "relation_display", "name", "id_number_masked", "birth_year", "age",
            "work", "work_display", "monthly_income", "health", "health_display", "disability",
            "disability_display",
        ]  # fmt: skip


class HomeVisitSerializer(serializers.ModelSerializer):
    kind_display = label("kind")
    recorded_by = serializers.CharField(
        source="recorded_by.username", default=None, allow_null=True
    )

    class Meta:
        model = HomeVisit
        fields = [
            "id", "kind", "kind_display", "visited_on", "visitors", "findings", "recorded_by",
            "recorded_at",
        ]  # fmt: skip


class ClashSerializer(serializers.ModelSerializer):
    """Another open file sharing a household member: named as the services' refusal
    names it (number, union, status), nothing of its household; of a file outside the
    caller's scope only its status (id and union_name are null: DESIGN rule 2)."""

    id = serializers.IntegerField(allow_null=True)
    union_name = serializers.CharField(source="union.name", allow_null=True)
    status_display = label("status")

    class Meta:
        model = HardshipFile
        fields = ["id", "union_name", "status", "status_display"]

    def to_representation(self, file):
        data = super().to_representation(file)
        if file.pk not in self.context["visible"]:
            data["id"] = data["union_name"] = None
        return data


class HardshipFileDetailSerializer(HardshipFileSerializer):
    housing_display = label("housing")
    medical_insurance_display = label("medical_insurance")
    removal_reason_display = label("removal_reason")
    reopened_by = serializers.IntegerField(
        source="reopened_by.pk", default=None, allow_null=True, read_only=True
    )
    household = HouseholdMemberSerializer(many=True)
    visits = HomeVisitSerializer(many=True)
    clashes = serializers.SerializerMethodField()

    class Meta(HardshipFileSerializer.Meta):
        fields = [
            *HardshipFileSerializer.Meta.fields,
            "other_causes", "situation", "housing", "housing_display", "medical_insurance",
            "medical_insurance_display", "bank_name", "bank_card_masked", "removal_reason",
            "removal_reason_display", "reopens", "reopened_by", "household", "visits", "clashes",
            "created_at",
        ]  # fmt: skip

    @extend_schema_field(ClashSerializer(many=True))
    def get_clashes(self, file):
        clashes = list(files.clashes(file).select_related("union"))
        visible = files.visible_file_ids(self.context["request"].user, [c.pk for c in clashes])
        return ClashSerializer(clashes, many=True, context={"visible": visible}).data


class HardshipFileViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Hardship files (困难职工档案) of unions in the caller's subtree, one per household
    episode; the lifecycle steps are POST actions, each answering with the file."""

    model = HardshipFile
    filterset_class = HardshipFileFilter

    def scoped(self, queryset):
        found = queryset.select_related("head", "union")
        if self.action == "list":
            return found
        return found.select_related("reopened_by").prefetch_related(
            "household", Prefetch("visits", HomeVisit.objects.select_related("recorded_by"))
        )

    def get_serializer_class(self):
        return HardshipFileSerializer if self.action == "list" else HardshipFileDetailSerializer

    def respond(self, file, status=200):
        fresh = self.get_queryset().get(pk=file.pk)
        serializer = HardshipFileDetailSerializer(fresh, context=self.get_serializer_context())
        return Response(serializer.data, status=status)

    @extend_schema(request=HardshipFileInput, responses={201: HardshipFileDetailSerializer})
    def create(self, request):
        """申请建档: open a file for a member's household."""
        return self.respond(files.apply(request.user, payload(request)), 201)

    @extend_schema(request=HardshipFileInput, responses=HardshipFileDetailSerializer)
    def update(self, request, pk=None, partial=False):
        """Correct the household's description; PUT gives all of it, PATCH what changes."""
        file = self.get_object()
        data = payload(request)
        if partial:
            data = {**files.description(file), **data}
        return self.respond(files.update(request.user, file, data))

    @extend_schema(request=HardshipFileInput, responses=HardshipFileDetailSerializer)
    def partial_update(self, request, pk=None):
        return self.update(request, pk, partial=True)

    @extend_schema(responses=AuditEventSerializer(many=True))
    # The timeline (at most 200 events) comes whole: a plain list, as the schema says.
    @action(detail=True, pagination_class=None)
    def history(self, request, pk=None):
        """The file's timeline: every step with its actor, date and note."""
        return Response(AuditEventSerializer(timeline(self.get_object()), many=True).data)


# record_visit answers with the visit; the client wants its file.
HardshipFileViewSet = with_transitions(
    HARDSHIP_FILE,
    HardshipFileDetailSerializer,
    record_of=lambda result: result.file if isinstance(result, HomeVisit) else result,
)(HardshipFileViewSet)


# --- assistance records ---------------------------------------------------------------


class AssistanceRecordSerializer(serializers.ModelSerializer):
    union = serializers.CharField(source="union.code")
    union_name = serializers.CharField(source="union.name")
    kind_display = label("kind")
    fund_source_display = label("fund_source")
    campaign_name = serializers.CharField(source="campaign.name", default=None, allow_null=True)
    recorded_by = serializers.CharField(
        source="recorded_by.username", default=None, allow_null=True
    )
    cancelled_by = serializers.CharField(
        source="cancelled_by.username", default=None, allow_null=True
    )

    class Meta:
        model = AssistanceRecord
        fields = [
            "id", "union", "union_name", "file", "person", "name", "id_number_masked", "kind",
            "kind_display", "amount", "goods", "given_on", "campaign", "campaign_name",
            "fund_source", "fund_source_display", "card_masked", "school", "declared_income",
            "note", "recorded_by", "recorded_at", "cancelled_at", "cancelled_by",
            "cancel_reason",
        ]  # fmt: skip


class AssistanceRecordInput(serializers.Serializer):
    name = serializers.CharField()
    id_number = serializers.CharField()
    kind = serializers.ChoiceField(
        AssistanceRecord.Kind.choices, required=False, help_text="default: the campaign's"
    )
    amount = serializers.CharField(required=False, help_text="yuan, e.g. 1200.50")
    goods = serializers.CharField(required=False)
    given_on = serializers.DateField(required=False, help_text="default today")
    campaign = serializers.IntegerField(required=False)
    file = serializers.IntegerField(required=False, help_text="the household's file")
    union = serializers.CharField(required=False, help_text="code; default your union")
    fund_source = serializers.ChoiceField(AssistanceRecord.FundSource.choices, required=False)
    card = serializers.CharField(required=False, help_text="default the file's card")
    school = serializers.CharField(required=False)
    declared_income = serializers.CharField(required=False)
    note = serializers.CharField(required=False)


class DistributionListInput(serializers.Serializer):
    """A campaign's distribution list (发放名单): `common` holds for every row unless the
    row says otherwise; all rows are written or none, errors named rows.N.field (N from 1)."""

    common = AssistanceRecordInput(partial=True, required=False)
    rows = AssistanceRecordInput(many=True, partial=True)


class AssistanceRecordViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Assistance given (帮扶记录) by a union of the caller's subtree, or to a household
    whose file one keeps. Cancelled records stay, marked."""

    model = AssistanceRecord
    serializer_class = AssistanceRecordSerializer
    filterset_class = AssistanceRecordFilter

    def scoped(self, queryset):
        return queryset.select_related("union", "campaign", "recorded_by", "cancelled_by")

    def respond(self, written, status=200):
        # The services' records carry their union, campaign and users already.
        many = isinstance(written, list)
        return Response(self.get_serializer(written, many=many).data, status=status)

    @extend_schema(request=AssistanceRecordInput, responses={201: AssistanceRecordSerializer})
    def create(self, request):
        data = with_union(request.user, payload(request))
        return self.respond(records.record(request.user, data), 201)

    @extend_schema(
        request=DistributionListInput, responses={201: AssistanceRecordSerializer(many=True)}
    )
    @action(detail=False, methods=["post"])
    def bulk(self, request):
        """A distribution list: one record a row, all or none."""
        data = payload(request)
        common, rows = data.get("common") or {}, data.get("rows")
        if not isinstance(common, dict):
            raise ValidationError({"common": _("Send a JSON object.")})
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise ValidationError({"rows": _("List the rows, one object each.")})
        common = with_union(request.user, common)
        rows = [with_union(request.user, r, f"rows.{n}.") for n, r in enumerate(rows, start=1)]
        return self.respond(records.record_list(request.user, common, rows), 201)

    @extend_schema(
        request=inline_serializer("RecordCancelInput", {"reason": serializers.CharField()}),
        responses=AssistanceRecordSerializer,
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """作废: the record stays, marked; its money returns to the campaign."""
        return self.respond(records.cancel(request.user, self.get_object(), payload(request)))


# --- campaigns ------------------------------------------------------------------------


class MoneySerializer(serializers.Serializer):
    budget = serializers.DecimalField(**MONEY)
    allocated = serializers.DecimalField(**MONEY, help_text="passed to lower levels")
    spent = serializers.DecimalField(**MONEY, help_text="paid under this campaign itself")
    spent_rolled_up = serializers.DecimalField(
        **MONEY, required=False, help_text="paid under it and every allocation below (detail)"
    )
    remaining = serializers.DecimalField(**MONEY)


class CampaignSerializer(serializers.ModelSerializer):
    union = serializers.CharField(source="union.code")
    union_name = serializers.CharField(source="union.name")
    season_display = label("season")
    money = serializers.SerializerMethodField()

    class Meta:
        model = Campaign
        fields = [
            "id", "name", "season", "season_display", "year", "union", "union_name", "parent",
            "budget", "starts_on", "ends_on", "income_limit", "one_grant_per_person",
            "requires_school", "money", "created_at",
        ]  # fmt: skip

    @extend_schema_field(MoneySerializer)
    def get_money(self, campaign):
        # The list's sums come from the queryset's annotations (no query per row); they
        # mean what campaigns.allocated() and spent_directly() mean.
        allocated, spent = campaign.allocated_sum, campaign.spent_sum
        return MoneySerializer(
            {
                "budget": campaign.budget,
                "allocated": allocated,
                "spent": spent,
                "remaining": campaign.budget - allocated - spent,
            }
        ).data


class AllocationSerializer(serializers.ModelSerializer):
    union = serializers.CharField(source="union.code")
    union_name = serializers.CharField(source="union.name")

    class Meta:
        model = Campaign
        fields = ["id", "name", "union", "union_name", "budget"]


class CampaignDetailSerializer(CampaignSerializer):
    allocations = AllocationSerializer(many=True)

    class Meta(CampaignSerializer.Meta):
        fields = [*CampaignSerializer.Meta.fields, "allocations"]

    @extend_schema_field(MoneySerializer)
    def get_money(self, campaign):
        return MoneySerializer(campaigns.money(campaign)).data


class CampaignInput(serializers.Serializer):
    name = serializers.CharField()
    season = serializers.ChoiceField(Campaign.Season.choices)
    year = serializers.IntegerField(required=False, help_text="default the start's year")
    union = serializers.CharField(required=False, help_text="code; default your union")
    budget = serializers.CharField(help_text="yuan")
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    income_limit = serializers.CharField(required=False, help_text="yuan a month per head")
    one_grant_per_person = serializers.BooleanField(required=False)
    requires_school = serializers.BooleanField(required=False)


class CampaignViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Campaigns (四季送 and others) of unions in the caller's subtree, allocations to lower
    levels included, each with its money: budget, allocated, spent and what is left."""

    model = Campaign
    filterset_class = CampaignFilter

    def scoped(self, queryset):
        amount = DecimalField(**MONEY)
        allocated = (
            Campaign.objects.filter(parent=OuterRef("pk"))
            .order_by()
            .values("parent")
            .annotate(s=Sum("budget"))
            .values("s")
        )
        spent = (
            AssistanceRecord.objects.active()
            .filter(campaign=OuterRef("pk"))
            .order_by()
            .values("campaign")
            .annotate(s=Sum("amount"))
            .values("s")
        )
        zero = Value(Decimal("0.00"), output_field=amount)
        found = queryset.select_related("union").annotate(
            allocated_sum=Coalesce(Subquery(allocated, output_field=amount), zero),
            spent_sum=Coalesce(Subquery(spent, output_field=amount), zero),
        )
        if self.action != "list":
            found = found.prefetch_related(
                Prefetch("allocations", Campaign.objects.select_related("union"))
            )
        return found

    def get_serializer_class(self):
        return CampaignSerializer if self.action == "list" else CampaignDetailSerializer

    def respond(self, campaign, status=200):
        fresh = self.get_queryset().get(pk=campaign.pk)
        return Response(CampaignDetailSerializer(fresh).data, status=status)

    @extend_schema(request=CampaignInput, responses={201: CampaignDetailSerializer})
    def create(self, request):
        data = with_union(request.user, payload(request))
        return self.respond(campaigns.create(request.user, data), 201)

    @extend_schema(
        request=inline_serializer(
            "AllocationInput",
            {
                "union": serializers.CharField(help_text="code of a union below"),
                "budget": serializers.CharField(help_text="yuan"),
                "name": serializers.CharField(required=False),
            },
        ),
        responses={201: CampaignDetailSerializer},
    )
    @action(detail=True, methods=["post"])
    def allocate(self, request, pk=None):
        """下拨: part of the budget to a union below, as a campaign of its own."""
        data = with_union(request.user, payload(request))
        return self.respond(campaigns.allocate(request.user, self.get_object(), data), 201)


# --- reminders ------------------------------------------------------------------------


class ReminderSerializer(serializers.Serializer):
    file = serializers.IntegerField(source="file.pk")
    head_name = serializers.CharField(source="file.head.name")
    union_name = serializers.CharField(source="file.union.name")
    status = serializers.CharField(source="file.status")
    kind = serializers.CharField()
    label = serializers.CharField()
    due = serializers.DateField()
    workdays_left = serializers.IntegerField(help_text="working days; negative when overdue")
    overdue = serializers.BooleanField()


class ReminderViewSet(viewsets.ViewSet):
    """The caller's worklist (待办提醒): what files in their subtree need next and by when,
    counted in working days; what is overdue or due within ten working days."""

    unscoped = (
        "not a queryset of one model: reminders.for_user(user) computes the worklist from "
        "the open files in the caller's subtree (scope_path), and nothing else"
    )

    @extend_schema(responses=ReminderSerializer(many=True))
    def list(self, request):
        due = reminders.for_user(request.user, read.today())
        return Response(ReminderSerializer(due, many=True).data)
