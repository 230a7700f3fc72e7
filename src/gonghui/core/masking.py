"""The mask policy: what a viewer gets of each personal field (DESIGN rule 2).

Written once, and applied by the API serializers (the fields below), the pages (the
`masking` template filters) and the exporters (`shown`). A masked ID number hides digits
7-14, the birth date; so wherever the ID is masked the birth date shows as the year (and
age) only, or the two together would give the whole number back. For the same reason the
age shown is the one reached this year: it changes on 1 January, not on the birthday.
Whole values go only to a user with the reveal permission who asked for them and was
logged (a reveal or an export with a reason): `reveal` below is that answer, never the
permission alone.
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from gonghui.core import crypto

REVEAL_PERMISSION = "accounts.reveal_id_number"


def may_reveal(user):
    """Whether the user may ask for whole numbers (each ask is still logged)."""
    return bool(user and user.has_perm(REVEAL_PERMISSION))


@dataclass(frozen=True)
class Masked:
    """A number stored encrypted beside its masked form."""

    encrypted: str
    masked: str

    def shown(self, obj, reveal=False):
        blob = getattr(obj, self.encrypted, None)
        if reveal and blob:
            return crypto.decrypt(blob)
        return getattr(obj, self.masked, "") or ""


@dataclass(frozen=True)
class BirthDate:
    """Digits 7-14 of the ID number: masked, only the year."""

    attribute: str = "birth_date"

    def shown(self, obj, reveal=False):
        born = getattr(obj, self.attribute, None)
        if born is None:
            return None
        return born if reveal else born.year


POLICY = {
    "id_number": Masked("id_number_encrypted", "id_number_masked"),
    "phone": Masked("phone_encrypted", "phone_masked"),
    "bank_card": Masked("bank_card_encrypted", "bank_card_masked"),
    "card": Masked("card_encrypted", "card_masked"),  # the card a payment went to
    "birth_date": BirthDate(),
}


def shown(obj, field, reveal=False):
    """What the viewer gets of `obj`'s `field`: whole only when `reveal` (asked, logged)."""
    return POLICY[field].shown(obj, reveal)


def age_on(born, on=None):
    """The age reached in the year of `on` (today in Asia/Shanghai by default), from the
    birth year alone: an age that ticks on the birthday would give the date away to
    anyone who looks every day."""
    if born is None:
        return None
    return (on or timezone.localdate()).year - born.year


def birth_year(obj):
    return shown(obj, "birth_date")


def age(obj, on=None):
    return age_on(getattr(obj, "birth_date", None), on)


# --- for serializers: the masked form of the birth date ------------------------------


@extend_schema_field(OpenApiTypes.INT)
class BirthYearField(serializers.Field):
    """The year of birth, where the ID number is masked (never the date)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("source", "*")
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, obj):
        return birth_year(obj)


@extend_schema_field(OpenApiTypes.INT)
class AgeField(BirthYearField):
    """The age reached this year (see age_on)."""

    def __init__(self, on=None, **kwargs):
        self.on = on
        super().__init__(**kwargs)

    def to_representation(self, obj):
        on = self.on() if callable(self.on) else self.on
        return age(obj, on if isinstance(on, datetime.date) else None)
