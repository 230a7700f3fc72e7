"""Benchmark: the member registry at the scale of a million persons, in PostgreSQL 15.

    uv run python bench/members.py                   # 1,000,000 persons
    uv run python bench/members.py --persons 20000   # a quick check

Builds tree.py's province (四川, scaled: 0.1414 grassroots unions a person, so 141,400 for a
million) with a new-forms-of-employment pool union in every county, then the persons, made by
the project's `build_person` (ID and phone numbers encrypted, blind-indexed, masked; name
pinyin and initials) from Faker zh_CN names in two processes, and one membership each (see
_members_data.py). Then measures, each against a baseline timed in the same run, alternating
with it (warm-up included) so load from elsewhere falls on both alike:

  a1. services.find_person(id_number): normalise, HMAC, one query on the unique blind index;
      baseline: Person.objects.get(pk=...) of the same person; both cycle through a sample of
      1,000 persons, median of 301 calls. Aim: within 1.5x. Prints the EXPLAIN.
  a2. GET /api/v1/persons/?q=<ID number> (the search box recognises and checks the number,
      then looks it up through the blind index) as a platform administrator; baseline: GET
      /api/v1/persons/<pk>/ of the same person, same user.
  b.  GET /api/v1/persons/?q=<initials>, first page (50), for the commonest three-letter
      initials and for rare ones (about 25 persons in a million, some in the county), as a
      platform administrator and as staff of the county with the most members (scope: an
      EXISTS over memberships in the county's subtree); baseline: the trivial DRF view of
      _bench.py, same user and middleware. Prints each EXPLAIN and how it finds its persons
      (the person_initials index, a walk in id order, or the county's memberships first);
      flags a sequential scan of the person table.
  c1. join submissions per second over HTTP: gunicorn serving the project as `gonghui serve`
      does (same worker count, 4 threads, after collectstatic; without serve's background job
      worker, which only polls), 16 client threads each on a keep-alive connection POSTing
      distinct valid applications to /api/v1/join-applications/ (anonymous, with consent; 88%
      naming a grassroots union by code, 12% gig workers naming their county for its pool
      union), 2,000 a round, 5 rounds after a warm-up of 200; baseline: a trivial DRF view
      taking an anonymous POST (body parsed, constant 201) on the same server, same clients,
      same bodies, in alternate rounds. The table shows wall ms per request (1 / median rate),
      so the ratio is trivial rate / join rate. Aim: join at least half the trivial rate (ratio
      at most 2). GONGHUI_JOIN_RATE is set to 1000000/second for the server: the default
      30/hour per address would refuse the load generator after 30.
  c2. the same rounds as CPU ms a request of gunicorn's processes plus PostgreSQL's (from
      /proc; the load generator's is in the note): unlike the rate, this does not move with
      whatever else the machine runs.
      Before the rounds, 60 submissions run in process without HTTP, and the benchmark prints
      how long submit_application takes, how much of it is spent waiting on its queries and
      the COMMIT, and each query of a submission with its median time.

Starts its own PostgreSQL 15 cluster (as scripts/test does: the postgres user, a free
loopback port, its own socket folder; stopped and deleted at the end) unless DATABASE_URL
is set, in which case that database must be empty and is filled.
"""

import argparse
import os
import sys
import tempfile
import time
import warnings
from pathlib import Path

import django
from django.db import connections
from tree import PLAIN_STATIC, clock, database, prepare_database

PERSONS = 1_000_000
SEED = 2026
REQUESTS = 2000  # join submissions a round (and as many trivial POSTs)
ROUNDS = 5
CONCURRENCY = 16
LOOKUP_AIM = 1.5  # find_person within 1.5x a primary-key get
JOIN_AIM = 0.5  # join submissions at least half the trivial rate


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=PERSONS)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--requests", type=int, default=REQUESTS, help="join POSTs a round")
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    parser.add_argument("--concurrency", type=int, default=CONCURRENCY, help="client threads")
    return parser.parse_args()


def build(args):
    import _members_data
    from _members_measure import index_sizes, table_size

    from gonghui.members.models import Person

    print(f"building the registry ({args.persons:,} persons, seed {args.seed}):")
    r = _members_data.build(args.persons, args.seed, clock)
    total = sum(r.timings.values())
    print(
        f"build took {total:.1f} s: {r.persons:,} persons ({table_size(Person)} with indexes), "
        f"{r.unions:,} unions ({r.grassroots:,} grassroots, {r.pools} pool unions), "
        f"{r.employers:,} employers"
    )
    print(f"indexes of the person table: {index_sizes(Person)}")
    print(
        f"measured: county {r.county} ({r.county_persons:,} members; user bench_county), "
        f"searches q={r.common} ({_members_data.matches(r.common):,} persons) and "
        f"q={r.rare} ({_members_data.matches(r.rare):,})\n"
    )
    return r


def measure(args, work, registry, timings):
    import _members_data
    from _bench import print_table, urlconf_with_trivial_view
    from _members_load import applications_needed, measure_joins
    from _members_measure import measure_all
    from django.test.utils import override_settings

    with clock(timings, "a, b: lookups and searches"):
        urls = urlconf_with_trivial_view()
        with override_settings(ROOT_URLCONF=urls, STORAGES=PLAIN_STATIC):
            results, misses = measure_all(registry)
    print("\nc: join submissions over HTTP")
    count = applications_needed(args.requests, args.rounds)
    with clock(timings, f"c: {count:,} applications and the HTTP rounds"):
        applications = _members_data.applications(registry, count, args.seed)
        rows, join, trivial, workers, made = measure_joins(
            work, applications, args.requests, args.rounds, args.concurrency
        )
    results.extend(rows)
    print_table(results)
    summary(results, join, trivial, workers, made, misses, args)


def verdict(ok):
    return "" if ok else "  !! missed"


def summary(results, join, trivial, workers, made, misses, args):
    lookup, share, cpu = results[0], join.median / trivial.median, results[-1]
    print(
        f"\nratios: find_person / get(pk) = {lookup.ratio:.2f} (aim <= {LOOKUP_AIM})"
        f"{verdict(lookup.ratio <= LOOKUP_AIM)}; API ?q=<ID> / GET <pk> = {results[1].ratio:.2f}"
    )
    print(
        f"join submissions: {join.median:.0f} req/s, trivial POST {trivial.median:.0f} req/s: "
        f"join / trivial = {share:.2f} (aim >= {JOIN_AIM}){verdict(share >= JOIN_AIM)}; "
        f"{made:,} applications saved, gunicorn {workers} workers x 4 threads, "
        f"{args.concurrency} clients"
    )
    print(f"CPU per request (gunicorn + PostgreSQL): join / trivial = {cpu.ratio:.1f}")
    for name in misses:
        print(f"!! {name}: a sequential scan of the person table (see EXPLAIN above)")


def run(args, work):
    # Django is set up by now; the benchmark modules import models, so they are imported late.
    timings = {}
    print("preparing the database:")
    prepare_database()
    started = time.perf_counter()
    registry = build(args)
    timings["build"] = time.perf_counter() - started
    measure(args, work, registry, timings)
    print("\nphases: " + ", ".join(f"{step} {seconds:.0f} s" for step, seconds in timings.items()))


def main():
    args = parse_args()
    started = time.perf_counter()
    warnings.filterwarnings("ignore", "No directory at")  # in process: plain static storage
    with tempfile.TemporaryDirectory(prefix="gonghui-bench.") as folder:
        work = Path(folder)
        work.chmod(0o755)  # the postgres user keeps its cluster in here
        with database(work) as url:
            os.environ["DATABASE_URL"] = url
            os.environ["GONGHUI_DATA_DIR"] = str(work / "data")
            os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gonghui.settings")
            django.setup()
            try:
                run(args, work)
            finally:
                connections.close_all()
    print(f"\nwhole run: {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
