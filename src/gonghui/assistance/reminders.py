"""A user's worklist (待办提醒): what the files in their scope need next, and by when.

Each reminder names the file, what is due and the date, and how many working days are
left (negative: overdue), counted with the holiday calendar. Due dates are a calendar
span (six months, a year) and the notices' ends; only what falls due within
`WINDOW_WORKDAYS` or is overdue is listed.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gonghui.assistance.models import HardshipFile
from gonghui.assistance.services.files import REVIEW_MONTHS, VISIT_MONTHS, add_months
from gonghui.calendar import workdays
from gonghui.core import values
from gonghui.core.scope import scope_path

WINDOW_WORKDAYS = 10
Status = HardshipFile.Status

KINDS = {
    "review_application": _("application awaiting review"),
    "verification_visit": _("home visit before filing"),
    "post_notice": _("home visit done: post the public notice"),
    "notice_ends": _("public notice ends: file the household"),
    "visit_due": _("visit due (every six months)"),
    "annual_review": _("annual review due"),
    "exit_notice_ends": _("exit notice ends: confirm the exit"),
    "follow_up_ends": _("follow-up ends: close the file"),
}


@dataclass
class Reminder:
    file: HardshipFile
    kind: str
    due: dt.date
    workdays_left: int

    @property
    def label(self):
        return KINDS[self.kind]

    @property
    def overdue(self):
        return self.workdays_left < 0


def workdays_left(today, due):
    """Working days from today to due; negative when due has passed."""
    if due >= today:
        return workdays.workdays_between(today, due)
    return -workdays.workdays_between(due, today)


def due_dates(file, today):
    """(kind, due date) of what this file needs next."""
    if file.status == Status.APPLIED:
        yield "review_application", workdays.add_workdays(file.applied_on, WINDOW_WORKDAYS)
    elif file.status == Status.REVIEWED:
        yield "verification_visit", workdays.add_workdays(file.reviewed_on, WINDOW_WORKDAYS)
    elif file.status == Status.VISITED:
        yield "post_notice", workdays.add_workdays(file.last_visit_on, WINDOW_WORKDAYS)
    elif file.status == Status.NOTICE:
        yield "notice_ends", workdays.next_workday(file.notice_until)
    elif file.status == Status.EXIT_NOTICE:
        yield "exit_notice_ends", workdays.next_workday(file.exit_notice_until)
    elif file.status == Status.FOLLOW_UP:
        yield "follow_up_ends", file.follow_up_until
    if file.status in HardshipFile.ON_FILE:
        yield "visit_due", add_months(file.last_visit_on or file.filed_on, VISIT_MONTHS)
    if file.status == Status.FILED:
        yield "annual_review", add_months(file.last_review_on or file.filed_on, REVIEW_MONTHS)


def _may_fall_due(horizon):
    """The files that may have something due by `horizon`, so a province's user does not
    walk every open file: each due date is a column plus a span, so the condition is a
    column compared with a date (with a few days' slack for shorter months; `due_dates`
    then decides exactly)."""
    slack = dt.timedelta(days=3)
    visit = add_months(horizon, -VISIT_MONTHS) + slack
    review = add_months(horizon, -REVIEW_MONTHS) + slack
    return (
        Q(status=Status.APPLIED, applied_on__lte=horizon)
        | Q(status=Status.REVIEWED, reviewed_on__lte=horizon)
        | Q(status=Status.VISITED, last_visit_on__lte=horizon)
        | Q(status=Status.NOTICE, notice_until__lte=horizon)
        | Q(status=Status.EXIT_NOTICE, exit_notice_until__lte=horizon)
        | Q(status=Status.FOLLOW_UP, follow_up_until__lte=horizon)
        | Q(status__in=HardshipFile.ON_FILE, last_visit_on__lte=visit)
        | Q(status__in=HardshipFile.ON_FILE, last_visit_on__isnull=True, filed_on__lte=visit)
        | Q(status=Status.FILED, last_review_on__lte=review)
        | Q(status=Status.FILED, last_review_on__isnull=True, filed_on__lte=review)
    )


def first_due(file, today):
    """The earliest thing this file needs, whenever it falls due (None when nothing)."""
    dues = sorted(due_dates(file, today), key=lambda kind_due: kind_due[1])
    if not dues:
        return None
    kind, due = dues[0]
    return Reminder(file, kind, due, workdays_left(today, due))


def for_user(user, today=None, window=WINDOW_WORKDAYS):
    """The user's reminders, most urgent first."""
    path = scope_path(user)
    if path is None:
        return []
    today = today or values.today()
    horizon = workdays.add_workdays(today, window)
    files = (
        HardshipFile.objects.open()
        .in_subtree(path)
        .filter(_may_fall_due(horizon))
        .select_related("head", "union")
    )
    found = []
    for file in files.iterator(chunk_size=2000):
        for kind, due in due_dates(file, today):
            if due <= horizon:
                found.append(Reminder(file, kind, due, workdays_left(today, due)))
    found.sort(key=lambda r: (r.due, r.file.pk))
    return found
