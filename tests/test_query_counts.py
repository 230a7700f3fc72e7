"""List pages and endpoints run the same number of queries for 3 rows as for 12.

A query per row (a forgotten select_related or annotation) makes the second
count larger and fails here, long before a province of 140,000 unions notices.
"""

import pytest
from conftest import add_union
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from stdnum.cn import ric

from gonghui.members import services as member_services
from gonghui.unions import services
from gonghui.unions.models import TradeUnion

PAGES = [
    "/api/v1/unions/",
    "/api/v1/unions/{county}/children/",
    "/api/v1/employers/",
    "/unions/?q=工会",
    "/unions/{county}/",
    "/employers/",
    "/unions/",
    "/",
    "/api/v1/persons/",
    "/api/v1/memberships/",
    "/api/v1/join-applications/",
]


def id_number(i):
    body = f"51010419900101{i:03d}"
    return body + ric.calc_check_digit(body + "0")


def grow(tree, admin, n, start):
    for i in range(start, start + n):
        union = add_union(
            admin, f"51010409{i:02d}", f"测试{i}号工会", TradeUnion.Kind.GRASSROOTS, "510104",
            tree.county,
        )  # fmt: skip
        application = member_services.submit_application(
            {"name": f"测试{i}", "id_number": id_number(i), "phone": f"139000000{i:02d}",
             "union": union.code},
            consent=True,
        )  # fmt: skip
        if i % 2:  # half approved, half still pending
            member_services.approve_application(admin, application)
        services.create_employer(
            admin,
            {"name": f"测试{i}号公司", "region": "510104", "industry": "C", "employee_count": 30,
             "local_union": tree.county.code, "covering_union": union.code},
        )  # fmt: skip


def queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx)


@pytest.mark.django_db
def test_no_query_per_row(tree, root_admin):
    client = Client()
    client.force_login(tree.xian)
    urls = [u.format(county=tree.county.pk) for u in PAGES]
    grow(tree, root_admin, 3, 0)
    few = {url: queries(client, url) for url in urls}
    grow(tree, root_admin, 9, 3)
    many = {url: queries(client, url) for url in urls}
    assert many == few
