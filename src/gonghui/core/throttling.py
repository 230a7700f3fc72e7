"""Rate limits whose counts every server process shares.

The counts live in the "throttle" cache, a database table (Django's DatabaseCache:
no Redis on a government intranet), so five gunicorn processes allow the rate once,
not five times; the client is told apart by `client_address`, so a made-up
X-Forwarded-For does not start a new count. The table is made after every migrate
(`create_cache_tables`) and by `gonghui serve`.
"""

from django.core.cache import caches
from django.core.management import call_command
from rest_framework.throttling import AnonRateThrottle

from gonghui.core.client_address import client_address

CACHE = "throttle"


class SharedAnonThrottle(AnonRateThrottle):
    """DRF's anonymous throttle, counted in the shared cache, per client address."""

    @property
    def cache(self):
        return caches[CACHE]

    def get_ident(self, request):
        return client_address(request) or ""


def create_cache_tables(using="default", **kwargs):
    """post_migrate: make the database cache tables (idempotent: existing ones are kept)."""
    call_command("createcachetable", database=using, verbosity=0)
