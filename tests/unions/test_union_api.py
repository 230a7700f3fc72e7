"""The union REST API: CRUD, tree actions, history, filters, pagination, errors and scope."""

import datetime

import pytest
from conftest import nothing_written
from django.utils import timezone
from stdnum.cn import uscc as stdnum_uscc

from gonghui.core.models import AuditEvent
from gonghui.unions import services
from gonghui.unions.models import TradeUnion

K = TradeUnion.Kind
S = TradeUnion.Status
URL = "/api/v1/unions/"

GOOD_USCC = "91510104MA6C5Q8L0" + stdnum_uscc.calc_check_digit("91510104MA6C5Q8L0")
BAD_CHECK_USCC = GOOD_USCC[:-1] + ("1" if GOOD_USCC[-1] != "1" else "2")


def url(union, action=None):
    return f"{URL}{union.pk}/" + (f"{action}/" if action else "")


def make_union(actor, code, name, parent, kind=K.GRASSROOTS, region="510104"):
    data = {"code": code, "name": name, "kind": kind, "region": region, "parent": parent.code}
    return services.create_union(actor, data)


def errors_of(response, status=400):
    """The error list of a response, checking the {code, field, message} shape of each."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    errors = body if isinstance(body, list) else [body]
    assert errors
    for e in errors:
        assert set(e) == {"code", "field", "message"}, e
        assert e["code"] and e["message"]
    if isinstance(body, list):
        assert len(body) > 1  # a single error comes as an object, not a one-item list
    return errors


def field_error(response, field, code=None, status=400):
    errors = errors_of(response, status)
    matching = [e for e in errors if e["field"] == field]
    assert matching, errors
    if code is not None:
        assert matching[0]["code"] == code, matching
    return matching[0]


def codes(response):
    assert response.status_code == 200, response.content
    return {row["code"] for row in response.json()["results"]}


def new_union_data(tree, **extra):
    data = {"code": "5101040102", "name": "成都春熙电子有限公司工会", "kind": "grassroots"}
    return data | {"region": "510104003", "parent": tree.street.code} | extra


# --- reading ------------------------------------------------------------------------------


def test_list_shows_the_users_subtree_only(tree, api_as):
    got = codes(api_as(tree.xian).get(URL))
    assert got == {tree.county.code, tree.street.code, tree.grassroots.code}


def test_list_as_platform_admin_shows_everything(tree, api_as, root_admin):
    assert len(codes(api_as(root_admin).get(URL))) == 7


def test_read_only_user_may_read(tree, api_as):
    assert tree.street.code in codes(api_as(tree.ro).get(URL))


def test_detail(tree, api_as):
    response = api_as(tree.xian).get(url(tree.street))
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == tree.street.pk
    assert body["code"] == tree.street.code
    assert body["name"] == tree.street.name
    assert body["parent"] == tree.county.code
    assert body["region"] == "510104003"
    assert body["region_name"] == "四川省 成都市 锦江区 春熙路街道"
    assert body["kind"] == "township"
    assert body["kind_display"] == str(K.TOWNSHIP.label)
    assert body["status"] == "active"
    assert body["successor"] is None
    assert body["child_count"] == 1


def test_child_count_of_a_leaf_is_zero(tree, api_as):
    assert api_as(tree.xian).get(url(tree.grassroots)).json()["child_count"] == 0


@pytest.mark.parametrize("name", ["sibling", "sibling_grassroots", "city", "province"])
def test_detail_outside_scope_is_404_without_a_leak(tree, api_as, name):
    union = getattr(tree, name)
    response = api_as(tree.xian).get(url(union))
    assert field_error(response, None, "not_found", status=404)
    assert union.name not in response.content.decode()
    assert union.code not in response.content.decode()


def test_unknown_id_is_404_json(tree, api_as):
    response = api_as(tree.xian).get(f"{URL}999999999/")
    field_error(response, None, "not_found", status=404)


def test_children_lists_direct_children(tree, api_as):
    extra = make_union(tree.xian, "5101040102", "春熙乙工会", tree.street)
    response = api_as(tree.xian).get(url(tree.county, "children"))
    assert codes(response) == {tree.street.code}
    rows = api_as(tree.xian).get(url(tree.street, "children")).json()["results"]
    assert {r["code"] for r in rows} == {tree.grassroots.code, extra.code}
    assert all(r["parent"] == tree.street.code for r in rows)


def test_children_can_be_filtered(tree, api_as):
    make_union(tree.xian, "5101040102", "春熙联合工会", tree.street, kind=K.JOINT)
    response = api_as(tree.xian).get(url(tree.street, "children") + "?kind=joint")
    assert codes(response) == {"5101040102"}


def test_history_lists_changes_with_actor_newest_first(tree, api_as):
    client = api_as(tree.xian)
    response = client.patch(url(tree.street), {"name": "春熙路街道总工会"}, format="json")
    assert response.status_code == 200
    history = client.get(url(tree.street, "history"))
    assert history.status_code == 200
    rows = history.json()
    assert [r["action"] for r in rows] == ["update", "create"]
    assert rows[0]["actor"] == "xian"
    assert rows[0]["changes"] == {"name": ["锦江区春熙路街道工会", "春熙路街道总工会"]}
    assert rows[0]["via"] == "api"
    assert rows[0]["request_id"] == response["X-Request-ID"]
    assert rows[1]["actor"] == "root"
    assert rows[1]["changes"]["kind"] == ["", "township"]


# --- filters and pagination --------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("parent=5101000000", {"county", "sibling"}),
        ("parent=5101040100", {"grassroots"}),
        ("region=510104", {"county", "street", "grassroots"}),
        ("region=510104003", {"street", "grassroots"}),
        ("region=510100", {"city", "county", "street", "grassroots", "sibling",
                           "sibling_grassroots"}),
        ("region=510105", {"sibling", "sibling_grassroots"}),
        ("region=510000", {"province", "city", "county", "street", "grassroots", "sibling",
                           "sibling_grassroots"}),
        ("region=500000", set()),
        ("kind=grassroots", {"grassroots", "sibling_grassroots"}),
        ("kind=township", {"street"}),
        ("q=春熙", {"street", "grassroots"}),
        ("q=5101050101", {"sibling_grassroots"}),
        ("q= 5101050101 ", {"sibling_grassroots"}),
        ("q=青羊区", {"sibling", "sibling_grassroots"}),
        ("kind=grassroots&region=510105", {"sibling_grassroots"}),
        ("status=active", {"province", "city", "county", "street", "grassroots", "sibling",
                           "sibling_grassroots"}),
        ("status=dissolved", set()),
    ],
)  # fmt: skip
def test_filters(tree, api_as, root_admin, query, expected):
    got = codes(api_as(root_admin).get(f"{URL}?{query}"))
    assert got == {getattr(tree, name).code for name in expected}


def test_status_filter_finds_closed_unions(tree, api_as, root_admin):
    services.dissolve_union(root_admin, tree.grassroots, note="企业注销")
    services.merge_union(root_admin, tree.sibling_grassroots, tree.sibling.code)
    client = api_as(root_admin)
    assert codes(client.get(f"{URL}?status=dissolved")) == {tree.grassroots.code}
    assert codes(client.get(f"{URL}?status=merged")) == {tree.sibling_grassroots.code}
    assert tree.grassroots.code not in codes(client.get(f"{URL}?status=active"))


def test_filters_stay_inside_scope(tree, api_as):
    client = api_as(tree.xian)
    assert codes(client.get(f"{URL}?region=510100")) == {
        tree.county.code,
        tree.street.code,
        tree.grassroots.code,
    }
    assert codes(client.get(f"{URL}?region=510105")) == set()
    assert codes(client.get(f"{URL}?kind=grassroots")) == {tree.grassroots.code}
    assert codes(client.get(f"{URL}?q=青羊")) == set()


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("kind=foo", "kind"),
        ("status=closed", "status"),
        ("parent=NOPE", "parent"),
        ("region=999999", "region"),
        ("region=abc", "region"),
    ],
)
def test_bad_filter_values_are_field_errors(tree, api_as, query, field):
    field_error(api_as(tree.xian).get(f"{URL}?{query}"), field)


def test_parent_filter_outside_scope_is_an_error_without_a_leak(tree, api_as):
    response = api_as(tree.xian).get(f"{URL}?parent={tree.sibling.code}")
    field_error(response, "parent")
    assert tree.sibling.name not in response.content.decode()


def test_cursor_pagination_walks_every_row_once(tree, api_as, root_admin):
    for i in range(5):
        make_union(root_admin, f"51010401{i + 10}", f"春熙第{i}工会", tree.street)
    client = api_as(tree.xian)
    response = client.get(f"{URL}?parent={tree.street.code}&page_size=2")
    assert response.status_code == 200
    seen, pages = [], 0
    while True:
        body = response.json()
        assert len(body["results"]) <= 2
        seen += [row["code"] for row in body["results"]]
        pages += 1
        if not body["next"]:
            break
        assert "cursor=" in body["next"]
        assert "page_size=2" in body["next"]
        response = client.get(body["next"])
        assert response.status_code == 200
    assert pages == 3
    assert len(seen) == len(set(seen)) == 6
    assert set(seen) == {tree.grassroots.code} | {f"51010401{i + 10}" for i in range(5)}


def test_default_page_has_no_next_link_when_everything_fits(tree, api_as):
    body = api_as(tree.xian).get(URL).json()
    assert body["next"] is None and body["previous"] is None


# --- create ------------------------------------------------------------------------------


def test_create(tree, api_as):
    before = AuditEvent.objects.count()
    response = api_as(tree.xian).post(URL, new_union_data(tree), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    union = TradeUnion.objects.get(code="5101040102")
    assert body["id"] == union.pk
    assert body["parent"] == tree.street.code
    assert body["region"] == "510104003"
    assert body["status"] == "active"
    assert union.parent == tree.street
    assert union.path == f"{tree.street.path}{union.pk}/"
    assert AuditEvent.objects.count() == before + 1
    [event] = AuditEvent.objects.for_object(union)
    assert event.action == "create"
    assert event.actor == tree.xian
    assert event.via == "api"
    assert event.request_id and event.request_id == response["X-Request-ID"]
    assert event.ip == "127.0.0.1"


def test_create_normalises_codes(tree, api_as):
    data = new_union_data(tree, code=" ab5101 040102", parent=tree.street.code.lower() + " ")
    response = api_as(tree.xian).post(URL, data, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["code"] == "AB5101040102"
    assert response.json()["parent"] == tree.street.code


def test_uscc_checksum_warning_then_confirm(tree, api_as):
    client = api_as(tree.xian)
    data = new_union_data(tree, uscc=BAD_CHECK_USCC)
    with nothing_written():
        response = client.post(URL, data, format="json")
    error = field_error(response, "uscc", "confirm")
    assert BAD_CHECK_USCC in error["message"]
    response = client.post(URL, data | {"confirm": True}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["uscc"] == BAD_CHECK_USCC


def test_valid_uscc_needs_no_confirmation(tree, api_as):
    response = api_as(tree.xian).post(URL, new_union_data(tree, uscc=GOOD_USCC), format="json")
    assert response.status_code == 201, response.content


TOMORROW = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()


@pytest.mark.parametrize(
    ("field", "extra"),
    [
        ("code", {"code": "5101040101"}),
        ("code", {"code": "51-0104"}),
        ("name", {"name": "工" * 101}),
        ("name", {"name": ""}),
        ("kind", {"kind": "foo"}),
        ("region", {"region": "999999"}),
        ("region", {"region": "512200"}),
        ("region", {"region": "500105"}),
        ("founded_on", {"founded_on": TOMORROW}),
        ("founded_on", {"founded_on": "2020-13-01"}),
        ("uscc", {"uscc": GOOD_USCC[:-2]}),
        ("uscc", {"uscc": "I" + GOOD_USCC[1:]}),
        ("uscc", {"uscc": GOOD_USCC[:4] + "O" + GOOD_USCC[5:]}),
        ("uscc", {"uscc": GOOD_USCC[:-1] + "Z"}),
        ("parent", {"parent": "NOPE"}),
        ("parent", {"parent": "5101050000"}),
        ("name", {"name": "成都春熙百货有限公司工会"}),  # the grassroots union's name
    ],
)
def test_create_refuses_bad_input(tree, api_as, field, extra):
    with nothing_written():
        response = api_as(tree.xian).post(URL, new_union_data(tree, **extra), format="json")
    field_error(response, field)


@pytest.mark.parametrize("code", ["512200", "500105"])
def test_retired_region_message_names_the_year(tree, api_as, code):
    response = api_as(tree.xian).post(URL, new_union_data(tree, region=code), format="json")
    message = field_error(response, "region")["message"]
    year = {"512200": "1991", "500105": "2019"}[code]
    assert code in message and year in message


def test_parent_in_the_sibling_branch_is_a_field_error_not_a_404(tree, api_as):
    with nothing_written():
        response = api_as(tree.xian).post(
            URL, new_union_data(tree, parent=tree.sibling.code), format="json"
        )
    assert response.status_code == 400
    field_error(response, "parent")
    assert tree.sibling.name not in response.content.decode()


def test_dissolved_parent_is_refused(tree, api_as):
    services.dissolve_union(tree.xian, tree.grassroots, note="企业注销")
    with nothing_written():
        response = api_as(tree.xian).post(
            URL, new_union_data(tree, parent=tree.grassroots.code), format="json"
        )
    field_error(response, "parent")


def test_same_name_under_another_parent_and_reuse_of_a_dissolved_name(tree, api_as):
    client = api_as(tree.xian)
    name = tree.grassroots.name
    response = client.post(
        URL, new_union_data(tree, name=name, parent=tree.county.code), format="json"
    )
    assert response.status_code == 201, response.content
    services.dissolve_union(tree.xian, tree.grassroots, note="企业注销")
    response = client.post(URL, new_union_data(tree, code="5101040103", name=name), format="json")
    assert response.status_code == 201, response.content


def test_several_bad_fields_come_as_a_list(tree, api_as):
    data = new_union_data(tree, code="5101040101", kind="foo", region="999999")
    with nothing_written():
        response = api_as(tree.xian).post(URL, data, format="json")
    errors = errors_of(response)
    assert isinstance(response.json(), list)
    assert {"code", "kind", "region"} <= {e["field"] for e in errors}


def test_missing_fields_are_named(tree, api_as):
    with nothing_written():
        response = api_as(tree.xian).post(URL, {}, format="json")
    assert {"code", "name", "kind", "region", "parent"} <= {e["field"] for e in errors_of(response)}


def test_malformed_json_is_a_parse_error(tree, api_as):
    with nothing_written():
        response = api_as(tree.xian).post(URL, '{"code": ', content_type="application/json")
    field_error(response, None, "parse_error")


def test_read_only_user_cannot_write(tree, api_as):
    client = api_as(tree.ro)
    with nothing_written(tree.street, tree.grassroots):
        for response in (
            client.post(URL, new_union_data(tree), format="json"),
            client.patch(url(tree.street), {"name": "改名"}, format="json"),
            client.post(url(tree.grassroots, "move"), {"parent": tree.county.code}, format="json"),
            client.post(
                url(tree.grassroots, "merge"), {"successor": tree.street.code}, format="json"
            ),
            client.post(url(tree.grassroots, "dissolve"), {"note": "撤销"}, format="json"),
        ):
            field_error(response, None, "permission_denied", status=403)


def test_no_token_is_401_json(tree, api):
    with nothing_written():
        for response in (api.get(URL), api.post(URL, new_union_data(tree), format="json")):
            field_error(response, None, "not_authenticated", status=401)


def test_delete_is_not_allowed(tree, api_as):
    with nothing_written(tree.grassroots):
        response = api_as(tree.xian).delete(url(tree.grassroots))
    field_error(response, None, "method_not_allowed", status=405)


# --- edit ---------------------------------------------------------------------------------


def test_patch(tree, api_as):
    client = api_as(tree.xian)
    response = client.patch(
        url(tree.street), {"kind": "joint", "chair": " 王 芳 ", "founded_on": "2001-05-01"}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["kind"] == "joint"
    assert body["chair"] == "王 芳"
    assert body["founded_on"] == "2001-05-01"
    assert body["name"] == tree.street.name  # untouched
    [event] = AuditEvent.objects.for_object(tree.street).filter(action="update")
    assert event.actor == tree.xian
    assert event.request_id == response["X-Request-ID"]
    assert event.changes == {
        "kind": ["township", "joint"],
        "chair": ["", "王 芳"],
        "founded_on": ["", "2001-05-01"],
    }


def test_put_behaves_like_patch(tree, api_as):
    response = api_as(tree.xian).put(url(tree.street), {"chair": "李明"}, format="json")
    assert response.status_code == 200, response.content
    tree.street.refresh_from_db()
    assert tree.street.chair == "李明"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "工" * 101),
        ("name", "成都春熙百货有限公司工会"),
        ("code", "5101040000"),
        ("region", "500105"),
        ("founded_on", TOMORROW),
        ("uscc", "12345"),
        ("uscc", BAD_CHECK_USCC),
    ],
)
def test_patch_refuses_bad_input(tree, api_as, root_admin, field, value):
    make_union(root_admin, "5101040102", "春熙乙工会", tree.street)
    target = TradeUnion.objects.get(code="5101040102")
    with nothing_written(target):
        response = api_as(tree.xian).patch(url(target), {field: value}, format="json")
    field_error(response, field)


def test_patch_parent_is_refused_not_ignored(tree, api_as):
    with nothing_written(tree.grassroots):
        response = api_as(tree.xian).patch(
            url(tree.grassroots), {"parent": tree.county.code}, format="json"
        )
    field_error(response, "parent")


# --- move, merge, dissolve --------------------------------------------------------------


def test_move(tree, api_as, root_admin):
    response = api_as(root_admin).post(
        url(tree.street, "move"), {"parent": tree.sibling.code, "note": "区划调整"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["parent"] == tree.sibling.code
    tree.grassroots.refresh_from_db()
    assert tree.grassroots.path == f"{tree.sibling.path}{tree.street.pk}/{tree.grassroots.pk}/"
    [event] = AuditEvent.objects.for_object(tree.street).filter(action="move")
    assert event.request_id == response["X-Request-ID"]
    assert event.note == "区划调整"
    assert event.changes == {"parent": [tree.county.name, tree.sibling.name]}
    # The old branch no longer sees the moved subtree.
    client = api_as(tree.xian)
    assert client.get(url(tree.street)).status_code == 404
    assert client.get(url(tree.grassroots)).status_code == 404
    assert codes(client.get(URL)) == {tree.county.code}
    assert tree.street.code in codes(api_as(tree.other).get(URL))


@pytest.mark.parametrize(
    ("who", "union", "target"),
    [
        ("xian", "street", "street"),  # under itself
        ("xian", "street", "grassroots"),  # under its own child
        ("root_admin", "county", "grassroots"),  # under a grandchild
        ("xian", "county", "street"),  # the user's own root union
        ("xian", "grassroots", "sibling"),  # outside scope
        ("xian", "grassroots", "street"),  # already there
    ],
)
def test_move_refused(tree, api_as, root_admin, who, union, target):
    user = root_admin if who == "root_admin" else getattr(tree, who)
    union, target = getattr(tree, union), getattr(tree, target)
    with nothing_written(tree.county, tree.street, tree.grassroots):
        response = api_as(user).post(url(union, "move"), {"parent": target.code}, format="json")
    field_error(response, "parent")


def test_move_needs_a_parent(tree, api_as):
    with nothing_written(tree.grassroots):
        response = api_as(tree.xian).post(url(tree.grassroots, "move"), {}, format="json")
    field_error(response, "parent", "required")


def test_merge(tree, api_as, root_admin):
    employer = services.create_employer(
        root_admin,
        {"name": "春熙百货", "region": "510104", "industry": "F",
         "local_union": tree.county.code, "covering_union": tree.street.code},
    )  # fmt: skip
    response = api_as(root_admin).post(
        url(tree.street, "merge"), {"successor": tree.sibling.code, "note": "撤并"}, format="json"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "merged"
    assert body["successor"] == tree.sibling.code
    assert body["ended_on"] == timezone.localdate().isoformat()
    tree.grassroots.refresh_from_db()
    employer.refresh_from_db()
    assert tree.grassroots.parent == tree.sibling
    assert tree.grassroots.path == f"{tree.sibling.path}{tree.grassroots.pk}/"
    assert employer.covering_union == tree.sibling
    merge = AuditEvent.objects.for_object(tree.street).get(action="merge")
    absorb = AuditEvent.objects.for_object(tree.sibling).get(action="absorb")
    assert merge.request_id == absorb.request_id == response["X-Request-ID"]
    assert merge.actor == absorb.actor == root_admin
    history = api_as(root_admin).get(url(tree.sibling, "history")).json()
    assert history[0]["action"] == "absorb"


@pytest.mark.parametrize(
    ("union", "successor", "field"),
    [
        ("street", "street", "successor"),  # into itself
        ("street", "grassroots", "successor"),  # into its descendant
        ("street", "", "successor"),  # none given
        ("grassroots", "sibling_grassroots", "successor"),  # outside scope
        ("county", "street", "parent"),  # the user's own root union
    ],
)
def test_merge_refused(tree, api_as, union, successor, field):
    union = getattr(tree, union)
    code = getattr(tree, successor).code if successor else ""
    with nothing_written(tree.county, tree.street, tree.grassroots, tree.sibling_grassroots):
        response = api_as(tree.xian).post(url(union, "merge"), {"successor": code}, format="json")
    field_error(response, field)


def test_dissolve(tree, api_as):
    response = api_as(tree.xian).post(
        url(tree.grassroots, "dissolve"), {"note": "企业注销", "ended_on": "2025-01-31"}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "dissolved"
    assert body["ended_on"] == "2025-01-31"
    assert body["successor"] is None
    [event] = AuditEvent.objects.for_object(tree.grassroots).filter(action="dissolve")
    assert event.note == "企业注销"
    assert event.request_id == response["X-Request-ID"]


def test_dissolve_with_successor_hands_over_children(tree, api_as, root_admin):
    response = api_as(root_admin).post(
        url(tree.street, "dissolve"),
        {"successor": tree.county.code, "note": "撤销街道"},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["successor"] == tree.county.code
    tree.grassroots.refresh_from_db()
    assert tree.grassroots.parent == tree.county


@pytest.mark.parametrize(
    ("union", "data", "field"),
    [
        ("street", {"note": "撤销"}, "successor"),  # active children, no successor
        ("grassroots", {}, "note"),
        ("grassroots", {"note": "撤销", "ended_on": TOMORROW}, "ended_on"),
        ("grassroots", {"note": "   "}, "note"),
        ("street", {"successor": "5101040101", "note": "撤销"}, "successor"),  # a descendant
        ("county", {"note": "撤销"}, "parent"),  # the user's own root union
    ],
)
def test_dissolve_refused(tree, api_as, union, data, field):
    union = getattr(tree, union)
    with nothing_written(tree.county, tree.street, tree.grassroots):
        response = api_as(tree.xian).post(url(union, "dissolve"), data, format="json")
    field_error(response, field)


# --- scope on every action ---------------------------------------------------------------


@pytest.mark.parametrize("name", ["sibling", "sibling_grassroots", "city"])
def test_actions_on_records_outside_scope_are_404(tree, api_as, name):
    union = getattr(tree, name)
    client = api_as(tree.xian)
    with nothing_written(union):
        for response in (
            client.patch(url(union), {"name": "改名"}, format="json"),
            client.put(url(union), {"name": "改名"}, format="json"),
            client.post(url(union, "move"), {"parent": tree.street.code}, format="json"),
            client.post(url(union, "merge"), {"successor": tree.street.code}, format="json"),
            client.post(url(union, "dissolve"), {"note": "撤销"}, format="json"),
            client.get(url(union, "history")),
            client.get(url(union, "children")),
        ):
            field_error(response, None, "not_found", status=404)
            assert union.name not in response.content.decode()


def test_merge_with_clashing_child_names_is_a_400(tree, api_as, root_admin):
    make_union(root_admin, "5101050100", tree.street.name, tree.sibling, K.TOWNSHIP, "510105")
    with nothing_written(tree.county, tree.street):
        response = api_as(root_admin).post(
            url(tree.county, "merge"), {"successor": tree.sibling.code}, format="json"
        )
    field_error(response, "successor")
