"""The measurements of bench/tree.py, each a project operation timed against its baseline."""

import itertools
from urllib.parse import quote

from _bench import TRIVIAL_URL, client_for, compare, getter, query_count
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from gonghui.core.context import request_context
from gonghui.unions import services
from gonghui.unions.api import UnionViewSet
from gonghui.unions.models import Employer, TradeUnion

API = {"reps": 15, "warmup": 3}
PAGE = {"reps": 9, "warmup": 2}
SQL = {"reps": 21, "warmup": 3}
MOVES = {"reps": 6, "warmup": 2}  # even, so the county ends where it started
TRIVIAL = "trivial DRF view, same user and middleware"
UNIONS = connection.ops.quote_name(TradeUnion._meta.db_table)
EMPLOYERS = connection.ops.quote_name(Employer._meta.db_table)


def api_ref(union):
    """How the API names a union in its URLs (the viewset's lookup field)."""
    return getattr(union, UnionViewSet.lookup_field)


def explain(sql):
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE) {sql}")
        return "\n".join(f"    {row[0]}" for row in cursor.fetchall())


def sql_of(operation, like):
    """The SQL of the first query `operation` runs that contains `like`."""
    with CaptureQueriesContext(connection) as ctx:
        operation()
    return next(q["sql"] for q in ctx.captured_queries if like in q["sql"])


def queries_of(operation, label, over_ms=5):
    """Run `operation` once; print its queries slower than `over_ms`; return how many it ran."""
    with CaptureQueriesContext(connection) as ctx:
        operation()
    for query in ctx.captured_queries:
        ms = float(query["time"]) * 1000
        if ms > over_ms:
            print(f"  ({label}: a query of {ms:.0f} ms: {query['sql'][:120]}...)")
    return len(ctx)


def api_row(name, client, url, expected_rows=None):
    """An API GET against the trivial view, both as the same signed-in user."""
    project, baseline = getter(client, url), getter(client, TRIVIAL_URL)
    rows = len(project().json()["results"])
    if expected_rows is not None and rows != expected_rows:
        raise AssertionError(f"{url} gave {rows} rows, expected {expected_rows}")
    queries = queries_of(project, name.split()[0])
    note = f"{rows} rows; {queries} queries (baseline {query_count(baseline)})"
    return compare(name, project, baseline, TRIVIAL, note=note, **API)


def children_of_county(p):
    client = client_for(p.users["county"])
    children = TradeUnion.objects.filter(parent=p.county).count()
    url = f"/api/v1/unions/{api_ref(p.county)}/children/"
    return api_row(f"a1 children of a county ({children})", client, url)


def children_of_big_township(p):
    client = client_for(p.users["county"])
    children = TradeUnion.objects.filter(parent=p.township).count()
    url = f"/api/v1/unions/{api_ref(p.township)}/children/?page_size=200"
    name = f"a2 children of a township ({children}), page of 200"
    return api_row(name, client, url, min(children, 200))


def plain_counts():
    """The home page's figures for the whole table, in plain SQL."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT kind, count(*) FROM {UNIONS} GROUP BY kind")
        cursor.fetchall()
        cursor.execute(
            "SELECT count(*), count(*) FILTER (WHERE employee_count >= 25), "
            "count(*) FILTER (WHERE employee_count >= 25 AND covering_union_id IS NOT NULL) "
            f"FROM {EMPLOYERS}"
        )
        cursor.fetchone()


def home_page(p, key, name):
    """The home page's counts of the user's subtree, against plain counts of whole tables."""
    client = client_for(p.users[key])
    project = getter(client, "/")
    unions = TradeUnion.objects.visible_to(p.users[key]).count()
    if str(unions).encode() not in project().content:
        raise AssertionError(f"the home page of {key} does not show {unions} unions")
    employers = Employer.objects.visible_to(p.users[key]).count()
    queries = queries_of(project, name.split()[0])
    note = f"{queries} queries; {unions} unions, {employers} employers in scope"
    baseline = "whole-table GROUP BY kind + employer count(*) FILTER, by cursor"
    return compare(name, project, plain_counts, baseline, note=note, **PAGE)


def inner_ids(union):
    """The union and its descendants that have children (federations, townships)."""
    inner = [TradeUnion.Kind.FEDERATION, TradeUnion.Kind.TOWNSHIP]
    subtree = TradeUnion.objects.filter(path__startswith=union.path, kind__in=inner)
    return list(subtree.values_list("pk", flat=True))


def scoped_count(p, key, union):
    """visible_to(user).count() against count(*) of the same rows found by parent_id."""
    scoped = TradeUnion.objects.visible_to(p.users[key])
    ids = inner_ids(union)
    sql = f"SELECT count(*) FROM {UNIONS} WHERE id = %s OR parent_id = ANY(%s)"

    def by_parent_ids():
        with connection.cursor() as cursor:
            cursor.execute(sql, [union.pk, ids])
            return cursor.fetchone()[0]

    n = scoped.count()
    if n != by_parent_ids():
        raise AssertionError(f"scope of {union} counts {n}, parent_id IN counts {by_parent_ids()}")
    baseline = f"count(*) WHERE id = root OR parent_id IN ({len(ids)} precomputed ids)"
    name = f"c  visible_to({key} user).count()"
    return compare(name, scoped.count, by_parent_ids, baseline, note=f"{n} unions", **SQL)


def explain_scoped_count(p):
    """Print the plan of the county user's scoped count; say whether it uses union_path."""
    scoped = TradeUnion.objects.visible_to(p.users["county"])
    plan = explain(sql_of(scoped.count, "LIKE"))
    print(f"\nEXPLAIN visible_to(county user).count():\n{plan}")
    if "union_path" not in plan:
        print("!! the scoped count does NOT use the union_path index")
    return "union_path" in plan


def move_county(p):
    """services.move_union of a county subtree to another city and back, against one UPDATE."""
    county, home, target = p.move_county, p.move_county.parent, p.move_target
    admin = p.users["province"]
    destinations = itertools.cycle([target, home])
    parents = itertools.cycle([target.pk, home.pk])
    sql = f"UPDATE {UNIONS} SET parent_id = %s WHERE id = %s"

    def project():
        services.move_union(admin, county, next(destinations), note="bench")

    @transaction.atomic
    def baseline():
        with connection.cursor() as cursor:
            cursor.execute(sql, [next(parents), county.pk])

    with request_context(via="cli"):
        queries = queries_of(project, "d")
        project()  # back home
        name = f"d  move a county subtree ({p.move_size} unions)"
        note = f"{queries} queries per move"
        result = compare(name, project, baseline, "one UPDATE of parent_id", note=note, **MOVES)
    moved = TradeUnion.objects.filter(path__startswith=f"{home.path}{county.pk}/").count()
    if moved != p.move_size or TradeUnion.objects.get(pk=county.pk).parent_id != home.pk:
        raise AssertionError(f"after moving back, {moved} unions lie under {home}")
    return result


def search(p, label, text):
    client = client_for(p.users["province"])
    matches = TradeUnion.objects.filter(name__contains=text).count()
    url = f"/api/v1/unions/?q={quote(text)}"
    found = f"{matches} match" + ("" if matches == 1 else "es")
    return api_row(f"e  search q={text} ({label}, {found})", client, url)


def explain_search(p, text):
    client = client_for(p.users["province"])
    url = f"/api/v1/unions/?q={quote(text)}"
    plan = explain(sql_of(getter(client, url), "LIKE"))
    print(f"\nEXPLAIN of the search q={text}:\n{plan}")


def measure_all(p):
    results = [
        children_of_county(p),
        children_of_big_township(p),
        home_page(p, "province", "b1 home page, province admin"),
        home_page(p, "county", "b2 home page, county staff"),
        scoped_count(p, "county", p.county),
        scoped_count(p, "city", p.city),
    ]
    uses_index = explain_scoped_count(p)
    results.append(move_county(p))
    results.append(search(p, "common", p.search_common))
    results.append(search(p, "one name", p.search_rare))
    explain_search(p, p.search_rare)
    return results, uses_index
