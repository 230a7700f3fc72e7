"""One FilterSet per model: the web lists, the API and exports filter alike.

The search box takes a name (head's or recipient's) or an ID number (found through the
blind index of any household member, or of the recipient).
"""

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from gonghui.assistance.models import AssistanceRecord, Campaign, HardshipFile, HouseholdMember
from gonghui.core import crypto
from gonghui.core.filters import FilterSet
from gonghui.members.filters import SearchFilter
from gonghui.unions.filters import search_box, union_code_filter


class FileSearchFilter(SearchFilter):
    """A name finds the head; an ID number finds the household it is of."""

    def filter(self, qs, value):
        if value is None:
            return qs
        if value.kind == "id":
            member = HouseholdMember.objects.filter(
                file=OuterRef("pk"), id_number_index=crypto.blind_index(value.value)
            )
            return qs.filter(Exists(member))
        if value.kind == "phone":
            return qs.filter(head__phone_index=crypto.blind_index(value.value))
        if value.kind == "pinyin":
            return qs.filter(
                Q(head__name_initials__startswith=value.value)
                | Q(head__name_pinyin__startswith=value.value)
            )
        return qs.filter(head__name__contains=value.value)


class RecipientSearchFilter(SearchFilter):
    def filter(self, qs, value):
        if value is None:
            return qs
        if value.kind == "id":
            return qs.filter(id_number_index=crypto.blind_index(value.value))
        return qs.filter(name__contains=value.value)


def in_subtree(queryset, name, value):
    """Records of the union and of every union below it."""
    return queryset.filter(**{f"{name}__path__startswith": value.path})


class HardshipFileFilter(FilterSet):
    """The file list (困难职工档案)."""

    q = FileSearchFilter(
        label=_("name or ID number"), widget=search_box(_("head's name, pinyin or an ID number"))
    )
    union = union_code_filter(_("union (code)"), method=in_subtree)
    status = django_filters.ChoiceFilter(
        choices=HardshipFile.Status.choices, label=_("status"), empty_label=_("any status")
    )
    open = django_filters.BooleanFilter(method="filter_open", label=_("open files only"))
    category = django_filters.ChoiceFilter(
        choices=HardshipFile.Category.choices, label=_("category"), empty_label=_("any category")
    )
    main_cause = django_filters.ChoiceFilter(
        choices=HardshipFile.Cause.choices, label=_("main cause"), empty_label=_("any cause")
    )

    class Meta:
        model = HardshipFile
        fields = ["q", "union", "status", "open", "category", "main_cause"]

    def filter_open(self, queryset, name, value):
        if value is None:
            return queryset
        return (
            queryset.filter(status__in=HardshipFile.OPEN)
            if value
            else queryset.exclude(status__in=HardshipFile.OPEN)
        )


class AssistanceRecordFilter(FilterSet):
    """Assistance given (帮扶记录)."""

    q = RecipientSearchFilter(
        label=_("recipient or ID number"), widget=search_box(_("recipient's name or ID number"))
    )
    union = union_code_filter(_("union (code)"), method=in_subtree)
    kind = django_filters.ChoiceFilter(
        choices=AssistanceRecord.Kind.choices, label=_("kind"), empty_label=_("any kind")
    )
    campaign = django_filters.NumberFilter(field_name="campaign_id", label=_("campaign"))
    file = django_filters.NumberFilter(field_name="file_id", label=_("hardship file"))
    given_from = django_filters.DateFilter(
        field_name="given_on", lookup_expr="gte", label=_("from")
    )
    given_until = django_filters.DateFilter(
        field_name="given_on", lookup_expr="lte", label=_("until")
    )
    cancelled = django_filters.BooleanFilter(
        field_name="cancelled_at", lookup_expr="isnull", exclude=True, label=_("cancelled")
    )

    class Meta:
        model = AssistanceRecord
        fields = ["q", "union", "kind", "campaign", "file", "given_from", "given_until"]


class CampaignFilter(FilterSet):
    union = union_code_filter(_("union (code)"), method=in_subtree)
    season = django_filters.ChoiceFilter(
        choices=Campaign.Season.choices, label=_("season"), empty_label=_("any season")
    )
    year = django_filters.NumberFilter(label=_("year"))
    top = django_filters.BooleanFilter(
        field_name="parent", lookup_expr="isnull", label=_("own campaigns, not allocations")
    )

    class Meta:
        model = Campaign
        fields = ["union", "season", "year", "top"]
