"""How long a case may take, in working days (the platform's calendar, 调休 included).

The platform's defaults follow the 12351 rules the seeds describe: a question or a call
for help is answered within 3 working days, a complaint or a suggestion within 13, legal
aid by how hard the case is. A level may set its own for its subtree (DeadlineRule); the
nearest level's rule wins. A court's referral (诉调对接) runs on the court's own clock: 30
days, with one extension of 30.
"""

import datetime as dt

from gonghui.calendar import workdays
from gonghui.cases.models import Case, DeadlineRule

Kind, Complexity = Case.Kind, Case.Complexity

DEFAULTS = {
    Kind.CONSULTATION: {c: 3 for c in Complexity.values},
    Kind.SERVICE: {c: 3 for c in Complexity.values},
    Kind.COMPLAINT: {c: 13 for c in Complexity.values},
    Kind.SUGGESTION: {c: 13 for c in Complexity.values},
    Kind.LEGAL_AID: {Complexity.GENERAL: 10, Complexity.DIFFICULT: 20, Complexity.COMPLEX: 30},
}
COURT_DAYS = 30  # 委派/委托调解: 30 days
COURT_EXTENSION_DAYS = 30  # once
MAX_EXTENSION_WORKDAYS = 30
MAX_WORKDAYS = 120  # a level's own deadline: at most (and at least 1; models.py)
DUE_SOON_WORKDAYS = 2  # the workbench's "due soon" and the 催办 window


def ancestor_ids(union):
    """The ids on the union's path, the union itself last ("/1/23/456/" → [1, 23, 456])."""
    return [int(part) for part in union.path.strip("/").split("/") if part]


def rules_for(union):
    """{(kind, complexity): (working days, the union whose rule it is, or None)} for cases
    handled by `union`: its own and its ancestors' rules over the defaults."""
    found = {
        (kind, complexity): (days, None)
        for kind, by_complexity in DEFAULTS.items()
        for complexity, days in by_complexity.items()
    }
    ids = ancestor_ids(union)
    depth = {pk: n for n, pk in enumerate(ids)}
    rules = DeadlineRule.objects.filter(union_id__in=ids).select_related("union")
    for rule in sorted(rules, key=lambda r: depth[r.union_id]):  # the nearest level last
        found[(rule.kind, rule.complexity)] = (rule.workdays, rule.union)
    return found


def allowed(union, kind, complexity):
    """Working days allowed for a case of `kind` and `complexity` handled by `union`."""
    return rules_for(union)[(kind, complexity)][0]


def due(received_on, days):
    """The last day of `days` working days counted from the day after it was taken."""
    return workdays.add_workdays(received_on, days)


def court_due(received_on, extended=False):
    days = COURT_DAYS + (COURT_EXTENSION_DAYS if extended else 0)
    return received_on + dt.timedelta(days=days)


def workdays_left(case, on):
    """Working days from `on` to the deadline (0 on the day itself, negative when over)."""
    return workdays.workdays_between(on, case.due_on)


def is_overdue(case, on):
    return case.is_open and case.due_on < on


def is_due_soon(case, on):
    return case.is_open and on <= case.due_on <= workdays.add_workdays(on, DUE_SOON_WORKDAYS)


def may_set(actor):
    """Administrators set their own level's deadlines (for their subtree)."""
    return bool(getattr(actor, "can_manage_users", False)) and actor.union_id is not None


def field_name(kind, complexity):
    return f"{kind}.{complexity}"
