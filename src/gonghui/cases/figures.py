"""The figures of rights-protection work (维权服务统计) for a union's subtree and a period.

Counted in the database (GROUP BY), never by walking cases in Python. The page, the API
and the xlsx share these definitions (they all call `figures`). A case counts for the
union that handles it now and every union above it.

- Taken (受理): cases taken (received_on) in the period, by channel, kind, subject and month.
- Due (应办结): of the cases taken in the period, those whose deadline falls on or before
  the period's end, and those concluded by then although their deadline is later.
- Concluded (办结): of those, the ones concluded (办结, closed or waiting for the call
  back) by the period's end; on time (按时办结) when on or before their deadline. A case
  reopened after an unsatisfied call back counts as concluded again only once it is.
  办结率 = concluded ÷ due; 按时办结率 = on time ÷ due.
- Outcomes, money recovered (挽回经济损失) and workers helped: cases concluded in the period
  (concluded_on within it), whenever they were taken.
- Satisfaction (满意率): cases called back in the period; satisfied and basically
  satisfied ÷ called back.
- By unit: the same for each union directly below the one asked about (its whole subtree),
  and the union's own cases.
"""

from decimal import Decimal

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _

from gonghui.cases.models import Case
from gonghui.core.scope import ALL, OutOfScope
from gonghui.core.values import period
from gonghui.unions.lookups import union_for
from gonghui.unions.models import TradeUnion

ZERO = Decimal("0.00")
SHARE = Decimal("0.0001")
ENDED = list(Case.ENDED)
SATISFIED = [Case.Satisfaction.SATISFIED, Case.Satisfaction.BASICALLY]


def share(part, whole):
    return (Decimal(part) / Decimal(whole)).quantize(SHARE) if whole else None


def figures(user, union=None, start=None, end=None):
    """Every figure for `union`'s subtree (a TradeUnion or its code; the user's own union
    when None) from `start` to `end` (both included). Raises ValidationError naming the
    field for a bad union code or date, OutOfScope for a union outside the subtree."""
    if union is None or isinstance(union, str):
        union = union_for(user, union)
    elif not TradeUnion.objects.visible_to(user).filter(pk=union.pk).exists():
        raise OutOfScope(_("No such record."))
    start, end = period(start, end)
    path = union.path if union is not None else ALL
    # The handling union's subtree (not a case only being handed into it).
    cases = Case.objects.filter(union_path__startswith=path) if path != ALL else Case.objects.all()
    taken = cases.filter(received_on__gte=start, received_on__lte=end)
    return {
        "union": {"code": union.code, "name": union.name} if union is not None else None,
        "start": start,
        "end": end,
        "totals": totals(cases, taken, start, end),
        "by_channel": counted(taken, "channel", Case.Channel),
        "by_kind": counted(taken, "kind", Case.Kind),
        "by_subject": counted(taken, "subject", Case.Subject),
        "by_outcome": outcomes(cases, start, end),
        "by_month": by_month(taken),
        "by_unit": by_unit(union, cases, start, end),
    }


def _rates(taken, end):
    """Due, concluded, on time among cases taken in the period, as of its end."""
    concluded = Q(status__in=ENDED, concluded_on__lte=end)
    return taken.aggregate(
        taken=Count("pk"),
        due=Count("pk", filter=Q(due_on__lte=end) | concluded),
        concluded=Count("pk", filter=concluded),
        on_time=Count("pk", filter=concluded & Q(concluded_on__lte=F("due_on"))),
    )


def _results(cases, start, end):
    done = cases.filter(status__in=ENDED, concluded_on__gte=start, concluded_on__lte=end)
    money = done.aggregate(recovered=Sum("amount_recovered"), helped=Sum("workers_helped"))
    called = cases.filter(called_back_on__gte=start, called_back_on__lte=end).aggregate(
        called=Count("pk"), satisfied=Count("pk", filter=Q(satisfaction__in=SATISFIED))
    )
    return {
        "recovered": money["recovered"] or ZERO,
        "helped": money["helped"] or 0,
        **called,
    }


def totals(cases, taken, start, end):
    rates = _rates(taken, end)
    results = _results(cases, start, end)
    return {
        **rates,
        **results,
        "conclusion_rate": share(rates["concluded"], rates["due"]),
        "on_time_rate": share(rates["on_time"], rates["due"]),
        "satisfaction_rate": share(results["satisfied"], results["called"]),
        "open_overdue": cases.open().filter(due_on__lt=end).count(),
    }


def counted(taken, field, choices):
    found = dict(taken.values_list(field).annotate(n=Count("pk")).order_by())
    rows = [{"value": v, "label": str(label), "n": found.get(v, 0)} for v, label in choices.choices]
    return {"rows": rows, "total": sum(r["n"] for r in rows)}


def outcomes(cases, start, end):
    done = cases.filter(status__in=ENDED, concluded_on__gte=start, concluded_on__lte=end)
    found = {
        row["outcome"]: row
        for row in done.values("outcome")
        .annotate(n=Count("pk"), recovered=Sum("amount_recovered"))
        .order_by()
    }
    rows = [
        {"value": v, "label": str(label), "n": found.get(v, {}).get("n", 0),
         "recovered": found.get(v, {}).get("recovered") or ZERO}
        for v, label in Case.Outcome.choices
    ]  # fmt: skip
    return {
        "rows": rows,
        "total": {"n": sum(r["n"] for r in rows), "recovered": sum(r["recovered"] for r in rows)},
    }


def by_month(taken):
    """Cases taken each month of the period, by subject: {months, rows: [{label, counts}]}."""
    found = (
        taken.annotate(month=TruncMonth("received_on"))
        .values_list("month", "subject")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts, months = {}, set()
    for month, subject, n in found:
        month = month.date() if hasattr(month, "date") else month
        months.add(month)
        counts[(month, subject)] = n
    months = sorted(months)
    rows = [
        {"label": str(label), "counts": [counts.get((m, v), 0) for m in months]}
        for v, label in Case.Subject.choices
    ]
    return {
        "months": months,
        "rows": rows,
        "total": [sum(counts.get((m, v), 0) for v in Case.Subject.values) for m in months],
    }


def by_unit(union, cases, start, end):
    """The figures of each union directly below `union` (over its subtree) and of the
    union's own cases; for the whole platform, the top-level unions. One grouped query
    (by handling union), summed up to the unit each union lies in by its path."""
    children = (
        TradeUnion.objects.filter(parent=union)
        if union is not None
        else (TradeUnion.objects.filter(parent__isnull=True))
    )
    units = {c.pk: {"code": c.code, "name": c.name, "own": False} for c in children}
    if union is not None:
        units[union.pk] = {"code": union.code, "name": union.name, "own": True}
    depth = len(union.path.strip("/").split("/")) if union is not None else 0
    taken = Q(received_on__gte=start, received_on__lte=end)
    concluded = Q(status__in=ENDED, concluded_on__lte=end)
    done = Q(status__in=ENDED, concluded_on__gte=start, concluded_on__lte=end)
    called = Q(called_back_on__gte=start, called_back_on__lte=end)
    grouped = (
        cases.filter(taken | done | called)
        .values("union_path")
        .annotate(
            taken=Count("pk", filter=taken),
            due=Count("pk", filter=taken & (Q(due_on__lte=end) | concluded)),
            concluded=Count("pk", filter=taken & concluded),
            on_time=Count("pk", filter=taken & concluded & Q(concluded_on__lte=F("due_on"))),
            recovered=Sum("amount_recovered", filter=done),
            helped=Sum("workers_helped", filter=done),
            called=Count("pk", filter=called),
            satisfied=Count("pk", filter=called & Q(satisfaction__in=SATISFIED)),
        )
        .order_by()
    )
    sums = {}
    keys = ("taken", "due", "concluded", "on_time", "recovered", "helped", "called", "satisfied")
    for row in grouped:
        ids = [int(part) for part in row["union_path"].strip("/").split("/")]
        unit = ids[depth] if len(ids) > depth else ids[-1]  # a child's subtree, or the union
        total = sums.setdefault(unit, dict.fromkeys(keys, 0))
        for key in keys:
            total[key] += row[key] or 0
    rows = []
    for pk, unit in sorted(units.items(), key=lambda item: (item[1]["own"], item[1]["code"])):
        found = sums.get(pk)
        if found is None and not unit["own"]:
            continue
        found = found or dict.fromkeys(keys, 0)
        rows.append({
            **unit, **found, "recovered": Decimal(found["recovered"]).quantize(ZERO),
            "conclusion_rate": share(found["concluded"], found["due"]),
            "on_time_rate": share(found["on_time"], found["due"]),
            "satisfaction_rate": share(found["satisfied"], found["called"]),
        })  # fmt: skip
    return rows
