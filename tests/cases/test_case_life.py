"""A case's life through the API, as the 12351 desk, the receiving union and the level above
work it: taken (首问负责) with its deadline in working days around National Day, handed down
(转办) and accepted or returned, an employer's letter and its reply, an extension decided
above, 办结, the call back from the next working day, a reopening under 督办, 质检."""

import datetime as dt

import pytest
from caselib import CASES, api_as, call, errors, fields, step

from gonghui.accounts.models import User
from gonghui.cases.models import Case
from gonghui.core import values
from gonghui.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(monkeypatch):
    """Sets the services' today (the default of every date, and the deadline's 'now')."""

    def set_today(day):
        monkeypatch.setattr(values, "today", lambda: dt.date.fromisoformat(day))

    set_today("2026-10-09")
    return set_today


@pytest.fixture
def street_user(tree):
    return User.objects.create_user("jiedao", password="x", role=User.Role.STAFF, union=tree.street)


def take(user, **changes):
    response = api_as(user).post(CASES, call(**changes), format="json")
    assert response.status_code == 201, response.content
    return response.json()


def test_the_deadline_counts_working_days_around_national_day(tree, clock):
    # Taken on 30 September 2026: 1-7 October are holidays, Saturday 10 October is worked
    # (调休), so three working days end that Saturday and thirteen on 23 October.
    question = take(tree.xian, kind="consultation")
    assert (question["due_on"], question["workdays"]) == ("2026-10-10", 3)
    complaint = take(tree.xian)
    assert (complaint["due_on"], complaint["workdays"]) == ("2026-10-23", 13)
    aid = take(tree.xian, kind="legal_aid", complexity="complex")
    assert aid["workdays"] == 30
    case = Case.objects.get(pk=complaint["id"])
    assert case.number.startswith("WQ") and case.union == tree.county
    assert case.first_union == tree.county and case.status == Case.Status.TAKEN
    assert case.phone_masked == "138****1111" and b"13800001111" not in bytes(case.phone_encrypted)


def test_a_case_handed_down_accepted_handled_concluded_and_called_back(tree, clock, street_user):
    case = take(tree.xian)
    moved = step(
        tree.xian, case["id"], "transfer", {"to_union": tree.street.code, "note": "请核实"}
    )
    assert moved.status_code == 200, moved.content
    assert moved.json()["status"] == "transferring"
    assert moved.json()["transfer_to"] == tree.street.code
    # The street sees the case it is asked to take; accepting makes it the handler.
    mine = api_as(street_user).get(f"{CASES}?box=accept").json()["results"]
    assert [c["id"] for c in mine] == [case["id"]]
    accepted = step(street_user, case["id"], "accept")
    assert accepted.status_code == 200, accepted.content
    assert (accepted.json()["status"], accepted.json()["union"]) == ("handling", tree.street.code)
    assert accepted.json()["first_union"] == tree.county.code
    letter = step(
        street_user, case["id"], "record-action",
        {"kind": "reminder_letter", "taken_on": "2026-10-08", "text": "向用人单位发出提示函",
         "reply_due_on": "2026-10-15"},
    )  # fmt: skip
    assert letter.status_code == 200, letter.content
    assert "employer-reply" in letter.json()["next_steps"]
    replied = step(
        street_user, case["id"], "employer-reply",
        {"replied_on": "2026-10-09", "reply": "同意十日内补发工资"},
    )  # fmt: skip
    assert replied.status_code == 200, replied.content
    assert replied.json()["actions"][0]["reply"] == "同意十日内补发工资"
    assert "employer-reply" not in replied.json()["next_steps"]
    done = step(
        street_user, case["id"], "conclude",
        {"outcome": "resolved", "answer": "工资已全部补发。", "concluded_on": "2026-10-09",
         "amount_recovered": "18000", "workers_helped": 3},
    )  # fmt: skip
    assert done.status_code == 200, done.content
    assert (done.json()["status"], done.json()["amount_recovered"]) == ("concluded", "18000.00")
    # The call back comes from the next working day: Saturday 10 October (调休).
    early = step(
        street_user,
        case["id"],
        "call-back",
        {"called_back_on": "2026-10-09", "satisfaction": "satisfied"},
    )
    assert early.status_code == 400
    assert errors(early)[0]["field"] == "called_back_on"
    assert "2026-10-10" in errors(early)[0]["message"]
    clock("2026-10-12")
    back = step(
        street_user,
        case["id"],
        "call-back",
        {"called_back_on": "2026-10-10", "satisfaction": "satisfied"},
    )
    assert back.status_code == 200, back.content
    assert back.json()["status"] == "closed"
    checked = step(tree.sheng, case["id"], "quality-check", {"check_passed": True})
    assert checked.status_code == 200, checked.content
    assert checked.json()["check_passed"] is True
    history = api_as(tree.xian).get(f"{CASES}{case['id']}/history/").json()
    assert len(history) == 8  # taken, handed, accepted, letter, reply, concluded, called, checked
    assert any("请核实" in e["note"] for e in history)


def test_the_receiver_returns_a_case_with_a_reason_and_only_the_receiver_may(
    tree, clock, street_user
):
    case = take(tree.xian)
    step(tree.xian, case["id"], "transfer", {"to_union": tree.street.code, "note": "请办理"})
    # The sender cannot accept its own hand-over, nor can anyone but the receiver.
    for user in (tree.xian, tree.jiceng):
        refused = step(user, case["id"], "accept")
        assert refused.status_code in (403, 404), refused.content
    no_reason = step(street_user, case["id"], "return")
    assert no_reason.status_code == 400
    assert errors(no_reason)[0]["field"] == "note"
    back = step(street_user, case["id"], "return", {"note": "不属于本街道辖区"})
    assert back.status_code == 200, back.content
    assert (back.json()["status"], back.json()["union"]) == ("handling", tree.county.code)
    # Returned, the street no longer sees it.
    assert api_as(street_user).get(f"{CASES}{case['id']}/").status_code == 404


def test_a_case_goes_one_level_down_or_to_a_sister_union(tree, clock):
    case = take(tree.xian)
    for code in (tree.grassroots.code, tree.city.code, tree.county.code, "9999999999"):
        refused = step(tree.xian, case["id"], "transfer", {"to_union": code, "note": "转"})
        assert refused.status_code == 400, code
        assert errors(refused)[0]["field"] == "to_union"
    sister = step(
        tree.xian, case["id"], "transfer", {"to_union": tree.sibling.code, "note": "属青羊区"}
    )
    assert sister.status_code == 200, sister.content
    # The sister county sees it now, to accept it; then it is theirs and gone from here.
    assert step(tree.other, case["id"], "accept").status_code == 200
    assert api_as(tree.xian).get(f"{CASES}{case['id']}/").status_code == 404


def test_an_extension_is_asked_before_the_deadline_and_decided_above(tree, clock):
    case = take(tree.xian)  # due 2026-10-23
    asked = step(
        tree.xian, case["id"], "ask-extension",
        {"extension_workdays": 5, "extension_reason": "需调取考勤记录"},
    )  # fmt: skip
    assert asked.status_code == 200, asked.content
    assert "decide-extension" not in asked.json()["next_steps"]  # not for its own level
    own = step(tree.xian, case["id"], "decide-extension", {"approved": True})
    assert own.status_code == 403
    again = step(
        tree.xian,
        case["id"],
        "ask-extension",
        {"extension_workdays": 5, "extension_reason": "再延"},
    )
    assert again.status_code == 400
    approved = step(tree.sheng, case["id"], "decide-extension", {"approved": True})
    assert approved.status_code == 200, approved.content
    assert (approved.json()["due_on"], approved.json()["workdays"]) == ("2026-10-30", 18)
    late = take(tree.xian, kind="consultation")  # due 2026-10-10
    clock("2026-10-12")
    refused = step(
        tree.xian,
        late["id"],
        "ask-extension",
        {"extension_workdays": 2, "extension_reason": "晚了"},
    )
    assert refused.status_code == 400
    assert errors(refused)[0]["field"] == "status"


def test_urged_before_the_deadline_supervised_after_it(tree, clock):
    case = take(tree.xian, kind="consultation")  # due 2026-10-10
    early = step(tree.sheng, case["id"], "supervise", {"note": "请加快"})
    assert early.status_code == 400
    urged = step(tree.sheng, case["id"], "urge", {"note": "即将到期，请尽快办理"})
    assert urged.status_code == 200, urged.content
    assert urged.json()["urged_on"] == "2026-10-09"
    assert step(tree.xian, case["id"], "urge", {"note": "自己催自己"}).status_code == 403
    clock("2026-10-12")
    overdue = api_as(tree.sheng).get(f"{CASES}?box=overdue").json()["results"]
    assert [c["id"] for c in overdue] == [case["id"]]
    assert step(tree.sheng, case["id"], "urge", {"note": "已超期"}).status_code == 400
    supervised = step(tree.sheng, case["id"], "supervise", {"note": "超期督办"})
    assert supervised.status_code == 200, supervised.content
    assert supervised.json()["supervised"] is True


def test_an_unsatisfied_caller_reopens_the_case_under_supervision(tree, clock):
    case = take(tree.xian, kind="consultation")
    step(tree.xian, case["id"], "handle")
    step(tree.xian, case["id"], "conclude", {"outcome": "partly", "answer": "已协调部分补发"})
    clock("2026-10-13")
    no_note = step(tree.xian, case["id"], "call-back", {"satisfaction": "unsatisfied"})
    assert no_note.status_code == 400
    assert errors(no_note)[0]["field"] == "note"
    reopened = step(
        tree.xian, case["id"], "call-back", {"satisfaction": "unsatisfied", "note": "仍有欠款"}
    )
    assert reopened.status_code == 200, reopened.content
    body = reopened.json()
    assert (body["status"], body["supervised"], body["reopened"]) == ("handling", True, 1)
    assert body["due_on"] == "2026-10-16"  # three working days from the call back


def test_a_case_that_cannot_be_resolved_says_why(tree, clock):
    case = take(tree.xian, workers="2")
    step(tree.xian, case["id"], "handle")
    refused = step(
        tree.xian, case["id"], "conclude",
        {"outcome": "cannot", "amount_recovered": "100", "workers_helped": 5},
    )  # fmt: skip
    assert refused.status_code == 400
    fields = {e["field"]: e["message"] for e in errors(refused)}
    assert set(fields) == {"answer", "amount_recovered", "workers_helped"}
    assert "办不了说明" in fields["answer"]  # the explanation the caller receives
    assert Case.objects.get(pk=case["id"]).status == Case.Status.HANDLING
    done = step(
        tree.xian, case["id"], "conclude",
        {"outcome": "cannot", "answer": "该诉求属劳动仲裁受理范围，已告知申请途径。"},
    )  # fmt: skip
    assert done.status_code == 200, done.content


def test_a_court_referral_runs_on_the_courts_clock_and_answers_the_court(tree, clock):
    missing = api_as(tree.xian).post(CASES, call(channel="court"), format="json")
    assert missing.status_code == 400
    assert fields(missing) == {"court_referral", "court_name"}
    case = take(
        tree.xian, channel="court", court_referral="before_filing", court_name="锦江区人民法院"
    )
    detail = api_as(tree.xian).get(f"{CASES}{case['id']}/").json()
    assert detail["court_due_on"] == "2026-10-30"  # 30 days
    extended = step(tree.xian, case["id"], "extend-court", {"note": "双方同意延长调解期"})
    assert extended.json()["court_due_on"] == "2026-11-29"
    assert step(tree.xian, case["id"], "extend-court", {"note": "再延"}).status_code == 400
    step(tree.xian, case["id"], "handle")
    failed = step(tree.xian, case["id"], "conclude", {"outcome": "partly", "answer": "调解未成"})
    assert fields(failed) == {
        "dispute_focus",
        "mediation_difficulty",
    }
    feedback = step(
        tree.xian, case["id"], "conclude",
        {"outcome": "partly", "answer": "调解未成，已向法院反馈", "dispute_focus": "加班费计算基数",
         "mediation_difficulty": "用人单位不认可考勤记录"},
    )  # fmt: skip
    assert feedback.status_code == 200, feedback.content


def test_answered_on_the_spot_the_case_is_closed(tree, clock):
    case = take(tree.xian, kind="consultation", channel="walk_in")
    answered = step(tree.xian, case["id"], "answer-now", {"answer": "试用期最长不得超过六个月。"})
    assert answered.status_code == 200, answered.content
    assert (answered.json()["status"], answered.json()["outcome"]) == ("closed", "resolved")
    assert answered.json()["next_steps"] == ["quality-check"]


def test_every_missing_field_is_named_and_nothing_is_written(tree, clock):
    before = Case.objects.count(), AuditEvent.objects.count()
    response = api_as(tree.xian).post(CASES, {}, format="json")
    assert response.status_code == 400
    named = fields(response)
    assert named == {"channel", "kind", "subject", "caller_name", "phone", "request"}
    bad = api_as(tree.xian).post(
        CASES,
        call(phone="12345", workers="0", amount_claimed="-5", received_on="2026-12-31",
             employer_uscc="91510100MA6CXXXX", id_number="510104198501011234", kind="gossip"),
        format="json",
    )  # fmt: skip
    assert bad.status_code == 400
    named = fields(bad)
    assert named == {
        "phone", "workers", "amount_claimed", "received_on", "employer_uscc", "id_number", "kind",
    }  # fmt: skip
    outside = api_as(tree.xian).post(CASES, call(union=tree.sibling.code), format="json")
    assert errors(outside)[0]["field"] == "union"
    assert (Case.objects.count(), AuditEvent.objects.count()) == before


def test_a_read_only_user_sees_cases_and_takes_no_step(tree, clock):
    case = take(tree.xian)
    assert api_as(tree.ro).get(f"{CASES}{case['id']}/").json()["next_steps"] == []
    assert api_as(tree.ro).post(CASES, call(), format="json").status_code == 403
    assert step(tree.ro, case["id"], "handle").status_code == 403
