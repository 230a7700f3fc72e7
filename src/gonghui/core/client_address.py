"""The address a request came from, the one answer the throttles, the audit trail, the
reveal log and the login lockout all use.

X-Forwarded-For is written by whoever sends the request, so it counts only as far as
our own proxies wrote it: with GONGHUI_TRUSTED_PROXIES = N, each of the N proxies in
front of us appended the address it was reached from, and the Nth entry from the right
is the client as our outermost proxy saw it. Entries left of that are the client's own
words. With N = 0 (the default) the header is ignored and REMOTE_ADDR is the client.
"""

import ipaddress

from django.conf import settings


def _address(text):
    """`text` as an IP address, or None (a header may carry anything)."""
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None


def client_address(request):
    """The client's IP address for a Django or DRF request (None if there is none)."""
    meta = request.META
    remote = meta.get("REMOTE_ADDR") or None
    trusted = int(getattr(settings, "GONGHUI_TRUSTED_PROXIES", 0) or 0)
    forwarded = meta.get("HTTP_X_FORWARDED_FOR", "")
    if trusted <= 0 or not forwarded:
        return remote
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    if not hops:
        return remote
    # Fewer entries than proxies: every entry was written by one of ours; the leftmost
    # is the farthest address they saw (as DRF's NUM_PROXIES counts).
    return _address(hops[-min(trusted, len(hops))]) or remote
