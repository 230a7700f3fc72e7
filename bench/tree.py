"""Benchmark: the union tree at the scale of one province, in PostgreSQL 15.

    uv run python bench/tree.py                  # 141,400 grassroots unions, ~170,000 employers
    uv run python bench/tree.py --unions 5000    # a quick check

Builds 四川 as one province federation, 21 city and 183 county federations, a township union
for each of the ~3,100 townships and 141,400 grassroots unions (四川: 14.14万 基层工会), with
their employers, using Faker zh_CN (seeded) and COPY. Then measures, each as the median of
several repetitions after a warm-up, against a baseline timed in the same run:

  a. GET /api/v1/unions/{county}/children/ (the lazy tree) and the first page of 200 children
     of a township with 500+ grassroots unions, as county staff;
     baseline: a trivial DRF view (constant JSON list) behind the same URL dispatch,
     middleware, session authentication and permission, as the same user;
  b. the home page / for the province administrator (unions by kind, employers, 建会率 over
     the whole province), and for county staff; baseline: the plain GROUP BY kind and employer
     count(*) FILTER over the whole tables, by cursor;
  c. TradeUnion.objects.visible_to(user).count() for county and city staff (a path prefix
     scan); baseline: count(*) of the same rows picked by id = root OR parent_id IN
     (precomputed ids of the subtree's federations and townships); then EXPLAINs the
     county count to show whether it uses the union_path index;
  d. services.move_union of a county subtree (~700 unions) to another city and back;
     baseline: a single UPDATE of the county's parent_id;
  e. GET /api/v1/unions/?q=... as the province administrator, for a part of many names and
     for one whole name; baseline: the trivial DRF view.

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
from contextlib import contextmanager
from pathlib import Path

import django
from _pg import throwaway_cluster
from django.db import connections

GRASSROOTS = 141_400
SEED = 2026
PLAIN_STATIC = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--unions", type=int, default=GRASSROOTS, help="grassroots unions")
    parser.add_argument("--seed", type=int, default=SEED)
    return parser.parse_args()


@contextmanager
def database(work):
    """DATABASE_URL if set, else a throwaway cluster under `work`."""
    if os.environ.get("DATABASE_URL"):
        yield os.environ["DATABASE_URL"]
    else:
        with throwaway_cluster(work) as url:
            yield url


@contextmanager
def clock(timings, step):
    """Time a step into timings[step] and print it."""
    start = time.perf_counter()
    yield
    timings[step] = time.perf_counter() - start
    print(f"  {step}: {timings[step]:.1f} s", flush=True)


def prepare_database():
    from django.core.management import call_command

    from gonghui.regions import loader

    timings = {}
    with clock(timings, "migrate"):
        call_command("migrate", verbosity=0)
    with clock(timings, "load regions"):
        loader.load()


def build(args):
    import _tree_data

    print(f"building the province ({args.unions} grassroots unions, seed {args.seed}):")
    province = _tree_data.build(args.unions, args.seed, clock)
    total = sum(province.timings.values())
    print(
        f"build took {total:.1f} s: {province.unions} unions ({province.grassroots} grassroots), "
        f"{province.employers} employers; {province.hubs_over_500} townships with 500+ children"
    )
    print(
        f"measured: county {province.county} (user bench_county), city {province.city}, "
        f"township {province.township}; moving {province.move_county} "
        f"({province.move_size} unions) to {province.move_target}\n"
    )
    return province


def measure(province):
    from _bench import print_table, urlconf_with_trivial_view
    from _tree_measure import measure_all
    from django.test.utils import override_settings

    urls = urlconf_with_trivial_view()
    with override_settings(ROOT_URLCONF=urls, STORAGES=PLAIN_STATIC):
        results, uses_index = measure_all(province)
    print_table(results)
    if not uses_index:
        print("\n!! visible_to(...).count() did not use the union_path index (see EXPLAIN above)")


def run(args):
    # Django is set up by now; the benchmark modules import models, so they are imported late.
    print("preparing the database:")
    prepare_database()
    province = build(args)
    measure(province)


def main():
    args = parse_args()
    started = time.perf_counter()
    warnings.filterwarnings("ignore", "No directory at")  # no collectstatic: plain storage
    with tempfile.TemporaryDirectory(prefix="gonghui-bench.") as folder:
        work = Path(folder)
        work.chmod(0o755)  # the postgres user keeps its cluster in here
        with database(work) as url:
            os.environ["DATABASE_URL"] = url
            os.environ["GONGHUI_DATA_DIR"] = str(work / "data")
            os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gonghui.settings")
            django.setup()
            try:
                run(args)
            finally:
                connections.close_all()
    print(f"\nwhole run: {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
