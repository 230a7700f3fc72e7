"""The 12351 line online, as a worker uses it on a phone: a question or complaint sent to
the county's desk with the consent recorded, every wrong field named at once and nothing
written, the case followed by number and phone, and a stranger told nothing: one answer
for a wrong number and a wrong phone, nothing of the caller, a limit per address."""

import pytest
from django.test import Client
from django.urls import reverse

from gonghui.cases.models import Case
from gonghui.cases.public import ReportThrottle
from gonghui.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def report(**changes):
    return {
        "region": "510104", "kind": "complaint", "subject": "gig", "caller_name": "骑手小王",
        "phone": "13912340000", "employer_name": "某配送站", "workers": "1",
        "request": "配送站随意扣减配送费。", "consent": "on", **changes,
    }  # fmt: skip


def test_a_worker_sends_a_complaint_to_the_county_desk_and_follows_it(tree, settings):
    page = Client().get(reverse("cases:report"))
    assert page.status_code == 200 and "锦江区" in page.content.decode()
    done = Client().post(reverse("cases:report"), report())
    assert done.status_code == 200
    case = Case.objects.get()
    assert (case.union, case.channel, case.consent_version) == (tree.county, "web", "2026-12")
    assert case.created_by is None and case.phone_masked == "139****0000"
    html = done.content.decode()
    assert case.number in html and "锦江区总工会" in html
    # Followed by number and the whole phone; the answer once it is concluded.
    found = Client().get(
        reverse("cases:report_status"), {"number": case.number, "phone": "13912340000"}
    )
    assert "办理中" in found.content.decode() and case.due_on.isoformat() in found.content.decode()
    # The desk sees it in its box.
    staff = Client()
    staff.force_login(tree.xian)
    assert case.number in staff.get(reverse("cases:list")).content.decode()


def test_every_wrong_field_is_named_and_nothing_is_written(tree):
    before = Case.objects.count(), AuditEvent.objects.count()
    answer = Client().post(
        reverse("cases:report"),
        report(region="", kind="", phone="1391234", request="", consent=""),
    )
    html = answer.content.decode()
    for label in ("工作所在地", "需要办理的事项", "联系电话", "事情经过和诉求"):
        assert f"{label}</a>：" in html, label
    assert "同意" in html and (Case.objects.count(), AuditEvent.objects.count()) == before


def test_a_stranger_learns_nothing_from_the_status_page(tree):
    Client().post(reverse("cases:report"), report())
    case = Case.objects.get()
    answers = [
        Client().get(reverse("cases:report_status"), query).content.decode()
        for query in (
            {"number": case.number, "phone": "13900000000"},  # someone else's phone
            {"number": "WQ20260101000000", "phone": "13912340000"},  # no such case
            {"number": case.number, "phone": "139****0000"},  # the masked phone
        )
    ]
    for html in answers:
        assert "没有找到" in html or "没有" in html
        assert "骑手小王" not in html and "锦江区总工会" not in html
    shown = [html.split("</form>")[1] for html in answers]  # the answer, not the query
    assert shown[0] == shown[1] == shown[2]


def test_reports_and_checks_are_limited_per_address(tree, monkeypatch):
    # The rate is read when the throttle is made; monkeypatch restores it afterwards.
    monkeypatch.setattr(ReportThrottle, "rate", "2/minute", raising=False)
    client = Client()
    codes = [client.post(reverse("cases:report"), report()).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    assert Case.objects.count() == 2
    check = client.get(reverse("cases:report_status"), {"number": "WQ1", "phone": "13912340000"})
    assert check.status_code == 429
