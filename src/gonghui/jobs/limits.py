"""Memory and time limits for one job: it runs in a child process (forked, so it shares
the worker's loaded code) with its address space capped by RLIMIT_AS and a wall-clock
timeout. A job that exceeds either dies alone; the worker marks it failed with the limit's
name and goes on to the next job. While the child works, the worker calls `beat` now and
then (the job's heartbeat); if the worker itself dies, the kernel kills the child with it,
so an orphan never goes on writing on its own.
"""

import ctypes
import ctypes.util
import logging
import multiprocessing
import os
import resource
import signal
import time

from django.db import connection, connections

log = logging.getLogger(__name__)

OK, MEMORY, TIMEOUT, CRASHED = "ok", "memory", "timeout", "crashed"
MEMORY_EXIT = 75  # the child's exit code when it ran out of memory outside the job's own catch


def run_isolated(target, args=(), memory_mb=0, timeout_seconds=0, beat=None, beat_every=5.0):
    """Run `target(*args)` in a child process under the limits (0: none), calling `beat()`
    every `beat_every` seconds while it runs; OK, MEMORY, TIMEOUT or CRASHED (killed by a
    signal, or an exit code other than 0)."""
    if not connection.in_atomic_block:
        # The child must open its own database connections, not share the worker's socket.
        connections.close_all()
    child = multiprocessing.get_context("fork").Process(
        target=_child, args=(target, args, memory_mb), daemon=True
    )
    child.start()
    deadline = time.monotonic() + timeout_seconds if timeout_seconds else None
    while child.is_alive():
        left = deadline - time.monotonic() if deadline else beat_every
        if left <= 0:
            break
        child.join(min(left, beat_every) if beat else left)
        if beat and child.is_alive():
            try:
                beat()
            except Exception:  # a missed beat is no reason to abandon the job
                log.warning("could not write the job's heartbeat", exc_info=True)
    if child.is_alive():
        child.kill()
        child.join()
        return TIMEOUT
    if child.exitcode == 0:
        return OK
    log.warning("job process ended with exit code %s", child.exitcode)
    return MEMORY if child.exitcode == MEMORY_EXIT else CRASHED


def die_with_parent():
    """Ask Linux to SIGKILL this process when its parent (the worker) dies: a job whose
    worker was killed must not go on by itself (PR_SET_PDEATHSIG; elsewhere, nothing)."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        log.info("cannot tie the job's process to its worker on this system")


PR_SET_PDEATHSIG = 1


def _child(target, args, memory_mb):
    die_with_parent()
    if os.getppid() != multiprocessing.parent_process().pid:
        os._exit(1)  # the worker died before the child could tie itself to it
    if memory_mb:
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        target(*args)
    except MemoryError:
        raise SystemExit(MEMORY_EXIT) from None
    finally:
        if not connection.in_atomic_block:
            connections.close_all()
