"""The in-process measurements of bench/members.py: lookups by ID number and pinyin search."""

import itertools

from _bench import TRIVIAL_URL, client_for, compare, query_count
from _members_data import matches
from _tree_measure import explain, queries_of, sql_of
from django.db import connection

from gonghui.members.models import Person
from gonghui.members.services import find_person

LOOKUP = {"reps": 301, "warmup": 20}
API = {"reps": 41, "warmup": 5}
SEARCH = {"reps": 21, "warmup": 3}
TRIVIAL = "trivial DRF view, same user and middleware"
PERSONS_URL = "/api/v1/persons/"


def cycling(values):
    return itertools.cycle(values).__next__


def fetch(client, url, expected_rows=None):
    """GET `url`; fail loudly unless it answers 200 (with `expected_rows` rows, if given)."""
    response = client.get(url)
    if response.status_code != 200:
        raise AssertionError(f"GET {url} answered {response.status_code}: {response.content[:300]}")
    if expected_rows is not None and len(response.json()["results"]) != expected_rows:
        raise AssertionError(f"GET {url} gave {len(response.json()['results'])} rows")
    return response


def lookup(r):
    """a1: find_person (normalise, HMAC, unique index) against a primary-key get, cycling
    both through the same sample of persons, one each in turn."""
    for pk, number in r.sample[:100]:
        if find_person(number).pk != pk:
            raise AssertionError(f"find_person({number}) did not find person {pk}")
    numbers, pks = cycling([n for _, n in r.sample]), cycling([pk for pk, _ in r.sample])

    def project():
        return find_person(numbers())

    def baseline():
        return Person.objects.get(pk=pks())

    note = f"{len(r.sample)} persons in turn; {query_count(project)} query"
    result = compare(
        "a1 find_person(ID number)",
        project,
        baseline,
        "Person.objects.get(pk=...), same persons",
        note=note,
        **LOOKUP,
    )
    _, number = r.sample[0]
    plan = explain(sql_of(lambda: find_person(number), "id_number_index"))
    print(f"\nEXPLAIN find_person:\n{plan}\n")
    return result


def lookup_api(r):
    """a2: GET /persons/?q=<ID number> against GET /persons/<pk>/, as a platform admin."""
    client = client_for(r.users["admin"])
    sample = r.sample[:200]
    for pk, number in sample[:20]:
        found = fetch(client, f"{PERSONS_URL}?q={number}", expected_rows=1).json()["results"]
        if found[0]["id"] != pk:
            raise AssertionError(f"?q={number} found person {found[0]['id']}, not {pk}")
    numbers, pks = cycling([n for _, n in sample]), cycling([pk for pk, _ in sample])

    def project():
        return fetch(client, f"{PERSONS_URL}?q={numbers()}")

    def baseline():
        return fetch(client, f"{PERSONS_URL}{pks()}/")

    queries = queries_of(project, "a2")
    note = f"{queries} queries (baseline {query_count(baseline)})"
    return compare(
        "a2 API ?q=<ID number>, platform admin",
        project,
        baseline,
        "API GET /persons/<pk>/, same persons",
        note=note,
        **API,
    )


def search(r, key, label, text):
    """b: the first page of a pinyin-initials search, against the trivial view."""
    user = r.users[key]
    client = client_for(user)
    url = f"{PERSONS_URL}?q={text}"
    in_scope = matches(text, None if key == "admin" else user)
    rows = len(fetch(client, url).json()["results"])
    if rows != min(in_scope, 50):
        raise AssertionError(f"{url} as {key} gave {rows} rows; {in_scope} persons match")

    def project():
        return fetch(client, url)

    def baseline():
        return fetch(client, TRIVIAL_URL)

    who = "platform admin" if key == "admin" else "county staff"
    queries = queries_of(project, "b")
    note = f"{in_scope:,} match in scope, {rows} rows; {queries} queries"
    name = f"b  API ?q={text} ({label}), {who}"
    result = compare(name, project, baseline, TRIVIAL, note=note, **SEARCH)
    plan = explain(sql_of(project, "name_initials"))
    print(f"\nEXPLAIN ?q={text} as {who} ({plan_start(plan)}):\n{plan}\n")
    return result, "Seq Scan on members_person" not in plan


def plan_start(plan):
    """How a search plan finds its persons."""
    if "Seq Scan on members_person" in plan:
        return "!! a sequential scan of all persons"
    if "person_initials" in plan:
        return "through the person_initials index"
    if "Index Scan using members_person_pkey on members_person" in plan:
        return "walking persons in id order until the page is full"
    return "from the scope: the county's unions, then their memberships"


def measure_all(r):
    """The rows of a and b, and the names of the searches that scan the whole person table."""
    results, misses = [lookup(r), lookup_api(r)], []
    for key in ("admin", "county"):
        for label, text in (("common", r.common), ("rare", r.rare)):
            result, uses_index = search(r, key, label, text)
            results.append(result)
            if not uses_index:
                misses.append(result.name)
    return results, misses


def table_size(model):
    """The table's size on disk with its indexes, as PostgreSQL reports it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_total_relation_size(%s))", [model._meta.db_table])
        return cursor.fetchone()[0]


def index_sizes(model):
    """The table's indexes with their sizes, largest first."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexrelid::regclass::text, pg_size_pretty(pg_relation_size(indexrelid)) "
            "FROM pg_index WHERE indrelid = %s::regclass "
            "ORDER BY pg_relation_size(indexrelid) DESC",
            [model._meta.db_table],
        )
        return ", ".join(f"{name} {size}" for name, size in cursor.fetchall())
