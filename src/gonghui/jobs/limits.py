"""Memory and time limits for one job: it runs in a child process (forked, so it shares
the worker's loaded code) with its address space capped by RLIMIT_AS and a wall-clock
timeout. A job that exceeds either dies alone; the worker marks it failed with the limit's
name and goes on to the next job.
"""

import logging
import multiprocessing
import resource

from django.db import connection, connections

log = logging.getLogger(__name__)

OK, MEMORY, TIMEOUT, CRASHED = "ok", "memory", "timeout", "crashed"
MEMORY_EXIT = 75  # the child's exit code when it ran out of memory outside the job's own catch


def run_isolated(target, args=(), memory_mb=0, timeout_seconds=0):
    """Run `target(*args)` in a child process under the limits (0: none); OK, MEMORY,
    TIMEOUT or CRASHED (killed by a signal, or an exit code other than 0)."""
    if not connection.in_atomic_block:
        # The child must open its own database connections, not share the worker's socket.
        connections.close_all()
    child = multiprocessing.get_context("fork").Process(
        target=_child, args=(target, args, memory_mb), daemon=True
    )
    child.start()
    child.join(timeout_seconds or None)
    if child.is_alive():
        child.kill()
        child.join()
        return TIMEOUT
    if child.exitcode == 0:
        return OK
    log.warning("job process ended with exit code %s", child.exitcode)
    return MEMORY if child.exitcode == MEMORY_EXIT else CRASHED


def _child(target, args, memory_mb):
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
