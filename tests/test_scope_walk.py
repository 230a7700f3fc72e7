"""Every URL and API route, requested as a user of a sibling branch, shows nothing of it.

The routes come from the URL configuration itself, so an endpoint added later is
walked without being listed here (DESIGN rule 1).
"""

import re

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from stdnum.cn import ric

from gonghui.accounts.models import User
from gonghui.core.models import AuditEvent
from gonghui.members import services as member_services
from gonghui.members.models import JoinApplication, Membership, Person, Reveal, Transfer
from gonghui.unions import services
from gonghui.unions.models import Employer, TradeUnion

SKIP = {"logout"}
MODELS = (TradeUnion, Employer, User, Person, Membership, JoinApplication, Transfer, Reveal)


def _id(seq):
    body = "510105" + "19880808" + seq
    return body + ric.calc_check_digit(body + "0")


SIBLING_ID, SIBLING_ID_2 = _id("111"), _id("222")  # would end the session the walk runs in


def routes(resolver=None, namespace=""):
    """(name to reverse, converter or group names) for every named route."""
    for p in (resolver or get_resolver()).url_patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from routes(p, ns)
        elif isinstance(p, URLPattern) and p.name and p.name not in SKIP:
            yield f"{namespace}{p.name}", list(p.pattern.regex.groupindex)


def urls_for(name, params, ids):
    """The route filled with each of the other branch's ids (all params alike)."""
    if not params:
        return [reverse(name)]
    urls = []
    for value in ids:
        kwargs = {k: ("json" if k == "format" else str(value)) for k in params}
        try:
            urls.append(reverse(name, kwargs=kwargs))
        except NoReverseMatch:
            continue
    return urls


@pytest.fixture
def branches(tree, root_admin):
    """An employer on each side; the other branch's names and codes are the markers."""
    mine = services.create_employer(
        root_admin,
        {"name": "锦江区甲方电子有限公司", "region": "510104", "industry": "C",
         "local_union": tree.county.code, "covering_union": tree.grassroots.code},
    )  # fmt: skip
    theirs = services.create_employer(
        root_admin,
        {"name": "青羊区乙方精密铸造有限公司", "region": "510105", "industry": "C",
         "local_union": tree.sibling.code, "covering_union": tree.sibling_grassroots.code},
    )  # fmt: skip
    member = member_services.submit_application(
        {"name": "乙方会员甲", "id_number": SIBLING_ID, "phone": "13600000001",
         "union": tree.sibling_grassroots.code},
        consent=True,
    )  # fmt: skip
    member = member_services.approve_application(root_admin, member).membership
    applicant = member_services.submit_application(
        {"name": "乙方申请人乙", "id_number": SIBLING_ID_2, "phone": "13600000002",
         "union": tree.sibling_grassroots.code},
        consent=True,
    )  # fmt: skip
    # A transfer inside the other branch, under way.
    second = services.create_union(
        root_admin,
        {"code": "5101050102", "name": "青羊区乙方第二工会", "kind": "grassroots",
         "region": "510105", "parent": tree.sibling.code},
    )  # fmt: skip
    transfer = member_services.request_transfer(root_admin, member, second.code)
    tree.other.user_permissions.add(
        Permission.objects.get(content_type__app_label="accounts", codename="reveal_id_number")
    )
    other = User.objects.get(pk=tree.other.pk)
    member_services.reveal(other, member.person, "id_number", "乙方查看原因")
    others = [tree.sibling, tree.sibling_grassroots, theirs, tree.other, member, member.person]
    others += [applicant, second, transfer]
    markers = [tree.sibling.name, tree.sibling_grassroots.name, theirs.name, tree.other.last_name]
    markers += ["乙方会员甲", "乙方申请人乙", member.member_number, applicant.number]
    markers += [member.person.id_number_masked, applicant.id_number_masked]
    markers += [tree.sibling.code, tree.sibling_grassroots.code, second.name, "乙方查看原因"]
    return mine, others, markers


def state(objects):
    """What must not change when the other branch pokes at these records."""
    return [
        (type(o).__name__, tuple(type(o).objects.filter(pk=o.pk).values_list())) for o in objects
    ] + [AuditEvent.objects.exclude(action__startswith="log").count()]


@pytest.mark.django_db
def test_every_route_hides_the_sibling_branch(tree, branches):
    _, others, markers = branches
    client = Client()
    client.force_login(tree.xian_admin)  # the widest rights in the branch: manages users too
    ids = sorted({o.pk for o in others})
    before = state(others)
    walked = 0
    for name, params in routes():
        for url in urls_for(name, params, ids):
            for method in ("get", "post"):
                response = getattr(client, method)(url)
                walked += 1
                assert response.status_code < 500, f"{method.upper()} {url}"
                # A download (the figures' xlsx) streams: its bytes are read too.
                raw = b"".join(response) if response.streaming else response.content
                body = raw.decode("utf-8", "replace")
                leaked = [m for m in markers if m in body]
                assert not leaked, f"{method.upper()} {url} shows {leaked}"
                if params and "pk" in params and response.status_code == 200:
                    # Only a record of the user's own branch with the same id may answer.
                    pk = int(re.search(r"/(\d+)/", url).group(1))
                    mine = [M.objects.visible_to(tree.xian).filter(pk=pk) for M in MODELS]
                    assert any(qs.exists() for qs in mine), (
                        f"{method.upper()} {url} answered 200 for another branch's record"
                    )
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
