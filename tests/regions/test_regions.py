"""The division table (GB/T 2260): the loaded data, the loader, prefixes and the API."""

import csv
import gzip

import pytest

from gonghui.regions import loader
from gonghui.regions.filters import code_prefix
from gonghui.regions.models import Region

URL = "/api/v1/regions/"


@pytest.fixture
def user(db):
    from gonghui.accounts.models import User

    return User.objects.create_user("reader", password="x", role=User.Role.PLATFORM_ADMIN)


def rows(response):
    assert response.status_code == 200, response.content
    return response.json()["results"]


# --- the loaded table -----------------------------------------------------------------------


def test_table_has_every_level_current_and_retired(db):
    by_level = {level: Region.objects.filter(level=level) for level in Region.Level.values}
    assert by_level["province"].current().count() == 34
    assert by_level["county"].current().count() > 2800
    assert by_level["township"].count() > 38000
    assert Region.objects.filter(valid_to__isnull=False).count() > 3000


@pytest.mark.parametrize(
    ("code", "full_name", "level", "parent"),
    [
        ("510000", "四川省", "province", None),
        ("510100", "四川省 成都市", "prefecture", "510000"),
        ("510104", "四川省 成都市 锦江区", "county", "510100"),
        ("510104003", "四川省 成都市 锦江区 春熙路街道", "township", "510104"),
        ("500101", "重庆市 万州区", "county", "500000"),  # no 市辖区 placeholder in the name
    ],
)
def test_known_divisions(db, code, full_name, level, parent):
    region = Region.objects.get(code=code)
    assert region.full_name == full_name
    assert str(region) == full_name
    assert region.level == level
    assert region.parent_id == parent
    assert region.is_current


@pytest.mark.parametrize(("code", "name", "valid_to"), [("512200", "万县地区", 1991),
                                                       ("500105", "江北区", 2019)])  # fmt: skip
def test_retired_divisions_keep_their_last_year(db, code, name, valid_to):
    region = Region.objects.get(code=code)
    assert region.name == name
    assert region.valid_to == valid_to
    assert not region.is_current
    assert not Region.objects.current().filter(code=code).exists()


def test_no_current_division_points_at_a_retired_one(db):
    assert not Region.objects.current().filter(parent__valid_to__isnull=False).exists()


@pytest.mark.parametrize(
    ("code", "prefix"),
    [
        ("510000", "51"),
        ("510100", "5101"),
        ("511000", "5110"),
        ("510104", "510104"),
        ("500000", "50"),
        ("510104003", "510104003"),
    ],
)
def test_code_prefix(code, prefix):
    assert code_prefix(code) == prefix


def test_full_names_leave_out_placeholders():
    rows = [
        {"code": "500000", "name": "重庆市", "parent": ""},
        {"code": "500100", "name": "市辖区", "parent": "500000"},
        {"code": "500103", "name": "渝中区", "parent": "500100"},
    ]
    assert loader.full_names(rows) == {
        "500000": "重庆市",
        "500100": "重庆市",
        "500103": "重庆市 渝中区",
    }


def test_load_inserts_new_and_updates_existing_rows(db, tmp_path):
    path = tmp_path / "regions.csv.gz"
    with gzip.open(path, "wt", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["code", "name", "level", "parent", "valid_from", "valid_to"])
        writer.writerow(["990000", "测试省", "province", "", "2026", ""])
        writer.writerow(["990100", "测试市", "prefecture", "990000", "2026", "2027"])
        writer.writerow(["510000", "四川省", "province", "", "1980", ""])
        writer.writerow(["510100", "成都市", "prefecture", "510000", "1980", ""])
        writer.writerow(["510104", "锦江区", "county", "510100", "1990", ""])
    assert loader.load(path) == (2, 3)
    city = Region.objects.get(code="990100")
    assert city.full_name == "测试省 测试市"
    assert city.valid_to == 2027
    assert city.parent_id == "990000"
    assert loader.load(path) == (0, 5)  # idempotent
    assert Region.objects.get(code="510104").full_name == "四川省 成都市 锦江区"


# --- the API ------------------------------------------------------------------------------


def test_api_needs_a_signed_in_user(db, api):
    response = api.get(URL)
    assert response.status_code == 401
    assert set(response.json()) == {"code", "field", "message"}


def test_children_of_a_prefecture(user, api_as):
    got = rows(api_as(user).get(f"{URL}?parent=510100&page_size=100"))
    codes = {r["code"] for r in got}
    assert {"510104", "510105"} <= codes
    assert all(r["parent"] == "510100" for r in got)
    assert "510104003" not in codes


def test_level_filter(user, api_as):
    got = rows(api_as(user).get(f"{URL}?level=county&parent=510100&page_size=100"))
    assert got and all(r["level"] == "county" for r in got)
    got = rows(api_as(user).get(f"{URL}?level=township&parent=510104&page_size=100"))
    assert "510104003" in {r["code"] for r in got}


def test_current_false_lists_retired_codes(user, api_as):
    client = api_as(user)
    retired = rows(client.get(f"{URL}?current=false&parent=510000&page_size=500"))
    assert "512200" in {r["code"] for r in retired}
    assert all(r["valid_to"] is not None for r in retired)
    current = rows(client.get(f"{URL}?current=true&parent=510000&page_size=500"))
    assert "512200" not in {r["code"] for r in current}
    assert "510100" in {r["code"] for r in current}
    assert all(r["valid_to"] is None for r in current)


def test_search_by_name(user, api_as):
    got = rows(api_as(user).get(f"{URL}?q=锦江&page_size=100"))
    assert "510104" in {r["code"] for r in got}
    assert all("锦江" in r["full_name"] for r in got)


def test_search_by_code_prefix(user, api_as):
    got = rows(api_as(user).get(f"{URL}?q=51010400&page_size=100"))
    assert got and all(r["code"].startswith("51010400") for r in got)


def test_detail_of_a_retired_code(user, api_as):
    response = api_as(user).get(f"{URL}512200/")
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "万县地区"
    assert body["valid_to"] == 1991
    assert body["parent"] == "510000"


def test_detail_of_a_township(user, api_as):
    body = api_as(user).get(f"{URL}510104003/").json()
    assert body["full_name"] == "四川省 成都市 锦江区 春熙路街道"
    assert body["level"] == "township"


def test_unknown_code_is_404_json(user, api_as):
    response = api_as(user).get(f"{URL}999999/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_bad_level_is_a_field_error(user, api_as):
    response = api_as(user).get(f"{URL}?level=village")
    assert response.status_code == 400
    assert response.json()["field"] == "level"


def test_regions_are_read_only(user, api_as):
    response = api_as(user).post(URL, {"code": "990000", "name": "测试"}, format="json")
    assert response.status_code == 405
    assert not Region.objects.filter(code="990000").exists()
