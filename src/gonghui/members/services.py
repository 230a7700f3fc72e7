"""Changes to persons and memberships; every path (web, API, CLI, import) comes here.

Persons: creating one from what a user typed (ID number checked, encrypted, indexed,
masked) and revealing a whole number with its log. Joining: applications from the
worker's phone or from staff, their review, and the membership an approval creates.
"""

import hmac
import re
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import audit, crypto
from gonghui.core.context import current
from gonghui.core.models import AuditEvent
from gonghui.core.scope import require_editor, require_visible
from gonghui.core.sealed import ID_NUMBER, PHONE
from gonghui.core.services import service_action
from gonghui.core.validation import Errors
from gonghui.lib.identity import check_id_number, id_birth_date, id_sex, mask_id
from gonghui.lib.pinyin import name_pinyin
from gonghui.lib.text import clean_text, compact_code
from gonghui.members.models import JoinApplication, Membership, Person, Reveal, Transfer
from gonghui.members.numbers import county_prefix, issue_member_numbers
from gonghui.regions.models import Region
from gonghui.unions import services as union_services
from gonghui.unions.models import TradeUnion

MOBILE = re.compile(r"^1[3-9]\d{9}$")
# Sets made once: an enum's .values builds a new list on every call (an import checks a
# million rows).
EDUCATIONS = frozenset(Person.Education.values)
EMPLOYMENT_FORMS = frozenset(Person.EmploymentForm.values)
PLATFORMS = frozenset(Person.Platform.values)
PERSON_AUDIT_FIELDS = (
    "name",
    "id_number_masked",
    "phone_masked",
    "household_region",
    "residence_region",
    "education",
    "employment_form",
    "platform",
    "employer",
)


def normalise_phone(value, errors, field="phone"):
    phone = compact_code(value).removeprefix("+86").removeprefix("0086")
    if phone and not MOBILE.match(phone):
        errors.add(field, _("A mobile number has 11 digits and starts with 1."))
    return phone


def one(queryset):
    """The row a lookup by a unique key finds, or None: unlike .first(), no ORDER BY (which
    costs a sort on every exact lookup; measured in bench/members.py)."""
    return next(iter(queryset[:1]), None)


def find_person(id_number):
    """The person with this (normalised) ID number, found through the blind index."""
    return one(Person.objects.filter(id_number_index=crypto.blind_index(id_number)))


def find_region(code):
    return one(Region.objects.filter(code=code))


def _region(value, errors, field, find=find_region):
    code = compact_code(value)
    if not code:
        return None
    region = find(code)
    if region is None:
        errors.add(field, _("Unknown division code %(code)s.") % {"code": code})
    return region


def person_values(data, errors, find=find_region):
    """Check and normalise what a user gave for a person; field errors go to `errors`.
    `find` looks a division code up (an importer passes one that reads from memory)."""
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
        values[field] = _region(data.get(field), errors, field, find)
    education = data.get("education") or ""
    if education and education not in EDUCATIONS:
        errors.add("education", _("Choose one of the listed values."))
    values["education"] = education
    form = data.get("employment_form") or Person.EmploymentForm.STANDARD
    platform = data.get("platform") or ""
    if form not in EMPLOYMENT_FORMS:
        errors.add("employment_form", _("Choose one of the listed values."))
    elif form == Person.EmploymentForm.GIG and platform not in PLATFORMS:
        errors.add("platform", _("Say which kind of platform work this is."))
    elif form == Person.EmploymentForm.STANDARD and platform:
        errors.add("platform", _("Only workers in new forms of employment have a platform."))
    values["employment_form"], values["platform"] = form, platform
    return values


def person_fields(values):
    """The stored fields of a person from checked values: the ID and phone numbers
    encrypted, indexed and masked; sex and birth date read from the ID number."""
    values = dict(values)
    number, phone = values.pop("id_number"), values.pop("phone")
    full, initials = name_pinyin(values["name"])
    return values | {
        "name_pinyin": full,
        "name_initials": initials,
        **ID_NUMBER.columns(number),
        "sex": id_sex(number),
        "birth_date": id_birth_date(number),
        **PHONE.columns(phone),
    }


def build_person(values):
    """A Person (unsaved) with its numbers encrypted, indexed and masked."""
    return Person(**person_fields(values))


@service_action()
def create_person(actor, data):
    """Register a person. The same ID number twice is one person: refused, with who it is."""
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


def may_release_phones(actor):
    """Administrators of a county or higher federation settle phone clashes."""
    if actor is None or not actor.is_active or not actor.can_manage_users:
        return False
    if actor.is_platform_admin:
        return True
    union = actor.union
    return union.kind == TradeUnion.Kind.FEDERATION and union.region.level != Region.Level.TOWNSHIP


@transaction.atomic
def release_phone(actor, phone, reason):
    """Take a mobile number away from the person who holds it (号码被回收再分配, a typo) so
    that another worker can join with it. The holder must be in the actor's subtree or
    hold no current membership; the holder's history records the release and its reason."""
    if not may_release_phones(actor):
        raise PermissionDenied(
            _("Only an administrator of a county or higher federation may release a number.")
        )
    errors = Errors()
    phone = normalise_phone(phone, errors)
    if not phone and not errors:
        errors.add("phone", _("This field is required."))
    reason = clean_text(reason)
    if len(reason) < 2:
        errors.add("reason", _("Say why the number is released."))
    errors.raise_if_any()
    holder = one(Person.objects.select_for_update().filter(phone_index=crypto.blind_index(phone)))
    if holder is None:
        errors.add("phone", _("No registered person holds this number."))
        errors.raise_if_any()
    current = Membership.objects.current().filter(person=holder)
    if current.exists() and not current.visible_to(actor).exists():
        errors.add(
            "phone",
            _(
                "The number belongs to a member of a union outside your scope; "
                "that union's county federation can release it."
            ),
        )
        errors.raise_if_any()
    before = audit.snapshot(holder, ("phone_masked",))
    holder.save(update_fields=[*PHONE.apply(holder, ""), "updated_at"])
    audit.record(
        AuditEvent.Action.UPDATE,
        holder,
        actor=actor,
        changes=audit.diff(before, audit.snapshot(holder, ("phone_masked",))),
        note=_("Mobile number released: %(reason)s") % {"reason": reason},
    )
    return holder


# --- joining (一键入会) ---------------------------------------------------------------

CONSENT_VERSION = "2026-11"  # the personal-information consent text shown on the join page
RECEIVING_KINDS = {"grassroots", "joint", "gig_pool", "sector", "area", "township"}


def _receiving_union(data, values, errors):
    """The union an application goes to: named by code, or the pool union
    (新就业形态劳动者工会) that the federation of the chosen region assigned."""
    code = compact_code(data.get("union"))
    if code:
        union = one(TradeUnion.objects.active().filter(code=code))
        if union is None:
            errors.add("union", _("No active union with code %(code)s.") % {"code": code})
        elif union.kind not in RECEIVING_KINDS:
            errors.add(
                "union", _("%(name)s does not take members directly.") % {"name": union.name}
            )
            union = None
        return union
    code = compact_code(data.get("region"))
    if not code:
        errors.add("union", _("Name the union to join, or give a region for its pool union."))
        return None
    region = find_region(code)
    if region is None:
        errors.add("region", _("Unknown division code %(code)s.") % {"code": code})
        return None
    # Only the union the region's own federation assigned: never one found by looking
    # (another branch could register a pool union here and take the applications).
    union, _owner = union_services.pool_union_for(region)
    if union is None:
        errors.add(
            "region",
            _(
                "No new-forms-of-employment union has been assigned for %(region)s yet; "
                "ask the local federation of trade unions, or name your union's code."
            )
            % {"region": region},
        )
    return union


def _current_membership(id_number):
    return one(
        Membership.objects.current()
        .filter(person__id_number_index=crypto.blind_index(id_number))
        .select_related("union")
    )


def _application_number():
    """SQ + date + six random digits: short enough to read out on the phone. Unique by
    the database; a clash (one in a million a day) draws again when saving."""
    return f"SQ{timezone.localdate():%Y%m%d}{secrets.randbelow(10**6):06d}"


def _staff_checks(actor, number, phone, errors):
    """What staff entering an application are told (they work in the registry; a worker
    on the public page is told none of it): a current membership, named only if it is in
    their scope, and a mobile number that belongs to another person."""
    held = _current_membership(number)
    if held is not None:
        if Membership.objects.visible_to(actor).filter(pk=held.pk).exists():
            message = _("%(id)s is already a member of %(union)s (member number %(member)s).") % {
                "id": mask_id(number),
                "union": held.union.name,
                "member": f"{held.member_number[:6]}******{held.member_number[-4:]}",
            }
        else:
            message = registered_elsewhere()
        errors.add("id_number", message)
    if _phone_of_another(phone, number):
        errors.add("phone", phone_of_another())


def phone_of_another():
    return _(
        "This mobile number belongs to another person; the county's administrator can release it."
    )


def _phone_of_another(phone, number):
    return (
        Person.objects.filter(phone_index=crypto.blind_index(phone))
        .exclude(id_number_index=crypto.blind_index(number))
        .exists()
    )


def submitted_message():
    """The one answer of the join page and API to an accepted submission."""
    return _(
        "Application submitted. Keep the application number: with it and your mobile "
        "number you can check the result."
    )


@transaction.atomic
def submit_application(data, actor=None, consent=False):
    """Take a join application from a worker (actor None) or from staff on their behalf.

    A worker is refused only for what they typed (a field named): whether the person is
    a member already, has applied before, or gave a number that another person holds,
    the answer is the same new application with its own number, so the public page
    tells nobody who is a member. Reviewers see those cases flagged
    (JoinApplication.flags). A second application never changes the first. Staff are
    told of a membership or a phone clash at once (nothing about another branch).
    """
    if actor is not None:
        require_editor(actor)
    errors = Errors()
    values = person_values(data, errors)
    if actor is None and "employment_form" in data and not data["employment_form"]:
        # Asked and left out on the join page (marked required there); a client that does
        # not send it at all (the API's default) means a standard employee.
        errors.add("employment_form", _("Choose your employment form."))
    if not consent and actor is None:
        errors.add("consent", _("Agree to the processing of your personal information first."))
    union = _receiving_union(data, values, errors)
    if (
        actor is not None
        and union is not None
        and not (TradeUnion.objects.visible_to(actor).filter(pk=union.pk).exists())
    ):
        errors.add("union", _("No union with code %(code)s in your scope.") % {"code": union.code})
    phone = values["phone"]
    if not phone and "phone" not in errors.by_field:
        errors.add("phone", _("This field is required."))
    errors.raise_if_any()
    number = values["id_number"]
    if actor is not None:
        _staff_checks(actor, number, phone, errors)
        errors.raise_if_any()
    application = JoinApplication(
        number=_application_number(),
        name=values["name"],
        **ID_NUMBER.columns(number),
        **PHONE.columns(phone),
        employer_name=clean_text(data.get("employer_name"))[:200],
        union=union,
        channel=JoinApplication.Channel.STAFF if actor else JoinApplication.Channel.SELF,
        entered_by=actor,
        consent_version=CONSENT_VERSION,
        **{f: values[f] for f in (
            "employment_form", "platform", "household_region", "residence_region")},
    )  # fmt: skip
    for _attempt in range(5):
        try:
            with transaction.atomic():
                application.save()
            break
        except IntegrityError:
            application.number = _application_number()  # a number drawn twice: again
    else:
        raise IntegrityError("no free application number after 5 draws")
    audit.record(
        AuditEvent.Action.CREATE,
        application,
        actor=actor,
        actor_name=None if actor else _("applicant"),
    )
    return application


def _decide(actor, application):
    require_editor(actor)
    application = require_visible(
        actor, JoinApplication.objects.select_for_update().get(pk=application.pk)
    )
    if application.status != JoinApplication.Status.PENDING:
        raise ValidationError(
            {
                "status": _("This application was already %(status)s.")
                % {"status": application.get_status_display()}
            }
        )
    return application


def registered_elsewhere():
    """What staff are told of a person who is a member outside their scope: nothing of
    where (DESIGN rule 2), only what to do."""
    return _(
        "Already a member of another union; ask the higher-level union to transfer the membership."
    )


def _member_number(person, union):
    """The person's number from an earlier membership (kept for life), or a new one."""
    earlier = person.memberships.order_by("-joined_on", "-id").first() if person.pk else None
    if earlier is not None:
        return earlier.member_number
    [number] = issue_member_numbers(county_prefix(union))
    return number


@transaction.atomic
def approve_application(actor, application):
    """Approve: the person (found or created), membership and member number in one go."""
    application = _decide(actor, application)
    number = crypto.decrypt(application.id_number_encrypted)
    held = _current_membership(number)
    if held is not None:
        visible = TradeUnion.objects.visible_to(actor).filter(pk=held.union_id).exists()
        message = (
            _("Already a member of %(union)s.") % {"union": held.union.name}
            if visible
            else registered_elsewhere()
        )
        raise ValidationError({"id_number": message})
    person = find_person(number)
    if person is None:
        phone = crypto.decrypt(application.phone_encrypted)
        if _phone_of_another(phone, number):
            raise ValidationError(
                {"phone": _("%(message)s Then approve again.") % {"message": phone_of_another()}}
            )
        values = {
            "name": application.name,
            "id_number": number,
            "phone": phone,
            "education": "",
            **{f: getattr(application, f) for f in (
                "employment_form", "platform", "household_region", "residence_region")},
        }  # fmt: skip
        person = build_person(values)
        try:
            with transaction.atomic():
                person.save()
        except IntegrityError:
            # Another approval (of a duplicate, say) registered the person or the number.
            raise ValidationError(
                {
                    "id_number": _(
                        "Another approval registered this person or this mobile number "
                        "a moment ago; look at the application again."
                    )
                }
            ) from None
        changes = audit.diff({}, audit.snapshot(person, PERSON_AUDIT_FIELDS))
        audit.record(AuditEvent.Action.CREATE, person, actor=actor, changes=changes)
    member_number = _member_number(person, application.union)
    membership = Membership.objects.create(
        person=person,
        union=application.union,
        member_number=member_number,
        joined_on=timezone.localdate(),
    )
    application.status = JoinApplication.Status.APPROVED
    application.decided_at = timezone.now()
    application.decided_by = actor
    application.membership = membership
    application.save()
    audit.record(
        AuditEvent.Action.CREATE,
        membership,
        actor=actor,
        changes={"member_number": ["", member_number]},
    )
    audit.record(
        AuditEvent.Action.UPDATE,
        application,
        actor=actor,
        changes={"status": ["pending", "approved"]},
    )
    return application


@transaction.atomic
def reject_application(actor, application, reason):
    application = _decide(actor, application)
    reason = clean_text(reason)
    if not reason:
        raise ValidationError({"reason": _("Tell the applicant why (they will see it).")})
    application.status = JoinApplication.Status.REJECTED
    application.reason = reason[:200]
    application.decided_at = timezone.now()
    application.decided_by = actor
    application.save()
    audit.record(
        AuditEvent.Action.UPDATE,
        application,
        actor=actor,
        changes={"status": ["pending", "rejected"]},
        note=reason,
    )
    return application


def application_status(number, phone):
    """What an applicant may see of their application: found by its number and the whole
    mobile number they gave, or None, the same for an unknown number and a wrong phone
    (and the same work for both: the phone is hashed either way)."""
    phone = normalise_phone(phone, Errors())
    given = crypto.blind_index(phone) if phone else ""
    application = one(JoinApplication.objects.filter(number=compact_code(number)[:20]))
    expected = application.phone_index if application is not None else crypto.blind_index("-")
    if not hmac.compare_digest(expected, given) or application is None:
        return None
    return application


# --- a membership's life: retained, left, deceased --------------------------------------

# From a status, the statuses a membership may move to by this service (transfers have theirs).
NEXT_STATUS = {
    Membership.Status.ACTIVE: {
        Membership.Status.RETAINED,
        Membership.Status.LEFT,
        Membership.Status.DECEASED,
    },
    Membership.Status.RETAINED: {
        Membership.Status.ACTIVE,
        Membership.Status.LEFT,
        Membership.Status.DECEASED,
    },
}


@transaction.atomic
def change_membership_status(actor, membership, status, on=None, note=""):
    """Keep membership on retirement or unemployment (保留会籍), take it up again, or end
    it (left, deceased). An ended membership stays, with its dates, for past figures."""
    require_editor(actor)
    membership = require_visible(
        actor, Membership.objects.select_for_update().get(pk=membership.pk)
    )
    errors = Errors()
    allowed = NEXT_STATUS.get(membership.status, set())
    if status not in allowed:
        errors.add(
            "status",
            _("A membership that is %(now)s cannot become %(next)s.")
            % {
                "now": membership.get_status_display(),
                "next": dict(Membership.Status.choices).get(status, status),
            },
        )
    on = on or timezone.localdate()
    if on > timezone.localdate():
        errors.add("on", _("The date cannot be in the future."))
    elif on < membership.joined_on:
        errors.add("on", _("The date cannot be before the join date."))
    errors.raise_if_any()
    before = audit.snapshot(membership, ("status", "ended_on"))
    membership.status = status
    membership.ended_on = None if status in Membership.CURRENT else on
    membership.save(update_fields=["status", "ended_on"])
    audit.record(
        AuditEvent.Action.UPDATE,
        membership,
        actor=actor,
        changes=audit.diff(before, audit.snapshot(membership, ("status", "ended_on"))),
        note=clean_text(note),
    )
    return membership


# --- transfers (会员关系接转) -------------------------------------------------------------


@transaction.atomic
def request_transfer(actor, membership, to_union, note=""):
    """The old union starts moving a member to another union, anywhere in the country."""
    require_editor(actor)
    membership = require_visible(
        actor, Membership.objects.select_for_update().get(pk=membership.pk)
    )
    errors = Errors()
    if membership.status != Membership.Status.ACTIVE:
        errors.add("membership", _("Only an active membership can be transferred."))
    elif membership.transfers.open().exists():
        errors.add("membership", _("A transfer of this membership is already under way."))
    code = compact_code(getattr(to_union, "code", to_union))
    target = one(TradeUnion.objects.filter(code=code))
    if target is None:
        errors.add("to_union", _("No union with code %(code)s.") % {"code": code})
    elif not target.is_active:
        errors.add(
            "to_union",
            _("%(name)s is %(status)s and takes no members.")
            % {"name": target.name, "status": target.get_status_display()},
        )
    elif target.kind not in RECEIVING_KINDS:
        errors.add(
            "to_union", _("%(name)s does not take members directly.") % {"name": target.name}
        )
    elif target.pk == membership.union_id:
        errors.add("to_union", _("The member already belongs to %(name)s.") % {"name": target.name})
    errors.raise_if_any()
    transfer = Transfer.objects.create(
        membership=membership,
        from_union=membership.union,
        to_union=target,
        note=clean_text(note)[:200],
        requested_by=actor,
    )
    audit.record(AuditEvent.Action.CREATE, transfer, actor=actor, note=transfer.note)
    return transfer


def _open_transfer(actor, transfer, side, status):
    """Lock a transfer for one side's decision: that side's union must be in the scope."""
    require_editor(actor)
    transfer = Transfer.objects.select_for_update().get(pk=transfer.pk)
    union = transfer.from_union if side == "from" else transfer.to_union
    require_visible(actor, union)
    if transfer.status != status:
        raise ValidationError(
            {
                "status": _("This transfer is %(status)s.")
                % {"status": transfer.get_status_display()}
            }
        )
    return transfer


@transaction.atomic
def release_transfer(actor, transfer):
    """The old union lets the member go."""
    transfer = _open_transfer(actor, transfer, "from", Transfer.Status.REQUESTED)
    transfer.status = Transfer.Status.RELEASED
    transfer.released_at = timezone.now()
    transfer.save(update_fields=["status", "released_at"])
    audit.record(
        AuditEvent.Action.UPDATE,
        transfer,
        actor=actor,
        changes={"status": ["requested", "released"]},
    )
    return transfer


def _move(old, union):
    """End a current membership as transferred and open its successor in `union`, with the
    same member number and join date (past figures keep the old row)."""
    old.status = Membership.Status.TRANSFERRED
    old.ended_on = timezone.localdate()
    old.save(update_fields=["status", "ended_on"])
    return Membership.objects.create(
        person_id=old.person_id,
        union=union,
        member_number=old.member_number,
        joined_on=old.joined_on,
        card_number=old.card_number,
    )


def _record_move(actor, old, new, note="", was=Membership.Status.ACTIVE):
    audit.record(
        AuditEvent.Action.UPDATE,
        old,
        actor=actor,
        changes={"status": [was, "transferred"]},
        note=note,
    )
    audit.record(
        AuditEvent.Action.CREATE,
        new,
        actor=actor,
        changes={"union": ["", str(new.union)]},
        note=note,
    )


def move_members(actor, union, successor):
    """A merged or dissolved union's current members pass to its successor (called by the
    union services inside their transaction). Returns how many moved."""
    note = _("%(from)s closed; members passed to %(to)s.") % {
        "from": union.name,
        "to": successor.name,
    }
    moved = 0
    current = Membership.objects.current().select_for_update().filter(union=union)
    for old in current.order_by("id"):
        was = old.status
        new = _move(old, successor)
        if was == Membership.Status.RETAINED:
            new.status = was
            new.save(update_fields=["status"])
        _record_move(actor, old, new, note, was)
        moved += 1
    return moved


@transaction.atomic
def receive_transfer(actor, transfer):
    """The new union takes the member in: a new membership with the old join date and a
    member number of its county; the old one ends as transferred, kept in history."""
    transfer = _open_transfer(actor, transfer, "to", Transfer.Status.RELEASED)
    if not transfer.to_union.is_active:
        raise ValidationError(
            {"to_union": _("%(name)s no longer takes members.") % {"name": transfer.to_union.name}}
        )
    old = Membership.objects.select_for_update().get(pk=transfer.membership_id)
    new = _move(old, transfer.to_union)
    transfer.status = Transfer.Status.COMPLETED
    transfer.received_at = timezone.now()
    transfer.new_membership = new
    transfer.save(update_fields=["status", "received_at", "new_membership"])
    _record_move(actor, old, new)
    audit.record(
        AuditEvent.Action.UPDATE,
        transfer,
        actor=actor,
        changes={"status": ["released", "completed"]},
    )
    return transfer


@transaction.atomic
def reject_transfer(actor, transfer, reason):
    """Either side refuses, with a reason; the membership stays where it was."""
    side = "to" if transfer.status == Transfer.Status.RELEASED else "from"
    transfer = _open_transfer(actor, transfer, side, transfer.status)
    if transfer.status not in Transfer.OPEN:
        raise ValidationError(
            {
                "status": _("This transfer is %(status)s.")
                % {"status": transfer.get_status_display()}
            }
        )
    reason = clean_text(reason)
    if not reason:
        raise ValidationError({"reason": _("Give the reason for refusing the transfer.")})
    before = transfer.status
    transfer.status = Transfer.Status.REJECTED
    transfer.reason = reason[:200]
    transfer.save(update_fields=["status", "reason"])
    audit.record(
        AuditEvent.Action.UPDATE,
        transfer,
        actor=actor,
        changes={"status": [before, "rejected"]},
        note=reason,
    )
    return transfer
