"""Recording changes as AuditEvents (DESIGN rule 5).

Services call `record` themselves, inside their transaction, so bulk writes
and imports are audited as surely as single edits (no signals).
"""

from django.contrib.contenttypes.models import ContentType

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


def record(action, obj=None, *, actor=None, changes=None, note="", actor_name=None):
    ctx = current()
    return AuditEvent.objects.create(
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
