"""A level's own case deadlines: set by its administrator for its subtree, the nearest
level's rule winning over the platform's default, every wrong cell named with nothing
saved, and only administrators allowed."""

import pytest
from caselib import api_as, call
from django.test import Client

from gonghui.cases import deadlines
from gonghui.cases.models import DeadlineRule
from gonghui.core.models import AuditEvent

pytestmark = pytest.mark.django_db
URL = "/cases/deadlines/"


def as_user(user):
    client = Client()
    client.force_login(user)
    return client


def test_a_province_rule_holds_below_until_a_county_sets_its_own(tree):
    as_user(tree.sheng).post(URL, {"complaint.general": "10", "consultation.general": "2"})
    assert deadlines.allowed(tree.grassroots, "complaint", "general") == 10
    as_user(tree.xian_admin).post(URL, {"complaint.general": "8"})
    assert deadlines.allowed(tree.grassroots, "complaint", "general") == 8
    assert deadlines.allowed(tree.sibling, "complaint", "general") == 10
    # The county's own empty cell falls back to the province's, not the default.
    assert deadlines.allowed(tree.county, "consultation", "general") == 2
    case = api_as(tree.xian).post("/api/v1/cases/", call(), format="json").json()
    assert case["workdays"] == 8
    page = as_user(tree.xian).get(URL).content.decode()
    assert "四川省总工会" in page and "本级" in page
    assert 'name="complaint.general"' not in page  # staff read them, do not set them
    assert AuditEvent.objects.filter(note__contains="办理时限").count() == 2
    # Emptied, the county's rule goes and the province's holds again.
    as_user(tree.xian_admin).post(URL, {"complaint.general": ""})
    assert deadlines.allowed(tree.county, "complaint", "general") == 10


def test_wrong_cells_are_named_and_nothing_is_saved(tree):
    answer = as_user(tree.xian_admin).post(
        URL, {"complaint.general": "0", "legal_aid.complex": "三十", "suggestion.general": "5"}
    )
    html = answer.content.decode()
    assert "至少为 1" in html and "请输入整数" in html
    assert not DeadlineRule.objects.exists()
    too_long = as_user(tree.xian_admin).post(URL, {"complaint.general": "121"})
    assert "最多120个工作日" in too_long.content.decode()


def test_only_an_administrator_sets_them(tree):
    assert as_user(tree.xian).post(URL, {"complaint.general": "5"}).status_code == 403
    assert not DeadlineRule.objects.exists()
