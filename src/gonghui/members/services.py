"""Changes to persons and memberships; every path (web, API, CLI, import) comes here.

This first part keeps persons: creating one from what a user typed (ID number
checked, encrypted, indexed, masked) and revealing a whole number with its log.
"""

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from gonghui.core import audit, crypto
from gonghui.core.context import current
from gonghui.core.identity import (
    check_id_number,
    id_birth_date,
    id_sex,
    mask_id,
    mask_phone,
)
from gonghui.core.models import AuditEvent
from gonghui.core.pinyin import name_pinyin
from gonghui.core.scope import require_editor, require_visible
from gonghui.core.text import clean_text, compact_code
from gonghui.core.validation import Errors
from gonghui.members.models import Person, Reveal
from gonghui.regions.models import Region

MOBILE = re.compile(r"^1[3-9]\d{9}$")
PERSON_AUDIT_FIELDS = (
    "name", "id_number_masked", "phone_masked", "household_region", "residence_region",
    "education", "employment_form", "platform", "employer",
)  # fmt: skip


def normalise_phone(value, errors, field="phone"):
    phone = compact_code(value).removeprefix("+86").removeprefix("0086")
    if phone and not MOBILE.match(phone):
        errors.add(field, _("A mobile number has 11 digits and starts with 1."))
    return phone


def find_person(id_number):
    """The person with this (normalised) ID number, found through the blind index."""
    return Person.objects.filter(id_number_index=crypto.blind_index(id_number)).first()


def _region(value, errors, field):
    code = compact_code(value)
    if not code:
        return None
    region = Region.objects.filter(code=code).first()
    if region is None:
        errors.add(field, _("Unknown division code %(code)s.") % {"code": code})
    return region


def person_values(data, errors):
    """Check and normalise what a user gave for a person; field errors go to `errors`."""
    values = {}
    name = clean_text(data.get("name"))
    if not name:
        errors.add("name", _("This field is required."))
    elif len(name) > 50:
        errors.add(
            "name", _("At most %(max)d characters; this has %(n)d.") % {"max": 50, "n": len(name)}
        )
    values["name"] = name
    try:
        values["id_number"] = check_id_number(data.get("id_number"))
    except ValidationError as e:
        for message in e.message_dict["id_number"]:
            errors.add("id_number", message)
    values["phone"] = normalise_phone(data.get("phone", ""), errors)
    for field in ("household_region", "residence_region"):
        values[field] = _region(data.get(field), errors, field)
    education = data.get("education") or ""
    if education and education not in Person.Education.values:
        errors.add("education", _("Choose one of the listed values."))
    values["education"] = education
    form = data.get("employment_form") or Person.EmploymentForm.STANDARD
    platform = data.get("platform") or ""
    if form not in Person.EmploymentForm.values:
        errors.add("employment_form", _("Choose one of the listed values."))
    elif form == Person.EmploymentForm.GIG and platform not in Person.Platform.values:
        errors.add("platform", _("Say which kind of platform work this is."))
    elif form == Person.EmploymentForm.STANDARD and platform:
        errors.add("platform", _("Only workers in new forms of employment have a platform."))
    values["employment_form"], values["platform"] = form, platform
    return values


def build_person(values):
    """A Person (unsaved) with its numbers encrypted, indexed and masked."""
    number, phone = values.pop("id_number"), values.pop("phone")
    full, initials = name_pinyin(values["name"])
    return Person(
        **values,
        name_pinyin=full,
        name_initials=initials,
        id_number_encrypted=crypto.encrypt(number),
        id_number_index=crypto.blind_index(number),
        id_number_masked=mask_id(number),
        sex=id_sex(number),
        birth_date=id_birth_date(number),
        phone_encrypted=crypto.encrypt(phone) if phone else None,
        phone_index=crypto.blind_index(phone) if phone else "",
        phone_masked=mask_phone(phone),
    )


@transaction.atomic
def create_person(actor, data):
    """Register a person. The same ID number twice is one person: refused, with who it is."""
    require_editor(actor)
    errors = Errors()
    values = person_values(data, errors)
    errors.raise_if_any()
    if find_person(values["id_number"]):
        errors.add("id_number", _("A person with this ID number is already registered."))
    if (
        values["phone"]
        and Person.objects.filter(phone_index=crypto.blind_index(values["phone"])).exists()
    ):
        errors.add(
            "phone",
            _(
                "This mobile number belongs to another person; "
                "the county's administrator can release it."
            ),
        )
    errors.raise_if_any()
    person = build_person(values)
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError:
        # Another request registered the same number a moment ago.
        errors.add("id_number", _("A person with this ID number is already registered."))
        errors.raise_if_any()
    audit.record(
        AuditEvent.Action.CREATE,
        person,
        actor=actor,
        changes=audit.diff({}, audit.snapshot(person, PERSON_AUDIT_FIELDS)),
    )
    return person


@transaction.atomic
def reveal(actor, person, field, reason):
    """Show one whole number to a user who holds the permission, and log that they saw it."""
    if not actor.has_perm("accounts.reveal_id_number"):
        raise PermissionDenied(_("Your account may not see whole ID-card or phone numbers."))
    person = require_visible(actor, person)
    errors = Errors()
    reason = clean_text(reason)
    if len(reason) < 2:
        errors.add("reason", _("Say why you need the whole number."))
    if field not in Reveal.Field.values:
        errors.add("field", _("Choose one of the listed values."))
    errors.raise_if_any()
    blob = person.id_number_encrypted if field == Reveal.Field.ID_NUMBER else person.phone_encrypted
    ctx = current()
    Reveal.objects.create(
        user=actor, person=person, field=field, reason=reason, request_id=ctx.request_id, ip=ctx.ip
    )
    return crypto.decrypt(blob) if blob else ""
