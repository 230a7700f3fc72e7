"""Cases when the union tree changes: a closing union's cases (registered with
unions/closing.py by cases/apps.py), and a moved subtree's paths (unions/moving.py).

With a successor, the cases it handles pass to it, ended ones too (the successor keeps the
closed union's books), and a case being handed to the closing union comes back to its
sender with a note. A dissolve without a successor is refused while it handles an open
case or one is being handed to it; ended cases stay with it, seen by the levels above.
"""

from django.db.models import F, Q, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _

from gonghui.cases.models import Case
from gonghui.core import audit
from gonghui.core.models import AuditEvent


def hand_over(actor, union, successor):
    note = _("%(from)s closed; passed to %(to)s.") % {"from": union.name, "to": successor.name}
    moved = list(Case.objects.select_for_update().filter(union=union))
    audit.write(
        audit.event(
            AuditEvent.Action.MOVE,
            case,
            actor=actor,
            changes={"union": [str(union), str(successor)]},
            note=note,
        )
        for case in moved
    )
    Case.objects.filter(union=union).update(union=successor, union_path=successor.path)
    returned = list(Case.objects.select_for_update().filter(transfer_to=union))
    note = _("%(union)s closed: the hand-over is void.") % {"union": union.name}
    audit.write(
        audit.event(
            AuditEvent.Action.UPDATE,
            case,
            actor=actor,
            changes={"status": [Case.Status.TRANSFERRING, Case.Status.HANDLING]},
            note=note,
        )
        for case in returned
    )
    Case.objects.filter(transfer_to=union).update(
        transfer_to=None, transfer_path="", status=Case.Status.HANDLING
    )


def follow_move(old_path, new_path):
    """A subtree moved: the cases' copies of its paths follow (unions/moving.py)."""
    for field in ("union_path", "transfer_path"):
        Case.objects.filter(**{f"{field}__startswith": old_path}).update(
            **{field: Concat(Value(new_path), Substr(F(field), len(old_path) + 1))}
        )


def holds(union):
    held = Case.objects.open().filter(Q(union=union) | Q(transfer_to=union)).count()
    if not held:
        return None
    return _("%(name)s still has %(n)d open cases: name a successor to take them over.") % {
        "name": union.name,
        "n": held,
    }
