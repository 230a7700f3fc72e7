"""Every URL and API route, requested as a user of a sibling branch, shows nothing of it.

The routes come from the URL configuration itself, so an endpoint added later is
walked without being listed here (DESIGN rule 1). The other branch's records, and the
values to try for each URL kwarg, come from each app's tests/<app>/scope_data.py
(tests/scope_registry.py); a route with a kwarg no app fills fails the walk.
"""

import itertools
import re

import pytest
import scope_registry
from django.test import Client
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

from gonghui.core.models import AuditEvent
from gonghui.unions import services

SKIP = {"logout"}


def routes(resolver=None, namespace=""):
    """(name to reverse, converter or group names) for every named route."""
    for p in (resolver or get_resolver()).url_patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from routes(p, ns)
        elif isinstance(p, URLPattern) and p.name and p.name not in SKIP:
            yield f"{namespace}{p.name}", list(p.pattern.regex.groupindex)


def urls_for(name, params, kwargs):
    """The route filled with every combination of the values registered for its kwargs."""
    if not params:
        return [reverse(name)]
    urls = []
    for values in itertools.product(*(kwargs[k] for k in params)):
        try:
            urls.append(
                reverse(name, kwargs={k: str(v) for k, v in zip(params, values, strict=True)})
            )
        except NoReverseMatch:
            continue
    return urls


@pytest.fixture
def found(tree, root_admin):
    return scope_registry.build(tree, root_admin)


@pytest.fixture
def branches(tree, root_admin, found):
    """An employer of the user's own branch; the other branch's records from the apps."""
    mine = services.create_employer(
        root_admin,
        {"name": "锦江区甲方电子有限公司", "region": "510104", "industry": "C",
         "local_union": tree.county.code, "covering_union": tree.grassroots.code},
    )  # fmt: skip
    return mine, found.records, found.markers


def state(objects):
    """What must not change when the other branch pokes at these records."""
    # Their rows and their histories (the walker's own jobs, started and cancelled by the
    # walk's POSTs, write events about the walker's records only).
    return [
        (type(o).__name__, tuple(type(o).objects.filter(pk=o.pk).values_list()),
         AuditEvent.objects.for_object(o).count())
        for o in objects
    ]  # fmt: skip


@pytest.mark.django_db
def test_every_route_hides_the_sibling_branch(tree, branches, found):
    _, others, markers = branches
    unfilled = sorted({(n, k) for n, ps in routes() for k in ps if k not in found.kwargs})
    assert not unfilled, f"no app's tests/<app>/scope_data.py fills these kwargs: {unfilled}"
    models = {type(o) for o in others if hasattr(type(o).objects.all(), "visible_to")}
    walker = tree.xian_admin  # the widest rights in the branch: manages users too
    client = Client()
    client.force_login(walker)
    before = state(others)
    walked, unreached = 0, []
    for name, params in routes():
        urls = urls_for(name, params, found.kwargs)
        if not urls:
            unreached.append(name)
        for url in urls:
            for method in ("get", "post"):
                response = getattr(client, method)(url)
                walked += 1
                assert response.status_code < 500, f"{method.upper()} {url}"
                # A download (the figures' xlsx) streams: its bytes are read too.
                raw = b"".join(response) if response.streaming else response.content
                body = raw.decode("utf-8", "replace")
                leaked = [m for m in markers if m in body]
                assert not leaked, f"{method.upper()} {url} shows {leaked}"
                if "pk" in params and response.status_code == 200 and name not in found.public:
                    # Only a record the walker may see (their branch's, their own job) may answer.
                    pk = int(re.search(r"/(\d+)/", url).group(1))
                    mine = [M.objects.visible_to(walker).filter(pk=pk) for M in models]
                    assert any(qs.exists() for qs in mine), (
                        f"{method.upper()} {url} answered 200 for another branch's record"
                    )
    assert not unreached, f"no registered value reverses these routes: {unreached}"
    assert walked > 40  # the walk really covered the web pages and the API
    assert state(others) == before


@pytest.mark.django_db
def test_own_records_are_reachable(tree, branches):
    """The walk is not vacuous: the same user does see their own branch."""
    mine, _, _ = branches
    client = Client()
    client.force_login(tree.xian)
    assert client.get(mine.get_absolute_url()).status_code == 200
    assert client.get(tree.grassroots.get_absolute_url()).status_code == 200
    body = client.get("/api/v1/employers/").content.decode()
    assert mine.name in body
