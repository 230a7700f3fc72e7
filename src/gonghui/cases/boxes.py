"""The workbench's boxes (my cases, to accept, due soon, overdue, to call back, extensions
to decide, the quality-check sample): each a queryset of the user's visible cases, used by
the list page, the API's `box` filter, the export and the home page's to-dos alike, so
they always count the same."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q
from django.db.models.functions import Mod
from django.utils.translation import gettext_lazy as _

from gonghui.calendar import workdays
from gonghui.cases import deadlines
from gonghui.cases.models import Case
from gonghui.core import values

Status = Case.Status


def own(user):
    """The user's own union's cases (every case for a platform administrator)."""
    return Q() if user.union_id is None else Q(union_id=user.union_id)


def _mine(user, qs, on):
    # Named, not "not closed": an index range on (union, status), closed cases skipped.
    return qs.filter(own(user), status__in=[*Case.OPEN, Status.CONCLUDED])


def _to_accept(user, qs, on):
    if user.union_id is None:
        return qs.filter(status=Status.TRANSFERRING)
    return qs.filter(transfer_to_id=user.union_id)


def _due_soon(user, qs, on):
    last = workdays.add_workdays(on, deadlines.DUE_SOON_WORKDAYS)
    return qs.open().filter(due_on__gte=on, due_on__lte=last)


def _overdue(user, qs, on):
    return qs.open().filter(due_on__lt=on)


def _call_back(user, qs, on):
    return qs.filter(status=Status.CONCLUDED)


def _extensions(user, qs, on):
    asked = qs.open().filter(extension_state=Case.ExtensionState.ASKED)
    return asked if user.union_id is None else asked.exclude(union_id=user.union_id)


SAMPLE = 10  # 质检: one closed case in ten, by number, so nobody picks which
SAMPLE_DAYS = 90


def _to_check(user, qs, on):
    """The quality-check sample: one in ten of the cases closed in the last 90 days (by
    id, so the sample is fixed and nobody chooses it), not yet checked."""
    recent = qs.filter(
        status=Status.CLOSED, checked_on__isnull=True,
        concluded_on__gte=on - dt.timedelta(days=SAMPLE_DAYS),
    )  # fmt: skip
    return recent.annotate(sample=Mod("id", SAMPLE)).filter(sample=0)


def _all(user, qs, on):
    return qs


@dataclass(frozen=True)
class Box:
    key: str
    label: str
    cases: object  # (user, visible queryset, today) → queryset
    ordering: tuple = ("due_on", "id")


BOXES = [
    Box("mine", _("my union's cases"), _mine),
    Box("accept", _("to accept"), _to_accept, ("received_on", "id")),
    Box("soon", _("due soon"), _due_soon),
    Box("overdue", _("overdue"), _overdue),
    Box("callback", _("to call back"), _call_back, ("concluded_on", "id")),
    Box("extension", _("extensions to decide"), _extensions),
    Box("check", _("quality-check sample"), _to_check, ("concluded_on", "id")),
    Box("all", _("all cases"), _all, ("-id",)),
]
BY_KEY = {box.key: box for box in BOXES}
DEFAULT = "mine"


# What the workbench's list shows of a case (a case has some seventy columns; fifty rows
# of them all cost more to load than to find): views.case_list and bench/cases.py.
LIST_FIELDS = (
    "number", "caller_name", "confidential", "kind", "subject", "status", "supervised",
    "extension_state", "received_on", "due_on", "union_path", "transfer_path",
    "union__name", "union__path", "transfer_to__name", "transfer_to__path",
)  # fmt: skip


def list_rows(queryset):
    """The queryset as the workbench's list loads it."""
    return queryset.select_related("union", "transfer_to").only(*LIST_FIELDS)


def narrow(box_key, user, queryset, on=None):
    """The box's cases among `queryset` (the user's visible cases), unordered; the
    default box for an unknown key."""
    box = BY_KEY.get(box_key) or BY_KEY[DEFAULT]
    return box.cases(user, queryset, on or values.today())


def cases_in(box_key, user, on=None):
    return narrow(box_key, user, Case.objects.visible_to(user), on)
