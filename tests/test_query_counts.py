"""List pages and endpoints run the same number of queries for N rows as for 3N.

A query per row (a forgotten select_related or annotation) makes the second count
larger and fails here, long before a province of 140,000 unions notices. The routes
come from the URL configuration and the API router: every route without kwargs that
answers GET is measured (lists, and pages that count rows, like the home page and the
figures), and each router registration's list route must be among them, so a new list
is measured without a line here. Routes that show no rows are excluded below, each with
its reason; a route that stops answering 200 fails until it is listed there.
"""

import pytest
from conftest import add_union
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from stdnum.cn import ric
from test_scope_walk import routes

from gonghui.accounts.models import User
from gonghui.assistance.services import campaigns, files, records
from gonghui.cases import services as cases
from gonghui.jobs import exporting, registry, runner
from gonghui.jobs.models import Job
from gonghui.members import services as member_services
from gonghui.unions import services
from gonghui.unions.models import TradeUnion
from gonghui.urls import router

N = 3

NOT_LISTS = {
    # Signing in and the user's own account: forms about one user, no rows.
    "login": "sign-in form",
    "two_factor_verify": "sign-in step",
    "password_change": "the user's own password form",
    "two_factor_setup": "the user's own two-factor setup",
    "api:me": "the signed-in user",
    "api:token": "POST only: issues a token",
    # Forms that create one record.
    "user_create": "form for one new user",
    "unions:create": "form for one new union",
    "unions:employer_create": "form for one new employer",
    "assistance:file_new": "form for one new hardship file",
    "assistance:record_new": "form for one new assistance record",
    "assistance:campaign_new": "form for one new campaign",
    "cases:new": "form for one new case",
    "cases:deadlines": "a table of the level's deadlines, no rows",
    "cases:report": "public form for one case",
    "cases:report_status": "public status check of one case",
    # The public join pages: a form and a status check by number, nothing listed.
    "members:join": "public join form",
    "members:join_status": "public status check of one application",
    "api:join-application-status": "status of one application, by number and ID",
    # Actions that take POST only (GET answers 405).
    "members:approve": "POST only: approves the selected applications",
    "members:phone_release": "POST only: releases a phone number",
    "api:person-release-phone": "POST only: releases a phone number",
    "api:assistance-record-bulk": "POST only: records a distribution list",
    # Descriptions of the API, not data.
    "api:api-root": "the router's index of endpoints",
    "schema": "the OpenAPI schema",
    "api-docs": "the Swagger UI page",
    "favicon": "a redirect to the icon's static file",
}

# Lists under one record, and a search: kwargs or a query the URL conf cannot supply.
EXTRA = [
    "/api/v1/unions/{county}/children/",
    "/unions/{county}/",
    "/unions/?q=工会",
]


def id_number(i):
    body = f"51010419900101{i:03d}"
    return body + ric.calc_check_digit(body + "0")


def measured(tree):
    """The URLs to count, from the URL conf and the router."""
    names = [
        name
        for name, params in routes()
        if not params and not name.startswith("admin:") and name not in NOT_LISTS
    ]
    lists = {f"api:{basename}-list" for _, _, basename in router.registry}
    assert lists <= set(names), f"router lists not measured: {lists - set(names)}"
    assert not lists & set(NOT_LISTS), "a router registration's list route is excluded"
    urls = [reverse(name) for name in names]
    return urls + [u.format(county=tree.county.pk) for u in EXTRA]


def grow(tree, admin, n, start):
    """n more of every row the lists show: unions, employers, applications, members,
    transfers, reveals, jobs, hardship files (with a household member), assistance
    records, campaigns and cases, all in the county of the measuring user."""
    viewer = tree.xian_admin
    for i in range(start, start + n):
        union = add_union(
            admin, f"51010409{i:02d}", f"测试{i}号工会", TradeUnion.Kind.GRASSROOTS, "510104",
            tree.county,
        )  # fmt: skip

        def apply(seq, phone, name, union=union):
            return member_services.submit_application(
                {"name": name, "id_number": id_number(seq), "phone": phone,
                 "union": union.code},
                consent=True,
            )  # fmt: skip

        apply(i, f"139000000{i:02d}", f"测试{i}")  # still pending
        head = member_services.approve_application(
            admin, apply(100 + i, f"138000000{i:02d}", f"困难{i}")
        ).membership
        mover = member_services.approve_application(
            admin, apply(200 + i, f"137000000{i:02d}", f"转出{i}")
        ).membership
        member_services.request_transfer(admin, mover, tree.grassroots.code)
        member_services.reveal(viewer, head.person, "id_number", f"核对{i}")
        services.create_employer(
            admin,
            {"name": f"测试{i}号公司", "region": "510104", "industry": "C", "employee_count": 30,
             "local_union": tree.county.code, "covering_union": union.code},
        )  # fmt: skip
        file = files.apply(
            viewer,
            {"head_id_number": id_number(100 + i), "category": "deep", "standard_level": "city",
             "main_cause": "illness", "situation": "测试情况。", "housing": "rented",
             "medical_insurance": "employee", "head_work": "employed", "head_income": "2100",
             "head_health": "healthy", "applied_on": "2026-09-01",
             "household": [
                 {"relation": "spouse", "name": f"家属{i}", "id_number": id_number(300 + i),
                  "work": "unable", "monthly_income": "0", "health": "serious"},
             ]},
        )  # fmt: skip
        campaign = campaigns.create(
            viewer,
            {"union": tree.county.pk, "name": f"测试活动{i}", "season": "winter",
             "budget": "5000", "starts_on": "2026-09-01", "ends_on": "2026-12-31"},
        )  # fmt: skip
        records.record(
            viewer,
            {"file": file.pk, "name": f"困难{i}", "id_number": id_number(100 + i),
             "kind": "living", "amount": "300", "given_on": "2026-11-02",
             "campaign": campaign.pk},
        )  # fmt: skip
        case = cases.take(
            viewer,
            {"union": union.code, "channel": "hotline", "kind": "complaint", "subject": "wages",
             "caller_name": f"来电{i}", "phone": f"136000000{i:02d}", "request": "欠薪",
             "received_on": "2026-11-02"},
        )  # fmt: skip
        cases.start_handling(viewer, case, {})
        cases.record_action(viewer, case, {"kind": "other", "text": "联系单位"})
        options = exporting.check_options(
            viewer, {"query": "", "format": "xlsx", "reveal": False, "reveal_reason": ""},
            registry.exporter("members"),
        )  # fmt: skip
        runner.start(viewer, Job.Kind.EXPORT, "members", options, file_name=f"测试{i}.xlsx")


def queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        if response.streaming:
            b"".join(response)
    assert response.status_code == 200, url
    return len(ctx)


@pytest.mark.django_db
def test_no_query_per_row(tree, root_admin):
    # A union administrator of the county: reads every list, the user list and the
    # reveal log included.
    tree.xian_admin.user_permissions.add(
        Permission.objects.get(content_type__app_label="accounts", codename="reveal_id_number")
    )
    tree.xian_admin = User.objects.get(pk=tree.xian_admin.pk)
    client = Client()
    client.force_login(tree.xian_admin)
    urls = measured(tree)
    grow(tree, root_admin, N, 0)
    few = {url: queries(client, url) for url in urls}
    grow(tree, root_admin, 2 * N, N)
    many = {url: queries(client, url) for url in urls}
    grown = {url: (few[url], many[url]) for url in urls if many[url] > few[url]}
    assert not grown, f"queries grew with the rows (N → 3N): {grown}"
