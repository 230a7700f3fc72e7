"""Employers: the services and the REST API (scope by local or covering union, validation)."""

import pytest
from conftest import nothing_written
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from stdnum.cn import uscc as stdnum_uscc

from gonghui.core.models import AuditEvent
from gonghui.core.validation import NeedsConfirmation
from gonghui.unions import services
from gonghui.unions.models import Employer

URL = "/api/v1/employers/"


def valid_uscc(base17):
    return base17 + stdnum_uscc.calc_check_digit(base17)


USCC_A = valid_uscc("91510104MA6C5Q8L0")
USCC_B = valid_uscc("91510105MA62XK3T4")
USCC_C = valid_uscc("92510104MA6D00001")
BAD_CHECK_USCC = USCC_A[:-1] + ("1" if USCC_A[-1] != "1" else "2")


def url(employer, action=None):
    return f"{URL}{employer.pk}/" + (f"{action}/" if action else "")


def field_error(response, field, code=None, status=400):
    assert response.status_code == status, response.content
    body = response.json()
    errors = body if isinstance(body, list) else [body]
    for e in errors:
        assert set(e) == {"code", "field", "message"}, e
    matching = [e for e in errors if e["field"] == field]
    assert matching, errors
    if code is not None:
        assert matching[0]["code"] == code
    return matching[0]


def employer(actor, name, local, covering=None, **extra):
    data = {"name": name, "region": "510104", "industry": "C", "local_union": local.code}
    data["covering_union"] = covering.code if covering else ""
    return services.create_employer(actor, data | extra)


@pytest.fixture
def employers(tree, root_admin):
    """Employers placed in every way that matters for scope."""
    e = type("Employers", (), {})()
    # Local federation in the county branch, with its own union there.
    e.mine = employer(root_admin, "成都春熙百货有限公司", tree.street, tree.grassroots, uscc=USCC_A)
    # No union yet, kept by the county federation.
    e.ununionised = employer(root_admin, "锦江区小面馆", tree.county, employee_count=8)
    # Kept by the sibling federation, its workers in a union of the county branch.
    e.covered_here = employer(root_admin, "青羊物流公司", tree.sibling, tree.grassroots)
    # Kept by the county, its workers in a union of the sibling branch.
    e.covered_there = employer(root_admin, "锦江机械厂", tree.county, tree.sibling_grassroots)
    # Entirely the sibling branch's.
    e.theirs = employer(
        root_admin, "青羊区乙方机械厂", tree.sibling, tree.sibling_grassroots, uscc=USCC_B
    )
    return e


def names(response):
    assert response.status_code == 200, response.content
    return {row["name"] for row in response.json()["results"]}


# --- scope --------------------------------------------------------------------------------


def test_scope_is_local_union_or_covering_union(tree, employers, api_as):
    e = employers
    assert names(api_as(tree.xian).get(URL)) == {
        e.mine.name,
        e.ununionised.name,
        e.covered_here.name,
        e.covered_there.name,
    }
    assert names(api_as(tree.other).get(URL)) == {
        e.covered_here.name,
        e.covered_there.name,
        e.theirs.name,
    }
    assert names(api_as(tree.jiceng).get(URL)) == {e.mine.name, e.covered_here.name}


def test_visible_to_has_no_duplicates(tree, employers):
    qs = Employer.objects.visible_to(tree.xian)
    assert qs.count() == len(set(qs.values_list("pk", flat=True))) == 4


def test_out_of_scope_employer_is_404_everywhere(tree, employers, api_as):
    client = api_as(tree.xian)
    theirs = employers.theirs
    with nothing_written(theirs):
        for response in (
            client.get(url(theirs)),
            client.get(url(theirs, "history")),
            client.patch(url(theirs), {"employee_count": 5}, format="json"),
            client.put(url(theirs), {"employee_count": 5}, format="json"),
        ):
            field_error(response, None, "not_found", status=404)
            assert theirs.name not in response.content.decode()
    with nothing_written(theirs), pytest.raises(Http404):
        services.update_employer(tree.xian, theirs, {"employee_count": 5})


# --- create and edit ------------------------------------------------------------------------


def test_create_via_api(tree, api_as):
    data = {
        "name": " 成都春熙 电子有限公司 ",
        "uscc": USCC_C.lower(),
        "region": "510104003",
        "industry": "I",
        "employee_count": 120,
        "address": "春熙路1号",
        "local_union": tree.street.code,
        "covering_union": tree.grassroots.code,
    }
    response = api_as(tree.xian).post(URL, data, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["name"] == "成都春熙 电子有限公司"
    assert body["uscc"] == USCC_C
    assert body["local_union"] == tree.street.code
    assert body["covering_union"] == tree.grassroots.code
    assert body["industry_display"] == str(Employer.Industry.I.label)
    created = Employer.objects.get(pk=body["id"])
    assert created.employee_count == 120
    [event] = AuditEvent.objects.for_object(created)
    assert event.action == "create"
    assert event.actor == tree.xian
    assert event.request_id == response["X-Request-ID"]
    assert event.changes["local_union"] == ["", tree.street.name]
    assert event.changes["industry"] == ["", "I"]


def test_create_without_covering_union(tree, api_as):
    data = {"name": "锦江区小面馆", "region": "510104", "industry": "H"}
    response = api_as(tree.xian).post(URL, data | {"local_union": tree.county.code}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["covering_union"] is None


def test_edit_via_api(tree, employers, api_as):
    e = employers.ununionised
    response = api_as(tree.xian).patch(
        url(e), {"covering_union": tree.grassroots.code, "employee_count": 30}, format="json"
    )
    assert response.status_code == 200, response.content
    e.refresh_from_db()
    assert e.covering_union == tree.grassroots
    assert e.employee_count == 30
    [event] = AuditEvent.objects.for_object(e).filter(action="update")
    assert event.actor == tree.xian
    assert event.changes == {
        "employee_count": ["8", "30"],
        "covering_union": ["", tree.grassroots.name],
    }
    history = api_as(tree.xian).get(url(e, "history")).json()
    assert [row["action"] for row in history] == ["update", "create"]


def test_noop_edit_writes_no_event(tree, employers):
    before = AuditEvent.objects.count()
    services.update_employer(tree.xian, employers.mine, {"uscc": USCC_A, "industry": "C"})
    assert AuditEvent.objects.count() == before


def test_duplicate_uscc_names_the_existing_employer(tree, employers, api_as):
    data = {"name": "另一家公司", "region": "510104", "industry": "C", "uscc": USCC_A}
    with nothing_written():
        response = api_as(tree.xian).post(
            URL, data | {"local_union": tree.county.code}, format="json"
        )
    message = field_error(response, "uscc")["message"]
    assert employers.mine.name in message
    assert USCC_A in message


def test_duplicate_uscc_on_edit(tree, employers, api_as):
    with nothing_written(employers.ununionised):
        response = api_as(tree.xian).patch(
            url(employers.ununionised), {"uscc": USCC_A}, format="json"
        )
    assert employers.mine.name in field_error(response, "uscc")["message"]


def test_employers_without_uscc_do_not_clash(tree, employers, root_admin):
    other = employer(root_admin, "锦江区另一面馆", tree.county, uscc="")
    assert other.uscc == employers.ununionised.uscc == ""


def test_resending_own_uscc_is_not_a_clash(tree, employers, api_as):
    response = api_as(tree.xian).patch(
        url(employers.mine), {"uscc": USCC_A, "address": "春熙路2号"}, format="json"
    )
    assert response.status_code == 200, response.content


def test_uscc_checksum_warning_then_confirm(tree, api_as):
    client = api_as(tree.xian)
    data = {"name": "试点企业", "region": "510104", "industry": "C", "uscc": BAD_CHECK_USCC}
    data["local_union"] = tree.county.code
    with nothing_written():
        response = client.post(URL, data, format="json")
    field_error(response, "uscc", "confirm")
    response = client.post(URL, data | {"confirm": True}, format="json")
    assert response.status_code == 201, response.content
    with pytest.raises(NeedsConfirmation):
        services.create_employer(tree.xian, data | {"uscc": BAD_CHECK_USCC[:-1] + "3"})


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("covering_union", "5101050101"),  # the sibling branch's grassroots union
        ("local_union", "5101050000"),  # the sibling federation
        ("local_union", "NOPE"),
        ("local_union", ""),
        ("employee_count", -1),
        ("employee_count", "many"),
        ("industry", "Z"),
        ("region", "999999"),
        ("region", "512200"),
        ("name", ""),
        ("name", "企" * 201),
        ("uscc", "91510104"),
        ("uscc", "I" + USCC_A[1:]),
        ("address", "路" * 201),
    ],
)
def test_create_refuses_bad_input(tree, api_as, field, value):
    data = {"name": "新企业", "region": "510104", "industry": "C", "local_union": "5101040000"}
    with nothing_written():
        response = api_as(tree.xian).post(URL, data | {field: value}, format="json")
    message = field_error(response, field)["message"]
    assert "青羊" not in message


def test_covering_union_outside_scope_on_edit(tree, employers, api_as):
    with nothing_written(employers.ununionised):
        response = api_as(tree.xian).patch(
            url(employers.ununionised),
            {"covering_union": tree.sibling_grassroots.code},
            format="json",
        )
    field_error(response, "covering_union")
    assert tree.sibling_grassroots.name not in response.content.decode()


def test_dissolved_union_cannot_cover_an_employer(tree, employers, root_admin, api_as):
    services.dissolve_union(root_admin, tree.grassroots, note="企业注销")
    with nothing_written(employers.ununionised):
        response = api_as(tree.xian).patch(
            url(employers.ununionised), {"covering_union": tree.grassroots.code}, format="json"
        )
    field_error(response, "covering_union")


def test_negative_employee_count_in_the_service(tree, employers):
    with nothing_written(employers.mine), pytest.raises(ValidationError) as exc:
        services.update_employer(tree.xian, employers.mine, {"employee_count": -5})
    assert "employee_count" in exc.value.message_dict


def test_read_only_user_cannot_write(tree, employers, api_as):
    client = api_as(tree.ro)
    data = {"name": "新企业", "region": "510104", "industry": "C", "local_union": "5101040000"}
    with nothing_written(employers.mine):
        field_error(client.post(URL, data, format="json"), None, "permission_denied", 403)
        field_error(
            client.patch(url(employers.mine), {"employee_count": 1}, format="json"),
            None,
            "permission_denied",
            403,
        )
        with pytest.raises(PermissionDenied):
            services.create_employer(tree.ro, data)


# --- filters --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("union=5101040101", {"mine", "covered_here"}),
        ("union=5101040100", {"mine"}),
        ("union=5101040000", {"ununionised", "covered_there"}),
        ("has_union=false", {"ununionised"}),
        ("has_union=true", {"mine", "covered_here", "covered_there"}),
        ("industry=C", {"mine", "ununionised", "covered_here", "covered_there"}),
        ("industry=H", set()),
        ("q=面馆", {"ununionised"}),
        (f"q={USCC_A.lower()}", {"mine"}),
        ("region=510104", {"mine", "ununionised", "covered_here", "covered_there"}),
        ("region=510105", set()),
    ],
)
def test_filters(tree, employers, api_as, query, expected):
    got = names(api_as(tree.xian).get(f"{URL}?{query}"))
    assert got == {getattr(employers, name).name for name in expected}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("industry=Z", "industry"),
        ("union=NOPE", "union"),
        ("union=5101050101", "union"),  # exists, but outside the user's scope
        ("region=999999", "region"),
    ],
)
def test_bad_filter_values(tree, employers, api_as, query, field):
    response = api_as(tree.xian).get(f"{URL}?{query}")
    field_error(response, field)
    assert "青羊区乙方" not in response.content.decode()


def test_merge_moves_covered_employers_to_the_successor(tree, employers, root_admin):
    services.merge_union(root_admin, tree.grassroots, tree.street.code)
    employers.mine.refresh_from_db()
    employers.covered_here.refresh_from_db()
    assert employers.mine.covering_union == tree.street
    assert employers.covered_here.covering_union == tree.street
    assert employers.covered_here.local_union == tree.sibling


def test_duplicate_uscc_of_another_branch_does_not_leak_its_name(tree, employers, api_as):
    data = {"name": "另一家公司", "region": "510104", "industry": "C", "uscc": USCC_B}
    with nothing_written():
        response = api_as(tree.xian).post(
            URL, data | {"local_union": tree.county.code}, format="json"
        )
    message = field_error(response, "uscc")["message"]
    assert employers.theirs.name not in message
    assert USCC_B in message


def test_employer_page_lists_the_scope_before_any_search(tree, employers):
    from django.test import Client

    client = Client()
    client.force_login(tree.xian)
    html = client.get("/employers/").content.decode()
    assert "锦江区小面馆" in html and "成都春熙百货有限公司" in html
    assert f">{employers.theirs.name}<" not in html  # (its union's name contains it)
