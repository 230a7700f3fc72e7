"""The hardship API: a household's whole life through the endpoints, and each bad input of
issue 5 answered with an error naming its field while nothing is written."""

from contextlib import contextmanager

import pytest
from conftest import state
from django.db import connection
from django.test.utils import CaptureQueriesContext
from households import D, file_data, filed, make_id, member
from rest_framework.test import APIClient

from gonghui.assistance.models import (
    AssistanceRecord,
    Campaign,
    HardshipFile,
    HomeVisit,
    HouseholdMember,
)
from gonghui.assistance.services import campaigns, files, records
from gonghui.core import values
from gonghui.core.models import AuditEvent

pytestmark = pytest.mark.django_db

FILES = "/api/v1/hardship-files/"
RECORDS = "/api/v1/assistance-records/"
CAMPAIGNS = "/api/v1/campaigns/"
CHILD = make_id(601, birth="20080901")  # the child of file_data(1)'s household


@pytest.fixture
def clock(monkeypatch):
    """Sets the services' today: dates after it are refused as in the future."""

    def set_today(day):
        monkeypatch.setattr(values, "today", lambda: D(day))

    return set_today


def client(user):
    """A client of its own per user, so a test can hold several at once."""
    api = APIClient()
    api.force_authenticate(user)
    return api


def counts():
    models = (HardshipFile, HouseholdMember, HomeVisit, AssistanceRecord, Campaign, AuditEvent)
    return {m.__name__: m.objects.count() for m in models}


@contextmanager
def nothing_written(*objs):
    """No file, member, visit, record, campaign or event added, and `objs` unchanged."""
    before, snapshots = counts(), [state(o) for o in objs]
    yield
    assert counts() == before
    assert [state(o) for o in objs] == snapshots


def errors(response):
    body = response.json()
    return body if isinstance(body, list) else [body]


def refused(response, field, status=400):
    """The answer is an error of `status` naming `field`; returns its message."""
    assert response.status_code == status, response.content.decode()
    found = {e["field"]: e["message"] for e in errors(response)}
    assert field in found, found
    return found[field]


def post(client, url, data=None):
    return client.post(url, data or {}, format="json")


def ok(response, status=200):
    assert response.status_code == status, response.content.decode()
    return response.json()


@pytest.fixture
def on_file(tree):
    """A household of jiceng's union, filed on 12 Oct 2026."""
    member(tree, 1)
    return filed(tree, 1)


def share(tree, data, budget):
    """The grassroots union's allocation of a county campaign: what jiceng pays from."""
    county = campaigns.create(tree.xian, data)
    return campaigns.allocate(tree.xian, county, {"union": tree.grassroots, "budget": budget})


@pytest.fixture
def winter(tree):
    """jiceng's 5,000 yuan of the county's 10,000 for 送温暖."""
    return share(
        tree,
        {"name": "2026年冬送温暖", "season": "winter", "budget": "10000",
         "starts_on": "2026-10-01", "ends_on": "2027-02-28"},
        "5000",
    )  # fmt: skip


@pytest.fixture
def study(tree):
    """jiceng's share of the county's 金秋助学: admission required, one grant per child a year."""
    return share(
        tree,
        {"name": "2026年金秋助学", "season": "autumn", "budget": "50000",
         "starts_on": "2026-08-01", "ends_on": "2026-11-30", "income_limit": "1500",
         "one_grant_per_person": True, "requires_school": True},
        "20000",
    )  # fmt: skip


def grant(campaign, id_number=CHILD, name="曾子涵", **extra):
    return {"campaign": campaign.pk, "name": name, "id_number": id_number, "amount": "3000",
            "school": "四川大学", "given_on": "2026-09-05", **extra}  # fmt: skip


# --- the whole life -------------------------------------------------------------------


def test_a_household_from_application_to_reopening(tree, clock, winter):
    clock("2027-05-10")  # late enough for the six months of follow-up to have passed
    member(tree, 1)
    api = client(tree.jiceng)
    created = ok(post(api, FILES, file_data(1, applied_on="2026-09-01")), 201)
    url = f"{FILES}{created['id']}/"
    assert (created["status"], created["head_name"], created["union"]) == (
        "applied", "曾小凡", tree.grassroots.code,
    )  # fmt: skip
    assert [m["relation"] for m in created["household"]] == ["self", "spouse", "child"]
    assert created["income_per_head"] == "866.67"  # 2600 over three
    assert created["bank_card_masked"] == "6228 **** **** 0018"
    # Born 2008-09-01: the year and the age reached in 2027, never the date (core/masking.py).
    assert (created["household"][2]["birth_year"], created["household"][2]["age"]) == (2008, 19)
    assert "birth_date" not in created["household"][2]
    assert make_id(1) not in str(created) and "6228480402564890018" not in str(created)
    assert (
        created["household"][0]["id_number_masked"] == make_id(1)[:6] + "********" + make_id(1)[-4:]
    )

    ok(post(api, f"{url}review/", {"accepted": True, "reviewed_on": "2026-09-10"}))
    visited = ok(post(api, f"{url}visit/", {"visited_on": "2026-09-20", "visitors": "王主席",
                                            "findings": "情况属实"}))  # fmt: skip
    assert visited["status"] == "visited"
    assert [v["kind"] for v in visited["visits"]] == ["verification"]
    noticed = ok(post(api, f"{url}notice/", {"notice_from": "2026-09-29"}))
    # 29, 30 Sep, 8, 9 Oct and Saturday 10 Oct (调休上班): National Day does not count.
    assert noticed["notice_until"] == "2026-10-10"
    message = refused(post(api, f"{url}file/", {"filed_on": "2026-10-10"}), "filed_on")
    assert "2026-10-12" in message
    assert ok(post(api, f"{url}file/", {"filed_on": "2026-10-12"}))["status"] == "filed"

    # A 送温暖 payment goes to the card on file, and the county sees its campaign move.
    paid = ok(post(api, RECORDS, {"campaign": winter.pk, "file": created["id"], "name": "曾小凡",
                                  "id_number": make_id(1), "amount": "800",
                                  "given_on": "2026-10-20"}), 201)  # fmt: skip
    assert (paid["kind"], paid["amount"], paid["card_masked"]) == (
        "seasonal", "800.00", "6228 **** **** 0018",
    )  # fmt: skip
    money = ok(client(tree.xian).get(f"{CAMPAIGNS}{winter.parent_id}/"))["money"]
    assert (money["spent_rolled_up"], money["remaining"]) == ("800.00", "5000.00")
    money = ok(api.get(f"{CAMPAIGNS}{winter.pk}/"))["money"]
    assert (money["spent"], money["remaining"]) == ("800.00", "4200.00")

    reviewed = ok(post(api, f"{url}annual-review/", {"reviewed_on": "2026-10-30",
                                                     "category": "relative"}))  # fmt: skip
    assert (reviewed["category"], reviewed["last_review_on"]) == ("relative", "2026-10-30")
    exiting = ok(post(api, f"{url}exit/", {"exit_notice_from": "2026-11-02",
                                           "note": "夫妻双方稳定就业"}))  # fmt: skip
    assert (exiting["status"], exiting["exit_notice_until"]) == ("exit_notice", "2026-11-06")
    refused(post(api, f"{url}confirm-exit/", {"exited_on": "2026-11-06"}), "exited_on")
    exited = ok(post(api, f"{url}confirm-exit/", {"exited_on": "2026-11-09"}))
    assert (exited["status"], exited["follow_up_until"]) == ("follow_up", "2027-05-09")
    refused(post(api, f"{url}close/", {"closed_on": "2027-05-10"}), "status")  # no 回访 yet
    ok(post(api, f"{url}visit/", {"visited_on": "2026-12-15", "visitors": "刘干事",
                                   "findings": "收入稳定"}))  # fmt: skip
    closed = ok(post(api, f"{url}close/", {"closed_on": "2027-05-10"}))
    assert (closed["status"], closed["closed_on"]) == ("closed", "2027-05-10")
    assert [v["kind"] for v in closed["visits"]] == ["follow_up", "verification"]

    history = ok(api.get(f"{url}history/"))
    assert [e["changes"].get("status", [None, None])[1] for e in history] == [
        "closed", None, "follow_up", "exit_notice", None, "filed", "notice", "visited",
        "reviewed", "applied",
    ]  # fmt: skip
    assert all(e["actor"] == "jiceng" for e in history)

    reopened = ok(post(api, f"{url}reopen/"), 201)
    assert (reopened["status"], reopened["reopens"], reopened["applied_on"]) == (
        "applied", created["id"], "2027-05-10",
    )  # fmt: skip
    assert [m["name"] for m in reopened["household"]] == ["曾小凡", "李秀英", "曾子涵"]
    assert ok(api.get(url))["reopened_by"] == reopened["id"]
    listed = ok(client(tree.xian).get(FILES, {"status": "closed"}))["results"]
    closed_label = str(HardshipFile.Status.CLOSED.label)
    assert [(f["id"], f["status_display"]) for f in listed] == [(created["id"], closed_label)]


def test_a_partial_correction_keeps_the_rest(tree, on_file):
    api = client(tree.jiceng)
    changed = ok(api.patch(f"{FILES}{on_file.pk}/", {"situation": "妻子已做肾移植。"}, "json"))
    assert changed["situation"] == "妻子已做肾移植。"
    assert [m["name"] for m in changed["household"]] == ["曾小凡", "李秀英", "曾子涵"]
    assert changed["bank_card_masked"] == "6228 **** **** 0018"
    assert AuditEvent.objects.for_object(on_file).count() == 6
    with nothing_written(on_file):
        bad = api.patch(f"{FILES}{on_file.pk}/", {"household": [{"name": ""}]}, "json")
        refused(bad, "household.1.name")


def test_removal_and_a_refused_application(tree, on_file):
    api = client(tree.jiceng)
    url = f"{FILES}{on_file.pk}/remove/"
    refused(post(api, url, {"removal_reason": "death"}), "note")
    removed = ok(post(api, url, {"removal_reason": "death", "note": "户主因病去世",
                                 "closed_on": "2026-11-02"}))  # fmt: skip
    assert (removed["status"], removed["exited_on"]) == ("removed", "2026-11-02")
    refused(post(api, f"{FILES}{on_file.pk}/reopen/"), "status")  # the head has died


# --- bad input, each refused whole ----------------------------------------------------


def test_filing_before_the_notice_ends_is_refused(tree):
    member(tree, 1)
    f = files.apply(tree.jiceng, file_data(1, applied_on="2026-09-01"))
    files.review(tree.jiceng, f, {"accepted": True, "reviewed_on": "2026-09-10"})
    files.record_visit(
        tree.jiceng, f, {"visited_on": "2026-09-20", "visitors": "王主席", "findings": "属实"}
    )
    files.start_notice(tree.jiceng, f, {"notice_from": "2026-09-29"})
    with nothing_written(f):
        response = post(client(tree.jiceng), f"{FILES}{f.pk}/file/", {"filed_on": "2026-10-09"})
        assert "2026-10-10" in refused(response, "filed_on")


def test_a_visit_in_the_future_is_refused(tree, on_file, clock):
    clock("2026-11-23")
    with nothing_written(on_file):
        visit = {"visited_on": "2026-11-24", "visitors": "王主席", "findings": "好"}
        response = post(client(tree.jiceng), f"{FILES}{on_file.pk}/visit/", visit)
        refused(response, "visited_on")


@pytest.mark.parametrize("amount", ["-100", "一百元", "abc", "12.345", True])
def test_bad_amounts_are_refused(tree, amount):
    member(tree, 3, name="王五")
    with nothing_written():
        response = post(client(tree.jiceng), RECORDS,
                        {"name": "王五", "id_number": make_id(3), "kind": "living",
                         "amount": amount, "given_on": "2026-11-02"})  # fmt: skip
        refused(response, "amount")


@pytest.mark.parametrize("field", ["campaign", "file", "union"])
def test_true_is_not_record_number_one(tree, field):
    member(tree, 3, name="王五")
    with nothing_written():
        # As the province, to whom a union numbered 1 would be visible.
        response = post(client(tree.sheng), RECORDS,
                        {"name": "王五", "id_number": make_id(3), "kind": "living",
                         "amount": "100", "given_on": "2026-11-02", field: True})  # fmt: skip
        refused(response, field)


def test_an_amount_over_the_campaigns_remaining_budget(tree, winter):
    api = client(tree.jiceng)
    row = {"campaign": winter.pk, "name": "王五", "id_number": make_id(3),
           "given_on": "2026-11-02"}  # fmt: skip
    ok(post(api, RECORDS, {**row, "amount": "4500"}), 201)
    with nothing_written(winter):
        message = refused(post(api, RECORDS, {**row, "amount": "500.01"}), "amount")
        assert "500.00" in message
        # Within a list, the rows before count against the budget too.
        bulk = post(api, f"{RECORDS}bulk/", {"common": {"campaign": winter.pk,
                                                        "given_on": "2026-11-02"},
                                             "rows": [{**row, "amount": "300"},
                                                      {**row, "amount": "300"}]})  # fmt: skip
        refused(bulk, "rows.2.amount")
    ok(post(api, RECORDS, {**row, "amount": "500"}), 201)


def test_a_second_study_grant_for_the_same_child_in_a_year(tree, on_file, study):
    api = client(tree.jiceng)
    ok(post(api, RECORDS, grant(study, file=on_file.pk)), 201)
    with nothing_written():
        refused(post(api, RECORDS, grant(study, given_on="2026-10-08")), "id_number")
    # Twice in one list: the second row is named, and nothing of the list is written.
    other = make_id(777, birth="20080412")
    with nothing_written():
        # Not of a household on file: the list declares the income under the limit.
        common = {"campaign": study.pk, "declared_income": "900"}
        rows = [grant(study, other, "赵六"), grant(study, other, "赵六")]
        bulk = post(api, f"{RECORDS}bulk/", {"common": common, "rows": rows})
        refused(bulk, "rows.2.id_number")
        assert [e["field"] for e in errors(bulk)] == ["rows.2.id_number"]


def test_assistance_against_a_closed_file_is_follow_up_only(tree, on_file, clock):
    clock("2027-06-01")
    j = tree.jiceng
    files.start_exit(j, on_file, {"exit_notice_from": "2026-11-02", "note": "就业稳定"})
    files.confirm_exit(j, on_file, {"exited_on": "2026-11-09"})
    files.record_visit(j, on_file, {"visited_on": "2026-12-01", "visitors": "刘", "findings": "好"})
    files.close(j, on_file, {"closed_on": "2027-05-20"})
    api = client(j)
    row = {"file": on_file.pk, "name": "曾小凡", "id_number": make_id(1), "amount": "600",
           "given_on": "2027-05-25"}  # fmt: skip
    with nothing_written():
        refused(post(api, RECORDS, {**row, "kind": "living"}), "kind")
        refused(post(api, RECORDS, {**row, "kind": "medical"}), "kind")
    assert ok(post(api, RECORDS, {**row, "kind": "seasonal"}), 201)["file"] == on_file.pk
    assert ok(post(api, RECORDS, {**row, "kind": "employment"}), 201)["kind"] == "employment"
    # Relief given while the household was on file, entered late, is judged on its date.
    before_exit = {**row, "kind": "medical", "given_on": "2026-11-06"}
    assert ok(post(api, RECORDS, before_exit), 201)["given_on"] == "2026-11-06"
    with nothing_written():
        refused(post(api, RECORDS, {**before_exit, "given_on": "2026-11-09"}), "kind")


def test_a_member_of_another_open_household_is_refused(tree, on_file):
    member(tree, 2, name="张强")
    spouse_of_file_1 = make_id(501, birth="19820511")
    data = file_data(2, household=[{"relation": "sibling", "name": "李秀英",
                                    "id_number": spouse_of_file_1, "work": "unable",
                                    "health": "serious"}])  # fmt: skip
    with nothing_written():
        message = refused(post(client(tree.jiceng), FILES, data), "household.3.id_number")
        assert str(on_file.pk) in message
    # The household head of an open file cannot apply again either.
    with nothing_written():
        refused(post(client(tree.jiceng), FILES, file_data(1)), "head_id_number")


def test_another_branch_finds_nothing_and_changes_nothing(tree, on_file, winter):
    record = records.record(
        tree.jiceng, {"file": on_file.pk, "name": "曾小凡", "id_number": make_id(1),
                      "kind": "living", "amount": "300", "given_on": "2026-11-02"},
    )  # fmt: skip
    api = client(tree.other)
    with nothing_written(on_file, record, winter):
        for url in (f"{FILES}{on_file.pk}/", f"{RECORDS}{record.pk}/", f"{CAMPAIGNS}{winter.pk}/"):
            assert api.get(url).status_code == 404
        refused(post(api, f"{FILES}{on_file.pk}/annual-review/"), None, 404)
        refused(post(api, f"{FILES}{on_file.pk}/visit/", {"visited_on": "2026-11-02",
                                                           "visitors": "乙", "findings": "乙"}),
                None, 404)  # fmt: skip
        assert api.patch(f"{FILES}{on_file.pk}/", {"situation": "x"}, "json").status_code == 404
        refused(post(api, f"{RECORDS}{record.pk}/cancel/", {"reason": "x"}), None, 404)
        refused(post(api, f"{CAMPAIGNS}{winter.pk}/allocate/", {"budget": "1"}), None, 404)
        for url in (FILES, RECORDS, CAMPAIGNS, "/api/v1/hardship-reminders/"):
            body = ok(api.get(url))
            assert (body["results"] if isinstance(body, dict) else body) == []
        # Naming the branch's records in a new one is refused under the field.
        refused(post(api, RECORDS, {"file": on_file.pk, "name": "x", "id_number": make_id(1),
                                    "kind": "living", "amount": "1"}), "file")  # fmt: skip
        refused(post(api, CAMPAIGNS, {"union": tree.grassroots.code}), "union")


def test_read_only_users_see_but_do_not_change(tree, on_file, winter):
    api = client(tree.ro)
    assert ok(api.get(f"{FILES}{on_file.pk}/"))["status"] == "filed"
    with nothing_written(on_file, winter):
        refused(post(api, f"{FILES}{on_file.pk}/annual-review/"), None, 403)
        refused(post(api, FILES, file_data(1)), None, 403)
        refused(post(api, RECORDS, {"name": "x"}), None, 403)
        refused(post(api, f"{CAMPAIGNS}{winter.pk}/allocate/", {"budget": "1"}), None, 403)
        assert api.patch(f"{FILES}{on_file.pk}/", {"situation": "x"}, "json").status_code == 403


def test_a_list_with_one_bad_row_writes_nothing(tree, winter):
    rows = [{"name": f"骑手{n}", "id_number": make_id(800 + n, birth="19950101")}
            for n in range(1, 4)]  # fmt: skip
    good = rows[1]["id_number"]
    rows[1]["id_number"] = good[:-1] + ("1" if good[-1] == "0" else "0")  # wrong check digit
    body = {"common": {"campaign": winter.pk, "amount": "200", "given_on": "2026-11-02",
                       "goods": "棉衣"}, "rows": rows}  # fmt: skip
    api = client(tree.jiceng)
    with nothing_written(winter):
        bad = post(api, f"{RECORDS}bulk/", body)
        refused(bad, "rows.2.id_number")
        assert len(errors(bad)) == 1
        refused(post(api, f"{RECORDS}bulk/", {"rows": "骑手"}), "rows")
        refused(post(api, f"{RECORDS}bulk/", {"rows": []}), "rows")
    rows[1]["id_number"] = good
    written = ok(post(api, f"{RECORDS}bulk/", body), 201)
    assert [(r["name"], r["amount"], r["goods"]) for r in written] == [
        (f"骑手{n}", "200.00", "棉衣") for n in range(1, 4)
    ]
    assert all(make_id(800 + n, birth="19950101") not in str(written) for n in range(1, 4))


# --- records, campaigns and reminders -------------------------------------------------


def test_a_cancelled_record_keeps_its_trace_and_returns_its_money(tree, winter):
    api = client(tree.jiceng)
    paid = ok(post(api, RECORDS, {"campaign": winter.pk, "name": "王五",
                                  "id_number": make_id(3), "amount": "1000",
                                  "given_on": "2026-11-02"}), 201)  # fmt: skip
    url = f"{RECORDS}{paid['id']}/cancel/"
    refused(post(api, url), "reason")
    cancelled = ok(post(api, url, {"reason": "重复录入"}))
    assert (cancelled["cancelled_by"], cancelled["cancel_reason"]) == ("jiceng", "重复录入")
    assert cancelled["cancelled_at"]
    refused(post(api, url, {"reason": "again"}), "status")
    assert ok(api.get(f"{CAMPAIGNS}{winter.pk}/"))["money"]["remaining"] == "5000.00"
    assert ok(api.get(RECORDS, {"cancelled": "true"}))["results"][0]["id"] == paid["id"]


def test_campaign_money_rolls_up_its_allocations(tree):
    xian = client(tree.xian)
    refused(post(xian, CAMPAIGNS, {"name": "春送岗位", "season": "spring", "budget": "-5",
                                   "starts_on": "2026-03-01", "ends_on": "2026-04-30"}),
            "budget")  # fmt: skip
    created = ok(post(xian, CAMPAIGNS, {"name": "2026年冬送温暖", "season": "winter",
                                        "budget": "10000", "starts_on": "2026-10-01",
                                        "ends_on": "2027-02-28"}), 201)  # fmt: skip
    assert (created["union"], created["year"], created["money"]["remaining"]) == (
        tree.county.code, 2026, "10000.00",
    )  # fmt: skip
    url = f"{CAMPAIGNS}{created['id']}/allocate/"
    with nothing_written():
        refused(post(xian, url, {"union": tree.grassroots.code, "budget": "10000.01"}), "budget")
        refused(post(xian, url, {"union": tree.sibling.code, "budget": "1"}), "union")
        refused(post(xian, url, {"union": tree.street.code, "budget": "1", "name": "长" * 101}),
                "name")  # fmt: skip
    child = ok(post(xian, url, {"union": tree.grassroots.code, "budget": "3000"}), 201)
    assert (child["parent"], child["union"], child["season"]) == (
        created["id"], tree.grassroots.code, "winter",
    )  # fmt: skip
    paid = {"campaign": child["id"], "name": "王五", "id_number": make_id(3), "amount": "1200",
            "given_on": "2026-11-02"}  # fmt: skip
    ok(post(client(tree.jiceng), RECORDS, paid), 201)
    detail = ok(xian.get(f"{CAMPAIGNS}{created['id']}/"))
    assert detail["money"] == {
        "budget": "10000.00", "allocated": "3000.00", "spent": "0.00",
        "spent_rolled_up": "1200.00", "remaining": "7000.00",
    }  # fmt: skip
    assert [a["union"] for a in detail["allocations"]] == [tree.grassroots.code]
    listed = {c["id"]: c["money"] for c in ok(xian.get(CAMPAIGNS))["results"]}
    assert listed[created["id"]]["remaining"] == "7000.00"
    assert listed[child["id"]] == {
        "budget": "3000.00",
        "allocated": "0.00",
        "spent": "1200.00",
        "remaining": "1800.00",
    }
    assert [c["id"] for c in ok(xian.get(CAMPAIGNS, {"top": "true"}))["results"]] == [created["id"]]


def test_reminders_are_counted_in_working_days(tree, clock):
    clock("2026-09-30")
    member(tree, 1)
    f = files.apply(tree.jiceng, file_data(1, applied_on="2026-09-01"))
    files.review(tree.jiceng, f, {"accepted": True, "reviewed_on": "2026-09-10"})
    files.record_visit(
        tree.jiceng, f, {"visited_on": "2026-09-20", "visitors": "王主席", "findings": "属实"}
    )
    files.start_notice(tree.jiceng, f, {"notice_from": "2026-09-29"})
    due = ok(client(tree.xian).get("/api/v1/hardship-reminders/"))
    assert due == [
        {"file": f.pk, "head_name": "曾小凡", "union_name": tree.grassroots.name,
         "status": "notice", "kind": "notice_ends", "label": due[0]["label"],
         "due": "2026-10-12", "workdays_left": 4, "overdue": False},
    ]  # fmt: skip
    assert due[0]["label"]


def test_clashes_are_listed_on_the_file(tree, on_file):
    """A person in two open households (data from before the check, or an import) is
    flagged on both files, named as the refusal names it."""
    member(tree, 2, name="张强")
    second = files.apply(tree.jiceng, file_data(2))
    shared = on_file.household.get(relation="spouse")
    shared.pk, shared.file = None, second
    shared.save()
    detail = ok(client(tree.jiceng).get(f"{FILES}{on_file.pk}/"))
    assert detail["clashes"] == [
        {"id": second.pk, "union_name": tree.grassroots.name, "status": "applied",
         "status_display": second.get_status_display()}
    ]  # fmt: skip


def test_input_that_is_not_an_object_is_an_error(tree, on_file):
    api = client(tree.jiceng)
    with nothing_written(on_file):
        refused(post(api, FILES, ["x"]), None)
        refused(post(api, f"{FILES}{on_file.pk}/annual-review/", [1]), None)
        refused(api.patch(f"{FILES}{on_file.pk}/", {"other_causes": 5}, "json"), "other_causes")


def test_lists_run_the_same_queries_for_more_rows(tree, winter):
    api = client(tree.xian)

    def grow(seqs):
        for seq in seqs:
            member(tree, seq, name=f"职工{seq}")
            files.apply(tree.jiceng, file_data(seq))
            records.record(tree.jiceng, {"campaign": winter.pk, "name": f"职工{seq}",
                                         "id_number": make_id(seq), "amount": "100",
                                         "given_on": "2026-11-02"})  # fmt: skip
            campaigns.create(
                tree.xian,
                {
                    "name": f"活动{seq}",
                    "season": "summer",
                    "budget": "9",
                    "starts_on": "2026-07-01",
                    "ends_on": "2026-08-31",
                },
            )

    def queries():
        found = {}
        for url in (FILES, RECORDS, CAMPAIGNS):
            with CaptureQueriesContext(connection) as ctx:
                assert api.get(url).status_code == 200
            found[url] = len(ctx)
        return found

    grow([11])
    few = queries()
    grow([12, 13, 14])
    assert queries() == few
