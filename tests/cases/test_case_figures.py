"""The case figures as their definitions say (cases/figures.py), counted over the subtree
and the period, the same on the page, in the xlsx and by API; a union outside the
caller's scope reads as one that does not exist."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from caselib import api_as, call
from django.test import Client
from openpyxl import load_workbook

from gonghui.cases import services
from gonghui.core import values

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(monkeypatch):
    def set_today(day):
        monkeypatch.setattr(values, "today", lambda: dt.date.fromisoformat(day))

    return set_today


@pytest.fixture
def cases(tree, clock):
    """In the county: one complaint concluded on time and called back satisfied, one
    concluded late and unsatisfied (reopened), one question answered on the spot, one
    still open past its deadline; in the sibling county, one more (outside the county)."""
    clock("2026-10-09")
    on_time = services.take(tree.xian, call())  # due 2026-10-23
    services.start_handling(tree.xian, on_time, {})
    services.conclude(
        tree.xian, on_time,
        {"outcome": "resolved", "answer": "已补发", "amount_recovered": "18000",
         "workers_helped": 3},
    )  # fmt: skip
    late = services.take(tree.xian, call(kind="consultation", subject="contract"))  # due 10-10
    services.start_handling(tree.xian, late, {})
    question = services.take(
        tree.xian, call(kind="consultation", subject="other", channel="walk_in")
    )
    services.answer_now(tree.xian, question, {"answer": "已解答", "concluded_on": "2026-09-30"})
    services.take(tree.xian, call(subject="insurance", received_on="2026-10-08"))  # due 10-21
    other = services.take(tree.other, call())
    clock("2026-10-28")
    services.conclude(
        tree.xian, late,
        {"outcome": "partly", "answer": "部分解决", "amount_recovered": "500.50",
         "concluded_on": "2026-10-20"},
    )  # fmt: skip
    services.call_back(
        tree.xian, on_time, {"satisfaction": "satisfied", "called_back_on": "2026-10-12"}
    )
    services.call_back(tree.xian, late, {"satisfaction": "unsatisfied", "note": "仍有争议",
                                         "called_back_on": "2026-10-21"})  # fmt: skip
    return on_time, late, question, other


def test_the_figures_follow_their_definitions(tree, cases):
    body = api_as(tree.xian).get(
        "/api/v1/case-figures/", {"start": "2026-09-01", "end": "2026-10-27"}
    )
    assert body.status_code == 200, body.content
    t = body.json()["totals"]
    # Taken: 4 in the county (the sibling's is not counted). Due by 27 Oct: all four.
    # Concluded: the on-time one and the question; the late one was reopened (handling).
    assert (t["taken"], t["due"], t["concluded"], t["on_time"]) == (4, 4, 2, 2)
    assert t["conclusion_rate"] == "0.5000" and t["on_time_rate"] == "0.5000"
    assert (t["called"], t["satisfied"], t["satisfaction_rate"]) == (2, 1, "0.5000")
    assert t["recovered"] == "18000.00" and t["helped"] == 3
    # Open past their deadline at the period's end: the reopened one (due again 26 Oct,
    # three working days from its call back) and the insurance one (13 working days).
    assert t["open_overdue"] == 2
    subjects = {r["value"]: r["n"] for r in body.json()["by_subject"]["rows"]}
    assert subjects == {"wages": 1, "contract": 1, "insurance": 1, "injury": 0, "dismissal": 0,
                        "gig": 0, "women": 0, "other": 1}  # fmt: skip
    months = body.json()["by_month"]
    assert months["months"] == ["2026-09-01", "2026-10-01"] and months["total"] == [3, 1]
    # The city sees the county as a unit below, and the sibling county beside it.
    city = (
        api_as(tree.sheng)
        .get("/api/v1/case-figures/", {"union": tree.city.code, "start": "2026-09-01"})
        .json()
    )
    units = {r["code"]: r["taken"] for r in city["by_unit"]}
    assert units == {tree.county.code: 4, tree.sibling.code: 1, tree.city.code: 0}


def test_a_union_outside_the_scope_and_a_bad_date_are_named(tree, cases):
    outside = api_as(tree.xian).get("/api/v1/case-figures/", {"union": tree.sibling.code})
    assert outside.status_code == 400 and outside.json()["field"] == "union"
    bad = api_as(tree.xian).get(
        "/api/v1/case-figures/", {"start": "2026-10-30", "end": "2026-10-01"}
    )
    assert bad.status_code == 400 and bad.json()["field"] == "end"


def test_the_page_and_the_xlsx_show_the_same_figures(tree, cases):
    client = Client()
    client.force_login(tree.xian)
    page = client.get("/cases/figures/", {"start": "2026-09-01", "end": "2026-10-27"})
    html = page.content.decode()
    assert page.status_code == 200 and "50.0%" in html and "18,000.00" in html
    book = client.get("/cases/figures.xlsx", {"start": "2026-09-01", "end": "2026-10-27"})
    rows = list(load_workbook(io.BytesIO(book.content)).active.iter_rows(values_only=True))
    found = {r[0]: r[1] for r in rows if r and r[0]}
    assert found["受理"] == 4 and Decimal(str(found["办结率"])) == Decimal("0.5")
    assert Decimal(str(found["挽回经济损失（元）"])) == Decimal("18000")
