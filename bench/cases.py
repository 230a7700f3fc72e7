"""Benchmark: 1,000,000 cases (维权案件) over the province tree, in PostgreSQL 15.

    uv run python bench/cases.py                          # 1,000,000 cases, 141,400 unions
    uv run python bench/cases.py --cases 50000 --unions 5000   # a quick check

Builds the province tree of bench/tree.py, then a million cases with COPY (bench/_cases_data.py):
two years of them, the last four weeks' still open. Measures, each as the median of 21
repetitions after a warm-up, against a baseline timed in the same run:

  a. the workbench's boxes "due soon" and "overdue" for county staff and the province's
     administrator: the box's query for its first page (boxes.cases_in, as the list and the
     API use it) against the plain indexed SQL of the same rows; and GET /api/v1/cases/?box=
     against a trivial DRF view as the same user; the workbench page with its six counts;
  b. the province's figures by subject and month over the last year and a bit
     (figures.by_month) against a plain GROUP BY month, subject; and every figure of the page.

Aims (issue 15): lists p50 ≤ 50 ms and within 3× of the plain query; figures ≤ 100 ms.
Starts its own PostgreSQL 15 cluster unless DATABASE_URL names an empty database.
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

CASES = 1_000_000
SEED = 2026


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=CASES)
    parser.add_argument("--unions", type=int, default=141_400, help="grassroots unions")
    parser.add_argument("--seed", type=int, default=SEED)
    return parser.parse_args()


def run(args):
    import _cases_data
    import _tree_data
    from _bench import print_table, urlconf_with_trivial_view
    from _cases_measure import measure_all
    from django.test.utils import override_settings

    print("preparing the database:")
    prepare_database()
    print(f"building the province ({args.unions} grassroots unions):")
    province = _tree_data.build(args.unions, args.seed, clock)
    timings = {}
    print(f"building {args.cases} cases:")
    made = _cases_data.build(args.cases, args.seed, clock, timings)
    print(f"{made} cases; measuring as {province.county} and {province.province}\n")
    with override_settings(ROOT_URLCONF=urlconf_with_trivial_view(), STORAGES=PLAIN_STATIC):
        results = measure_all(province.users)
    print_table(results)


def main():
    args = parse_args()
    started = time.perf_counter()
    warnings.filterwarnings("ignore", "No directory at")
    with tempfile.TemporaryDirectory(prefix="gonghui-bench.") as folder:
        work = Path(folder)
        work.chmod(0o755)
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
