"""The case register's filters: the workbench, the API and the export filter alike.

The search box takes a case number, the caller's name, mobile or ID number, or the
employer's name. A confidential caller is found by who they are only by those who may see
them (cases/services.may_see_caller), or the search would answer what the mask hides.
"""

import re

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gonghui.cases import boxes
from gonghui.cases.models import Case
from gonghui.core import crypto
from gonghui.core.filters import FilterSet
from gonghui.core.scope import scope_path
from gonghui.members.filters import SearchField
from gonghui.unions.filters import search_box, union_code_filter

CASE_NUMBER = re.compile(r"^WQ\d{6,14}$", re.IGNORECASE)


class CaseSearchField(SearchField):
    def clean(self, value):
        raw = (value or "").strip()
        if CASE_NUMBER.match(raw):
            return ("number", raw.upper())
        found = super().clean(value)
        return found and (found.kind, found.value)


class CaseSearchFilter(django_filters.CharFilter):
    field_class = CaseSearchField

    def filter(self, qs, value):
        if not value:
            return qs
        kind, text = value
        if kind == "number":
            return qs.filter(number__startswith=text)
        if kind == "id":
            caller = Q(id_number_index=crypto.blind_index(text))
        elif kind == "phone":
            caller = Q(phone_index=crypto.blind_index(text))
        else:
            caller = Q(caller_name__contains=text)
            employer = Q(employer_name__contains=text)
            return qs.filter(self.seen(caller) | employer)
        return qs.filter(self.seen(caller))

    def seen(self, caller):
        """The caller condition, kept to cases whose caller the user may see."""
        path = scope_path(getattr(self.parent.request, "user", None))
        if path is None:
            return Q(pk__in=[])
        return caller & (Q(confidential=False) | Q(union__path__startswith=path))


def in_subtree(queryset, name, value):
    return queryset.filter(union__path__startswith=value.path)


class CaseFilter(FilterSet):
    """The register of cases (维权案件台账)."""

    box = django_filters.ChoiceFilter(
        choices=[(b.key, b.label) for b in boxes.BOXES],
        method="filter_box",
        label=_("box"),
        empty_label=None,
    )
    q = CaseSearchFilter(
        label=_("case number, caller or employer"),
        widget=search_box(_("case number, caller's name, mobile or ID number, employer")),
    )
    union = union_code_filter(_("union (code)"), method=in_subtree)
    status = django_filters.ChoiceFilter(
        choices=Case.Status.choices, label=_("status"), empty_label=_("any status")
    )
    kind = django_filters.ChoiceFilter(
        choices=Case.Kind.choices, label=_("kind"), empty_label=_("any kind")
    )
    subject = django_filters.ChoiceFilter(
        choices=Case.Subject.choices, label=_("subject"), empty_label=_("any subject")
    )
    channel = django_filters.ChoiceFilter(
        choices=Case.Channel.choices, label=_("channel"), empty_label=_("any channel")
    )
    received_from = django_filters.DateFilter(
        field_name="received_on", lookup_expr="gte", label=_("taken from")
    )
    received_until = django_filters.DateFilter(
        field_name="received_on", lookup_expr="lte", label=_("taken until")
    )
    supervised = django_filters.BooleanFilter(label=_("supervised (督办)"))

    class Meta:
        model = Case
        fields = [
            "box", "q", "union", "status", "kind", "subject", "channel", "received_from",
            "received_until", "supervised",
        ]  # fmt: skip

    def filter_box(self, queryset, name, value):
        if not value:
            return queryset
        return boxes.narrow(value, self.request.user, queryset)
