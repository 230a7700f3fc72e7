"""Long lists: a season's distribution lists of assistance records, a round's sheet of home
visits. Every row is checked as records.record_list and files.record_visit check it, then
written with one insert and one batch of audit events instead of a save and an event per
row (what the rows make, and their events, are the same).
"""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gonghui.assistance.models import AssistanceRecord, HardshipFile, HomeVisit
from gonghui.assistance.services.files import VISIT_BY_STATUS
from gonghui.assistance.services.records import RECORD_AUDIT_FIELDS, Batch, _check
from gonghui.core import audit, crypto
from gonghui.core import values as read
from gonghui.core.context import current
from gonghui.core.models import AuditEvent
from gonghui.core.scope import require_editor, require_visible
from gonghui.core.sealed import id_number_fields
from gonghui.core.validation import Errors
from gonghui.lib.identity import mask_card
from gonghui.members.models import Person


@transaction.atomic
def record_many(actor, rows, common=None):
    """Record every row or none: `common` holds for each row unless it says otherwise;
    errors are named `rows.N.field`, N counted from 1. Returns the saved records."""
    require_editor(actor)
    if not rows:
        raise ValidationError({"rows": _("The list is empty.")})
    errors, batch, checked = Errors(), Batch(), []
    for n, row in enumerate(rows, start=1):
        data = {**(common or {}), **{k: v for k, v in row.items() if v not in (None, "")}}
        label = _("row %(n)d") % {"n": n}
        checked.append(_check(actor, data, read.Prefixed(errors, f"rows.{n}."), batch, label))
    errors.raise_if_any()
    numbers = [values.pop("id_number") for values in checked]
    indexes = [crypto.blind_index(number) for number in numbers]
    persons = dict(
        Person.objects.filter(id_number_index__in=set(indexes)).values_list("id_number_index", "pk")
    )
    made = []
    for values, number, index in zip(checked, numbers, indexes, strict=True):
        card, file = values.pop("card"), values["file"]
        record = AssistanceRecord(
            **values, person_id=persons.get(index), **id_number_fields(number), recorded_by=actor
        )
        if card:
            record.card_encrypted, record.card_masked = crypto.encrypt(card), mask_card(card)
        elif file is not None and file.bank_card_encrypted:
            # Paid to the card on the household's file unless another is named.
            record.card_encrypted = file.bank_card_encrypted
            record.card_masked = file.bank_card_masked
        made.append(record)
    AssistanceRecord.objects.bulk_create(made)
    ctx, kind = (
        current(),
        ContentType.objects.get_for_model(AssistanceRecord, for_concrete_model=False),
    )
    audit.write(
        AuditEvent(
            actor=actor if actor.pk else None,
            actor_name=actor.get_username(),
            action=AuditEvent.Action.CREATE,
            content_type=kind,
            object_id=record.pk,
            object_repr=str(record)[:200],
            changes=audit.diff({}, audit.snapshot(record, RECORD_AUDIT_FIELDS)),
            request_id=ctx.request_id,
            ip=ctx.ip,
            via=ctx.via,
        )
        for record in made
    )
    return made


@transaction.atomic
def record_visits(actor, file, rows):
    """Several visits to one household at once (a round's visit sheet, 走访台账): each row
    checked as files.record_visit checks it, errors named `rows.N.field`; the visits are
    written in one insert, each with the event record_visit writes. Returns the visits."""
    require_editor(actor)
    require_visible(actor, file)
    file = HardshipFile.objects.select_for_update().get(pk=file.pk)
    if file.status not in VISIT_BY_STATUS:
        raise ValidationError(
            {
                "status": _("Not possible while the file is %(status)s.")
                % {"status": file.get_status_display()}
            }
        )
    errors, checked = Errors(), []
    for n, row in enumerate(rows, start=1):
        row_errors = read.Prefixed(errors, f"rows.{n}.")
        on = read.date(row, "visited_on", row_errors)
        if on and on < file.applied_on:
            row_errors.add("visited_on", _("The visit cannot come before the application."))
        visitors = read.text(row, "visitors", row_errors, required=True)
        findings = read.text(row, "findings", row_errors, required=True, max_length=4000)
        checked.append((on, visitors, findings))
    if not rows:
        errors.add("rows", _("The list is empty."))
    errors.raise_if_any()
    kind, status = VISIT_BY_STATUS[file.status]
    visits = HomeVisit.objects.bulk_create(
        HomeVisit(file=file, kind=kind, visited_on=on, visitors=visitors, findings=findings,
                  recorded_by=actor)
        for on, visitors, findings in sorted(checked, key=lambda row: row[0])
    )  # fmt: skip
    ctx, kind_type = current(), ContentType.objects.get_for_model(HardshipFile, False)
    events, before = [], file.status
    for visit in visits:
        changes = {"status": [before, status]} if before != status else {}
        before = status
        if file.last_visit_on is None or visit.visited_on > file.last_visit_on:
            file.last_visit_on = visit.visited_on
            changes["last_visit_on"] = ["", audit.display(visit.visited_on)]
        note = _("%(kind)s on %(date)s by %(visitors)s: %(findings)s") % {
            "kind": visit.get_kind_display(),
            "date": visit.visited_on.isoformat(),
            "visitors": visit.visitors,
            "findings": visit.findings,
        }
        events.append(
            AuditEvent(
                actor=actor if actor.pk else None, actor_name=actor.get_username(),
                action=AuditEvent.Action.UPDATE, content_type=kind_type, object_id=file.pk,
                object_repr=str(file)[:200], changes=changes, note=note,
                request_id=ctx.request_id, ip=ctx.ip, via=ctx.via,
            )
        )  # fmt: skip
    file.status = status
    file.save(update_fields=["status", "last_visit_on"])
    audit.write(events)
    return visits
