"""The measurements of bench/cases.py, each a project operation timed against its baseline."""

import datetime as dt

from _bench import TRIVIAL_URL, client_for, compare, getter, query_count
from django.db import connection

from gonghui.calendar import workdays
from gonghui.cases import boxes, figures
from gonghui.cases.models import Case
from gonghui.core import values
from gonghui.unions.models import TradeUnion

REPS = {"reps": 21, "warmup": 3}
PAGE = 50
CASES = connection.ops.quote_name(Case._meta.db_table)
UNIONS = connection.ops.quote_name(TradeUnion._meta.db_table)


def box_where(box, today):
    where = "c.status IN ('taken', 'transferring', 'handling')"
    if box == "soon":
        last = workdays.add_workdays(today, 2)
        return where + f" AND c.due_on BETWEEN '{today}' AND '{last}'"
    return where + f" AND c.due_on < '{today}'"


def plain_box_sql(path, box, today):
    """The plain indexed query of a box's first page: the columns the list shows, the same
    rows by the same index ranges, no ORM."""
    return (
        f"SELECT c.id, c.number, c.caller_name, c.kind, c.subject, c.status, c.due_on, "
        f"c.received_on, u.name, t.name FROM {CASES} c JOIN {UNIONS} u ON u.id = c.union_id "
        f"LEFT JOIN {UNIONS} t ON t.id = c.transfer_to_id "
        f"WHERE (c.union_path LIKE '{path}%' OR c.transfer_path LIKE '{path}%') "
        f"AND {box_where(box, today)} ORDER BY c.due_on, c.id LIMIT {PAGE}"
    )


def joined_box_sql(path, box, today):
    """The same rows found through a join to the unions' paths (the design before the
    cases kept copies of them): the design measured against."""
    return (
        f"SELECT c.id, c.number, c.caller_name, c.kind, c.subject, c.status, c.due_on, "
        f"c.received_on, u.name FROM {CASES} c JOIN {UNIONS} u ON u.id = c.union_id "
        f"WHERE u.path LIKE '{path}%' AND {box_where(box, today)} "
        f"ORDER BY c.due_on, c.id LIMIT {PAGE}"
    )


def fetch(sql):
    def run():
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchall()

    return run


def box_rows(user, box, today):
    """What the workbench's list reads for a box: its first page, by deadline."""

    def run():
        qs = boxes.list_rows(boxes.cases_in(box, user, today))
        return list(qs.order_by("due_on", "id")[:PAGE])

    return run


def measure_all(users):
    today = values.today()
    results = []
    for who in ("county", "province"):
        user = users[who]
        for box in ("soon", "overdue"):
            rows = box_rows(user, box, today)
            n = len(rows())
            plain = fetch(plain_box_sql(user.union.path, box, today))
            results.append(compare(
                f"{who} {box}: box query, first {PAGE}", rows, plain,
                "plain indexed SQL, same rows", note=f"{n} rows", **REPS,
            ))  # fmt: skip
            joined = fetch(joined_box_sql(user.union.path, box, today))
            results.append(compare(
                f"{who} {box}: plain SQL by paths on the case", plain, joined,
                "plain SQL by a join to the unions' paths", **REPS,
            ))  # fmt: skip
            client = client_for(user)
            api = getter(client, f"/api/v1/cases/?box={box}")
            results.append(compare(
                f"{who} {box}: GET /api/v1/cases/", api, getter(client, TRIVIAL_URL),
                "trivial DRF view, same user", note=f"{query_count(api)} queries", **REPS,
            ))  # fmt: skip
        page = getter(client_for(user), "/cases/?box=overdue")
        results.append(compare(
            f"{who}: workbench page /cases/?box=overdue (6 box counts)", page,
            getter(client_for(user), TRIVIAL_URL), "trivial DRF view, same user",
            note=f"{query_count(page)} queries", **REPS,
        ))  # fmt: skip
    province = users["province"]
    start, end = today.replace(month=1, day=1) - dt.timedelta(days=365), today
    taken = Case.objects.filter(received_on__gte=start, received_on__lte=end)
    scoped = taken.filter(union__path__startswith=province.union.path)
    plain = fetch(
        f"SELECT date_trunc('month', received_on), subject, count(*) FROM {CASES} "
        f"WHERE received_on BETWEEN '{start}' AND '{end}' GROUP BY 1, 2"
    )
    results.append(compare(
        "province: figures by subject and month", lambda: figures.by_month(scoped), plain,
        "plain GROUP BY month, subject", note=f"{scoped.count()} cases", **REPS,
    ))  # fmt: skip
    results.append(compare(
        "province: every figure (figures.figures)",
        lambda: figures.figures(province, None, start.isoformat(), end.isoformat()), plain,
        "plain GROUP BY month, subject", **{"reps": 7, "warmup": 1},
    ))  # fmt: skip
    print("\nEXPLAIN of the county's overdue box:")
    county = users["county"]
    overdue = boxes.cases_in("overdue", county, today).order_by("due_on", "id")[:PAGE]
    print(overdue.explain(analyze=True, buffers=True))
    return results
