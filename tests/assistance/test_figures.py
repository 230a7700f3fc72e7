"""The figures of hardship work: each one equals a count made here from the records.

The data: files of a county's grassroots union in every state across two periods (the
first half of 2026 and July to 20 November), one in the sibling county; a province's
winter campaign allocated to the county and on to the grassroots union (and to the
sibling county), the county's own study-grant campaign with an allocation, a
province-run summer campaign, last year's campaign; assistance given by each level in
both periods, one record cancelled, one goods only.
"""

import datetime as dt
import io
import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from households import D, file_data, make_id, member
from openpyxl import load_workbook

from gonghui.assistance import figures_views
from gonghui.assistance.figures import figures
from gonghui.assistance.models import AssistanceRecord, Campaign, HardshipFile
from gonghui.assistance.services import campaigns, files, records

pytestmark = pytest.mark.django_db

P1 = (D("2026-01-01"), D("2026-06-30"))
P2 = (D("2026-07-01"), D("2026-11-20"))
CENT = Decimal("0.01")


# --- building the data through the services ------------------------------------------


def file_on(tree, seq, filed_on, category="deep", union=None, actor=None):
    """A household filed on `filed_on`: applied 30 days before, the notice from 25 days
    before (long enough for five working days over any holiday)."""
    actor = actor or tree.jiceng
    member(tree, seq, union=union)
    day = D(filed_on)
    f = files.apply(
        actor, file_data(seq, category=category, applied_on=day - dt.timedelta(days=30))
    )
    files.review(actor, f, {"accepted": True, "reviewed_on": day - dt.timedelta(days=28)})
    files.record_visit(
        actor,
        f,
        {"visited_on": day - dt.timedelta(days=27), "visitors": "王主席", "findings": "属实"},
    )
    files.start_notice(actor, f, {"notice_from": day - dt.timedelta(days=25)})
    return files.file_household(actor, f, {"filed_on": day})


def exit_on(f, notice_from, exited_on, actor):
    files.start_exit(actor, f, {"exit_notice_from": notice_from, "note": "家庭收入稳定"})
    return files.confirm_exit(actor, f, {"exited_on": exited_on})


def remove_on(f, on, actor, reason="reassessed"):
    return files.remove(actor, f, {"removal_reason": reason, "note": "复核不符合", "closed_on": on})


def give(actor, seq, amount, on, campaign=None, **extra):
    data = {"name": f"受助人{seq}", "id_number": make_id(seq), "amount": amount, "given_on": on}
    if campaign is not None:
        data["campaign"] = campaign
    return records.record(actor, {**data, **extra})


@pytest.fixture
def data(tree):
    t = tree
    j = t.jiceng
    # Files of the county's grassroots union.
    a = file_on(t, 1, "2026-03-10", "deep")  # on file throughout
    b = file_on(t, 2, "2026-02-10", "relative")
    exit_on(b, "2026-04-01", "2026-04-20", j)  # exits in P1
    file_on(t, 3, "2026-10-12", "relative")  # filed in P2
    d = file_on(t, 4, "2026-04-01", "accident")
    remove_on(d, "2026-08-03", j)  # removed in P2
    e = file_on(t, 5, "2026-06-30", "deep")  # filed on P1's last day
    exit_on(e, "2026-11-05", "2026-11-20", j)  # exits on P2's last day
    member(t, 6)
    files.apply(j, file_data(6, applied_on="2026-03-01"))  # never filed
    member(t, 7)
    g = files.apply(j, file_data(7, category="relative", applied_on="2026-03-01"))
    files.review(j, g, {"accepted": False, "note": "收入超标", "reviewed_on": "2026-03-05"})
    h = file_on(t, 8, "2025-12-01", "deep")
    exit_on(h, "2026-02-09", "2026-03-02", j)  # exits in P1 ...
    remove_on(h, "2026-05-05", j, "other")  # ... and is removed in its follow-up
    # The sibling county's file.
    file_on(t, 9, "2026-03-01", "deep", union=t.sibling_grassroots, actor=t.other)

    # Campaigns: the province's winter campaign, allocated down two levels and aside.
    winter = campaigns.create(
        t.sheng,
        {"name": "2026年元旦春节送温暖", "season": "winter", "budget": "100000",
         "starts_on": "2026-01-05", "ends_on": "2026-02-28"},
    )  # fmt: skip
    w_county = campaigns.allocate(t.sheng, winter, {"union": t.county, "budget": "30000"})
    w_grass = campaigns.allocate(
        t.xian, w_county, {"union": t.grassroots, "budget": "8000", "name": "春熙百货送温暖"}
    )
    w_sibling = campaigns.allocate(t.sheng, winter, {"union": t.sibling, "budget": "20000"})
    study = campaigns.create(
        t.xian,
        {"name": "2026年金秋助学", "season": "autumn", "budget": "50000",
         "starts_on": "2026-08-01", "ends_on": "2026-09-30", "requires_school": True,
         "one_grant_per_person": True},
    )  # fmt: skip
    s_grass = campaigns.allocate(t.xian, study, {"union": t.grassroots, "budget": "10000"})
    summer = campaigns.create(
        t.sheng,
        {"name": "2026年夏送清凉", "season": "summer", "budget": "20000",
         "starts_on": "2026-07-01", "ends_on": "2026-08-31"},
    )  # fmt: skip
    last_year = campaigns.create(
        t.xian,
        {"name": "2025年金秋助学", "season": "autumn", "budget": "10000",
         "starts_on": "2025-08-01", "ends_on": "2025-09-30"},
    )  # fmt: skip

    # Assistance, P1.
    give(j, 801, "500", "2026-01-20", w_grass)
    give(j, 802, "800.50", "2026-02-03", w_grass)
    give(t.xian, 803, "1000", "2026-01-25", w_county)
    cancelled = give(t.xian, 804, "600", "2026-01-26", w_county)
    records.cancel(t.xian, cancelled, {"reason": "重复发放"})
    give(j, 805, "3000", "2026-05-10", kind="medical")
    give(j, 806, "0", "2026-06-30", kind="legal", goods="法律咨询一次")
    give(t.other, 810, "700", "2026-01-22", w_sibling)
    # P2.
    give(t.xian, 807, "2000", "2026-08-15", study, school="四川大学")
    give(j, 808, "1500", "2026-09-01", s_grass, school="成都理工大学")
    give(t.xian, 809, "1200.25", "2026-07-01", kind="living")
    give(t.sheng, 811, "300", "2026-07-15", summer)
    give(t.xian, 812, "1000", "2025-08-20", last_year, kind="study")
    return {"winter": winter, "w_county": w_county, "w_sibling": w_sibling, "study": study,
            "summer": summer, "files": (a, b, d, e, g, h)}  # fmt: skip


# --- counting independently -------------------------------------------------------------


def in_subtree(union, path):
    return union.path.startswith(path)


def expected_households(path, start, end):
    """Counted file by file in Python, from each file's dates."""
    out = {c: dict.fromkeys(("on_file", "filed", "exited", "removed"), 0)
           for c in HardshipFile.Category.values}  # fmt: skip
    for f in HardshipFile.objects.select_related("union"):
        if not in_subtree(f.union, path) or f.filed_on is None:
            continue
        row = out[f.category]
        if f.filed_on <= end and (f.exited_on is None or f.exited_on > end):
            row["on_file"] += 1
        if start <= f.filed_on <= end:
            row["filed"] += 1
        if f.exited_on and start <= f.exited_on <= end:
            # An exit leaves a follow-up period; a removal from file does not.
            row["exited" if f.follow_up_until else "removed"] += 1
    return out


def period_records(path, start, end):
    return [
        r
        for r in AssistanceRecord.objects.select_related("union", "campaign")
        if in_subtree(r.union, path) and r.cancelled_at is None and start <= r.given_on <= end
    ]


def root(campaign):
    while campaign.parent_id:
        campaign = Campaign.objects.get(pk=campaign.parent_id)
    return campaign


def tally(rows, key):
    out = {}
    for r in rows:
        n, amount = out.get(key(r), (0, Decimal(0)))
        out[key(r)] = (n + 1, amount + r.amount)
    return out


def expected_budgets(path, start, end):
    """Top campaigns in the subtree, with what every record below them spent."""
    out = {}
    for c in Campaign.objects.select_related("union", "parent__union"):
        if not in_subtree(c.union, path) or c.starts_on > end or c.ends_on < start:
            continue
        if c.parent_id and in_subtree(c.parent.union, path):
            continue
        spent = Decimal(0)
        for r in AssistanceRecord.objects.filter(cancelled_at__isnull=True, campaign__isnull=False):
            above = r.campaign
            while above is not None and above.pk != c.pk:
                above = above.parent
            if above is not None:
                spent += r.amount
        out[c.pk] = (c.budget, spent)
    return out


def assert_matches(result, path, start, end):
    households = {r["category"]: {k: r[k] for k in ("on_file", "filed", "exited", "removed")}
                  for r in result["households"]["rows"]}  # fmt: skip
    assert households == expected_households(path, start, end)
    for k in ("on_file", "filed", "exited", "removed"):
        assert result["households"]["total"][k] == sum(h[k] for h in households.values())

    given = period_records(path, start, end)
    by_kind = {r["kind"]: (r["person_times"], r["amount"]) for r in result["by_kind"]["rows"]
               if r["person_times"]}  # fmt: skip
    assert by_kind == tally(given, lambda r: r.kind)
    assert result["by_kind"]["total"] == {
        "person_times": len(given),
        "amount": sum((r.amount for r in given), Decimal("0.00")),
    }
    by_campaign = {r["campaign"]: (r["person_times"], r["amount"])
                   for r in result["by_campaign"]["rows"]}  # fmt: skip
    assert by_campaign == tally(given, lambda r: root(r.campaign).pk if r.campaign else None)
    assert result["by_campaign"]["total"] == result["by_kind"]["total"]

    budgets = {r["campaign"]: (r["budget"], r["spent"]) for r in result["budgets"]["rows"]}
    assert budgets == expected_budgets(path, start, end)
    for r in result["budgets"]["rows"]:
        assert r["share"] == (r["spent"] / r["budget"]).quantize(Decimal("0.0001"))


# --- the figures --------------------------------------------------------------------------


def test_the_county_figures_match_the_records_in_both_periods(tree, data):
    path = tree.county.path
    for start, end in (P1, P2):
        assert_matches(figures(tree.xian, None, start, end), path, start, end)


def test_the_county_figures_by_hand(tree, data):
    """The same figures, written out, so the independent count is checked too."""
    first = figures(tree.xian, tree.county.code, "2026-01-01", "2026-06-30")
    h = {r["category"]: (r["on_file"], r["filed"], r["exited"], r["removed"])
         for r in first["households"]["rows"]}  # fmt: skip
    # on file 30 Jun: a, e (deep), d (accident); filed: a, e, b, d; exited: b, h (its
    # removal in follow-up is no second exit); e filed on the last day counts.
    assert h == {"deep": (2, 2, 1, 0), "relative": (0, 1, 1, 0), "accident": (1, 1, 0, 0)}
    kinds = {r["kind"]: (r["person_times"], r["amount"]) for r in first["by_kind"]["rows"]}
    assert kinds["seasonal"] == (3, Decimal("2300.50"))  # the cancelled 600 left out
    assert kinds["medical"] == (1, Decimal("3000.00"))
    assert kinds["legal"] == (1, Decimal("0.00"))  # goods only: a person-time, no yuan
    assert first["by_kind"]["total"] == {"person_times": 5, "amount": Decimal("5300.50")}
    campaigns_ = [(r["campaign"], r["person_times"], r["amount"])
                  for r in first["by_campaign"]["rows"]]  # fmt: skip
    # The county's and the grassroots union's allocations count under the province's campaign.
    assert campaigns_ == [
        (data["winter"].pk, 3, Decimal("2300.50")),
        (None, 2, Decimal("3000.00")),  # outside any campaign
    ]
    assert first["by_campaign"]["rows"][0]["name"] == "2026年元旦春节送温暖"
    # The county's allocation is its top campaign; the grassroots one is inside it.
    assert [(r["campaign"], r["budget"], r["spent"], r["share"])
            for r in first["budgets"]["rows"]] == [
        (data["w_county"].pk, Decimal("30000.00"), Decimal("2300.50"), Decimal("0.0767"))
    ]  # fmt: skip
    assert first["budgets"]["rows"][0]["allocated_from"] == "2026年元旦春节送温暖"

    second = figures(tree.xian, tree.county.code, "2026-07-01", "2026-11-20")
    h = {r["category"]: (r["on_file"], r["filed"], r["exited"], r["removed"])
         for r in second["households"]["rows"]}  # fmt: skip
    # e exits on the last day: no longer on file at the end.
    assert h == {"deep": (1, 0, 1, 0), "relative": (1, 1, 0, 0), "accident": (0, 0, 0, 1)}
    campaigns_ = [(r["campaign"], r["person_times"], r["amount"])
                  for r in second["by_campaign"]["rows"]]  # fmt: skip
    assert campaigns_ == [(data["study"].pk, 2, Decimal("3500.00")), (None, 1, Decimal("1200.25"))]
    # The province's summer campaign is not the county's, nor is its 300 yuan.
    assert [(r["name"], r["budget"], r["spent"], r["share"])
            for r in second["budgets"]["rows"]] == [
        ("2026年金秋助学", Decimal("50000.00"), Decimal("3500.00"), Decimal("0.0700"))
    ]  # fmt: skip


def test_higher_levels_count_their_whole_subtree(tree, data, root_admin):
    for user, union in (
        (tree.sheng, tree.city),
        (tree.sheng, tree.province),
        (tree.xian, tree.street),
    ):
        for start, end in (P1, P2, (D("2025-01-01"), D("2026-11-20"))):
            assert_matches(figures(user, union, start, end), union.path, start, end)
    city = figures(tree.sheng, tree.city, *P1)
    # Two allocations from the province are the city's top campaigns.
    assert {r["campaign"]: r["spent"] for r in city["budgets"]["rows"]} == {
        data["w_county"].pk: Decimal("2300.50"),
        data["w_sibling"].pk: Decimal("700.00"),
    }
    province = figures(tree.sheng, None, *P1)
    # The province counts its own campaign once, with every allocation's spend in it.
    assert [(r["campaign"], r["budget"], r["spent"]) for r in province["budgets"]["rows"]] == [
        (data["winter"].pk, Decimal("100000.00"), Decimal("3000.50"))
    ]
    everything = figures(root_admin, None, *P2)
    assert everything["union"] is None
    assert_matches(everything, "/", *P2)


def test_the_default_period_is_this_year_to_date(tree, data):
    today = timezone.localdate()
    result = figures(tree.xian)
    assert (result["start"], result["end"]) == (today.replace(month=1, day=1), today)
    assert result["union"] == {"code": tree.county.code, "name": tree.county.name}


def test_a_fixed_number_of_queries_however_many_records(tree, data):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            figures(tree.sheng, None, D("2025-01-01"), D("2026-11-20"))
        return len(ctx)

    before = count()
    for i in range(10):
        give(tree.jiceng, 820 + i, "10", "2026-03-01", kind="living")
    extra = campaigns.create(
        tree.xian,
        {"name": "追加慰问", "season": "other", "budget": "1000",
         "starts_on": "2026-03-01", "ends_on": "2026-03-31"},
    )  # fmt: skip
    give(tree.xian, 840, "20", "2026-03-02", extra, kind="living")
    assert count() == before <= 7


# --- API ------------------------------------------------------------------------------


URL = "/api/v1/hardship-figures/"


def test_the_api_gives_the_figures_with_amounts_as_text(tree, data, api_as):
    body = api_as(tree.xian).get(URL, {"start": "2026-01-01", "end": "2026-06-30"}).json()
    assert body["union"] == {"code": tree.county.code, "name": tree.county.name}
    assert (body["start"], body["end"]) == ("2026-01-01", "2026-06-30")
    assert body["by_kind"]["total"] == {"person_times": 5, "amount": "5300.50"}
    assert body["budgets"]["rows"][0]["share"] == "0.0767"
    assert body["households"]["total"] == {"on_file": 3, "filed": 4, "exited": 2, "removed": 0}
    ro = api_as(tree.ro).get(URL, {"union": tree.grassroots.code, "start": "2026-01-01"})
    assert ro.status_code == 200  # read-only staff may see the figures
    assert ro.json()["union"]["code"] == tree.grassroots.code


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"start": "2026-13-01"}, "start"),
        ({"end": "yesterday"}, "end"),
        ({"start": "2026-06-01", "end": "2026-05-31"}, "end"),
    ],
)
def test_bad_dates_are_named(tree, api_as, params, field):
    response = api_as(tree.xian).get(URL, params)
    assert response.status_code == 400
    assert response.json()["field"] == field
    assert response.json()["code"] == "invalid"


def test_a_union_outside_the_scope_reads_as_unknown(tree, data, api_as):
    for user, union in ((tree.other, tree.county), (tree.jiceng, tree.county)):
        response = api_as(user).get(URL, {"union": union.code})
        assert response.status_code == 400
        error = response.json()
        assert error["field"] == "union"
        assert union.code in error["message"]
        assert union.name not in response.content.decode()
    unknown = api_as(tree.other).get(URL, {"union": "9999999999"}).json()
    assert (unknown["field"], unknown["code"]) == ("union", "invalid")


def test_the_sibling_county_sees_none_of_the_county(tree, data, api_as):
    body = api_as(tree.other).get(URL, {"start": "2026-01-01", "end": "2026-06-30"}).json()
    assert body["union"]["code"] == tree.sibling.code
    assert body["households"]["total"]["on_file"] == 1  # its own file only
    assert body["by_kind"]["total"] == {"person_times": 1, "amount": "700.00"}
    assert [r["campaign"] for r in body["budgets"]["rows"]] == [data["w_sibling"].pk]
    assert "春熙" not in str(body)


def test_the_api_needs_a_login(tree, api):
    assert api.get(URL).status_code in (401, 403)


# --- page and xlsx ----------------------------------------------------------------------


def fetch(user, view, **params):
    """The page or the download: by its route once assistance/urls.py has it, else the
    view function itself."""
    try:
        url = reverse(f"assistance:{view}")
    except NoReverseMatch:
        request = RequestFactory().get("/hardship/figures/", params)
        request.user = user
        return getattr(figures_views, "page" if view == "figures" else "xlsx")(request)
    client = Client()
    client.force_login(user)
    return client.get(url, params)


class Tables(HTMLParser):
    """The text of every cell of every table with an id, row by row."""

    def __init__(self, html):
        super().__init__()
        self.tables, self.table, self.row, self.cell = {}, None, None, None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.table = self.tables.setdefault(dict(attrs).get("id"), [])
        elif tag == "tr" and self.table is not None:
            self.row = []
            self.table.append(self.row)
        elif tag in ("td", "th") and self.row is not None:
            self.cell = ""

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            self.row.append(self.cell.strip())
            self.cell = None

    def handle_data(self, text):
        if self.cell is not None:
            self.cell += text


def number(text):
    return Decimal(re.sub(r"[,\s%]", "", text))


def test_every_figure_on_the_page_matches_the_api(tree, data, api_as):
    params = {"union": tree.county.code, "start": "2026-01-01", "end": "2026-11-20"}
    api = api_as(tree.xian).get(URL, params).json()
    response = fetch(tree.xian, "figures", **params)
    assert response.status_code == 200
    tables = Tables(response.content.decode()).tables
    households = tables["households"][1:]
    expected = [*api["households"]["rows"], {**api["households"]["total"], "label": None}]
    assert len(households) == len(expected)
    for cells, row in zip(households, expected, strict=True):
        assert [int(c) for c in cells[1:]] == [
            row[k] for k in ("on_file", "filed", "exited", "removed")
        ]
    for table, section in (("by-kind", "by_kind"), ("by-campaign", "by_campaign")):
        rows = [*api[section]["rows"], api[section]["total"]]
        cells = tables[table][1:]
        assert [(int(c[-2]), number(c[-1])) for c in cells] == [
            (r["person_times"], Decimal(r["amount"])) for r in rows
        ]
    rows = [*api["budgets"]["rows"], api["budgets"]["total"]]
    assert [(number(c[-4]), int(c[-3]), number(c[-2])) for c in tables["budgets"][1:]] == [
        (Decimal(r["budget"]), r["person_times"], Decimal(r["spent"])) for r in rows
    ]
    for cells, r in zip(tables["budgets"][1:], rows, strict=True):
        assert number(cells[-1]) == (Decimal(r["share"]) * 100).quantize(Decimal("0.1"))


def test_the_page_defaults_to_the_users_union_and_shows_errors(tree, data):
    response = fetch(tree.jiceng, "figures")
    assert response.status_code == 200
    body = response.content.decode()
    assert tree.grassroots.code in body
    assert str(timezone.localdate().year) + "-01-01" in body
    wrong = fetch(tree.other, "figures", union=tree.county.code, start="2026-02-30")
    assert wrong.status_code == 400
    body = wrong.content.decode()
    assert tree.county.name not in body
    assert 'role="alert"' in body
    assert "2026-02-30" in body  # the form keeps what was typed


def test_the_xlsx_holds_the_api_figures(tree, data, api_as):
    params = {"start": "2026-01-01", "end": "2026-11-20"}
    api = api_as(tree.xian).get(URL, params).json()
    response = fetch(tree.xian, "figures_xlsx", **params)
    assert response.status_code == 200
    assert ".xlsx" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    assert len(workbook.worksheets) == 1
    rows = [list(r) for r in workbook.active.iter_rows(values_only=True)]
    assert rows[0][0] == "困难职工帮扶统计"

    def section(title):
        """The data rows under a section's title and header, to the blank line."""
        start = next(i for i, r in enumerate(rows) if r[0] and str(r[0]).startswith(title))
        out = []
        for r in rows[start + 2 :]:
            if all(v is None for v in r):
                break
            out.append(r)
        return out

    households = section("一、")
    assert households[-1][0] == "合计"
    expected = [*api["households"]["rows"], api["households"]["total"]]
    assert [r[1:5] for r in households] == [
        [e[k] for k in ("on_file", "filed", "exited", "removed")] for e in expected
    ]

    def money(value):
        return Decimal(str(value)).quantize(CENT)

    for title, name, columns in (("二、", "by_kind", (1, 2)), ("三、", "by_campaign", (3, 4))):
        expected = [*api[name]["rows"], api[name]["total"]]
        assert [(r[columns[0]], money(r[columns[1]])) for r in section(title)] == [
            (e["person_times"], Decimal(e["amount"])) for e in expected
        ]
    expected = [*api["budgets"]["rows"], api["budgets"]["total"]]
    assert [(money(r[7]), r[8], money(r[9]), Decimal(str(r[10])).quantize(Decimal("0.0001")))
            for r in section("四、")] == [
        (Decimal(e["budget"]), e["person_times"], Decimal(e["spent"]), Decimal(e["share"]))
        for e in expected
    ]  # fmt: skip
    assert [r[0] for r in section("四、")][:-1] == [r["name"] for r in api["budgets"]["rows"]]


def test_the_xlsx_refuses_a_union_outside_the_scope(tree, data):
    response = fetch(tree.other, "figures_xlsx", union=tree.county.code)
    assert response.status_code == 400
    assert "Content-Disposition" not in response


def test_a_campaign_name_is_never_a_formula_in_the_xlsx(tree):
    campaigns.create(
        tree.xian,
        {"name": "=HYPERLINK(\"http://x\")", "season": "other", "budget": "100",
         "starts_on": "2026-03-01", "ends_on": "2026-03-31"},
    )  # fmt: skip
    out = io.BytesIO()
    figures_views.workbook_of(figures(tree.xian, None, *P1)).save(out)
    sheet = load_workbook(io.BytesIO(out.getvalue())).active
    cells = [c for row in sheet.iter_rows() for c in row if c.value == '=HYPERLINK("http://x")']
    assert cells and all(c.data_type == "s" for c in cells)
