"""The web pages of hardship files, assistance and campaigns, through the test client:
the steps of a file across National Day, errors on the right field and row with nothing
written, a distribution list pasted from Excel, and the scope (404 for another branch)."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from households import D, file_data, filed, make_id, member

from gonghui.assistance.models import AssistanceRecord, Campaign, HardshipFile, HomeVisit
from gonghui.assistance.services import campaigns, files, records
from gonghui.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def client_of(user):
    client = Client()
    client.force_login(user)
    return client


def new_file_post(head_seq, rows=None, **changes):
    """The new-file form as a browser posts it: the description and the household lines."""
    data = file_data(head_seq, applied_on="2026-09-01")
    rows = data.pop("household") if rows is None else rows
    data.pop("other_causes")
    post = {k: v for k, v in data.items() if v is not None}
    post["other_causes"] = ["schooling"]
    post.update({"household-TOTAL_FORMS": "5", "household-INITIAL_FORMS": "0",
                 "household-MIN_NUM_FORMS": "0", "household-MAX_NUM_FORMS": "30"})  # fmt: skip
    for i, row in enumerate(rows):
        for field, value in row.items():
            post[f"household-{i}-{field}"] = value
    post.update(changes)
    return post


def step(client, file, name, **fields):
    data = {f"{name}-{k}": v for k, v in fields.items()}
    return client.post(f"/hardship/{file.pk}/{name}/", data)


def step_errors(response, slug):
    """The errors of the step's form as the page shows them."""
    form = next(s["form"] for s in response.context["steps"] if s["slug"] == slug)
    return form.errors


def written():
    return (
        HardshipFile.objects.count(),
        HomeVisit.objects.count(),
        AssistanceRecord.objects.count(),
        Campaign.objects.count(),
        AuditEvent.objects.count(),
    )


# --- a household from application to filed -------------------------------------------


def test_jiceng_files_a_household_across_national_day(tree):
    member(tree, 1)
    web = client_of(tree.jiceng)
    assert web.get("/hardship/new/").status_code == 200

    response = web.post("/hardship/new/", new_file_post(1))
    assert response.status_code == 302
    file = HardshipFile.objects.get()
    assert response.url == f"/hardship/{file.pk}/"
    assert file.status == "applied" and file.household.count() == 3

    page = web.get(file.get_absolute_url())
    body = page.content.decode()
    # Masked numbers only: the head's, the members', the card.
    assert make_id(1) not in body and make_id(1)[:6] + "********" + make_id(1)[-4:] in body
    assert make_id(501, birth="19820511") not in body
    assert "6228480402564890018" not in body and "6228 **** **** 0018" in body
    assert [s["slug"] for s in page.context["steps"]] == ["review", "remove"]

    assert step(web, file, "review", accepted="yes", reviewed_on="2026-09-10").status_code == 302
    visit = {"visited_on": "2026-09-20", "visitors": "王主席、刘干事", "findings": "情况属实"}
    assert step(web, file, "visit", **visit).status_code == 302
    assert step(web, file, "notice", notice_from="2026-09-29").status_code == 302
    file.refresh_from_db()
    # 29, 30 Sep; 1–7 Oct off; 8, 9 Oct and Saturday 10 Oct worked (调休): 5 working days.
    assert (file.notice_from, file.notice_until) == (D("2026-09-29"), D("2026-10-10"))

    page = web.get(file.get_absolute_url())
    notice = page.context["notice"]
    assert notice.workdays == 5 and notice.next_step_from == D("2026-10-12")
    assert "2026-10-10" in page.content.decode() and "2026-10-12" in page.content.decode()
    assert page.context["steps"][0]["slug"] == "file"

    before = written()
    refused = step(web, file, "file", filed_on="2026-10-09")
    assert refused.status_code == 200
    assert "2026-10-12" in str(step_errors(refused, "file")["filed_on"])
    assert written() == before
    file.refresh_from_db()
    assert file.status == "notice" and file.filed_on is None

    assert step(web, file, "file", filed_on="2026-10-12", note="公示无异议").status_code == 302
    file.refresh_from_db()
    assert file.status == "filed" and file.filed_on == D("2026-10-12")
    page = web.get(file.get_absolute_url())
    assert page.context["events"][0].note == "公示无异议"
    slugs = [s["slug"] for s in page.context["steps"]]
    assert "file" not in slugs and {"visit", "annual-review", "exit", "remove"} <= set(slugs)


def test_the_exit_runs_its_notice_and_follow_up(tree):
    member(tree, 2)
    file = filed(tree, 2)
    web = client_of(tree.jiceng)
    assert step(web, file, "exit", exit_notice_from="2026-10-19").status_code == 200  # no note
    assert step(web, file, "exit", exit_notice_from="2026-10-19", note="再就业").status_code == 302
    refused = step(web, file, "confirm-exit", exited_on="2026-10-23")  # the notice's last day
    assert "exited_on" in step_errors(refused, "confirm-exit")
    assert step(web, file, "confirm-exit", exited_on="2026-10-26").status_code == 302
    file.refresh_from_db()
    assert file.status == "follow_up" and file.follow_up_until == D("2027-04-26")
    assert web.get(file.get_absolute_url()).context["steps"][0]["slug"] == "close"


def test_a_step_not_allowed_now_is_refused_without_a_change(tree):
    member(tree, 3)
    web = client_of(tree.jiceng)
    file = files.apply(tree.jiceng, file_data(3, applied_on="2026-09-01"))
    before = written()
    response = step(web, file, "file", filed_on="2026-10-12")
    assert response.status_code == 302 and written() == before
    assert web.get(f"/hardship/{file.pk}/no-such-step/").status_code == 404


def test_a_removed_file_reopens_as_a_new_one(tree):
    member(tree, 4)
    file = filed(tree, 4)
    web = client_of(tree.jiceng)
    response = step(web, file, "remove", removal_reason="reassessed", closed_on="2026-11-02")
    assert "note" in step_errors(response, "remove")  # an explanation is required
    step(web, file, "remove", removal_reason="reassessed", closed_on="2026-11-02", note="收入提高")
    response = step(web, file, "reopen", applied_on="2026-11-20")
    new = HardshipFile.objects.get(reopens=file)
    assert response.url == f"/hardship/{new.pk}/"
    assert new.status == "applied" and new.household.count() == 3
    assert "reopen" not in [s["slug"] for s in web.get(f"/hardship/{file.pk}/").context["steps"]]


# --- bad input: the right field, nothing written --------------------------------------


def test_a_bad_new_file_names_the_field_and_row_and_writes_nothing(tree):
    member(tree, 5)
    web = client_of(tree.jiceng)
    rows = file_data(5)["household"]
    rows[1] = {**rows[1], "id_number": rows[1]["id_number"][:-1] + "0"}  # check digit wrong
    rows.append({"relation": "parent", "name": "", "id_number": "5.10105E+17",
                 "work": "retired", "monthly_income": "-300", "health": "chronic"})  # fmt: skip
    before = written()
    response = web.post("/hardship/new/", new_file_post(5, rows, category="", bank_card="12ab"))
    assert response.status_code == 200
    assert written() == before
    form, formset = response.context["form"], response.context["formset"]
    assert set(form.errors) == {"category", "bank_card"}
    assert formset.forms[0].errors == {}
    assert set(formset.forms[1].errors) == {"id_number"}
    assert set(formset.forms[2].errors) == {"name", "id_number", "monthly_income"}
    assert "Excel" in str(formset.forms[2].errors["id_number"])


def test_blank_household_lines_are_left_out_and_errors_follow_their_line(tree):
    """A member typed on line 3 with lines 1–2 empty: the error is on line 3."""
    member(tree, 6)
    web = client_of(tree.jiceng)
    rows = [{}, {}, {**file_data(6)["household"][0], "health": ""}]
    response = web.post("/hardship/new/", new_file_post(6, rows))
    formset = response.context["formset"]
    assert [set(f.errors) for f in formset.forms[:3]] == [set(), set(), {"health"}]
    assert HardshipFile.objects.count() == 0


def test_more_lines_keeps_what_was_typed_and_saves_nothing(tree):
    member(tree, 7)
    web = client_of(tree.jiceng)
    response = web.post("/hardship/new/", {**new_file_post(7), "more_rows": "1"})
    assert response.status_code == 200 and HardshipFile.objects.count() == 0
    formset = response.context["formset"]
    assert len(formset.forms) == 8
    assert formset.forms[0]["name"].value() == "李秀英"


def test_a_visit_in_the_future_is_refused_on_its_date(tree):
    member(tree, 8)
    file = files.apply(tree.jiceng, file_data(8, applied_on="2026-09-01"))
    files.review(tree.jiceng, file, {"accepted": True, "reviewed_on": "2026-09-10"})
    web = client_of(tree.jiceng)
    before = written()
    response = step(web, file, "visit", visited_on="2099-01-01", visitors="", findings="")
    assert set(step_errors(response, "visit")) == {"visited_on", "visitors", "findings"}
    assert written() == before


def test_bad_amounts_are_refused_on_the_amount(tree):
    web = client_of(tree.jiceng)
    before = written()
    for amount in ("-100", "一百", "12.345"):
        response = web.post(
            "/assistance/new/",
            {"name": "张三", "id_number": make_id(40), "kind": "living", "amount": amount},
        )
        assert set(response.context["form"].errors) == {"amount"}, amount
    assert written() == before


def test_help_for_a_household_picks_the_person_without_their_number(tree):
    member(tree, 9)
    file = filed(tree, 9)
    web = client_of(tree.jiceng)
    page = web.get(f"/assistance/new/?file={file.pk}")
    choices = dict(page.context["form"].fields["member"].choices)
    spouse = file.household.get(relation="spouse")
    assert make_id(509, birth="19820511") not in page.content.decode()
    response = web.post(
        f"/assistance/new/?file={file.pk}",
        {"file": file.pk, "member": spouse.pk, "kind": "medical", "amount": "3000",
         "given_on": "2026-11-02"},
    )  # fmt: skip
    assert response.status_code == 302 and str(spouse.pk) in choices
    record = AssistanceRecord.objects.get()
    assert (record.file, record.name, record.card_masked) == (file, "李秀英", "6228 **** **** 0018")
    assert record.id_number_index == spouse.id_number_index


def test_a_record_is_cancelled_with_a_reason_and_stays(tree):
    record = records.record(
        tree.jiceng, {"name": "张三", "id_number": make_id(41), "kind": "living", "amount": "500"}
    )
    web = client_of(tree.jiceng)
    web.post(f"/assistance/{record.pk}/cancel/", {"reason": ""})
    record.refresh_from_db()
    assert not record.is_cancelled
    web.post(f"/assistance/{record.pk}/cancel/", {"reason": "重复录入", "next": "/assistance/"})
    record.refresh_from_db()
    assert record.is_cancelled and record.cancel_reason == "重复录入"
    listing = web.get("/assistance/")
    assert listing.context["total"] == Decimal("0.00") and record in listing.context["page"]


# --- campaigns and distribution lists -------------------------------------------------


@pytest.fixture
def grant(tree):
    """The county's 金秋助学 with 10,000 yuan, 5,000 of it allocated to jiceng's union."""
    county = campaigns.create(
        tree.xian,
        {"name": "2026年金秋助学", "season": "autumn", "budget": "10000",
         "starts_on": "2026-08-01", "ends_on": "2026-12-31", "one_grant_per_person": True,
         "requires_school": True},
    )  # fmt: skip
    web = client_of(tree.xian)
    response = web.post(
        f"/campaigns/{county.pk}/allocate/", {"union": tree.grassroots.code, "budget": "5000"}
    )
    assert response.status_code == 302
    return county, Campaign.objects.get(parent=county)


def pasted(*lines):
    return "\r\n".join("\t".join(cells) for cells in lines)


def test_campaign_pages_show_the_money_rolled_up(tree, grant):
    county, allocation = grant
    records.record(
        tree.jiceng,
        {"campaign": allocation.pk, "name": "曾子涵", "id_number": make_id(42, birth="20080901"),
         "amount": "2000", "school": "四川大学", "given_on": "2026-09-01"},
    )  # fmt: skip
    page = client_of(tree.xian).get(f"/campaigns/{county.pk}/")
    money = page.context["money"]
    assert (money["budget"], money["allocated"], money["spent"]) == (10000, 5000, 0)
    assert (money["spent_rolled_up"], money["remaining"]) == (2000, 5000)
    rows = {c.pk: c for c in page.context["rows"]}
    assert rows[county.pk].spent_rolled_up == 2000 and rows[allocation.pk].remaining == 3000
    listing = client_of(tree.xian).get("/campaigns/")
    shown = {c.pk: c for c in listing.context["page"]}
    assert shown[county.pk].allocated == 5000 and shown[allocation.pk].spent == 2000


def test_a_bad_allocation_names_its_field(tree, grant):
    county, _ = grant
    web = client_of(tree.xian)
    before = written()
    url = f"/campaigns/{county.pk}/allocate/"
    response = web.post(url, {"union": tree.sibling.code, "budget": "-1"})
    assert set(response.context["allocate_form"].errors) == {"union", "budget"}
    response = web.post(url, {"union": tree.street.code, "budget": "9000"})  # 5,000 left
    assert set(response.context["allocate_form"].errors) == {"budget"}
    response = web.post(url, {"union": "", "budget": "100"})
    assert set(response.context["allocate_form"].errors) == {"union"}
    assert written() == before


def test_a_new_campaign_with_bad_input_names_every_field(tree):
    web = client_of(tree.xian)
    bad = {"name": "", "season": "winter", "budget": "-5", "starts_on": "2026-12-01",
           "ends_on": "2026-11-01"}  # fmt: skip
    response = web.post("/campaigns/new/", bad)
    assert set(response.context["form"].errors) == {"name", "budget", "ends_on"}
    assert Campaign.objects.count() == 0
    good = {"name": "2026年冬送温暖", "season": "winter", "budget": "80,000",
            "starts_on": "2026-12-01", "ends_on": "2027-02-28"}  # fmt: skip
    response = web.post("/campaigns/new/", good)
    campaign = Campaign.objects.get()
    assert response.url == f"/campaigns/{campaign.pk}/"
    assert (campaign.union, campaign.budget, campaign.year) == (tree.county, 80000, 2026)


def test_a_distribution_list_with_a_bad_row_writes_nothing_and_names_the_row(tree, grant):
    _, allocation = grant
    web = client_of(tree.jiceng)
    url = f"/campaigns/{allocation.pk}/distribute/"
    assert web.get(url).status_code == 200
    good = make_id(43, birth="20080301")
    text = pasted(
        ("序号", "姓名", "身份证号", "金额", "物品", "银行卡号", "录取院校"),
        ("1", "王小明", good, "2000", "", "6217003810012345678", "四川大学"),
        ("2", "李小红", make_id(44, birth="20080401")[:-1] + "0", "2000", "", "", "西南交通大学"),
        ("3", "赵小刚", make_id(45, birth="20080501"), "2000", "", "", ""),
    )
    before = written()
    response = web.post(url, {"given_on": "2026-09-01", "fund_source": "higher", "rows": text})
    assert response.status_code == 200 and written() == before
    errors = response.context["row_errors"]
    assert len(errors) == 3  # row 2's ID, row 3's school, row 3's amount over what is left
    assert errors[0].startswith(("Row 2,", "第2行"))
    assert any(e.startswith(("Row 3,", "第3行")) for e in errors[1:])
    rows = response.context["rows"]
    assert rows[1].errors == ["id_number"] and rows[0].errors == []


def test_a_good_list_is_checked_then_saved_whole(tree, grant):
    _, allocation = grant
    web = client_of(tree.jiceng)
    url = f"/campaigns/{allocation.pk}/distribute/"
    text = pasted(
        ("王小明", make_id(46, birth="20080301"), "2000", "", "6217003810012345678", "四川大学"),
        ("李小红", make_id(47, birth="20080401"), "1,500元", "书包", "", "西南交通大学"),
    )
    data = {"given_on": "2026-09-01", "fund_source": "higher", "rows": text}
    before = written()
    checked = web.post(url, {**data, "check": "1"})
    assert checked.context["checked"] == {"rows": 2, "total": Decimal("3500.00")}
    assert written() == before
    response = web.post(url, data)
    assert response.status_code == 302
    made = AssistanceRecord.objects.order_by("id")
    assert [(r.name, r.amount, r.kind, r.union) for r in made] == [
        ("王小明", 2000, "study", tree.grassroots),
        ("李小红", 1500, "study", tree.grassroots),
    ]
    assert made[0].card_masked == "6217 **** **** 5678"
    # The same child again this year: refused on the ID number of its row.
    again = web.post(url, {**data, "rows": pasted(text.splitlines()[0].split("\t"))})
    assert again.context["row_errors"][0].startswith(("Row 1,", "第1行"))


def test_a_date_outside_the_campaign_is_said_once_on_the_date(tree, grant):
    _, allocation = grant
    text = pasted(
        ("王小明", make_id(48, birth="20080301"), "100", "", "", "四川大学"),
        ("李小红", make_id(49, birth="20080401"), "100", "", "", "四川大学"),
    )
    response = client_of(tree.jiceng).post(
        f"/campaigns/{allocation.pk}/distribute/",
        {"given_on": "2026-07-01", "fund_source": "higher", "rows": text},
    )
    assert len(response.context["form"].errors["given_on"]) == 1
    assert response.context["row_errors"] == []


def test_a_header_with_unknown_columns_is_refused(tree, grant):
    _, allocation = grant
    text = pasted(("姓名", "身份证号", "金额", "开户行"), ("王小明", make_id(50), "100", "农行"))
    response = client_of(tree.jiceng).post(
        f"/campaigns/{allocation.pk}/distribute/", {"fund_source": "higher", "rows": text}
    )
    assert "开户行" in str(response.context["form"].errors["rows"])


# --- reminders, read-only users, other branches ---------------------------------------


def test_reminders_list_overdue_first(tree):
    member(tree, 10)
    member(tree, 11)
    old = filed(tree, 10)  # last visit 20 Sep 2026: due again 20 Mar 2027
    fresh = files.apply(tree.jiceng, file_data(11))  # applied today: review due in 10 days
    page = client_of(tree.xian).get("/hardship/reminders/")
    shown = [(r.file, r.kind) for r in page.context["page"]]
    assert (fresh, "review_application") in shown
    assert (old, "visit_due") not in shown  # months away
    listing = client_of(tree.xian).get("/hardship/")
    dues = {f.pk: f.due for f in listing.context["page"]}
    assert dues[old.pk].kind == "visit_due" and dues[old.pk].due == D("2027-03-20")
    assert dues[fresh.pk].kind == "review_application" and not dues[fresh.pk].overdue


def test_read_only_users_see_the_file_but_no_step_forms(tree):
    member(tree, 12)
    file = files.apply(tree.jiceng, file_data(12))
    web = client_of(tree.ro)
    page = web.get(file.get_absolute_url())
    assert page.status_code == 200 and page.context["steps"] == []
    assert b"/review/" not in page.content
    assert step(web, file, "review", accepted="yes").status_code == 403
    assert web.get("/hardship/new/").status_code == 403
    assert HardshipFile.objects.get().status == "applied"


def test_another_branch_gets_404_on_every_page(tree, grant):
    county, allocation = grant
    member(tree, 13)
    file = filed(tree, 13)
    record = records.record(
        tree.jiceng, {"file": file.pk, "name": file.head.name, "id_number": make_id(13),
                      "kind": "seasonal", "amount": "500"},
    )  # fmt: skip
    web = client_of(tree.other)
    before = written()
    gets = [f"/hardship/{file.pk}/", f"/assistance/new/?file={file.pk}",
            f"/campaigns/{county.pk}/", f"/campaigns/{allocation.pk}/",
            f"/campaigns/{allocation.pk}/distribute/"]  # fmt: skip
    for url in gets:
        assert web.get(url).status_code == 404, url
    posts = [f"/hardship/{file.pk}/{s}/" for s in ("visit", "annual-review", "exit", "remove")]
    posts += [f"/assistance/{record.pk}/cancel/", f"/campaigns/{county.pk}/allocate/",
              f"/campaigns/{allocation.pk}/distribute/"]  # fmt: skip
    for url in posts:
        assert web.post(url, {"reason": "x", "visit-visitors": "x"}).status_code == 404, url
    assert written() == before
    for url in ("/hardship/", "/assistance/", "/campaigns/", "/hardship/reminders/"):
        body = web.get(url).content.decode()
        assert file.head.name not in body and "2026年金秋助学" not in body, url


def test_lists_run_the_same_queries_for_3_and_12_rows(tree):
    web = client_of(tree.xian)
    pages = ["/hardship/", "/assistance/", "/campaigns/", "/hardship/reminders/"]

    def grow(start, n):
        for seq in range(start, start + n):
            member(tree, 100 + seq)
            files.apply(tree.jiceng, file_data(100 + seq, household=()))
            records.record(
                tree.jiceng,
                {"name": f"测试{seq}", "id_number": make_id(300 + seq), "kind": "living",
                 "amount": "100"},
            )  # fmt: skip
            campaigns.create(
                tree.xian,
                {"name": f"活动{seq}", "season": "winter", "budget": "1000",
                 "starts_on": "2026-12-01", "ends_on": "2027-01-31"},
            )  # fmt: skip

    def count(url):
        with CaptureQueriesContext(connection) as ctx:
            assert web.get(url).status_code == 200
        return len(ctx)

    grow(0, 3)
    few = {url: count(url) for url in pages}
    grow(3, 9)
    assert {url: count(url) for url in pages} == few
