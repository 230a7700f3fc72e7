"""The figures of hardship work (帮扶工作统计) for a union's subtree and a period.

Every figure is counted in the database (GROUP BY), never by walking records in Python:
a province keeps about 10^5 files and 10^6 assistance records. The definitions, which the
page, the API and the xlsx share (they all call `figures`):

Households (困难职工家庭), by category, for files kept by a union in the subtree:
- on file at the period's end (期末在档): filed_on ≤ end, and exited_on empty or after
  the end. A file exited on the last day of the period is no longer on file at its end.
- filed in the period (新建档): filed_on within the period.
- exited in the period (脱困): exited_on within the period and the exit was confirmed
  (the file has a follow-up period, which only `confirm_exit` sets).
- removed in the period (移除): exited_on within the period without a confirmed exit:
  a file removed while on file (death, re-assessment), the day of the removal. A file
  removed during its follow-up had already left the count at its exit and counts there.
  Applications never filed (refused, withdrawn, still under way) count nowhere.
- The category is the file's current one (an annual review may change it).

Assistance (帮扶), active records only (a cancelled record does not count), given
(given_on) within the period by a union in the subtree (the giving union, as the record
list's union filter has it: a county's payment to a grassroots household is the county's):
- person-times (人次) = the number of records; amount = the sum of their cash amounts (goods
  only records count a person-time with no amount), by kind;
- the same by campaign, each allocation's records under its root campaign (the campaign
  at the top of its allocation tree: name, season, year), and a line for records given
  outside any campaign.

Budgets (预算执行), for the campaigns run by a union in the subtree whose period overlaps
the period: the top-most campaigns within the subtree (those not allocated from a campaign
of a union in the subtree, so an allocation inside the subtree is not counted twice),
each with its budget, what the active records of its whole allocation tree spent (all of
them, whatever their date: the budget is the campaign's whole budget) and the share used.
"""

from decimal import Decimal

from django.db import connection
from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from gonghui.assistance.models import AssistanceRecord, Campaign, HardshipFile
from gonghui.core import values as read
from gonghui.core.scope import ALL, OutOfScope
from gonghui.core.values import period
from gonghui.unions.lookups import union_for
from gonghui.unions.models import TradeUnion

ZERO = Decimal("0.00")
SHARE = Decimal("0.0001")
SEASON_ORDER = {season: i for i, season in enumerate(Campaign.Season.values)}


# --- what was asked ---------------------------------------------------------------------


# --- the figures -----------------------------------------------------------------------


def figures(user, union=None, start=None, end=None):
    """Every figure for `union`'s subtree (a TradeUnion or its code; the user's own union
    when None) from `start` to `end` (both included), as plain dicts, lists, ints, Decimals
    and dates. Raises ValidationError naming the field for a bad union code or date, and
    OutOfScope for a union instance outside the user's subtree."""
    if union is None or isinstance(union, str):
        union = union_for(user, union)
    elif not TradeUnion.objects.visible_to(user).filter(pk=union.pk).exists():
        raise OutOfScope(_("No such record."))
    start, end = period(start, end)
    path = union.path if union is not None else ALL
    return {
        "union": {"code": union.code, "name": union.name} if union is not None else None,
        "start": start,
        "end": end,
        "households": households(path, start, end),
        "by_kind": assistance_by_kind(path, start, end),
        "by_campaign": assistance_by_campaign(path, start, end),
        "budgets": budgets(path, start, end),
    }


def _in_subtree(path, lookup):
    return Q() if path == ALL else Q(**{f"{lookup}__startswith": path})


def households(path, start, end):
    """Files on file at the end, filed, exited and removed in the period, by category."""
    exited = Q(exited_on__gte=start, exited_on__lte=end)
    counted = (
        HardshipFile.objects.filter(_in_subtree(path, "union__path"), filed_on__lte=end)
        .filter(Q(exited_on__isnull=True) | Q(exited_on__gte=start))
        .values("category")
        .annotate(
            on_file=Count("pk", filter=Q(exited_on__isnull=True) | Q(exited_on__gt=end)),
            filed=Count("pk", filter=Q(filed_on__gte=start)),
            exited=Count("pk", filter=exited & Q(follow_up_until__isnull=False)),
            removed=Count("pk", filter=exited & Q(follow_up_until__isnull=True)),
        )
        .order_by()
    )
    by_category = {row["category"]: row for row in counted}
    rows = []
    for value, label in HardshipFile.Category.choices:
        row = by_category.get(value, {})
        rows.append(
            {
                "category": value,
                "label": str(label),
                **{k: row.get(k, 0) for k in ("on_file", "filed", "exited", "removed")},
            }
        )
    total = {k: sum(r[k] for r in rows) for k in ("on_file", "filed", "exited", "removed")}
    return {"rows": rows, "total": total}


def _records(path, start, end):
    """Active records given in the period by a union in the subtree."""
    return AssistanceRecord.objects.filter(
        _in_subtree(path, "union__path"),
        cancelled_at__isnull=True,
        given_on__gte=start,
        given_on__lte=end,
    )


def assistance_by_kind(path, start, end):
    """Person-times and amounts by kind of assistance (every kind, zeros too)."""
    counted = (
        _records(path, start, end)
        .values("kind")
        .annotate(person_times=Count("pk"), amount=Sum("amount"))
        .order_by()
    )
    by_kind = {row["kind"]: row for row in counted}
    rows = []
    for value, label in AssistanceRecord.Kind.choices:
        row = by_kind.get(value, {})
        rows.append(
            {
                "kind": value,
                "label": str(label),
                "person_times": row.get("person_times", 0),
                "amount": _money(row.get("amount")),
            }
        )
    return {"rows": rows, "total": _total(rows)}


def _total(rows):
    return {
        "person_times": sum(r["person_times"] for r in rows),
        "amount": sum((r["amount"] for r in rows), ZERO),
    }


def _money(value):
    return ZERO if value is None else Decimal(value).quantize(read.CENT)


def _cents(value):
    """A sum of cents from the database (int, or Decimal from PostgreSQL) as yuan."""
    return ZERO if value is None else (Decimal(int(value)) / 100).quantize(read.CENT)


def _share(spent, budget):
    return (spent / budget).quantize(SHARE) if budget else None


def _names():
    """Quoted table and column names for the raw queries below."""
    q = connection.ops.quote_name
    record, campaign = AssistanceRecord._meta, Campaign._meta
    return {
        "record": q(record.db_table),
        "campaign": q(campaign.db_table),
        "r_id": q(record.pk.column),
        "r_campaign": q(record.get_field("campaign").column),
        "r_amount": q(record.get_field("amount").column),
        "r_cancelled": q(record.get_field("cancelled_at").column),
        "c_id": q(campaign.pk.column),
        "c_parent": q(campaign.get_field("parent").column),
    }


# Yuan summed as whole cents: exact on SQLite too, where decimals are stored as REAL.
CENTS = "SUM(CAST(ROUND({amount} * 100) AS BIGINT))"


def assistance_by_campaign(path, start, end):
    """Person-times and amounts by root campaign, in one query: the records of the period
    grouped by the root of their campaign's allocation tree, found by walking up from each
    campaign that has records (a recursive query, as deep as the tree is)."""
    records = _records(path, start, end).values("campaign_id", "amount").order_by()
    given_sql, given_params = records.query.sql_with_params()
    n = _names()
    sql = f"""
        WITH RECURSIVE period_records (campaign_id, amount) AS ({given_sql}),
        ancestry (start_id, id, parent_id) AS (
            SELECT c.{n["c_id"]}, c.{n["c_id"]}, c.{n["c_parent"]} FROM {n["campaign"]} c
            WHERE c.{n["c_id"]} IN (SELECT campaign_id FROM period_records)
            UNION ALL
            SELECT ancestry.start_id, c.{n["c_id"]}, c.{n["c_parent"]}
            FROM ancestry JOIN {n["campaign"]} c ON c.{n["c_id"]} = ancestry.parent_id
        )
        SELECT ancestry.id, COUNT(*), {CENTS.format(amount="period_records.amount")}
        FROM period_records LEFT JOIN ancestry
            ON ancestry.start_id = period_records.campaign_id AND ancestry.parent_id IS NULL
        GROUP BY ancestry.id
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, given_params)
        counted = {root: (times, _cents(cents)) for root, times, cents in cursor.fetchall()}
    roots = (
        Campaign.objects.filter(pk__in=[pk for pk in counted if pk is not None])
        .only("pk", "name", "season", "year")
        .order_by()
    )
    rows = [
        {
            "campaign": root.pk,
            "name": root.name,
            "season": root.season,
            "season_label": root.get_season_display(),
            "year": root.year,
            "person_times": counted[root.pk][0],
            "amount": counted[root.pk][1],
        }
        for root in roots
    ]
    rows.sort(
        key=lambda r: (-r["year"], SEASON_ORDER.get(r["season"], 99), r["name"], r["campaign"])
    )
    if None in counted:
        rows.append(
            {
                "campaign": None,
                "name": _("Outside any campaign"),
                "season": "",
                "season_label": "",
                "year": None,
                "person_times": counted[None][0],
                "amount": counted[None][1],
            }
        )
    return {"rows": rows, "total": _total(rows)}


def top_campaigns(path, start, end):
    """Campaigns of unions in the subtree overlapping the period that were not allocated
    from a campaign of a union in the subtree."""
    tops = Campaign.objects.filter(
        _in_subtree(path, "union__path"), starts_on__lte=end, ends_on__gte=start
    )
    if path == ALL:
        return tops.filter(parent__isnull=True)
    return tops.filter(Q(parent__isnull=True) | ~Q(parent__union__path__startswith=path))


def budgets(path, start, end):
    """Budget, spend of the whole allocation tree and share used of each top campaign;
    the spend of every tree in one query walking down from the tops."""
    tops = top_campaigns(path, start, end)
    tops_sql, tops_params = tops.values("pk").order_by().query.sql_with_params()
    n = _names()
    sql = f"""
        WITH RECURSIVE tree (id, top_id) AS (
            SELECT c.{n["c_id"]}, c.{n["c_id"]} FROM {n["campaign"]} c
            WHERE c.{n["c_id"]} IN ({tops_sql})
            UNION ALL
            SELECT c.{n["c_id"]}, tree.top_id
            FROM {n["campaign"]} c JOIN tree ON c.{n["c_parent"]} = tree.id
        )
        SELECT tree.top_id, COUNT(r.{n["r_id"]}), {CENTS.format(amount="r." + n["r_amount"])}
        FROM tree JOIN {n["record"]} r ON r.{n["r_campaign"]} = tree.id
        WHERE r.{n["r_cancelled"]} IS NULL
        GROUP BY tree.top_id
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, tops_params)
        spent = {top: (times, _cents(cents)) for top, times, cents in cursor.fetchall()}
    rows = []
    for campaign in tops.select_related("union", "parent").order_by(
        "-year", "starts_on", "name", "pk"
    ):
        times, paid = spent.get(campaign.pk, (0, ZERO))
        rows.append(
            {
                "campaign": campaign.pk,
                "name": campaign.name,
                "season": campaign.season,
                "season_label": campaign.get_season_display(),
                "year": campaign.year,
                "union_code": campaign.union.code,
                "union_name": campaign.union.name,
                "allocated_from": campaign.parent.name if campaign.parent_id else "",
                "starts_on": campaign.starts_on,
                "ends_on": campaign.ends_on,
                "budget": campaign.budget,
                "person_times": times,
                "spent": paid,
                "share": _share(paid, campaign.budget),
            }
        )
    budget = sum((r["budget"] for r in rows), ZERO)
    paid = sum((r["spent"] for r in rows), ZERO)
    total = {
        "budget": budget,
        "person_times": sum(r["person_times"] for r in rows),
        "spent": paid,
        "share": _share(paid, budget),
    }
    return {"rows": rows, "total": total}
