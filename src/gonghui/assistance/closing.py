"""A closing union's hardship files, campaigns and assistance records (registered with
unions/closing.py by assistance/apps.py).

With a successor, everything passes to it, ended files and campaigns too: the successor
takes over the closed union's work and its books (合并后由存续工会承接), the households
whose members it now keeps included, so it sees a household's earlier files when one
reopens, and the help each was given. Each moved row gets an event saying why it moved.
A dissolve without a successor is refused while a file is open or a campaign has not
ended; what ended stays with the closed union, seen by the levels above it.
"""

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.assistance.models import AssistanceRecord, Campaign, HardshipFile
from gonghui.core import audit
from gonghui.core.models import AuditEvent


def hand_over(actor, union, successor):
    note = _("%(from)s closed; passed to %(to)s.") % {"from": union.name, "to": successor.name}
    changes = {"union": [str(union), str(successor)]}
    moved = [
        *HardshipFile.objects.select_for_update().select_related("head").filter(union=union),
        *Campaign.objects.select_for_update().filter(union=union),
        *AssistanceRecord.objects.select_for_update().filter(union=union),
    ]
    audit.write(
        audit.event(AuditEvent.Action.MOVE, row, actor=actor, changes=changes, note=note)
        for row in moved
    )
    for model in (HardshipFile, Campaign, AssistanceRecord):
        model.objects.filter(union=union).update(union=successor)


def holds(union):
    today = timezone.localdate()
    files = HardshipFile.objects.filter(union=union, status__in=HardshipFile.OPEN).count()
    running = Campaign.objects.filter(union=union, ends_on__gte=today).count()
    if not (files or running):
        return None
    return _(
        "%(name)s still has %(files)d open hardship files and %(campaigns)d campaigns not "
        "yet ended: name a successor to take them over."
    ) % {"name": union.name, "files": files, "campaigns": running}


def conflicts(union, successor):
    """A union holds one allocation of a campaign: the successor cannot take a second."""
    theirs = Campaign.objects.filter(union=successor, parent__isnull=False).values("parent")
    clashing = Campaign.objects.filter(Q(union=union) & Q(parent__in=theirs))
    return [
        _("%(successor)s already has an allocation of %(campaign)s and cannot take a second one.")
        % {"successor": successor.name, "campaign": campaign.parent.name}
        for campaign in clashing.select_related("parent")
    ]
