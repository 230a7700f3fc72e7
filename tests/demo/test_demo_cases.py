"""The demo's cases: every state of a case's life today, deadlines counted in working days
across the real holidays, steps that follow the rules, and the workbench of each demo
login with work in it."""

import datetime as dt
from collections import Counter

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from gonghui.accounts.models import User
from gonghui.calendar import workdays
from gonghui.cases import boxes, deadlines
from gonghui.cases.models import Case, CaseAction
from gonghui.demo import builder
from gonghui.demo.cases import build_cases
from gonghui.demo.members import build_members

pytestmark = pytest.mark.django_db(transaction=False)
S = Case.Status


@pytest.fixture
def province():
    builder.build()
    build_members(total=3000)
    return build_cases(total=500)


def test_the_demo_has_cases_in_every_state_with_deadlines_across_holidays(province):
    today = timezone.localdate()
    statuses = Counter(Case.objects.values_list("status", flat=True))
    assert set(statuses) == set(S.values), statuses
    assert statuses[S.CLOSED] > statuses[S.HANDLING] > statuses[S.CONCLUDED]
    across = 0
    for case in Case.objects.select_related("union"):
        assert case.received_on <= today and case.number.startswith("WQ")
        if case.extension_state != "approved" and not case.reopened:
            assert case.workdays == deadlines.allowed(case.union, case.kind, case.complexity)
            assert case.due_on == workdays.add_workdays(case.received_on, case.workdays)
            # A deadline that runs across a long holiday: more days than working days + weekends.
            across += (case.due_on - case.received_on).days > case.workdays + 4
        if case.concluded_on:
            assert case.received_on <= case.concluded_on <= today and case.outcome
            if case.outcome == "cannot":
                assert case.answer  # 办不了说明
        if case.called_back_on:
            assert case.called_back_on >= workdays.next_workday(case.concluded_on)
        if case.status == S.TRANSFERRING:
            assert case.transfer_to.parent_id in (case.union_id, case.union.parent_id)
        if case.court_referral:
            assert case.court_due_on == case.received_on + dt.timedelta(days=30) or (
                case.court_extended
            )
    assert across >= 5
    kinds = Counter(CaseAction.objects.values_list("kind", flat=True))
    assert kinds["mediation"] and kinds["legal_aid"] and kinds["reminder_letter"]
    assert CaseAction.objects.filter(replied_on__isnull=False).exists()
    assert Case.objects.filter(supervised=True).exists()
    assert Case.objects.filter(reopened__gt=0).exists()
    assert Case.objects.filter(checked_on__isnull=False).exists()
    assert Case.objects.exclude(person=None).exists()  # callers found in the registry


def test_each_demo_login_has_work_and_the_services_take_the_next_step(province):
    xian = User.objects.get(username="xian")
    shi = User.objects.get(username="shi")
    assert boxes.cases_in("mine", xian).count() >= 3
    assert boxes.cases_in("all", shi).count() > boxes.cases_in("all", xian).count()
    handling = boxes.cases_in("mine", xian).filter(status=S.HANDLING).first()
    api = APIClient()
    api.force_authenticate(xian)
    answer = api.post(
        f"/api/v1/cases/{handling.pk}/conclude/",
        {"outcome": "resolved", "answer": "已协调解决。"},
        format="json",
    )
    assert answer.status_code == 200, answer.content
    assert answer.json()["status"] in ("concluded", "closed")
