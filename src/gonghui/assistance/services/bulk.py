"""Long lists of assistance records (a season's distribution lists, records taken over
from another system): every row checked as records.record_list checks it, then written
with one insert and one batch of audit events instead of a save and an event per row.
"""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gonghui.assistance import values as read
from gonghui.assistance.models import AssistanceRecord
from gonghui.assistance.services.records import RECORD_AUDIT_FIELDS, Batch, _check
from gonghui.core import audit, crypto
from gonghui.core.context import current
from gonghui.core.models import AuditEvent
from gonghui.core.scope import require_editor
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
