"""A throwaway PostgreSQL 15 cluster for a benchmark, started the way scripts/test starts one.

The cluster runs as the `postgres` user (via runuser, so the benchmark runs as root), listens
on a free loopback port with its socket in its own folder, and is stopped and deleted on exit.
"""

import shutil
import socket
import subprocess
from contextlib import contextmanager
from pathlib import Path

PG_BIN = Path("/usr/lib/postgresql/15/bin")
DATABASE = "gonghui"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def as_postgres(*command):
    subprocess.run(
        ["runuser", "-u", "postgres", "--", *map(str, command)],
        check=True,
        stdout=subprocess.DEVNULL,
    )


@contextmanager
def throwaway_cluster(work: Path):
    """Yield the DATABASE_URL of a new cluster kept under `work`; stop and remove it after."""
    if not (PG_BIN / "initdb").exists():
        raise SystemExit(f"No PostgreSQL 15 in {PG_BIN}: apt-get install postgresql-15")
    data, sock = work / "pg", work / "sock"
    for folder in (data, sock):
        folder.mkdir(parents=True)
        shutil.chown(folder, "postgres")
    as_postgres(PG_BIN / "initdb", "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8",
                "--locale=C.UTF-8")  # fmt: skip
    port = free_port()
    options = f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={sock}"
    as_postgres(PG_BIN / "pg_ctl", "-D", data, "-w", "-l", sock / "pg.log", "-o", options, "start")
    try:
        as_postgres(PG_BIN / "createdb", "-h", "127.0.0.1", "-p", port, "-U", "postgres", DATABASE)
        yield f"postgres://postgres@127.0.0.1:{port}/{DATABASE}"
    finally:
        as_postgres(PG_BIN / "pg_ctl", "-D", data, "-m", "immediate", "stop")
