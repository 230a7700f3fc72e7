"""`kill -9` of a real worker in the middle of a big import (issue 14): `gonghui serve
--no-web` runs the workers as it does in production, on a database that it and this test
share (a SQLite file of its own, or the test PostgreSQL). The worker of the "long" queue is
killed while the import is running with rows done; then nothing of the file is in the
registry, the job's own process died with its worker, the supervisor has started a new
worker by itself, the job ends failed with the reason, its stage tables and upload are
gone, and the new worker runs the next import.

On PostgreSQL the import is past the point where it merges into the registry while still
reading (jobs/merging.py): rows of it sit in an open transaction when the worker dies.
"""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection
from stdnum.cn import ric

GONGHUI = [sys.executable, "-m", "gonghui.cli"]
ROWS = 150_000
HEARTBEAT = 4  # seconds of silence after which a running job counts as dead
MERGE_WHILE_READING = 10_000
UNION = "5101040101"

# Run in the worker's environment by `gonghui shell -c`: the union tree once, then a
# queued import of FILE as the platform (no user).
SETUP = """
from django.db import transaction
from gonghui.accounts.models import User
from gonghui.regions import loader
from gonghui.regions.models import Region
from gonghui.unions import services
from gonghui.unions.models import TradeUnion

if not Region.objects.exists():
    loader.load()
if not TradeUnion.objects.filter(code="5101040101").exists():
    admin = User.objects.create_user("kill-root", password="x", role=User.Role.PLATFORM_ADMIN)
    K = TradeUnion.Kind
    parent = ""
    for code, name, kind, region in [
        ("5100000000", "四川省总工会", K.FEDERATION, "510000"),
        ("5101000000", "成都市总工会", K.FEDERATION, "510100"),
        ("5101040000", "锦江区总工会", K.FEDERATION, "510104"),
        ("5101040100", "锦江区春熙路街道工会", K.TOWNSHIP, "510104003"),
        ("5101040101", "成都春熙百货有限公司工会", K.GRASSROOTS, "510104003"),
    ]:
        services.create_union(admin, {"code": code, "name": name, "kind": kind,
                                      "region": region, "parent": parent})
        parent = code
"""
START = """
from django.db import transaction
from gonghui.jobs import runner
with transaction.atomic(), open({path!r}, "rb") as upload:
    job = runner.start(None, "import", "members", {{"union": "5101040101"}}, upload=upload,
                       file_name={name!r})
print(job.pk)
"""


def make_id(n):
    born = time.strftime("%Y%m%d", time.gmtime(631152000 + (n // 900) * 86400))  # from 1990
    body = f"510104{born}{n % 900 + 100:03d}"
    return body + ric.calc_check_digit(body + "0")


def roster(path, rows, first=0):
    with open(path, "w", encoding="utf-8") as out:
        out.write("姓名,身份证号,手机号码,入会时间\n")
        for n in range(first, first + rows):
            out.write(f"测试{n},{make_id(n)},139{n:08d},2024/5/1\n")
    return path


class World:
    """The database the worker and this test share: SQL to look at it, the environment to
    run `gonghui` in."""

    def __init__(self, env, sqlite_file=None):
        self.env, self.sqlite_file = env, sqlite_file

    def gonghui(self, *args, code=None):
        argv = [*GONGHUI, *args, *(["-c", code] if code else [])]
        done = subprocess.run(argv, env=self.env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout

    def one(self, sql, params=()):
        if self.sqlite_file:
            with sqlite3.connect(self.sqlite_file, timeout=30) as db:
                return db.execute(sql, params).fetchone()
        with connection.cursor() as c:
            c.execute(sql.replace("?", "%s"), params)
            return c.fetchone()

    def tables(self):
        if self.sqlite_file:
            with sqlite3.connect(self.sqlite_file, timeout=30) as db:
                return [r[0] for r in db.execute("SELECT name FROM sqlite_master")]
        return connection.introspection.table_names()

    def job(self, pk):
        return self.one("SELECT status, done, message FROM jobs_job WHERE id = ?", (pk,))

    def start_import(self, path):
        out = self.gonghui("shell", "-v0", code=START.format(path=str(path), name=path.name))
        return int(out.split()[-1])


@pytest.fixture
def world(request, tmp_path, settings):
    env = {
        **os.environ,
        "GONGHUI_DATA_DIR": str(settings.DATA_DIR),
        "SECRET_KEY": django_settings.SECRET_KEY,
        "GONGHUI_FIELD_KEY": django_settings.FIELD_ENCRYPTION_KEY,
        "GONGHUI_JOB_HEARTBEAT_SECONDS": str(HEARTBEAT),
        "GONGHUI_IMPORT_MERGE_WHILE_READING_ROWS": str(MERGE_WHILE_READING),
        "GONGHUI_LOG_LEVEL": "INFO",
    }
    if connection.vendor == "postgresql":
        # The test database itself, with real commits (emptied after the test).
        request.getfixturevalue("transactional_db")
        db = connection.settings_dict
        env["DATABASE_URL"] = (
            f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
        )
        world = World(env)
    else:
        path = tmp_path / "shared.sqlite3"
        env["DATABASE_URL"] = f"sqlite:///{path}"
        world = World(env, sqlite_file=path)
        world.gonghui("migrate", "-v0")
    Path(settings.DATA_DIR).mkdir(parents=True, exist_ok=True)
    world.gonghui("shell", code=SETUP)
    return world


@pytest.fixture(scope="module", autouse=True)
def regions_back_afterwards(django_db_blocker):
    """On PostgreSQL the transactional test ends by emptying every table: the division
    table, loaded once per session, is loaded again for the tests that follow."""
    yield
    if connection.vendor == "postgresql":
        from gonghui.regions import loader

        with django_db_blocker.unblock():
            loader.load()


def children(pid):
    """{pid: command line} of a process's children (Linux /proc)."""
    found = {}
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            try:
                found[int(child)] = Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ")
            except FileNotFoundError:
                continue
    return found


def long_worker(serve):
    workers = [p for p, cmd in children(serve.pid).items() if b"--queue-name long" in cmd]
    return workers[0] if len(workers) == 1 else None


def wait_for(what, seconds, step=0.2):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if value := what():
            return value
        time.sleep(step)
    return what()


def alive(pid):
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads Linux's /proc")
def test_kill_9_of_the_worker_mid_import(world, tmp_path, settings):
    big = world.start_import(roster(tmp_path / "big.csv", ROWS))
    log = open(tmp_path / "serve.log", "w")
    serve = subprocess.Popen(
        [*GONGHUI, "serve", "--no-web"], env=world.env, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        # Running, with rows done (on PostgreSQL: chunks merged, uncommitted).
        needed = 3 * MERGE_WHILE_READING if connection.vendor == "postgresql" else 4000
        state = wait_for(
            lambda: (s := world.job(big))[0] == "running" and s[1] >= needed and s, 120
        )
        assert state, (world.job(big), (tmp_path / "serve.log").read_text()[-3000:])
        worker = long_worker(serve)
        assert worker, children(serve.pid)
        [job_process] = children(worker)  # the forked child under the job limits
        os.kill(worker, signal.SIGKILL)
        killed = time.monotonic()
        killed_at = world.job(big)
        assert killed_at[0] == "running" and killed_at[1] < ROWS, "the import ended too soon"

        # The job's process died with its worker: nothing goes on writing.
        assert wait_for(lambda: not alive(job_process), 10), "the job's process outlived its worker"
        # The supervisor started a new worker for the queue by itself.
        assert wait_for(lambda: (w := long_worker(serve)) and w != worker and alive(w), 30)
        restarted = time.monotonic() - killed
        # The job ends failed with the reason, once its heartbeat is old enough.
        failed = wait_for(lambda: (s := world.job(big))[0] == "failed" and s, 4 * HEARTBEAT + 10)
        assert failed, world.job(big)
        print(f"\nkill -9 at {killed_at[1]} of {ROWS} rows; a new worker after {restarted:.1f} s; "
              f"the job failed after {time.monotonic() - killed:.1f} s")  # fmt: skip
        assert "工作进程中断" in failed[2] and "没有写入" in failed[2], failed[2]
        # Nothing of the file is in the registry; its stage tables and upload are gone.
        assert world.one("SELECT count(*) FROM members_person")[0] == 0
        assert world.one("SELECT count(*) FROM members_membership")[0] == 0
        # The sweep marks the job failed first, then drops what it left: wait for that.
        upload = Path(settings.DATA_DIR) / "jobs" / str(big) / "input.csv"
        stage = lambda: [t for t in world.tables() if t.startswith(f"import_stage_{big}")]  # noqa: E731
        assert wait_for(lambda: not stage() and not upload.exists(), 15), (stage(), upload)

        # The new worker takes the next import and finishes it.
        small = world.start_import(roster(tmp_path / "small.csv", 3, first=ROWS))
        done = wait_for(lambda: (s := world.job(small))[0] in ("succeeded", "failed") and s, 60)
        assert done and done[0] == "succeeded", (done, (tmp_path / "serve.log").read_text()[-3000:])
        assert world.one("SELECT count(*) FROM members_membership")[0] == 3
    finally:
        serve.send_signal(signal.SIGTERM)
        try:
            serve.wait(30)
        except subprocess.TimeoutExpired:
            serve.kill()
            serve.wait()
        log.close()
    assert serve.returncode == 0, (tmp_path / "serve.log").read_text()[-3000:]
