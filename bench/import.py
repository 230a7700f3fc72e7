"""Benchmark: importing the member roster (会员基本信息采集表) at a million rows, in PostgreSQL 15.

    uv run --group bench python bench/import.py                                  # full size
    uv run --group bench python bench/import.py --rows 50000 --xlsx-rows 10000   # a quick check
    uv run --group bench python bench/import.py --rows 20000 --xlsx-rows 0 --profile 100000

Builds a small union tree (_members_data's 四川 with 2,000 grassroots unions, --unions) and
writes the rosters with Faker zh_CN, seeded (see _import_data.py): a 1,000,000-row CSV (--rows;
UTF-8 with a BOM, CRLF, as Excel saves "CSV UTF-8"), a 200,000-row xlsx (--xlsx-rows; one sheet,
written by openpyxl) and a 20,000-row CSV sample for django-import-export (--die-rows), every row
a distinct valid person (columns 姓名, 公民身份号码, 性别, 手机号码, 学历, 户籍地, 工会代码,
入会时间) naming a grassroots union by its 工会代码, so one file spans most of the province's
counties. Then measures, in this order, on one database in one run, each after a VACUUM
ANALYZE of the registry's tables (as autovacuum leaves a database at rest) and a CHECKPOINT:

  a. django-import-export (bench dependency group) in its documented bulk mode on members.Person,
     given the project's own checks and encryption in before_import (see _import_die.py for
     exactly what it does), on the sample only: at its rate a million rows would take the better
     part of an hour. It writes persons only, no memberships. Time: reading the CSV into a
     dataset to the commit. Its persons are deleted afterwards, so every import below starts
     from an empty registry or from the rows of the one before.
  b. raw COPY of the CSV's bytes (FORMAT csv, HEADER; text columns, as they are) from this
     process into a bare table, bench_roster: an identity primary key and one index for each
     index of members_person on the raw column it is computed from (unique on the ID number,
     unique on the phone where not empty, name, two text_pattern_ops indexes on the name for
     the pinyin and initials indexes, 户籍地 for the region key). Not mirrored: the index of
     import_job (one value in every row our import writes), the partial indexes of
     residence_region and employer (no entry for these rows, which have neither) and the
     whole membership table (six indexes) that our import writes as well. The baseline is
     the cheaper for it.
  c. our import of the CSV, run as an administrator runs it, `gonghui import members FILE`
     in a child process with this run's DATABASE_URL and GONGHUI_DATA_DIR, without --union
     (the 工会代码 column names each row's union): every row checked by the services' rules
     (validation), both numbers encrypted and blind-indexed (encryption), duplicates within the
     file and clashes with the registry checked in SQL (dedup), then persons and memberships
     with member numbers written in one transaction. Time: the child's wall time, from its
     start to its exit after the commit; its phases from the moments its progress reports
     arrive; peak memory: the child's ru_maxrss (wait4). Verified, loudly: the job succeeded
     and the database holds as many persons and active memberships of the job as the file
     has rows.
  d. raw COPY of the xlsx's rows (from a CSV twin written with it) into bench_roster, which by
     then holds the CSV's rows.
  e. our import of the xlsx, the same way, into the registry that holds the CSV's persons.

Prints rows per second for each, the ratios, our import's phases and peak memory. Aims, for the
million rows: our import at least half the raw COPY rate, at least 20 times django-import-
export's, peak memory under 500 MB. With --profile N, then imports N more rows under cProfile
and prints where the time goes (the profiler slows Python code, not PostgreSQL).

Starts its own PostgreSQL 15 cluster (as scripts/test does: the postgres user, a free loopback
port, its own socket folder; stopped and deleted at the end) unless DATABASE_URL is set, in
which case that database must be empty and is filled (and its user must be allowed CHECKPOINT).
"""

import argparse
import importlib.util
import os
import sys
import tempfile
import time
from pathlib import Path

import django
from django.db import connections
from tree import clock, database, prepare_database

ROWS = 1_000_000
XLSX_ROWS = 200_000
DIE_ROWS = 20_000
UNIONS = 2_000
SEED = 2026
COPY_AIM = 0.5  # our import at least half the raw COPY rate
DIE_AIM = 20  # and 20 times django-import-export's
MEMORY_AIM_MB = 500  # peak memory for the million rows
TIMEOUT = 3600  # seconds an import of ours may run before it is stopped and reported


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=ROWS, help="rows of the CSV")
    parser.add_argument("--xlsx-rows", type=int, default=XLSX_ROWS, help="xlsx rows, 0: none")
    parser.add_argument("--die-rows", type=int, default=DIE_ROWS, help="django-import-export's")
    parser.add_argument("--unions", type=int, default=UNIONS, help="grassroots unions")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="then profile our import of N more rows")  # fmt: skip
    parser.add_argument("--timeout", type=float, default=TIMEOUT,
                        help="seconds an import of ours may take before it is stopped")  # fmt: skip
    parser.add_argument("--profile-out", metavar="FILE", help="keep the profile there (pstats)")
    return parser.parse_args()


def generate(args, work, timings):
    import _import_data

    with clock(timings, f"union tree ({args.unions:,} grassroots unions)"):
        tree = _import_data.build_tree(args.unions, args.seed)
    roster = _import_data.Roster(tree, args.seed)
    files = {}
    with clock(timings, f"write the {args.die_rows:,}-row CSV sample"):
        files["die"] = work / "sample.csv"
        _import_data.write_csv(files["die"], roster.rows(args.die_rows, "die"))
    with clock(timings, f"write the {args.rows:,}-row CSV"):
        files["csv"] = work / "roster.csv"
        _import_data.write_csv(files["csv"], roster.rows(args.rows, "csv"))
    if args.xlsx_rows:
        with clock(timings, f"write the {args.xlsx_rows:,}-row xlsx"):
            files["xlsx"], files["twin"] = work / "roster.xlsx", work / "roster-xlsx.csv"
            rows = roster.rows(args.xlsx_rows, "xlsx")
            _import_data.write_xlsx(files["xlsx"], rows, twin=files["twin"])
    if args.profile:
        with clock(timings, f"write the {args.profile:,}-row CSV to profile"):
            files["profile"] = work / "profile.csv"
            _import_data.write_csv(files["profile"], roster.rows(args.profile, "profile"))
    sizes = ", ".join(f"{p.name} {p.stat().st_size / 2**20:.0f} MiB" for p in files.values())
    print(
        f"  {tree.unions:,} unions ({len(tree.grassroots):,} grassroots) in "
        f"{len(tree.counties)} counties; {sizes}"
    )
    return files


def measure(args, work, files, timings):
    import _import_die
    import _import_measure as m

    results = {}
    print("\nmeasuring:")
    m.settle()
    with clock(timings, f"a. django-import-export, {args.die_rows:,} rows"):
        results["die"] = _import_die.run(files["die"], args.die_rows)
    _import_die.clear()
    m.create_raw_table()
    m.settle()
    with clock(timings, f"b. raw COPY, {args.rows:,} rows"):
        results["copy"] = m.raw_copy(files["csv"], args.rows)
    m.settle()
    with clock(timings, f"c. our import, CSV, {args.rows:,} rows"):
        results["ours"] = m.run_ours(files["csv"], args.rows, work, args.timeout)
    if args.xlsx_rows:
        m.settle()
        with clock(timings, f"d. raw COPY, the xlsx's {args.xlsx_rows:,} rows"):
            results["copy_xlsx"] = m.raw_copy(files["twin"], args.xlsx_rows)
        m.settle()
        with clock(timings, f"e. our import, xlsx, {args.xlsx_rows:,} rows"):
            results["ours_xlsx"] = m.run_ours(files["xlsx"], args.xlsx_rows, work, args.timeout)
    ok = report(args, results)
    if args.profile:
        with clock(timings, f"profile of our import, {args.profile:,} rows"):
            m.profile(files["profile"], work, args.profile, args.profile_out)
    return ok


def verdict(ok):
    return "" if ok else "  !! missed"


def ratio(a, b, digits=2):
    return f"{a / b:.{digits}f}" if a and b else "n/a (did not finish)"


def report(args, r):
    """The table, the ratios against the aims and our runs' phases; False if an aim was missed
    or an import did not finish."""
    from _bench import pad, width
    from _import_measure import RAW_TABLE, indexes, table_size

    from gonghui.members.models import Membership, Person

    ours, copy = r["ours"], r["copy"]
    lines = [
        ("a. django-import-export, bulk mode (sample)", args.die_rows, r["die"], ""),
        ("b. raw COPY into bench_roster", args.rows, copy, ""),
        ("c. our import, CSV", args.rows, ours, ""),
    ]
    runs = [("CSV", ours)]
    if args.xlsx_rows:
        x = r["ours_xlsx"]
        lines += [
            ("d. raw COPY, the xlsx's rows", args.xlsx_rows, r["copy_xlsx"], ""),
            ("e. our import, xlsx", args.xlsx_rows, x, ""),
        ]
        runs.append(("xlsx", x))
    columns = max(width(name) for name, *_ in lines)
    print(f"\n{pad('measure', columns)}  {'rows':>9}  {'seconds':>8}  {'rows/s':>8}")
    for name, rows, measured, note in lines:
        seconds = getattr(measured, "seconds", measured)
        rate = f"{rows / seconds:>8,.0f}"
        if hasattr(measured, "peak_mb"):
            note = f"peak {measured.peak_mb:,.0f} MB"
            if not measured.finished:
                rate = f"{'-':>8}"
                note = f"did not finish (stopped); peak {measured.peak_mb:,.0f} MB"
        print(f"{pad(name, columns)}  {rows:>9,}  {seconds:>8.1f}  {rate}  {note}")
    rate, copy_rate, die_rate = ours.rate, args.rows / copy, args.die_rows / r["die"]
    ok = ours.finished and all(run.finished for _label, run in runs)
    ok = ok and rate / copy_rate >= COPY_AIM and rate / die_rate >= DIE_AIM
    print(
        f"\nratios: our CSV import / raw COPY = {ratio(rate, copy_rate)} (aim >= {COPY_AIM})"
        f"{verdict(bool(rate) and rate / copy_rate >= COPY_AIM)}; our CSV import / "
        f"django-import-export = {ratio(rate, die_rate, 1)} (aim >= {DIE_AIM})"
        f"{verdict(bool(rate) and rate / die_rate >= DIE_AIM)}"
    )
    memory_ok = ours.peak_mb < MEMORY_AIM_MB
    ok = ok and memory_ok
    print(
        f"peak memory of our CSV import: {ours.peak_mb:,.0f} MB for {args.rows:,} rows "
        f"(aim < {MEMORY_AIM_MB} MB){verdict(memory_ok)}"
        + ("" if ours.finished else " (up to where it was stopped)")
    )
    if args.xlsx_rows:
        x = r["ours_xlsx"]
        print(
            f"xlsx: our import / raw COPY of its rows = "
            f"{ratio(x.rate, args.xlsx_rows / r['copy_xlsx'])}, our xlsx / our CSV rate = "
            f"{ratio(x.rate, rate)}; peak memory {x.peak_mb:,.0f} MB"
        )
    for label, run in runs:
        phases = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in run.phases.items())
        print(
            f"our {label} import (job {run.job and run.job.pk}): {run.seconds:.1f} s wall, "
            f"{run.cpu_seconds:.1f} s CPU in the child; {phases}"
            + (f"; {run.merging}" if run.merging else "")
        )
    print(
        f"\ntables: members_person {table_size(Person._meta.db_table)}, members_membership "
        f"{table_size(Membership._meta.db_table)}, {RAW_TABLE} {table_size(RAW_TABLE)}"
    )
    for table in (Person._meta.db_table, RAW_TABLE):
        print(f"indexes of {table}: " + "; ".join(name for name, _sql in indexes(table)))
    return ok


def run(args, work):
    timings = {}
    print("preparing the database:")
    prepare_database()
    print(f"\nwriting the rosters (seed {args.seed}):")
    files = generate(args, work, timings)
    ok = measure(args, work, files, timings)
    print("\nphases: " + ", ".join(f"{step} {seconds:.0f} s" for step, seconds in timings.items()))
    return ok


def main():
    args = parse_args()
    started = time.perf_counter()
    if importlib.util.find_spec("import_export") is None:
        raise SystemExit(
            "django-import-export is missing: uv run --group bench python bench/import.py"
        )
    with tempfile.TemporaryDirectory(prefix="gonghui-bench.") as folder:
        work = Path(folder)
        work.chmod(0o755)  # the postgres user keeps its cluster in here
        with database(work) as url:
            os.environ["DATABASE_URL"] = url
            os.environ["GONGHUI_DATA_DIR"] = str(work / "data")  # the child imports read it too
            os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gonghui.settings")
            django.setup()
            try:
                ok = run(args, work)
            finally:
                connections.close_all()
    print(f"\nwhole run: {time.perf_counter() - started:.0f} s")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
