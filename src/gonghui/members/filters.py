"""One FilterSet per model: the member list, the API and exports filter alike.

The search box `q` takes what a union worker has at hand and works out what it is:
an ID-card number (found through its blind index, never compared in clear), a mobile
number (likewise), a member number, the pinyin or initials of a name (`zsf`, `zhangsan`
find 张三丰), or part of a Chinese name. An ID-looking value that fails the check is a form
error on `q` saying why, rather than an empty list that hides the typo.
"""

import re
from dataclasses import dataclass

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gonghui.core import crypto
from gonghui.core.filters import FilterSet
from gonghui.lib.identity import EXCEL_NUMBER, check_id_number
from gonghui.lib.text import clean_text, compact_code, to_halfwidth
from gonghui.members.models import Membership, Person
from gonghui.unions.filters import search_box, union_code_filter

ID_LIKE = re.compile(r"^[\dX]{15,18}$")
MOBILE_LIKE = re.compile(r"^1\d{10}$")
MEMBER_NUMBER = re.compile(r"^\d{16}$")
LETTERS = re.compile(r"^[A-Za-z]+$")


@dataclass(frozen=True)
class Search:
    """What the search box holds, once recognised: `kind` is id, phone, member, pinyin or name."""

    kind: str
    value: str


def parse_search(value, member_numbers=False):
    """Recognise a search-box value; None when empty. Raises ValidationError for an
    ID-looking value that is not a valid ID number."""
    raw = to_halfwidth(str(value or "")).strip()
    code = compact_code(raw)
    if not code:
        return None
    if member_numbers and MEMBER_NUMBER.match(code):
        return Search("member", code)
    if ID_LIKE.match(code) or EXCEL_NUMBER.match(code):
        try:
            return Search("id", check_id_number(raw, field="q"))
        except ValidationError as e:
            raise ValidationError(e.message_dict["q"], code="invalid") from None
    phone = code.removeprefix("+86").removeprefix("0086")
    if MOBILE_LIKE.match(phone):
        return Search("phone", phone)
    if LETTERS.match(code):
        return Search("pinyin", code.lower())
    return Search("name", clean_text(raw))


def search_q(search, prefix=""):
    """The condition for a recognised search on Person fields reached through `prefix`
    ("" on Person itself, "person__" from Membership)."""
    if search.kind == "id":
        return Q(**{f"{prefix}id_number_index": crypto.blind_index(search.value)})
    if search.kind == "phone":
        return Q(**{f"{prefix}phone_index": crypto.blind_index(search.value)})
    if search.kind == "member":
        return Q(member_number=search.value)
    if search.kind == "pinyin":
        return Q(**{f"{prefix}name_initials__startswith": search.value}) | Q(
            **{f"{prefix}name_pinyin__startswith": search.value}
        )
    return Q(**{f"{prefix}name__contains": search.value})


class SearchField(forms.CharField):
    """The search box: cleans to a `Search` (or None), or a form error naming what is wrong."""

    def __init__(self, *, member_numbers=False, **kwargs):
        self.member_numbers = member_numbers
        super().__init__(**kwargs)

    def clean(self, value):
        return parse_search(super().clean(value), member_numbers=self.member_numbers)


class SearchFilter(django_filters.CharFilter):
    field_class = SearchField

    def __init__(self, prefix="", member_numbers=False, **kwargs):
        super().__init__(member_numbers=member_numbers, **kwargs)
        self.prefix = prefix

    def filter(self, qs, value):
        if value is None:
            return qs
        return qs.filter(search_q(value, self.prefix))


def employment_form_filter(prefix=""):
    return django_filters.ChoiceFilter(
        field_name=f"{prefix}employment_form",
        choices=Person.EmploymentForm.choices,
        label=_("employment form"),
        empty_label=_("any employment form"),
    )


def platform_filter(prefix=""):
    return django_filters.ChoiceFilter(
        field_name=f"{prefix}platform",
        choices=Person.Platform.choices,
        label=_("platform work"),
        empty_label=_("any platform"),
    )


class MembershipFilter(FilterSet):
    """The member list (会员名册)."""

    q = SearchFilter(
        prefix="person__",
        member_numbers=True,
        label=_("name, ID number, phone or member number"),
        widget=search_box(_("name, pinyin, ID number, mobile or member number")),
    )
    union = union_code_filter(_("union (code)"), method="filter_union")
    status = django_filters.ChoiceFilter(
        choices=Membership.Status.choices, label=_("status"), empty_label=_("any status")
    )
    current = django_filters.BooleanFilter(
        method="filter_current",
        label=_("members now (active or membership retained)"),
        widget=forms.Select(
            choices=[("", _("all memberships")), ("true", _("members now")),
                     ("false", _("former members"))]
        ),
    )  # fmt: skip
    joined_from = django_filters.DateFilter(
        field_name="joined_on",
        lookup_expr="gte",
        label=_("joined on or after"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    employment_form = employment_form_filter("person__")
    platform = platform_filter("person__")

    class Meta:
        model = Membership
        fields = ["q", "union", "status", "current", "joined_from", "employment_form", "platform"]

    def filter_current(self, queryset, name, value):
        if value is None:
            return queryset
        current = Q(status__in=Membership.CURRENT)
        return queryset.filter(current if value else ~current)

    def filter_union(self, queryset, name, value):
        """Members of the union and of every union below it."""
        return queryset.filter(union__path__startswith=value.path)


class PersonFilter(FilterSet):
    """Persons (职工), members or not."""

    q = SearchFilter(
        label=_("name, ID number or phone"),
        widget=search_box(_("name, pinyin, ID number or mobile")),
    )
    employment_form = employment_form_filter()
    platform = platform_filter()

    class Meta:
        model = Person
        fields = ["q", "employment_form", "platform"]
