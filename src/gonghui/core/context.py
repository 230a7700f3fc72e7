"""The request a change happens in: who acts, from where, under which request id.

Services read it to stamp audit events, so callers need not pass it down.
The web sets it per request (middleware); the CLI and the demo open their own
`request_context(via="cli")`.
"""

import contextvars
import uuid
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    request_id: str
    ip: str | None = None
    via: str = "web"


_current = contextvars.ContextVar("gonghui_request", default=None)


def current() -> RequestContext:
    return _current.get() or RequestContext(request_id="", via="system")


@contextmanager
def request_context(ip=None, via="web", request_id=None):
    token = _current.set(RequestContext(request_id or uuid.uuid4().hex, ip, via))
    try:
        yield _current.get()
    finally:
        _current.reset(token)
