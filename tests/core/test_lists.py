"""Web lists sort by their columns, jump to a page, choose a page size and keep the
filters in the URL (and in the export form's action: export what I see)."""

import re

import pytest
from django.test import Client
from stdnum.cn import ric

from gonghui.members import services

pytestmark = pytest.mark.django_db

NAMES = ["张三", "艾米", "王五", "白雪", "陈晨"]  # pinyin: zhang, ai, wang, bai, chen


def make_id(seq):
    body = "510104" + "19900101" + seq
    return body + ric.calc_check_digit(body + "0")


@pytest.fixture
def members(tree):
    for i, name in enumerate(NAMES):
        seq = f"{i + 1:03d}"
        application = services.submit_application(
            {"name": name, "id_number": make_id(seq), "phone": f"1380000{seq:0>4}",
             "union": tree.grassroots.code}, consent=True,
        )  # fmt: skip
        services.approve_application(tree.xian, application)


def names(html):
    return re.findall(r'/members/\d+/">([^<0-9]+)</a></td>', html)


def test_a_column_header_sorts_and_sorts_back(tree, members):
    client = Client()
    client.force_login(tree.xian)
    page = client.get("/members/", {"sort": "name"}).content.decode()
    assert names(page) == ["艾米", "白雪", "陈晨", "王五", "张三"]
    assert 'aria-sort="ascending"' in page
    header = re.search(r'<a class="sort" href="([^"]*)">姓名', page).group(1)
    assert "sort=-name" in header  # clicking again sorts the other way
    descending = client.get("/members/" + header.replace("&amp;", "&")).content.decode()
    assert names(descending) == ["张三", "王五", "陈晨", "白雪", "艾米"]


def test_an_unknown_sort_falls_back_to_the_default(tree, members):
    client = Client()
    client.force_login(tree.xian)
    assert client.get("/members/", {"sort": "person__id_number_encrypted"}).status_code == 200


def test_page_size_and_jump_keep_the_filters_and_the_sort(tree, members):
    client = Client()
    client.force_login(tree.xian)
    query = {"sort": "name", "per_page": "20", "status": "active", "page": "1"}
    page = client.get("/members/", query).content.decode()
    assert "共 5 条" in page or "5 in all" in page
    jump = page.split('<form method="get" class="jump">')[1].split("</form>")[0]
    hidden = dict(re.findall(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)">', jump))
    assert hidden == {"sort": "name", "status": "active"}  # page and per_page are the form's
    assert '<option value="20" selected>' in jump
    # The export takes the same query.
    action = re.search(r'action="/exports/members/\?([^"]*)"', page).group(1)
    assert "status=active" in action and "sort=name" in action


def test_a_small_page_size_pages_and_the_last_page_is_linked(tree, members, settings):
    client = Client()
    client.force_login(tree.xian)
    # 20 is the smallest choice; five members make one page, so check the arithmetic on
    # the pager with a bogus size (falls back to the default of 50).
    page = client.get("/members/", {"per_page": "3"}).content.decode()
    assert '<option value="50" selected>' in page
    assert len(names(page)) == 5


def test_the_pager_links_first_and_last_pages(tree, members, monkeypatch):
    from gonghui.core import listing

    monkeypatch.setattr(listing, "PAGE_SIZES", (2, 20, 50))
    monkeypatch.setattr(listing.Listing, "sizes", (2, 20, 50))
    client = Client()
    client.force_login(tree.xian)
    page = client.get("/members/", {"per_page": "2", "page": "2", "sort": "name"})
    html = page.content.decode()
    assert names(html) == ["陈晨", "王五"]

    def link(rel):
        query = re.search(rf'href="\?([^"]*)" rel="{rel}"', html).group(1)
        return sorted(query.split("&amp;"))

    assert link("last") == ["page=3", "per_page=2", "sort=name"]
    assert link("first") == ["page=1", "per_page=2", "sort=name"]
    assert 'max="3"' in html  # the page jump's bound
