"""The union picker: wherever a union is chosen, a box that suggests the unions of the
user's scope by name, pinyin, initials or code, from the unions API (no outside script).
Unions keep their name's pinyin whichever way they are registered."""

import re

import pytest
from django.test import Client
from registry_files import run, workbook

from gonghui.unions.models import TradeUnion

pytestmark = pytest.mark.django_db


def found(client, q):
    answer = client.get("/api/v1/unions/", {"q": q, "status": "active", "page_size": 10})
    assert answer.status_code == 200
    return {u["code"] for u in answer.json()["results"]}


@pytest.mark.parametrize(
    "q",
    ["春熙", "chunxi", "CHUNXI", "cdcxbh", "cxl", "5101040101", "5101040100"],
)
def test_a_union_is_found_by_name_pinyin_initials_or_code(tree, q):
    client = Client()
    client.force_login(tree.xian)
    assert found(client, q) & {"5101040100", "5101040101"}


def test_the_picker_offers_nothing_outside_the_scope(tree):
    client = Client()
    client.force_login(tree.xian)
    assert not found(client, "qingyang")  # 青羊区总工会: a sibling county
    assert not found(client, "5101050000")


def test_a_renamed_union_is_found_by_its_new_pinyin(tree, root_admin):
    from gonghui.unions import services

    services.update_union(root_admin, tree.sibling_grassroots, {"name": "青羊区甲方物流工会"})
    union = TradeUnion.objects.get(pk=tree.sibling_grassroots.pk)
    assert union.name_pinyin == "qingyangqujiafangwuliugonghui"
    assert union.name_initials == "qyqjfwlgh"


def test_imported_unions_get_their_pinyin(tree, tmp_path):
    path = tmp_path / "unions.xlsx"
    header = ["工会名称", "工会编码", "上级工会编码", "工会类型", "区划代码"]
    cells = ["锦江区东大街工会", "5101040188", "5101040000", "乡镇（街道）工会", "510104"]
    workbook(path, header, [cells])
    _out, error = run("import", "unions", str(path), "--user", "xian")
    assert error is None, error
    union = TradeUnion.objects.get(code="5101040188")
    assert (union.name_pinyin, union.name_initials) == (
        "jinjiangqudongdajiegonghui", "jjqddjgh"
    )  # fmt: skip


@pytest.mark.parametrize(
    "page",
    ["/members/", "/employers/", "/hardship/", "/assistance/", "/campaigns/",
     "/hardship/figures/", "/imports/members/", "/unions/new/", "/users/new/"],
)  # fmt: skip
def test_every_union_field_is_a_picker(tree, page):
    client = Client()
    client.force_login(tree.xian_admin)
    html = client.get(page).content.decode()
    boxes = re.findall(r'<input[^>]*name="(union|parent)"[^>]*>', html)
    assert boxes, page
    for box in re.findall(r'<input[^>]*name="(?:union|parent)"[^>]*>', html):
        assert 'data-picker="union"' in box and 'data-api="/api/v1/unions/"' in box, box
    assert '<script src="/static/core/picker.js">' in html
