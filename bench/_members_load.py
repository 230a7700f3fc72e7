"""Join submissions per second over HTTP: gunicorn serving the project as `gonghui serve` does,
and a load generator of threads, each on its own keep-alive connection.

gunicorn runs `_bench_wsgi:application` (the project plus the trivial views of _bench.py) with
the worker count of `gonghui serve` (GONGHUI_WORKERS, else 2 x cores + 1, at most 9), 4
threads each, `--no-control-socket`, an access log (to a file), after collectstatic, as serve
runs it. The join endpoint's throttle (GONGHUI_JOIN_RATE, 30/hour per address by default)
would refuse all but the first 30 submissions from the load generator's one address, so the
benchmark sets it to JOIN_RATE: the throttle still runs on every request, it never refuses.

Besides the rates, each round counts the CPU time (user + system, from /proc) that gunicorn's
processes, PostgreSQL's and the load generator spent: CPU per request does not depend on what
else the machine is running, as throughput does. PostgreSQL is counted when it runs on this
machine (the postmaster of the benchmark's connection and all its children).
"""

import json
import os
import re
import resource
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from contextlib import contextmanager
from http.client import HTTPConnection, RemoteDisconnected
from pathlib import Path

from _bench import TRIVIAL_POST_URL, Result
from _pg import free_port
from django.core.management import call_command
from django.db import connection

from gonghui.core.context import request_context
from gonghui.members.models import JoinApplication
from gonghui.members.services import submit_application

JOIN_URL = "/api/v1/join-applications/"
JOIN_RATE = "1000000/second"  # a window of a second keeps the throttle's history short
THREADS = 4  # per gunicorn worker, as `gonghui serve`
HEADERS = {"Content-Type": "application/json", "Accept": "application/json"}
BENCH = Path(__file__).resolve().parent
PROFILED = 60  # submissions run in process, without HTTP, to break one down
TICKS = os.sysconf("SC_CLK_TCK")


def serve_workers():
    """The worker count `gonghui serve` uses."""
    return int(os.environ.get("GONGHUI_WORKERS", min(2 * (os.cpu_count() or 1) + 1, 9)))


def wait_until_serving(port, process, log, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"gunicorn exited ({process.returncode}):\n{log.read_text()[-3000:]}"
            )
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not listen on {port} in {seconds} s")


@contextmanager
def gunicorn(work, workers):
    """Serve the project (and the trivial views) on a free loopback port; yield the port."""
    call_command("collectstatic", interactive=False, verbosity=0)  # as `gonghui serve` does
    port = free_port()
    log = work / "gunicorn.log"
    argv = [
        sys.executable, "-m", "gunicorn", "_bench_wsgi:application",
        "--pythonpath", str(BENCH),
        "--bind", f"127.0.0.1:{port}",
        "--workers", str(workers),
        "--threads", str(THREADS),
        "--no-control-socket",
        "--access-logfile", str(work / "access.log"),
    ]  # fmt: skip
    env = os.environ | {
        "GONGHUI_JOIN_RATE": JOIN_RATE,
        "DJANGO_SETTINGS_MODULE": "gonghui.settings",
    }
    with log.open("w") as out:
        process = subprocess.Popen(argv, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_until_serving(port, process, log)
        yield port, process.pid
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def post(connection, url, body):
    """POST on a keep-alive connection; reconnect once if the server closed it while idle."""
    for attempt in range(2):
        try:
            connection.request("POST", url, body, HEADERS)
            response = connection.getresponse()
            return response.status, response.read()
        except (RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            connection.close()
            if attempt:
                raise
    raise AssertionError("unreachable")


def fire(port, url, bodies, concurrency):
    """POST every body once from `concurrency` threads; return (seconds, statuses, latencies
    in ms, the first answer that was not 201)."""
    jobs = iter(bodies)
    lock = threading.Lock()
    statuses, latencies, failures = Counter(), [], []
    ready = threading.Barrier(concurrency + 1)

    def client():
        connection = HTTPConnection("127.0.0.1", port, timeout=120)
        ready.wait()
        try:
            while True:
                with lock:
                    body = next(jobs, None)
                if body is None:
                    return
                start = time.perf_counter()
                status, answer = post(connection, url, body)
                ms = (time.perf_counter() - start) * 1000
                with lock:
                    statuses[status] += 1
                    latencies.append(ms)
                    if status != 201 and not failures:
                        failures.append(answer[:500])
        finally:
            connection.close()

    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    ready.wait()
    start = time.perf_counter()
    for thread in threads:
        thread.join()
    return time.perf_counter() - start, statuses, latencies, failures


def process_times():
    """pid -> (parent pid, CPU seconds of the process and of its reaped children)."""
    result = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # gone meanwhile
            continue
        fields = stat[stat.rindex(")") + 2 :].split()  # after "pid (comm) "
        # utime, stime, cutime, cstime: a child's time moves to its parent's once reaped.
        result[int(entry.name)] = (int(fields[1]), sum(map(int, fields[11:15])) / TICKS)
    return result


def tree_seconds(times, root):
    """CPU seconds of `root` and all its descendants."""
    if root is None:
        return 0.0
    children = {}
    for pid, (parent, _) in times.items():
        children.setdefault(parent, []).append(pid)
    total, stack = 0.0, [root]
    while stack:
        pid = stack.pop()
        total += times.get(pid, (0, 0.0))[1]
        stack.extend(children.get(pid, []))
    return total


def postmaster_pid():
    """The PostgreSQL server this process is connected to, if it runs on this machine."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    try:
        stat = Path(f"/proc/{backend}/stat").read_text()
    except OSError:
        return None
    return int(stat[stat.rindex(")") + 2 :].split()[1])


def own_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class CPU:
    """CPU seconds of the server, the database and the load generator over a stretch."""

    def __init__(self, server, database):
        self.server, self.database = server, database

    def sample(self):
        times = process_times()
        return (
            tree_seconds(times, self.server),
            tree_seconds(times, self.database),
            own_seconds(),
        )


class Rate:
    """Requests a second of one endpoint over rounds, and the CPU they took."""

    def __init__(self, url):
        self.url, self.rates, self.latencies, self.statuses = url, [], [], Counter()
        self.cpu = [0.0, 0.0, 0.0]  # gunicorn, PostgreSQL, load generator: seconds
        self.requests = 0

    def run(self, port, bodies, concurrency, cpu, keep=True):
        before = cpu.sample()
        seconds, statuses, latencies, failures = fire(port, self.url, bodies, concurrency)
        after = cpu.sample()
        self.statuses += statuses
        if set(statuses) != {201}:
            raise AssertionError(f"POST {self.url}: {dict(statuses)}; first refusal {failures}")
        if keep:
            self.rates.append(len(bodies) / seconds)
            self.latencies.extend(latencies)
            self.cpu = [c + b - a for c, a, b in zip(self.cpu, before, after, strict=True)]
            self.requests += len(bodies)
        return len(bodies) / seconds

    @property
    def median(self):
        return statistics.median(self.rates)

    def latency(self, q):
        return statistics.quantiles(self.latencies, n=100)[q - 1]

    def cpu_ms(self):
        """CPU ms a request: gunicorn, PostgreSQL, load generator."""
        return [seconds * 1000 / self.requests for seconds in self.cpu]


def short_sql(sql):
    """SELECT <columns> FROM ... shortened to SELECT … FROM ..., cut at 90 characters."""
    sql = re.sub(r"^SELECT .*? FROM ", "SELECT … FROM ", sql)
    return sql if len(sql) <= 90 else sql[:89] + "…"


def submission_profile(applications):
    """Submit in process, without HTTP: print the median time of submit_application, of its
    waits on queries and on the COMMIT, and the queries of a submission by union code with
    their median times; return the number of queries of each kind of submission."""
    totals, waits, commits, by_kind = [], [], [], {}
    original_commit = connection._commit

    def timed_commit():
        start = time.perf_counter()
        try:
            return original_commit()
        finally:
            commits.append((time.perf_counter() - start) * 1000)

    for body in applications:
        data = {k: v for k, v in body.items() if k != "consent"}
        queries = []

        def timed(execute, sql, params, many, context, queries=queries):
            start = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                queries.append((sql, (time.perf_counter() - start) * 1000))

        connection._commit = timed_commit  # the COMMIT is not an execute: time it here
        try:
            with request_context(via="api"), connection.execute_wrapper(timed):
                start = time.perf_counter()
                submit_application(data, consent=True)
                totals.append((time.perf_counter() - start) * 1000)
        finally:
            del connection._commit
        waits.append(sum(ms for _, ms in queries))
        by_kind.setdefault("union" if "union" in body else "region", []).append(queries)
    total, wait, commit = (statistics.median(x) for x in (totals, waits, commits))
    counts = {kind: statistics.mode(len(q) for q in runs) for kind, runs in by_kind.items()}
    print(
        f"  in process, {len(totals)} submissions without HTTP: submit_application "
        f"{total:.1f} ms (median), of which {wait:.1f} ms waiting on {counts['union']} queries "
        f"({counts.get('region', '-')} for a county's pool) and {commit:.1f} ms on the COMMIT; "
        f"the rest, {total - wait - commit:.1f} ms, is Python"
    )
    runs = [q for q in by_kind["union"] if len(q) == counts["union"]]
    print("  its queries, to a union by code (median ms):")
    for i, (sql, _) in enumerate(runs[0]):
        print(f"    {statistics.median(run[i][1] for run in runs):5.2f}  {short_sql(sql)}")
    return counts


def measure_joins(work, applications, requests, rounds, concurrency):
    """Alternate rounds of `requests` join POSTs and as many trivial POSTs (the same bodies),
    after a warm-up round of each; return the result rows, the two Rates and the count of
    applications saved."""
    counts = submission_profile(applications[:PROFILED])
    bodies = [json.dumps(a).encode() for a in applications[PROFILED:]]
    warmup = min(200, requests)
    join, trivial = Rate(JOIN_URL), Rate(TRIVIAL_POST_URL)
    before = JoinApplication.objects.count()
    workers = serve_workers()
    with gunicorn(work, workers) as (port, server):
        cpu = CPU(server, postmaster_pid())
        trivial.run(port, bodies[:warmup], concurrency, cpu, keep=False)
        join.run(port, bodies[:warmup], concurrency, cpu, keep=False)
        for n in range(rounds):
            batch = bodies[warmup + n * requests : warmup + (n + 1) * requests]
            pair = (trivial, join) if n % 2 == 0 else (join, trivial)
            rates = [rate.run(port, batch, concurrency, cpu) for rate in pair]
            print(
                f"  round {n + 1}: "
                + ", ".join(f"{r.url} {x:.0f}/s" for r, x in zip(pair, rates, strict=True)),
                flush=True,
            )
    made = JoinApplication.objects.count() - before
    if made != join.statuses[201]:
        raise AssertionError(f"{join.statuses[201]} submissions answered 201, {made} saved")
    rate_note = (
        f"{join.median:.0f} vs {trivial.median:.0f} req/s; p50 latency {join.latency(50):.0f} vs "
        f"{trivial.latency(50):.0f} ms, p95 {join.latency(95):.0f} vs {trivial.latency(95):.0f} ms"
    )
    served = f"same gunicorn ({workers}x{THREADS}), same bodies"
    rate_row = Result(
        f"c1 join POST over HTTP, wall ms/request ({concurrency} clients)",
        1000 / join.median,
        1000 / trivial.median,
        f"trivial DRF POST, {served}",
        rate_note,
    )
    (j_app, j_db, j_client), (t_app, t_db, t_client) = join.cpu_ms(), trivial.cpu_ms()
    cpu_note = (
        f"gunicorn {j_app:.1f} + PostgreSQL {j_db:.1f} vs {t_app:.1f} + {t_db:.1f} ms; "
        f"load generator {j_client:.1f} vs {t_client:.1f} ms; {counts['union']} queries"
    )
    cpu_row = Result(
        "c2 join POST, CPU ms/request (gunicorn + PostgreSQL)",
        j_app + j_db,
        t_app + t_db,
        f"trivial DRF POST, {served}",
        cpu_note,
    )
    for row in (rate_row, cpu_row):
        print(row.line() + f"  [{row.note}]", flush=True)
    return [rate_row, cpu_row], join, trivial, workers, made


def applications_needed(requests, rounds):
    return PROFILED + min(200, requests) + requests * rounds
