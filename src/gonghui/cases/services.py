"""A case's life (维权案件, 12351 工单): every change goes through a function here.

受理 (taken, 首问负责: the union that takes it owns it) → 即时解答 on the spot, or 转办 down the
tree or to a sister union, accepted or returned by the receiver → handled: mediation, legal
aid, 一函两书 with the employer's reply, joint handling, a court's referral (诉调对接) →
办结 with an outcome (办不了: the caller is told why) → 回访 from the working day after,
an unsatisfied caller reopening it under 督办 from above → 质检 of a sample.

On the way: an extension asked before the deadline and decided by a level above; 催办
before a deadline and 督办 after it, by a level above. Each step checks the actor's scope
and role, locks the case, checks the step is allowed from its status, and records an
event (from → to, note) in one transaction: the case's timeline.
"""

import re
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from gonghui.calendar import workdays
from gonghui.cases import deadlines
from gonghui.cases.models import Case, CaseAction, DeadlineRule
from gonghui.core import audit
from gonghui.core import values as read
from gonghui.core.models import AuditEvent
from gonghui.core.scope import SYSTEM, require_editor, require_visible, scope_path
from gonghui.core.sealed import ID_NUMBER, PHONE
from gonghui.core.timeline import field_labels, timeline
from gonghui.core.validation import Errors
from gonghui.lib.identity import check_uscc
from gonghui.lib.text import compact_code
from gonghui.members.models import Person
from gonghui.members.services import find_person, one
from gonghui.unions.models import Employer, TradeUnion

Status = Case.Status
MOBILE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE = re.compile(r"^0\d{9,11}$")  # area code and number: 02886123456
CASE_AUDIT_FIELDS = (
    "union", "transfer_to", "status", "channel", "kind", "subject", "complexity", "caller_name",
    "phone_masked", "id_number_masked", "confidential", "reply_wanted", "employer_name",
    "employer_uscc", "workers", "amount_claimed", "received_on", "due_on", "court_referral",
)  # fmt: skip


# --- who may do what ------------------------------------------------------------------


def is_above(actor, union):
    """Whether the actor works for a level above `union` (a proper ancestor), or runs the
    platform: who decides extensions, urges and supervises (上级)."""
    path = scope_path(actor)
    return path is not None and union.path.startswith(path) and path != union.path


def may_see_caller(user, case):
    """A confidential caller is seen by the handling union and those above, not by a union
    it is being handed to below (nor anyone else who sees the case)."""
    return not case.confidential or handles(user, case)


def is_receiver(actor, case):
    """Whether the actor works for the union the case is being handed to (or runs the
    platform): who accepts or returns it."""
    return case.transfer_to_id is not None and (
        actor.is_platform_admin or actor.union_id == case.transfer_to_id
    )


def _require_above(actor, case):
    if not is_above(actor, case.union):
        raise PermissionDenied(
            _("Only a level above %(union)s may do this.") % {"union": case.union.name}
        )


# --- reading what the user gave -------------------------------------------------------


def read_phone(data, field, errors, *, required=True):
    """A mobile (13812345678) or a landline with its area code (028-86123456)."""
    value = data.get(field)
    phone = compact_code(value if isinstance(value, str | int) else "")
    phone = phone.replace("-", "").removeprefix("+86").removeprefix("0086")
    if not phone:
        if required:
            errors.add(field, _("This field is required."))
        return ""
    if not (MOBILE.match(phone) or LANDLINE.match(phone)):
        errors.add(
            field,
            _("Enter an 11-digit mobile number, or a landline with its area code (028-86123456)."),
        )
        return ""
    return phone


def _flag(data, field, errors, default):
    value = data.get(field, default)
    if value in ("", None):
        return default
    if isinstance(value, bool):
        return value
    if str(value).lower() in ("true", "on", "1", "yes"):
        return True
    if str(value).lower() in ("false", "off", "0", "no"):
        return False
    errors.add(field, _("Say yes or no."))
    return default


def _union(actor, data, errors, field="union", default=None):
    """A union named by id, code or itself, within the actor's scope."""
    value = data.get(field)
    if value in (None, ""):
        if default is None:
            errors.add(field, _("Choose a union."))
        return default
    if isinstance(value, TradeUnion):
        return value
    code = compact_code(value if isinstance(value, str | int) else "")
    found = TradeUnion.objects.visible_to(actor).active()
    union = one(found.filter(code=code)) if len(code) != 0 else None
    if union is None and code.isdigit() and len(code) < 10:
        union = one(found.filter(pk=int(code)))
    if union is None:
        errors.add(field, _("No such union in your scope."))
    return union


def _employer(data, errors):
    """(employer or None, name, credit code): the registry's employer when the code or the
    id finds one, else the name and code as given."""
    name = read.text(data, "employer_name", errors, max_length=100)
    uscc = ""
    try:
        uscc, _warning = check_uscc(data.get("employer_uscc") or "", field="employer_uscc")
    except ValidationError as e:
        for message in e.message_dict["employer_uscc"]:
            errors.add("employer_uscc", message)
    employer = None
    given = data.get("employer")
    if given not in (None, ""):
        if isinstance(given, Employer):
            employer = given
        elif str(given).isdigit() and len(str(given)) < 12:
            employer = one(Employer.objects.filter(pk=int(given)))
        if employer is None:
            errors.add("employer", _("No such employer in the registry."))
    elif uscc:
        employer = one(Employer.objects.filter(uscc=uscc))
    if employer is not None:
        name, uscc = employer.name, employer.uscc
    return employer, name, uscc


MOST = 1_000_000  # workers in one case, at most


def _note(data, errors, required=False, field="note"):
    return read.text(data, field, errors, required=required, max_length=500)


def _case_values(data, errors):
    """What a case says: who, about whom, what is asked."""
    values = {
        "channel": read.choice(data, "channel", Case.Channel, errors),
        "kind": read.choice(data, "kind", Case.Kind, errors),
        "subject": read.choice(data, "subject", Case.Subject, errors),
        "complexity": read.choice(data, "complexity", Case.Complexity, errors, required=False)
        or Case.Complexity.GENERAL,
        "caller_name": read.text(data, "caller_name", errors, required=True, max_length=50),
        "phone": read_phone(data, "phone", errors),
        "id_number": "",
        "confidential": _flag(data, "confidential", errors, False),
        "reply_wanted": _flag(data, "reply_wanted", errors, True),
        "workers": read.whole_number(data, "workers", errors, default=1, minimum=1, maximum=MOST),
        "amount_claimed": read.money(data, "amount_claimed", errors),
        "request": read.text(data, "request", errors, required=True, max_length=4000),
        "court_referral": read.choice(
            data, "court_referral", Case.CourtReferral, errors, required=False
        ),
        "court_name": read.text(data, "court_name", errors, max_length=100),
    }
    if data.get("id_number") not in (None, ""):
        values["id_number"] = read.id_number(data, "id_number", errors) or ""
    values["employer"], values["employer_name"], values["employer_uscc"] = _employer(data, errors)
    if values["channel"] == Case.Channel.COURT:
        if not values["court_referral"]:
            errors.add(
                "court_referral", _("Say whether the court referred it before or after filing.")
            )
        if not values["court_name"]:
            errors.add("court_name", _("Name the court that referred the case."))
    elif values["court_referral"]:
        errors.add("court_referral", _("Only a case referred by a court has a court referral."))
    return values


def _number(received):
    """WQ + the day it was taken + six random digits: read out on the phone and typed on
    the status page. Unique by the database; a clash draws again when saving."""
    return f"WQ{received:%Y%m%d}{secrets.randbelow(10**6):06d}"


def _link_person(values):
    """The registered person the caller is, by ID number or else by mobile number."""
    if values["id_number"]:
        return find_person(values["id_number"])
    if values["phone"] and MOBILE.match(values["phone"]):
        return one(Person.objects.filter(phone_index=PHONE.index(values["phone"])))
    return None


def _describe(case, values):
    phone, number = values.pop("phone"), values.pop("id_number")
    for name, value in values.items():
        setattr(case, name, value)
    PHONE.apply(case, phone)
    ID_NUMBER.apply(case, number)
    case.person = _link_person({"phone": phone, "id_number": number})


# --- taking a case ----------------------------------------------------------------------


@transaction.atomic
def take(actor, data):
    """受理: a case taken by a union (by default the actor's): from a call, a letter, a
    visit, the website or an app, or referred by a court. The union that takes it owns it
    (首问负责) until it hands it over."""
    require_editor(actor)
    errors = Errors()
    union = _union(actor, data, errors, default=getattr(actor, "union", None))
    values = _case_values(data, errors)
    received = read.date(data, "received_on", errors, default=read.today())
    errors.raise_if_any()
    return _create(actor, union, values, received)


def _create(actor, union, values, received):
    days = deadlines.allowed(union, values["kind"], values["complexity"])
    case = Case(
        union=union,
        first_union=union,
        received_on=received,
        workdays=days,
        due_on=deadlines.due(received, days),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    _describe(case, values)
    if case.court_referral:
        case.court_due_on = deadlines.court_due(received)
    for _attempt in range(5):
        case.number = _number(received)
        try:
            with transaction.atomic():
                case.save()
            break
        except IntegrityError:
            if Case.objects.filter(number=case.number).exists():
                continue
            raise
    audit.record(
        AuditEvent.Action.CREATE,
        case,
        actor=actor,
        changes=audit.diff({}, audit.snapshot(case, CASE_AUDIT_FIELDS)),
        note=_("Taken by %(union)s; due by %(due)s (%(days)d working days).")
        % {"union": union.name, "due": case.due_on.isoformat(), "days": days},
    )
    return case


CONSENT_VERSION = "2026-12"  # the personal-information consent text of the public page
PUBLIC_KINDS = (
    Case.Kind.CONSULTATION, Case.Kind.COMPLAINT, Case.Kind.LEGAL_AID, Case.Kind.SERVICE,
    Case.Kind.SUGGESTION,
)  # fmt: skip


def desk_for(region_code):
    """The 12351 desk a worker's report goes to: the federation of the county they chose."""
    code = compact_code(region_code if isinstance(region_code, str) else "")
    if not code:
        return None
    return one(TradeUnion.objects.active().filter(kind=TradeUnion.Kind.FEDERATION, region_id=code))


@transaction.atomic
def submit_public(data, consent=False):
    """A worker's own question or complaint from the public page: to the 12351 desk of the
    county they chose, as a web case. The worker consents to the processing of their
    data; nothing about anyone else is said in return."""
    errors = Errors()
    union = desk_for(data.get("region"))
    if union is None:
        errors.add("region", _("Choose your county or district."))
    public = {
        key: data.get(key)
        for key in ("kind", "subject", "caller_name", "phone", "employer_name", "workers",
                    "request")
    }  # fmt: skip
    values = _case_values({**public, "channel": Case.Channel.WEB}, errors)
    if values["kind"] and values["kind"] not in PUBLIC_KINDS:
        errors.add("kind", _("Choose what you need."))
    if consent is not True:
        errors.add("consent", _("Agree to the processing of your personal data to send this."))
    errors.raise_if_any()
    values["employer"] = None  # the worker names the employer; the desk links it
    case = _create(SYSTEM, union, values, read.today())
    case.consent_version = CONSENT_VERSION
    case.save(update_fields=["consent_version"])
    return case


def status_for_caller(number, phone):
    """The case a caller asks about by its number and their phone, or None: the same None
    for a wrong number and a wrong phone, so the page tells a stranger nothing."""
    errors = Errors()
    phone = read_phone({"phone": phone}, "phone", errors)
    number = compact_code(number if isinstance(number, str) else "").upper()
    if errors.by_field or not number:
        return None
    case = one(Case.objects.filter(number=number).select_related("union"))
    if case is None or case.phone_index != PHONE.index(phone):
        return None
    return case


# --- the steps ------------------------------------------------------------------------


def _lock(actor, case, *statuses):
    """The case, locked for a step that `statuses` allow, if the actor may take it."""
    require_editor(actor)
    require_visible(actor, case)
    # Only the case row is locked: transfer_to is the nullable side of an outer join.
    case = (
        Case.objects.select_for_update(of=("self",))
        .select_related("union", "transfer_to")
        .get(pk=case.pk)
    )
    if case.status not in statuses:
        raise ValidationError(
            {
                "status": _("Not possible while the case is %(status)s.")
                % {"status": case.get_status_display()}
            }
        )
    return case


def handles(actor, case):
    """Whether the actor works for the handling union or above it: who takes the case's
    steps (not a union it is being handed to, which sees it only to accept or return it)."""
    path = scope_path(actor)
    return path is not None and case.union.path.startswith(path)


def _require_handler(actor, case):
    if not handles(actor, case):
        raise PermissionDenied(
            _("Only %(union)s, which handles the case, may do this.") % {"union": case.union.name}
        )


def _save(actor, case, before, note, fields=(), action=AuditEvent.Action.UPDATE):
    """Save `fields` (and the status), recording what changed as one event."""
    snapshot = audit.snapshot(case, CASE_AUDIT_FIELDS)
    case.save(update_fields=sorted({"status", "union", "transfer_to", *fields}))
    changes = audit.diff(before, audit.snapshot(case, CASE_AUDIT_FIELDS))
    for name in fields:
        if name not in snapshot:
            value = audit.display(getattr(case, name))
            if value not in ("", None):
                changes[name] = ["", value]
    audit.record(action, case, actor=actor, changes=changes, note=note)
    return case


def _on(data, errors, field, case, earliest=None, label=None):
    on = read.date(data, field, errors, default=read.today())
    earliest = earliest or case.received_on
    if on and on < earliest:
        errors.add(
            field,
            _("This cannot come before %(event)s (%(date)s).")
            % {"event": label or _("the day the case was taken"), "date": earliest.isoformat()},
        )
    return on


ANSWERED_AT_ONCE = (Case.Kind.CONSULTATION, Case.Kind.SERVICE, Case.Kind.SUGGESTION)


def may_answer_now(case):
    return case.kind in ANSWERED_AT_ONCE


@transaction.atomic
def answer_now(actor, case, data):
    """即时解答: a question, a call for help or a suggestion answered on the spot; the case
    is closed. A complaint or a request for legal aid is handled."""
    case = _lock(actor, case, Status.TAKEN)
    _require_handler(actor, case)
    errors = Errors()
    if not may_answer_now(case):
        errors.add(
            "status",
            _("A complaint or a request for legal aid is handled, not answered on the spot."),
        )
    answer = read.text(data, "answer", errors, required=True, max_length=4000)
    on = _on(data, errors, "concluded_on", case)
    errors.raise_if_any()
    before = audit.snapshot(case, CASE_AUDIT_FIELDS)
    case.status, case.outcome, case.answer, case.concluded_on = (
        Status.CLOSED, Case.Outcome.RESOLVED, answer, on,
    )  # fmt: skip
    return _save(actor, case, before, answer, ["outcome", "answer", "concluded_on"])


def may_receive(case, union):
    """A case goes down the tree one level (to a child of the handling union) or across
    to a sister union (the same parent)."""
    if union.pk == case.union_id or union.status != TradeUnion.Status.ACTIVE:
        return False
    return union.parent_id == case.union_id or (
        case.union.parent_id is not None and union.parent_id == case.union.parent_id
    )


@transaction.atomic
def transfer(actor, case, data):
    """转办: hand the case to a union one level down or to a sister union, which accepts
    or returns it; until then the case stays with its union (首问负责)."""
    case = _lock(actor, case, Status.TAKEN, Status.HANDLING)
    _require_handler(actor, case)
    errors = Errors()
    to = _union(SYSTEM, data, errors, field="to_union")
    note = _note(data, errors, required=True)
    if to is not None and not may_receive(case, to):
        errors.add(
            "to_union",
            _("A case goes to a union one level below %(union)s, or to a sister union.")
            % {"union": case.union.name},
        )
    errors.raise_if_any()
    before = audit.snapshot(case, CASE_AUDIT_FIELDS)
    case.status, case.transfer_to, case.transfer_note = Status.TRANSFERRING, to, note
    message = _("Handed to %(to)s: %(note)s") % {"to": to.name, "note": note}
    return _save(actor, case, before, message, ["transfer_note"])


def _require_receiver(actor, case):
    if not is_receiver(actor, case):
        raise PermissionDenied(
            _("Only %(union)s, to which the case is being handed, may accept or return it.")
            % {"union": case.transfer_to.name}
        )


@transaction.atomic
def accept(actor, case, data):
    """接收: the receiving union takes the case over; it now owns it."""
    case = _lock(actor, case, Status.TRANSFERRING)
    _require_receiver(actor, case)
    errors = Errors()
    note = _note(data, errors)
    errors.raise_if_any()
    before = audit.snapshot(case, CASE_AUDIT_FIELDS)
    case.union, case.transfer_to, case.status = case.transfer_to, None, Status.HANDLING
    return _save(actor, case, before, note or _("Accepted."))


@transaction.atomic
def return_case(actor, case, data):
    """退回: the receiving union gives the case back, saying why; it stays where it was."""
    case = _lock(actor, case, Status.TRANSFERRING)
    _require_receiver(actor, case)
    errors = Errors()
    note = _note(data, errors, required=True)
    errors.raise_if_any()
    before = audit.snapshot(case, CASE_AUDIT_FIELDS)
    name = case.transfer_to.name
    case.transfer_to, case.status = None, Status.HANDLING
    return _save(
        actor, case, before, _("Returned by %(union)s: %(note)s") % {"union": name, "note": note}
    )


@transaction.atomic
def start_handling(actor, case, data):
    """The union that took the case handles it itself (no answer on the spot, no hand-over)."""
    case = _lock(actor, case, Status.TAKEN)
    _require_handler(actor, case)
    errors = Errors()
    note = _note(data, errors)
    errors.raise_if_any()
    before = audit.snapshot(case, CASE_AUDIT_FIELDS)
    case.status = Status.HANDLING
    return _save(actor, case, before, note)


@transaction.atomic
def record_action(actor, case, data):
    """A step while handling: mediation (with the agreement), legal-aid referral, one of
    the 一函两书 letters to the employer (its reply is recorded later), joint handling."""
    case = _lock(actor, case, Status.HANDLING)
    _require_handler(actor, case)
    errors = Errors()
    kind = read.choice(data, "kind", CaseAction.Kind, errors)
    on = _on(data, errors, "taken_on", case)
    text = read.text(data, "text", errors, required=True, max_length=4000)
    agreement = read.text(data, "agreement", errors, max_length=4000)
    reply_due = read.date(data, "reply_due_on", errors, required=False, not_future=False)
    if agreement and kind != CaseAction.Kind.MEDIATION:
        errors.add("agreement", _("Only a mediation reaches an agreement."))
    if reply_due and kind not in CaseAction.LETTERS:
        errors.add("reply_due_on", _("Only a letter to the employer awaits a reply."))
    elif reply_due and on and reply_due < on:
        errors.add("reply_due_on", _("The reply cannot be due before the letter is sent."))
    errors.raise_if_any()
    action = CaseAction.objects.create(
        case=case, kind=kind, taken_on=on, text=text, agreement=agreement,
        reply_due_on=reply_due, recorded_by=actor if getattr(actor, "pk", None) else None,
    )  # fmt: skip
    note = _("%(kind)s on %(date)s: %(text)s") % {
        "kind": action.get_kind_display(), "date": on.isoformat(), "text": text,
    }  # fmt: skip
    before = audit.snapshot(case, CASE_AUDIT_FIELDS)
    _save(actor, case, before, note)
    return action


def open_letters(case):
    return case.actions.filter(kind__in=CaseAction.LETTERS, replied_on__isnull=True)


def has_open_letters(case):
    return open_letters(case).exists()


@transaction.atomic
def employer_reply(actor, case, data):
    """The employer's reply to a letter (一函两书)."""
    case = _lock(actor, case, Status.HANDLING)
    _require_handler(actor, case)
    errors = Errors()
    letter = None
    given = data.get("letter")
    letters = open_letters(case)
    if given in (None, ""):
        letter = letters.first() if letters.count() == 1 else None
        if letter is None:
            errors.add("letter", _("Choose the letter the employer replied to."))
    elif str(given).isdigit() and len(str(given)) < 12:
        letter = letters.filter(pk=int(given)).first()
        if letter is None:
            errors.add("letter", _("No letter of this case awaits that reply."))
    else:
        errors.add("letter", _("Choose the letter the employer replied to."))
    reply = read.text(data, "reply", errors, required=True, max_length=4000)
    on = read.date(data, "replied_on", errors, default=read.today())
    if letter and on and on < letter.taken_on:
        errors.add("replied_on", _("The reply cannot come before the letter (%(date)s).") % {
            "date": letter.taken_on.isoformat()})  # fmt: skip
    errors.raise_if_any()
    letter.replied_on, letter.reply = on, reply
    letter.save(update_fields=["replied_on", "reply"])
    note = _("The employer replied on %(date)s to the %(kind)s: %(reply)s") % {
        "date": on.isoformat(), "kind": letter.get_kind_display(), "reply": reply,
    }  # fmt: skip
    before = audit.snapshot(case, CASE_AUDIT_FIELDS)
    return _save(actor, case, before, note)


OPEN = Case.OPEN


def may_ask_extension(case):
    return case.extension_state in ("", Case.ExtensionState.REFUSED)


@transaction.atomic
def ask_extension(actor, case, data):
    """申请延期: asked before the deadline, with a reason, for a level above to decide."""
    case = _lock(actor, case, Status.TAKEN, Status.HANDLING)
    _require_handler(actor, case)
    errors = Errors()
    if not may_ask_extension(case):
        errors.add("status", _("This case has had its extension already."))
    if read.today() > case.due_on:
        errors.add(
            "status",
            _("An extension is asked for before the deadline (%(date)s).")
            % {"date": case.due_on.isoformat()},
        )
    days = read.whole_number(data, "extension_workdays", errors, default=None, minimum=1)
    if days is None and "extension_workdays" not in errors.by_field:
        errors.add("extension_workdays", _("This field is required."))
    elif days and days > deadlines.MAX_EXTENSION_WORKDAYS:
        errors.add(
            "extension_workdays",
            _("At most %(n)d working days.") % {"n": deadlines.MAX_EXTENSION_WORKDAYS},
        )
    reason = _note(data, errors, required=True, field="extension_reason")
    errors.raise_if_any()
    before = audit.snapshot(case, CASE_AUDIT_FIELDS)
    case.extension_state = Case.ExtensionState.ASKED
    case.extension_workdays, case.extension_reason = days, reason
    note = _("Extension of %(n)d working days asked: %(reason)s") % {"n": days, "reason": reason}
    return _save(
        actor, case, before, note, ["extension_state", "extension_workdays", "extension_reason"]
    )


def extension_asked(case):
    return case.extension_state == Case.ExtensionState.ASKED


@transaction.atomic
def decide_extension(actor, case, data):
    """A level above approves the extension (the deadline moves on) or refuses it."""
    case = _lock(actor, case, *OPEN)
    _require_above(actor, case)
    errors = Errors()
    if not extension_asked(case):
        errors.add("status", _("No extension has been asked for."))
    approved = _flag(data, "approved", errors, None)
    if approved is None and "approved" not in errors.by_field:
        errors.add("approved", _("Say whether the extension is approved."))
    note = _note(data, errors, required=approved is False)
    errors.raise_if_any()
    before = audit.snapshot(case, CASE_AUDIT_FIELDS)
    fields = ["extension_state"]
    if approved:
        case.extension_state = Case.ExtensionState.APPROVED
        case.due_on = workdays.add_workdays(case.due_on, case.extension_workdays)
        case.workdays += case.extension_workdays
        fields += ["due_on", "workdays"]
        message = _("Extension approved: due by %(date)s.") % {"date": case.due_on.isoformat()}
    else:
        case.extension_state = Case.ExtensionState.REFUSED
        message = _("Extension refused.")
    return _save(actor, case, before, f"{message} {note}".strip(), fields)


@transaction.atomic
def urge(actor, case, data):
    """催办: a level above reminds the handling union before the deadline."""
    case = _lock(actor, case, *OPEN)
    _require_above(actor, case)
    errors = Errors()
    if read.today() > case.due_on:
        errors.add("status", _("The deadline has passed: supervise the case instead."))
    note = _note(data, errors, required=True)
    errors.raise_if_any()
    before = audit.snapshot(case, CASE_AUDIT_FIELDS)
    case.urged_on = read.today()
    return _save(actor, case, before, _("Urged: %(note)s") % {"note": note}, ["urged_on"])


@transaction.atomic
def supervise(actor, case, data):
    """督办: a level above takes an overdue or reopened case under supervision."""
    case = _lock(actor, case, *OPEN)
    _require_above(actor, case)
    errors = Errors()
    if case.supervised:
        errors.add("status", _("The case is under supervision already."))
    elif read.today() <= case.due_on and not case.reopened:
        errors.add("status", _("The deadline has not passed: urge the case instead."))
    note = _note(data, errors, required=True)
    errors.raise_if_any()
    before = audit.snapshot(case, CASE_AUDIT_FIELDS)
    case.supervised = True
    return _save(actor, case, before, _("Supervised: %(note)s") % {"note": note}, ["supervised"])


def may_extend_court(case):
    return bool(case.court_referral) and not case.court_extended


@transaction.atomic
def extend_court(actor, case, data):
    """A court's referral is extended once, by 30 days."""
    case = _lock(actor, case, *OPEN)
    _require_handler(actor, case)
    errors = Errors()
    if not case.court_referral:
        errors.add("status", _("Only a case referred by a court has the court's deadline."))
    elif case.court_extended:
        errors.add("status", _("The court's deadline has been extended once already."))
    note = _note(data, errors, required=True)
    errors.raise_if_any()
    before = audit.snapshot(case, CASE_AUDIT_FIELDS)
    case.court_extended = True
    case.court_due_on = deadlines.court_due(case.received_on, extended=True)
    message = _("Court mediation extended to %(date)s: %(note)s") % {
        "date": case.court_due_on.isoformat(), "note": note,
    }  # fmt: skip
    return _save(actor, case, before, message, ["court_extended", "court_due_on"])


@transaction.atomic
def conclude(actor, case, data):
    """办结: the outcome, the answer the caller receives (for a case that cannot be
    resolved, the explanation: 办不了说明), the money recovered and workers helped; for a
    court's referral, judicial confirmation of the agreement or the feedback letter."""
    case = _lock(actor, case, Status.HANDLING)
    _require_handler(actor, case)
    errors = Errors()
    outcome = read.choice(data, "outcome", Case.Outcome, errors)
    answer = read.text(data, "answer", errors, max_length=4000)
    if not answer:
        errors.add(
            "answer",
            _("Explain to the caller why it cannot be resolved.")
            if outcome == Case.Outcome.CANNOT
            else _("Say what the caller is told."),
        )
    on = _on(data, errors, "concluded_on", case)
    recovered = read.money(data, "amount_recovered", errors)
    helped = read.whole_number(
        data, "workers_helped", errors, default=None, minimum=0, maximum=MOST
    )
    if helped is not None and helped > case.workers:
        errors.add(
            "workers_helped",
            _("At most the %(n)d workers the case concerns.") % {"n": case.workers},
        )
    if outcome == Case.Outcome.CANNOT and recovered:
        errors.add("amount_recovered", _("Nothing is recovered in a case that cannot be resolved."))
    confirmation = _flag(data, "judicial_confirmation", errors, False)
    focus = read.text(data, "dispute_focus", errors, max_length=2000)
    difficulty = read.text(data, "mediation_difficulty", errors, max_length=2000)
    if case.court_referral and outcome and outcome != Case.Outcome.RESOLVED:
        # The 委托调解反馈函 goes back to the court.
        if not focus:
            errors.add("dispute_focus", _("For the court: the points in dispute."))
        if not difficulty:
            errors.add("mediation_difficulty", _("For the court: why mediation failed."))
    if confirmation and not (case.court_referral and outcome == Case.Outcome.RESOLVED):
        errors.add(
            "judicial_confirmation",
            _("Only a court's case settled by agreement goes for judicial confirmation."),
        )
    errors.raise_if_any()
    before = audit.snapshot(case, CASE_AUDIT_FIELDS)
    case.status = Status.CONCLUDED if case.reply_wanted else Status.CLOSED
    case.outcome, case.answer, case.concluded_on = outcome, answer, on
    case.amount_recovered, case.workers_helped = recovered, helped
    case.judicial_confirmation, case.dispute_focus = confirmation, focus
    case.mediation_difficulty = difficulty
    fields = ["outcome", "answer", "concluded_on", "amount_recovered", "workers_helped"]
    if case.court_referral:  # what goes back to the court
        fields += ["judicial_confirmation", "dispute_focus", "mediation_difficulty"]
    return _save(actor, case, before, answer, fields)


def callback_from(case):
    """The first day of the call back: the working day after 办结."""
    return workdays.next_workday(case.concluded_on)


@transaction.atomic
def call_back(actor, case, data):
    """回访: the caller is asked how it went. Satisfied, the case is closed; unsatisfied, it
    is reopened, with a new deadline, under supervision from above (督办)."""
    case = _lock(actor, case, Status.CONCLUDED)
    _require_handler(actor, case)
    errors = Errors()
    on = read.date(data, "called_back_on", errors, default=read.today())
    first = callback_from(case)
    if on and on < first:
        errors.add(
            "called_back_on",
            _("The call back comes from the working day after the conclusion (%(date)s).")
            % {"date": first.isoformat()},
        )
    satisfaction = read.choice(data, "satisfaction", Case.Satisfaction, errors)
    note = _note(data, errors, required=satisfaction == Case.Satisfaction.UNSATISFIED)
    errors.raise_if_any()
    before = audit.snapshot(case, CASE_AUDIT_FIELDS)
    case.called_back_on, case.satisfaction = on, satisfaction
    fields = ["called_back_on", "satisfaction"]
    if satisfaction == Case.Satisfaction.UNSATISFIED:
        case.status, case.supervised = Status.HANDLING, True
        case.reopened += 1
        days = deadlines.allowed(case.union, case.kind, case.complexity)
        case.workdays, case.due_on = days, deadlines.due(on, days)
        fields += ["supervised", "reopened", "workdays", "due_on"]
        message = _("Unsatisfied; reopened under supervision, due by %(date)s: %(note)s") % {
            "date": case.due_on.isoformat(), "note": note,
        }  # fmt: skip
    else:
        case.status = Status.CLOSED
        message = f"{case.get_satisfaction_display()} {note}".strip()
    return _save(actor, case, before, message, fields)


def may_check(case):
    return case.checked_on is None


@transaction.atomic
def quality_check(actor, case, data):
    """质检: a closed case read again, passed or not, with a note."""
    case = _lock(actor, case, Status.CLOSED)
    errors = Errors()
    if not may_check(case):
        errors.add("status", _("This case has been checked already."))
    passed = _flag(data, "check_passed", errors, None)
    if passed is None and "check_passed" not in errors.by_field:
        errors.add("check_passed", _("Say whether the case passed the check."))
    note = _note(data, errors, required=passed is False, field="check_note")
    errors.raise_if_any()
    before = audit.snapshot(case, CASE_AUDIT_FIELDS)
    case.checked_on, case.check_passed, case.check_note = read.today(), passed, note
    message = (_("Quality check passed.") if passed else _("Quality check failed.")) + (
        f" {note}" if note else ""
    )
    return _save(actor, case, before, message, ["checked_on", "check_passed", "check_note"])


@transaction.atomic
def update(actor, case, data):
    """Correct what the case says (who called, about what, the employer) while it is open;
    its deadline follows a changed kind or complexity."""
    case = _lock(actor, case, *OPEN)
    _require_handler(actor, case)
    errors = Errors()
    values = _case_values(data, errors)
    errors.raise_if_any()
    before = audit.snapshot(case, CASE_AUDIT_FIELDS)
    if (values["kind"], values["complexity"]) != (case.kind, case.complexity):
        days = deadlines.allowed(case.union, values["kind"], values["complexity"])
        extra = case.extension_workdays if case.extension_state == "approved" else 0
        case.workdays = days + extra
        case.due_on = deadlines.due(case.received_on, case.workdays)
    _describe(case, values)
    fields = [
        *CASE_AUDIT_FIELDS, "phone_encrypted", "phone_index", "id_number_encrypted",
        "id_number_index", "person", "employer", "request", "court_name", "workdays",
    ]  # fmt: skip
    case.save(update_fields=sorted(set(fields) - {"received_on"}))
    audit.record(
        AuditEvent.Action.UPDATE,
        case,
        actor=actor,
        changes=audit.diff(before, audit.snapshot(case, CASE_AUDIT_FIELDS)),
        note=_note(data, errors),
    )
    return case


CALLER_CHANGES = ("caller_name", "phone_masked", "id_number_masked")


def case_timeline(user, case):
    """The case's timeline as `user` may read it: without the caller's name and numbers
    where the caller is hidden from them."""
    events = timeline(case)
    if may_see_caller(user, case):
        return events
    labels = field_labels(Case)
    hidden = {str(labels[name]) for name in CALLER_CHANGES}
    for event in events:
        event.changes = {k: v for k, v in event.changes.items() if k not in CALLER_CHANGES}
        event.change_rows = [row for row in event.change_rows if row[0] not in hidden]
    return events


@transaction.atomic
def set_deadlines(actor, data):
    """A level's own deadlines (working days) for each kind and complexity of case, for
    its subtree: a number sets it, an empty value goes back to the level above's (or the
    platform's default). All are saved or none; each wrong value is named by its cell
    ("complaint.general"). Cases already taken keep their deadline."""
    if not deadlines.may_set(actor):
        raise PermissionDenied(_("Only a union's administrator sets its deadlines."))
    union = actor.union
    errors = Errors()
    wanted = {}
    for kind in Case.Kind.values:
        for complexity in Case.Complexity.values:
            name = deadlines.field_name(kind, complexity)
            value = data.get(name)
            if value in (None, ""):
                wanted[(kind, complexity)] = None
                continue
            days = read.whole_number(data, name, errors, default=None, minimum=1)
            if days is not None and days > deadlines.MAX_WORKDAYS:
                errors.add(name, _("At most %(n)d working days.") % {"n": deadlines.MAX_WORKDAYS})
            elif days is not None:
                wanted[(kind, complexity)] = days
    errors.raise_if_any()
    rules = {(r.kind, r.complexity): r for r in DeadlineRule.objects.filter(union=union)}
    changes = {}
    for key, days in wanted.items():
        rule = rules.get(key)
        before = rule.workdays if rule else ""
        if days is None and rule is not None:
            rule.delete()
        elif days is not None and rule is None:
            DeadlineRule.objects.create(union=union, kind=key[0], complexity=key[1], workdays=days)
        elif days is not None and rule.workdays != days:
            rule.workdays = days
            rule.save(update_fields=["workdays"])
        after = days if days is not None else ""
        if str(before) != str(after):
            changes[deadlines.field_name(*key)] = [str(before), str(after)]
    if changes:
        audit.record(
            AuditEvent.Action.UPDATE, union, actor=actor, changes=changes,
            note=_("Case deadlines of %(union)s changed.") % {"union": union.name},
        )  # fmt: skip
    return union
