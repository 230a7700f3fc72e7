"""A hardship file's life (困难职工建档): every step goes through a function here.

application → review → home visit (入户核查) → public notice (公示, ≥ 5 working days) →
filed (建档) → visits (at least every 6 months) and annual reviews → exit (脱困: notice of
≥ 5 working days, then follow-up for ≥ 6 months, then closed) or removal (death,
re-assessment) → a new file when hardship returns (reopen).

Each step checks the actor's scope and role, locks the file, checks the step is allowed
from the file's status, and records an event (from → to, note) in one transaction.
"""

import calendar
import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from gonghui.assistance.models import HardshipFile, HomeVisit, HouseholdMember
from gonghui.calendar import workdays
from gonghui.core import audit, crypto
from gonghui.core import values as read
from gonghui.core.models import AuditEvent
from gonghui.core.scope import require_editor, require_visible
from gonghui.core.sealed import BANK_CARD, ID_NUMBER
from gonghui.core.validation import Errors
from gonghui.lib.identity import id_birth_date
from gonghui.members.models import Membership
from gonghui.members.services import find_person, one

NOTICE_WORKDAYS = 5  # 公示不少于5个工作日
VISIT_MONTHS = 6  # 每半年至少走访一次
REVIEW_MONTHS = 12  # 年度复核
FOLLOW_UP_MONTHS = 6  # 脱困后跟踪回访不少于6个月
FILE_AUDIT_FIELDS = (
    "union",
    "status",
    "category",
    "standard_level",
    "main_cause",
    "housing",
    "medical_insurance",
    "income_per_head",
    "bank_card_masked",
)
Status = HardshipFile.Status


def add_months(day, months):
    """The same day `months` later; the month's last day when it is shorter (31 Aug + 6
    months is 28 or 29 Feb)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# --- reading what the user gave -------------------------------------------------------


def _household_row(row, errors):
    values = {
        "relation": read.choice(row, "relation", HouseholdMember.Relation, errors),
        "name": read.text(row, "name", errors, required=True, max_length=50),
        "id_number": read.id_number(row, "id_number", errors),
        "work": read.choice(row, "work", HouseholdMember.Work, errors),
        "monthly_income": read.money(row, "monthly_income", errors, default=Decimal(0)),
        "health": read.choice(row, "health", HouseholdMember.Health, errors),
        "disability": read.choice(
            row, "disability", HouseholdMember.Disability, errors, required=False
        ),
    }
    if values["relation"] == HouseholdMember.Relation.SELF:
        errors.add("relation", _("The household head is entered above, not as a member."))
    return values


def _file_values(data, errors):
    """The household's description: category, causes, housing, card and members."""
    values = {
        "category": read.choice(data, "category", HardshipFile.Category, errors),
        "standard_level": read.choice(data, "standard_level", HardshipFile.StandardLevel, errors),
        "main_cause": read.choice(data, "main_cause", HardshipFile.Cause, errors),
        "other_causes": read.choices_list(data, "other_causes", HardshipFile.Cause, errors),
        "situation": read.text(data, "situation", errors, max_length=2000),
        "housing": read.choice(data, "housing", HardshipFile.Housing, errors),
        "medical_insurance": read.choice(
            data, "medical_insurance", HardshipFile.MedicalInsurance, errors
        ),
        "bank_name": read.text(data, "bank_name", errors, max_length=50),
        "bank_card": read.bank_card(data, "bank_card", errors),
        # The head's own line of the household table.
        "head_work": read.choice(data, "head_work", HouseholdMember.Work, errors),
        "head_income": read.money(data, "head_income", errors, default=Decimal(0)),
        "head_health": read.choice(data, "head_health", HouseholdMember.Health, errors),
        "head_disability": read.choice(
            data, "head_disability", HouseholdMember.Disability, errors, required=False
        ),
    }
    if values["main_cause"] and values["main_cause"] in values["other_causes"]:
        errors.add("other_causes", _("The main cause is not repeated among the others."))
    if values["bank_card"] and not values["bank_name"]:
        errors.add("bank_name", _("Name the bank of the card."))
    rows = data.get("household") or []
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        errors.add("household", _("List the household members, one entry each."))
        rows = []
    # Members are numbered from 1 in error names (household.1.name), as list rows are.
    values["household"] = [
        _household_row(row, read.Prefixed(errors, f"household.{n}."))
        for n, row in enumerate(rows, start=1)
    ]
    seen = {}
    for n, row in enumerate(values["household"], start=1):
        if row["id_number"] in seen:
            errors.add(
                f"household.{n}.id_number",
                _("Listed twice in this household (also member %(n)d).")
                % {"n": seen[row["id_number"]]},
            )
        elif row["id_number"]:
            seen[row["id_number"]] = n
    return values


def _head(data, errors, actor):
    """The household head: a registered person with a current membership in the scope."""
    number = read.id_number(data, "head_id_number", errors)
    if not number:
        return None, None
    person = find_person(number)
    membership = person and one(
        Membership.objects.current().filter(person=person).select_related("union")
    )
    if membership is None:
        errors.add(
            "head_id_number",
            _("A hardship file is opened for a current member; this person is not one."),
        )
        return None, None
    if not Membership.objects.visible_to(actor).filter(pk=membership.pk).exists():
        errors.add("head_id_number", _("This member belongs to a union outside your scope."))
        return None, None
    return person, membership.union


def _clashes(actor, indexes, errors, fields, exclude_file=None):
    """Refuse a person who is already of another open household (one open file per
    household; a person in two households is flagged by naming the other file, when the
    actor may see it: of another branch's file nothing is said, DESIGN rule 2)."""
    taken = list(
        HouseholdMember.objects.filter(
            id_number_index__in=indexes, file__status__in=HardshipFile.OPEN
        )
        .exclude(file=exclude_file)
        .select_related("file__union")
    )
    visible = visible_file_ids(actor, [m.file_id for m in taken])
    for member in taken:
        if member.file_id in visible:
            message = _("%(name)s is of the household of open file %(file)s (%(union)s).") % {
                "name": member.name,
                "file": member.file_id,
                "union": member.file.union,
            }
        else:
            message = _(
                "%(name)s is of the household of an open file of another union; ask the "
                "higher-level union to settle which household they belong to."
            ) % {"name": member.name}
        errors.add(fields[member.id_number_index], message)


def visible_file_ids(user, ids):
    """Which of these files the user may see (and so may be told about)."""
    return set(
        HardshipFile.objects.visible_to(user).filter(pk__in=ids).values_list("pk", flat=True)
    )


def _save_household(file, head, values):
    """Replace the file's household: the head's own line first, then the members."""
    file.household.all().delete()
    rows = [
        HouseholdMember(
            file=file,
            relation=HouseholdMember.Relation.SELF,
            name=head.name,
            id_number_encrypted=head.id_number_encrypted,
            id_number_index=head.id_number_index,
            id_number_masked=head.id_number_masked,
            birth_date=head.birth_date,
            work=values["head_work"],
            monthly_income=values["head_income"],
            health=values["head_health"],
            disability=values["head_disability"],
        )
    ]
    for row in values["household"]:
        number = row["id_number"]
        rows.append(
            HouseholdMember(
                file=file,
                relation=row["relation"],
                name=row["name"],
                **ID_NUMBER.columns(number),
                birth_date=id_birth_date(number),
                work=row["work"],
                monthly_income=row["monthly_income"],
                health=row["health"],
                disability=row["disability"],
            )
        )
    HouseholdMember.objects.bulk_create(rows)
    total = sum((r.monthly_income for r in rows), Decimal(0))
    file.income_per_head = (total / len(rows)).quantize(read.CENT)


def _describe(file, values):
    for field in (
        "category",
        "standard_level",
        "main_cause",
        "other_causes",
        "situation",
        "housing",
        "medical_insurance",
        "bank_name",
    ):
        setattr(file, field, values[field])
    if values["bank_card"]:
        BANK_CARD.apply(file, values["bank_card"])


def _check_household(actor, values, head, errors, exclude_file=None):
    rows = enumerate(values["household"], start=1)
    fields = {
        crypto.blind_index(row["id_number"]): f"household.{n}.id_number"
        for n, row in rows
        if row["id_number"]
    }
    if head is not None:
        if head.id_number_index in fields:
            errors.add(fields[head.id_number_index], _("This is the household head."))
        fields[head.id_number_index] = "head_id_number"
    _clashes(actor, list(fields), errors, fields, exclude_file)


# --- opening and describing -----------------------------------------------------------


@transaction.atomic
def apply(actor, data, reopens=None):
    """Open a file on a member's application (申请建档)."""
    require_editor(actor)
    errors = Errors()
    head, union = _head(data, errors, actor)
    values = _file_values(data, errors)
    applied_on = read.date(data, "applied_on", errors, default=read.today())
    errors.raise_if_any()
    open_file = one(HardshipFile.objects.open().filter(head=head))
    if open_file is not None:
        errors.add(
            "head_id_number",
            _("This household already has an open file (%(file)s, %(status)s).")
            % {"file": open_file.pk, "status": open_file.get_status_display()},
        )
    _check_household(actor, values, head, errors)
    errors.raise_if_any()
    file = HardshipFile(
        union=union, head=head, applied_on=applied_on, created_by=actor, reopens=reopens
    )
    _describe(file, values)
    try:
        with transaction.atomic():
            file.save()
    except IntegrityError:  # another request opened one for this household a moment ago
        errors.add("head_id_number", _("This household already has an open file."))
        errors.raise_if_any()
    _save_household(file, head, values)
    file.save(update_fields=["income_per_head"])
    audit.record(
        AuditEvent.Action.CREATE,
        file,
        actor=actor,
        changes=audit.diff({}, audit.snapshot(file, FILE_AUDIT_FIELDS)),
        note=_("Reopens file %(file)s.") % {"file": reopens.pk} if reopens else "",
    )
    return file


@transaction.atomic
def update(actor, file, data):
    """Correct the household's description (at an annual review, or when it changes)."""
    file = _lock(actor, file, *HardshipFile.OPEN)
    errors = Errors()
    values = _file_values(data, errors)
    errors.raise_if_any()
    _check_household(actor, values, file.head, errors, exclude_file=file)
    errors.raise_if_any()
    before = audit.snapshot(file, FILE_AUDIT_FIELDS)
    _describe(file, values)
    _save_household(file, file.head, values)
    file.save()
    audit.record(
        AuditEvent.Action.UPDATE,
        file,
        actor=actor,
        changes=audit.diff(before, audit.snapshot(file, FILE_AUDIT_FIELDS)),
        note=read.text(data, "note", errors),
    )
    return file


# --- the steps ------------------------------------------------------------------------


def _lock(actor, file, *statuses):
    """The file, locked for a step that `statuses` allow, if the actor may take it."""
    require_editor(actor)
    require_visible(actor, file)
    file = HardshipFile.objects.select_for_update().select_related("head").get(pk=file.pk)
    if file.status not in statuses:
        raise ValidationError(
            {
                "status": _("Not possible while the file is %(status)s.")
                % {"status": file.get_status_display()}
            }
        )
    return file


def _step(actor, file, status, note, fields=()):
    """Move the file to `status`, save `fields` with it, and record the event."""
    before = file.status
    file.status = status
    file.save(update_fields=["status", *fields])
    changes = {"status": [before, status]} if before != status else {}
    for name in fields:
        value = audit.display(getattr(file, name))
        if value:
            changes[name] = ["", value]
    audit.record(AuditEvent.Action.UPDATE, file, actor=actor, changes=changes, note=note)
    return file


def _note(data, errors, required=False):
    return read.text(data, "note", errors, required=required, max_length=500)


@transaction.atomic
def review(actor, file, data):
    """审核: accept the application for a home visit, or turn it down with a reason."""
    file = _lock(actor, file, Status.APPLIED)
    errors = Errors()
    accepted = data.get("accepted")
    if accepted not in (True, False):
        errors.add("accepted", _("Say whether the application is accepted."))
    note = _note(data, errors, required=accepted is False)
    on = read.date(data, "reviewed_on", errors, default=read.today())
    if on and on < file.applied_on:
        errors.add("reviewed_on", _("The review cannot come before the application."))
    errors.raise_if_any()
    file.reviewed_on = on
    if accepted:
        return _step(actor, file, Status.REVIEWED, note, ["reviewed_on"])
    file.closed_on = on
    return _step(actor, file, Status.REJECTED, note, ["reviewed_on", "closed_on"])


# Which kind of visit a file's status calls for, and the status the visit leads to.
VISIT_BY_STATUS = {
    Status.REVIEWED: (HomeVisit.Kind.VERIFICATION, Status.VISITED),
    Status.VISITED: (HomeVisit.Kind.VERIFICATION, Status.VISITED),
    Status.NOTICE: (HomeVisit.Kind.REGULAR, Status.NOTICE),
    Status.FILED: (HomeVisit.Kind.REGULAR, Status.FILED),
    Status.EXIT_NOTICE: (HomeVisit.Kind.REGULAR, Status.EXIT_NOTICE),
    Status.FOLLOW_UP: (HomeVisit.Kind.FOLLOW_UP, Status.FOLLOW_UP),
}


@transaction.atomic
def record_visit(actor, file, data):
    """入户核查 before filing, 走访 while on file, 回访 after exit."""
    file = _lock(actor, file, *VISIT_BY_STATUS)
    errors = Errors()
    on = read.date(data, "visited_on", errors)
    if on and on < file.applied_on:
        errors.add("visited_on", _("The visit cannot come before the application."))
    visitors = read.text(data, "visitors", errors, required=True)
    findings = read.text(data, "findings", errors, required=True, max_length=4000)
    errors.raise_if_any()
    kind, status = VISIT_BY_STATUS[file.status]
    visit = HomeVisit.objects.create(
        file=file, kind=kind, visited_on=on, visitors=visitors, findings=findings,
        recorded_by=actor,
    )  # fmt: skip
    fields = []
    if file.last_visit_on is None or on > file.last_visit_on:
        file.last_visit_on = on
        fields.append("last_visit_on")
    note = _("%(kind)s on %(date)s by %(visitors)s: %(findings)s") % {
        "kind": visit.get_kind_display(),
        "date": on.isoformat(),
        "visitors": visitors,
        "findings": findings,
    }
    _step(actor, file, status, note, fields)
    return visit


def _notice(data, errors, field, earliest):
    """The first day and the length of a public notice (公示), and its last day."""
    starts = read.date(data, field, errors, default=read.today(), not_future=False)
    days = read.whole_number(
        data, "workdays", errors, default=NOTICE_WORKDAYS, minimum=NOTICE_WORKDAYS
    )
    if starts and earliest and starts < earliest:
        errors.add(field, _("The notice cannot begin before %(date)s.") % {"date": earliest})
    if starts and starts > read.today() + dt.timedelta(days=31):
        errors.add(field, _("Post the notice within a month."))
    errors.raise_if_any()
    return starts, workdays.period_end(starts, days)


@transaction.atomic
def start_notice(actor, file, data):
    """公示: at least 5 working days, counted with the holiday calendar."""
    file = _lock(actor, file, Status.VISITED)
    errors = Errors()
    note = _note(data, errors)
    file.notice_from, file.notice_until = _notice(data, errors, "notice_from", file.last_visit_on)
    return _step(actor, file, Status.NOTICE, note, ["notice_from", "notice_until"])


def _after_notice(data, errors, field, until):
    """The day of the step after a notice: not before the notice has run its course."""
    on = read.date(data, field, errors, default=read.today())
    first = workdays.next_workday(until)
    if on and on < first:
        errors.add(
            field,
            _("The public notice runs until %(until)s; this step can be taken from %(first)s.")
            % {"until": until, "first": first},
        )
    return on


@transaction.atomic
def file_household(actor, file, data):
    """建档: once the notice has run its course without a founded objection."""
    file = _lock(actor, file, Status.NOTICE)
    errors = Errors()
    note = _note(data, errors)
    file.filed_on = _after_notice(data, errors, "filed_on", file.notice_until)
    errors.raise_if_any()
    return _step(actor, file, Status.FILED, note, ["filed_on"])


@transaction.atomic
def annual_review(actor, file, data):
    """年度复核: the household still qualifies (else exit or removal); may re-categorise."""
    file = _lock(actor, file, Status.FILED)
    errors = Errors()
    on = read.date(data, "reviewed_on", errors, default=read.today())
    if on and on < file.filed_on:
        errors.add("reviewed_on", _("The review cannot come before the filing."))
    category = read.choice(data, "category", HardshipFile.Category, errors, required=False)
    note = _note(data, errors)
    errors.raise_if_any()
    file.last_review_on = on
    fields = ["last_review_on"]
    if category and category != file.category:
        file.category = category
        fields.append("category")
    return _step(actor, file, Status.FILED, note, fields)


@transaction.atomic
def start_exit(actor, file, data):
    """脱困公示: the household has come out of hardship; a notice of ≥ 5 working days."""
    file = _lock(actor, file, Status.FILED)
    errors = Errors()
    note = _note(data, errors, required=True)
    file.exit_notice_from, file.exit_notice_until = _notice(
        data, errors, "exit_notice_from", file.filed_on
    )
    return _step(actor, file, Status.EXIT_NOTICE, note, ["exit_notice_from", "exit_notice_until"])


@transaction.atomic
def confirm_exit(actor, file, data):
    """脱困: the exit notice has run; the household is followed up for six months."""
    file = _lock(actor, file, Status.EXIT_NOTICE)
    errors = Errors()
    note = _note(data, errors)
    file.exited_on = _after_notice(data, errors, "exited_on", file.exit_notice_until)
    errors.raise_if_any()
    file.follow_up_until = add_months(file.exited_on, FOLLOW_UP_MONTHS)
    return _step(actor, file, Status.FOLLOW_UP, note, ["exited_on", "follow_up_until"])


@transaction.atomic
def close(actor, file, data):
    """销档: after at least six months of follow-up with at least one follow-up visit."""
    file = _lock(actor, file, Status.FOLLOW_UP)
    errors = Errors()
    note = _note(data, errors)
    on = read.date(data, "closed_on", errors, default=read.today())
    if on and on < file.follow_up_until:
        errors.add(
            "closed_on",
            _("Follow-up runs until %(date)s; the file can be closed from then.")
            % {"date": file.follow_up_until},
        )
    if not file.visits.filter(kind=HomeVisit.Kind.FOLLOW_UP).exists():
        errors.add("status", _("Record at least one follow-up visit before closing the file."))
    errors.raise_if_any()
    file.closed_on = on
    return _step(actor, file, Status.CLOSED, note, ["closed_on"])


@transaction.atomic
def remove(actor, file, data):
    """移除: the head died, or re-assessment found the household does not qualify."""
    file = _lock(actor, file, *HardshipFile.OPEN)
    errors = Errors()
    reason = read.choice(data, "removal_reason", HardshipFile.Removal, errors)
    note = _note(data, errors, required=True)
    on = read.date(data, "closed_on", errors, default=read.today())
    if on and on < file.applied_on:
        errors.add("closed_on", _("The removal cannot come before the application."))
    errors.raise_if_any()
    file.removal_reason, file.closed_on = reason, on
    if file.status in HardshipFile.ON_FILE:
        # Leaving the count of households on file, as an exit does.
        file.exited_on = on
    return _step(actor, file, Status.REMOVED, note, ["removal_reason", "closed_on", "exited_on"])


@transaction.atomic
def reopen(actor, file, data):
    """Hardship returned: a new application for the household, its description and members
    taken over from the old file unless given anew."""
    require_visible(actor, file)
    if file.status not in (Status.CLOSED, Status.REMOVED, Status.REJECTED):
        raise ValidationError(
            {"status": _("Only a closed, removed or refused file can be reopened.")}
        )
    if file.removal_reason == HardshipFile.Removal.DEATH:
        raise ValidationError({"status": _("The household head of this file has died.")})
    if hasattr(file, "reopened_by"):
        raise ValidationError(
            {
                "status": _("This file was reopened already as file %(file)s.")
                % {"file": file.reopened_by.pk}
            }
        )
    return apply(actor, {**description(file), **data}, reopens=file)


def description(file):
    """The file's description as `apply` and `update` take it, numbers whole: what a
    reopened file takes over, and what a partial correction (API PATCH) keeps."""
    data = {"head_id_number": crypto.decrypt(file.head.id_number_encrypted)}
    for field in (
        "category",
        "standard_level",
        "main_cause",
        "other_causes",
        "situation",
        "housing",
        "medical_insurance",
        "bank_name",
    ):
        data[field] = getattr(file, field)
    if file.bank_card_encrypted:
        data["bank_card"] = crypto.decrypt(file.bank_card_encrypted)
    members = list(file.household.all())
    head_line = next((m for m in members if m.relation == HouseholdMember.Relation.SELF), None)
    if head_line is not None:
        data["head_work"] = head_line.work
        data["head_income"] = head_line.monthly_income
        data["head_health"] = head_line.health
        data["head_disability"] = head_line.disability
    data["household"] = [
        {
            "relation": m.relation,
            "name": m.name,
            "id_number": crypto.decrypt(m.id_number_encrypted),
            "work": m.work,
            "monthly_income": m.monthly_income,
            "health": m.health,
            "disability": m.disability,
        }
        for m in members
        if m.relation != HouseholdMember.Relation.SELF
    ]
    return data


def clashes(file):
    """Other open files that share a household member with this one (a person in two
    households), for the file page's warning."""
    indexes = file.household.values_list("id_number_index", flat=True)
    return (
        HardshipFile.objects.open()
        .filter(household__id_number_index__in=indexes)
        .exclude(pk=file.pk)
        .distinct()
    )


def household_member_of_open_file(id_index):
    """The open file whose household holds this person, if any."""
    return one(
        HardshipFile.objects.open()
        .filter(household__id_number_index=id_index)
        .select_related("union")
    )
