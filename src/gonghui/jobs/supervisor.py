"""Processes that `gonghui serve` starts and watches: the web server, and a job worker per
queue. A worker that dies (killed, out of memory, a lost database) is started again by
itself, after a back-off that doubles with each quick death (1 s, 2 s, 4 s ... up to
MAX_BACKOFF) and starts over once a worker has lived STABLE seconds. When the web server
ends, everything stops: it is what the operator started.
"""

import logging
import signal
import subprocess
import time
from dataclasses import dataclass, field

log = logging.getLogger(__name__)

FIRST_BACKOFF, MAX_BACKOFF, STABLE = 1.0, 60.0, 60.0


@dataclass
class Service:
    """One command to keep running; `restart`: start it again when it dies (else its end
    ends the supervisor)."""

    name: str
    argv: list
    restart: bool = True
    process: subprocess.Popen | None = None
    started_at: float = 0.0
    backoff: float = FIRST_BACKOFF
    restart_at: float | None = None  # when a dead one is due to start again
    restarts: int = 0
    popen: dict = field(default_factory=dict)  # further arguments to Popen (stdout, env)

    def start(self, now):
        self.process = subprocess.Popen(self.argv, **self.popen)
        self.started_at, self.restart_at = now, None
        log.info("started %s (pid %s)", self.name, self.process.pid)

    @property
    def alive(self):
        return self.process is not None and self.process.poll() is None


class Supervisor:
    """Start `services`, then `run()`: every `interval` seconds restart the dead ones that
    may be restarted and call `tick()` (the platform's own periodic work), until a service
    that may not be restarted ends or `stop()` is called (SIGTERM, SIGINT)."""

    def __init__(self, services, tick=None, interval=1.0, clock=time.monotonic):
        self.services, self.tick, self.interval, self.clock = services, tick, interval, clock
        self.running = False

    def start(self):
        now = self.clock()
        for service in self.services:
            service.start(now)
        self.running = True

    def check(self):
        """One round: restart what is due; False once a service that must not die ended."""
        now = self.clock()
        for service in self.services:
            if service.alive:
                if service.backoff > FIRST_BACKOFF and now - service.started_at >= STABLE:
                    service.backoff = FIRST_BACKOFF  # it lived long enough: start over
                continue
            if not service.restart:
                log.warning("%s ended (%s): stopping", service.name, service.process.returncode)
                return False
            if service.restart_at is None:
                code = service.process.returncode
                log.warning(
                    "%s ended (exit code %s); starting it again in %.0f s",
                    service.name,
                    code,
                    service.backoff,
                )
                service.restart_at = now + service.backoff
                service.backoff = min(service.backoff * 2, MAX_BACKOFF)
            elif now >= service.restart_at:
                service.restarts += 1
                service.start(now)
        return True

    def run(self):
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)
        if not self.running:
            self.start()
        while self.running and self.check():
            if self.tick:
                self.tick()
            time.sleep(self.interval)
        self.shutdown()

    def stop(self, signum=None, frame=None):
        self.running = False

    def shutdown(self, wait=10):
        for service in self.services:
            if service.alive:
                service.process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + wait
        for service in self.services:
            if service.process is None:
                continue
            try:
                service.process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                service.process.kill()
                service.process.wait()
