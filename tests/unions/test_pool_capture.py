"""Nobody outside a county can take its join applications: a union's region lies inside
the area of its creator's union (create, edit, move, import, API), and the pool union of
a region is the one its own federation assigned, not one found by its code's order."""

import pytest
from conftest import add_union
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from registry_files import csv_bytes, row_errors, run
from rest_framework.test import APIClient
from stdnum.cn import ric

from gonghui.accounts.models import User
from gonghui.core.models import AuditEvent
from gonghui.core.scope import OutOfScope
from gonghui.members import services as member_services
from gonghui.unions import services
from gonghui.unions.models import TradeUnion

pytestmark = pytest.mark.django_db
K = TradeUnion.Kind
POOL = "5101040001"  # 锦江区新就业形态劳动者工会, the one 锦江区总工会 assigns
HEADER = ["工会名称", "工会代码", "上级工会代码", "工会类别", "所在行政区划"]


@pytest.fixture
def pool(tree, root_admin):
    pool = add_union(root_admin, POOL, "锦江区新就业形态劳动者工会", K.GIG_POOL, "510104",
                     tree.county)  # fmt: skip
    services.assign_pool_union(tree.xian, tree.county, POOL)
    return pool


def staff_of(union, username):
    return User.objects.create_user(username, password="x", role=User.Role.STAFF, union=union)


@pytest.fixture
def attackers(tree, root_admin):
    """Staff at every level who are not 锦江区总工会 or above it."""
    zigong = add_union(root_admin, "5103000000", "自贡市总工会", K.FEDERATION, "510300",
                       tree.province)  # fmt: skip
    return {
        "grassroots": tree.jiceng,
        "township": staff_of(tree.street, "jiedao"),
        "county of another branch": tree.other,
        "grassroots of another branch": staff_of(tree.sibling_grassroots, "qingyang_jiceng"),
        "city of another branch": staff_of(zigong, "zigong"),
    }


def make_id(seq):
    body = "510104" + "19920308" + seq
    return body + ric.calc_check_digit(body + "0")


def join(region, seq="231"):
    data = {"name": "解小东", "id_number": make_id(seq), "phone": f"139123{seq}00",
            "employment_form": "gig", "platform": "food_delivery", "region": region}  # fmt: skip
    return member_services.submit_application(data, consent=True)


def refused(service, *args):
    """The refusal a user is shown (a named field, 404 or 403), or None if it went through."""
    try:
        service(*args)
    except (ValidationError, OutOfScope, PermissionDenied) as e:
        return e
    return None


def test_no_level_can_capture_another_countys_join_applications(
    tree, pool, attackers, root_admin, tmp_path
):
    for who, actor in attackers.items():
        own, n = actor.union, f"{actor.pk:04d}"
        # A pool union with the county's region and a code that sorts before the county's.
        e = refused(services.create_union, actor, {
            "code": f"0000{n}", "name": f"{who}新就业形态劳动者工会", "kind": K.GIG_POOL,
            "region": "510104", "parent": own.code})  # fmt: skip
        assert e is not None and list(e.message_dict) == ["region"], who
        api = APIClient()
        api.force_authenticate(actor)
        body = {"code": f"0001{n}", "name": "池", "kind": "gig_pool", "region": "510104",
                "parent": own.code}  # fmt: skip
        response = api.post("/api/v1/unions/", body, format="json")
        assert response.status_code == 400 and response.json()["field"] == "region", who
        # A pool union of their own area (the grassroots union's street lies in the county):
        # neither an edit nor a move takes it into the county's place.
        mine = services.create_union(actor, {"code": f"0002{n}", "name": f"{who}自设工会",
                                     "kind": K.GIG_POOL, "region": own.region_id,
                                     "parent": own.code})  # fmt: skip
        e = refused(services.update_union, actor, mine, {"region": "510104"})
        assert e is not None and list(e.message_dict) == ["region"], who
        e = refused(services.move_union, actor, mine, tree.county.code)
        assert e is not None, who
        # A file says the same.
        path = tmp_path / f"{actor.username}.csv"
        path.write_bytes(csv_bytes(HEADER, [[f"{who}池", f"0003{n}", own.code,
                                             "新就业形态劳动者工会", "510104"]]))  # fmt: skip
        out, error = run("import", "unions", str(path), "--user", actor.username)
        assert error is not None and [h for h, _m in row_errors(out)[2]] == ["所在行政区划"], out
        # The county's own choice of pool union is not theirs to make.
        e = refused(services.assign_pool_union, actor, tree.county, mine.code)
        assert isinstance(e, OutOfScope), who
        response = api.post(f"/api/v1/unions/{tree.county.pk}/pool/", {"pool_union": mine.code},
                            format="json")  # fmt: skip
        assert response.status_code == 404, who
    assert not TradeUnion.objects.filter(code__regex=r"^000[013]").exists()
    assert not TradeUnion.objects.filter(code__startswith="0002", region_id="510104").exists()
    assert TradeUnion.objects.get(pk=tree.county.pk).pool_union == pool
    # The county's applications, and its streets', still go to the county's pool union.
    assert join("510104").union == pool
    assert join("510104003", seq="342").union == pool


def test_the_federation_or_a_level_above_assigns_and_it_is_on_record(tree, pool, root_admin):
    shi = staff_of(tree.city, "shi")
    other_pool = add_union(root_admin, "5101050001", "青羊区新就业形态劳动者工会", K.GIG_POOL,
                           "510105", tree.sibling)  # fmt: skip
    # Only a pool union of the federation's own subtree and area.
    for code in (other_pool.code, tree.grassroots.code):
        e = refused(services.assign_pool_union, shi, tree.county, code)
        assert list(e.message_dict) == ["pool_union"]
    e = refused(services.assign_pool_union, tree.xian, tree.street, POOL)
    assert list(e.message_dict) == ["pool_union"]  # a street union is no federation
    services.assign_pool_union(shi, tree.sibling, other_pool.code, note="青羊区的池")
    event = AuditEvent.objects.filter(object_id=tree.sibling.pk, action="update").latest("id")
    assert event.actor == shi and event.changes["pool_union"][1] == str(other_pool)
    assert event.note == "青羊区的池"
    # Shown on the federation's page and in the API.
    client = Client()
    client.force_login(tree.xian)
    page = client.get(f"/unions/{tree.county.pk}/").content.decode()
    assert "锦江区新就业形态劳动者工会" in page and f"/unions/{tree.county.pk}/pool/" in page
    api = APIClient()
    api.force_authenticate(tree.xian)
    data = api.get(f"/api/v1/unions/{tree.county.pk}/").json()
    assert (data["pool_union"], data["pool_union_name"]) == (POOL, "锦江区新就业形态劳动者工会")
    # The web form clears it; the join page then names the region field.
    response = client.post(f"/unions/{tree.county.pk}/pool/", {"pool_union": "", "note": "撤销"})
    assert response.status_code == 302
    assert TradeUnion.objects.get(pk=tree.county.pk).pool_union is None
    response = APIClient().post("/api/v1/join-applications/", {
        "name": "解小东", "id_number": make_id("453"), "phone": "13912345000",
        "employment_form": "gig", "platform": "food_delivery", "region": "510104",
        "consent": True}, format="json")  # fmt: skip
    assert response.status_code == 400 and response.json()["field"] == "region"


def test_a_closing_pool_union_passes_its_assignment_on_or_ends_it(tree, pool, root_admin):
    second = add_union(root_admin, "5101040002", "锦江区快递员工会", K.GIG_POOL, "510104",
                       tree.county)  # fmt: skip
    services.merge_union(tree.xian, pool, second.code, note="合并")
    assert TradeUnion.objects.get(pk=tree.county.pk).pool_union == second
    assert join("510104").union == second
    # Dissolved without a pool successor: no assignment, and the join page says so.
    services.dissolve_union(tree.xian, second, note="撤销")
    assert TradeUnion.objects.get(pk=tree.county.pk).pool_union is None
    e = refused(join, "510104", "342")
    assert list(e.message_dict) == ["region"]
    notes = AuditEvent.objects.filter(object_id=tree.county.pk, action="update")
    assert [n.changes["pool_union"][1] for n in notes.order_by("id")] == [
        "锦江区新就业形态劳动者工会", "锦江区快递员工会", ""]  # fmt: skip
