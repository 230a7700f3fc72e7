"""The cases' web pages as the desk and the levels use them: a case taken down in the form
(every wrong field named at once, nothing written), the workbench's boxes and counts, the
steps each user may take on the case page and a refused one explained there, and a
confidential caller hidden from the union a case is handed to."""

import datetime as dt

import pytest
from caselib import call
from django.urls import reverse

from gonghui.accounts.models import User
from gonghui.cases import services
from gonghui.cases.models import Case
from gonghui.core import values
from gonghui.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    monkeypatch.setattr(values, "today", lambda: dt.date(2026, 10, 9))


@pytest.fixture
def street_user(tree):
    return User.objects.create_user("jiedao", password="x", role=User.Role.STAFF, union=tree.street)


def logged_in(client, user):
    client.force_login(user)
    return client


def test_the_desk_takes_a_case_down_and_lands_on_its_page(client, tree):
    logged_in(client, tree.xian)
    page = client.get(reverse("cases:new"))
    assert page.status_code == 200
    assert "受理案件" in page.content.decode()
    answer = client.post(reverse("cases:new"), call(), follow=True)
    case = Case.objects.get()
    assert answer.redirect_chain[-1][0] == reverse("cases:case", args=[case.pk])
    html = answer.content.decode()
    assert case.number in html and "2026-10-23" in html  # 13 working days over National Day
    assert "138****1111" in html and "13800001111" not in html
    assert "本级办理" in html and "转办" in html and "即时解答" not in html  # a complaint


def test_every_wrong_field_is_named_at_once_and_nothing_is_written(client, tree):
    logged_in(client, tree.xian)
    before = Case.objects.count(), AuditEvent.objects.count()
    answer = client.post(
        reverse("cases:new"),
        call(phone="110", kind="", caller_name="", workers="多人", received_on="2026-13-01"),
    )
    assert answer.status_code == 200
    html = answer.content.decode()
    for label in ("来电人电话", "类型", "来电人", "涉及职工人数", "受理日期"):
        assert f"{label}</a>：" in html, label
    assert (Case.objects.count(), AuditEvent.objects.count()) == before


def test_the_workbench_counts_its_boxes_and_the_home_page_links_them(client, tree, street_user):
    case = services.take(tree.xian, call())
    services.transfer(tree.xian, case, {"to_union": tree.street.code, "note": "请核实"})
    logged_in(client, street_user)
    home = client.get(reverse("home")).content.decode()
    assert "件转办案件待接收" in home and "/cases/?box=accept" in home
    queue = client.get(reverse("cases:list"), {"box": "accept"}).content.decode()
    assert case.number in queue and "待接收 <b>1</b>" in queue
    page = client.get(reverse("cases:case", args=[case.pk])).content.decode()
    assert "接收案件" in page and "退回案件" in page and "办结" not in page
    client.post(reverse("cases:step", args=[case.pk, "accept"]), {"accept-note": "收到"})
    assert Case.objects.get(pk=case.pk).union == tree.street
    queue = client.get(reverse("cases:list"), {"box": "accept"}).content.decode()
    assert "待接收 <b>0</b>" in queue
    assert client.get(reverse("cases:list"), {"box": "nonsense"}).status_code == 404


def test_a_step_refused_to_this_user_is_explained_on_the_case_page(client, tree):
    case = services.take(tree.xian, call())
    services.ask_extension(tree.xian, case, {"extension_workdays": 3, "extension_reason": "取证"})
    logged_in(client, tree.xian)
    page = client.get(reverse("cases:case", args=[case.pk])).content.decode()
    assert "审批延期" not in page  # not offered to the level that asked
    answer = client.post(
        reverse("cases:step", args=[case.pk, "decide-extension"]),
        {"decide-extension-approved": "yes"},
        follow=True,
    )
    assert answer.status_code == 200
    assert "只有锦江区总工会的上级工会可以办理此项" in answer.content.decode()
    assert Case.objects.get(pk=case.pk).extension_state == "asked"
    logged_in(client, tree.sheng)
    client.post(
        reverse("cases:step", args=[case.pk, "decide-extension"]),
        {"decide-extension-approved": "yes"},
    )
    assert Case.objects.get(pk=case.pk).due_on == dt.date(2026, 10, 28)


def test_a_step_with_a_wrong_field_shows_the_form_again_with_the_error(client, tree):
    case = services.take(tree.xian, call())
    services.start_handling(tree.xian, case, {})
    logged_in(client, tree.xian)
    answer = client.post(
        reverse("cases:step", args=[case.pk, "conclude"]), {"conclude-outcome": "cannot"}
    )
    html = answer.content.decode()
    assert answer.status_code == 200 and "办不了说明" in html
    assert Case.objects.get(pk=case.pk).status == Case.Status.HANDLING


def test_a_confidential_caller_is_hidden_from_the_union_it_is_handed_to(client, tree, street_user):
    case = services.take(tree.xian, call(confidential=True, caller_name="保密来电人"))
    services.transfer(tree.xian, case, {"to_union": tree.street.code, "note": "请核实"})
    logged_in(client, street_user)
    for url in (
        reverse("cases:case", args=[case.pk]),
        reverse("cases:list") + "?box=accept",
        f"/api/v1/cases/{case.pk}/",
        f"/api/v1/cases/{case.pk}/history/",
        "/api/v1/cases/?q=13800001111",
    ):
        html = client.get(url).content.decode()
        assert "保密来电人" not in html and "138****1111" not in html, url
    assert "（保密）" in client.get(reverse("cases:case", args=[case.pk])).content.decode()
    # The search does not answer what the mask hides: no match by the caller's name.
    found = client.get(reverse("cases:list"), {"box": "all", "q": "保密来电人"}).content.decode()
    assert case.number not in found
    # Above the handling union it is seen whole.
    logged_in(client, tree.sheng)
    assert "保密来电人" in client.get(reverse("cases:case", args=[case.pk])).content.decode()
    found = client.get(reverse("cases:list"), {"box": "all", "q": "保密来电人"}).content.decode()
    assert case.number in found


def test_the_quality_check_sample_is_one_closed_case_in_ten_and_leaves_once_checked(client, tree):
    closed = []
    for _ in range(20):
        case = services.take(tree.xian, call(kind="consultation", channel="walk_in"))
        closed.append(services.answer_now(tree.xian, case, {"answer": "已解答"}))
    sample = [c for c in closed if c.pk % 10 == 0]
    logged_in(client, tree.sheng)
    page = client.get(reverse("cases:list"), {"box": "check"}).content.decode()
    assert f"质检抽查 <b>{len(sample)}</b>" in page
    assert all(c.number in page for c in sample)
    assert not any(c.number in page for c in closed if c.pk % 10)
    client.post(
        reverse("cases:step", args=[sample[0].pk, "quality-check"]),
        {"quality-check-check_passed": "yes"},
    )
    page = client.get(reverse("cases:list"), {"box": "check"}).content.decode()
    assert sample[0].number not in page
