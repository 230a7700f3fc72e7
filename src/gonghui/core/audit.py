"""Recording changes as AuditEvents (DESIGN rule 5).

Services call `record` themselves, inside their transaction, so bulk writes
and imports are audited as surely as single edits (no signals). Every event,
one or a batch (the demo), is written by `write`, which chains it by hash to
the event before: nothing else inserts AuditEvents.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.context import current
from gonghui.core.models import AuditEvent


def display(value):
    """A value as a person reads it in a timeline: model instances by name, None as blank."""
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def snapshot(obj, fields):
    """Field name → value as text. Choice fields keep their stored value, so the trail
    does not depend on the language of the request; timelines show the label."""
    return {name: display(getattr(obj, name)) for name in fields}


def diff(before, after):
    """{field: [before, after]} for the fields whose displayed value changed."""
    return {k: [before.get(k, ""), v] for k, v in after.items() if before.get(k, "") != v}


# Any constant: the one advisory lock that writers of the audit trail take in turn.
CHAIN_LOCK = 0x6761756469  # "gaudi"
BATCH = 2000


def _lock_chain():
    """Writers take their turn until their transaction ends, so each reads the hash the
    previous one left. SQLite needs nothing: transactions there start IMMEDIATE, one
    writer at a time for the whole database."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK])


def write(events):
    """Insert unsaved AuditEvents in order, each carrying the hash of the one before."""
    events = list(events)
    if not events:
        return events
    with transaction.atomic():
        _lock_chain()
        prev = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first() or ""
        now = timezone.now()
        for event in events:
            if event.at is None:
                event.at = now
            event.prev_hash = prev
            event.hash = prev = event.compute_hash(prev)
        AuditEvent.objects.bulk_create(events, batch_size=BATCH)
    return events


def event(action, obj=None, *, actor=None, changes=None, note="", actor_name=None):
    """An unsaved event of the current request or job, for `write` (many at once)."""
    ctx = current()
    return AuditEvent(
        actor=actor if actor and actor.pk else None,
        actor_name=actor_name or (actor.get_username() if actor else ""),
        action=action,
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False)
        if obj is not None
        else None,
        object_id=obj.pk if obj is not None else None,
        object_repr=str(obj)[:200] if obj is not None else "",
        changes=changes or {},
        note=note,
        request_id=ctx.request_id,
        ip=ctx.ip,
        via=ctx.via,
    )


def record(action, obj=None, *, actor=None, changes=None, note="", actor_name=None):
    [written] = write(
        [event(action, obj, actor=actor, changes=changes, note=note, actor_name=actor_name)]
    )
    return written


def verify(chunk=5000):
    """Walk the chain in insertion order; returns (id, problem) for every row whose content
    no longer gives its hash (edited) and every break in the links (rows deleted). The first
    row may point past the start only to rows that `gonghui audit purge` removed."""
    anchors = {
        (changes.get("last_hash") or ["", ""])[1]
        for changes in AuditEvent.objects.filter(action=AuditEvent.Action.PURGE).values_list(
            "changes", flat=True
        )
    }
    problems = []
    prev = None  # (id, stored hash) of the row before
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=chunk):
        if prev is None:
            if event.prev_hash and event.prev_hash not in anchors:
                problems.append((event.pk, _("rows before it are missing (deleted, not purged)")))
        elif event.prev_hash != prev[1]:
            problems.append(
                (
                    event.pk,
                    _("the chain breaks after id %(prev)d: a row between was deleted or changed")
                    % {"prev": prev[0]},
                )
            )
        if event.compute_hash(event.prev_hash) != event.hash:
            problems.append((event.pk, _("its content was changed after it was written")))
        prev = (event.pk, event.hash)
    return problems
