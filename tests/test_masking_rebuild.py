"""Nothing a user without the reveal permission reaches gives back a whole number.

A masked ID (510104********123X) hides digits 7-14, the birth date; a page or answer
that shows the birth date beside it gives the whole number back. As a staff user of the
county, every API endpoint and page (from the URL configuration, so a route added later
is walked too) and every export kind (from the job registry) is read, and the joined
text must hold no whole ID, birth date, phone or bank card of the fixture's persons
(DESIGN rule 2). The birth year and age must show instead, so the walk is not vacuous.
"""

import csv
import datetime
import io
import re

import pytest
from django.test import Client
from django.urls import NoReverseMatch, reverse
from openpyxl import load_workbook
from stdnum.cn import ric
from test_scope_walk import routes

from gonghui.assistance.services import files, records
from gonghui.jobs import registry, runner
from gonghui.jobs.models import Job
from gonghui.members import services as members

SKIP = {"logout"}
HEAD_BIRTH, SPOUSE_BIRTH, CHILD_BIRTH = "19800308", "19820511", "20080901"
PHONE = "13912345678"
CARD = "6228480402564890018"


def make_id(seq, birth):
    body = "510104" + birth + f"{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


HEAD, SPOUSE, CHILD = make_id(1, HEAD_BIRTH), make_id(2, SPOUSE_BIRTH), make_id(3, CHILD_BIRTH)


@pytest.fixture
def household(tree):
    """A member of the county's grassroots union, filed as a hardship household with a
    spouse and a child, a bank card on file and one payment to it."""
    application = members.submit_application(
        {"name": "曾小凡", "id_number": HEAD, "phone": PHONE, "union": tree.grassroots.code},
        consent=True,
    )
    membership = members.approve_application(tree.jiceng, application).membership
    actor = tree.jiceng
    f = files.apply(
        actor,
        {"head_id_number": HEAD, "category": "deep", "standard_level": "city",
         "main_cause": "illness", "situation": "妻子患病长期透析。", "housing": "rented",
         "medical_insurance": "employee", "bank_name": "中国农业银行", "bank_card": CARD,
         "head_work": "employed", "head_income": "2600", "head_health": "healthy",
         "applied_on": "2026-09-01",
         "household": [
             {"relation": "spouse", "name": "李秀英", "id_number": SPOUSE, "work": "unable",
              "monthly_income": "0", "health": "serious"},
             {"relation": "child", "name": "曾子涵", "id_number": CHILD, "work": "student",
              "monthly_income": "0", "health": "healthy"},
         ]},
    )  # fmt: skip
    files.review(actor, f, {"accepted": True, "reviewed_on": "2026-09-10"})
    files.record_visit(
        actor, f, {"visited_on": "2026-09-20", "visitors": "王主席", "findings": "情况属实"}
    )
    files.start_notice(actor, f, {"notice_from": "2026-09-29"})
    f = files.file_household(actor, f, {"filed_on": "2026-10-12"})
    record = records.record(
        actor,
        {"file": f.pk, "name": "曾小凡", "id_number": HEAD, "kind": "living", "amount": "300",
         "given_on": "2026-11-02"},
    )  # fmt: skip
    return membership, f, record


def forbidden():
    """Every text from which a hidden part could be read back."""
    texts = [HEAD, SPOUSE, CHILD, PHONE, CARD]
    for birth in (HEAD_BIRTH, SPOUSE_BIRTH, CHILD_BIRTH):
        y, m, d = birth[:4], birth[4:6], birth[6:]
        texts += [birth, f"{y}-{m}-{d}", f"{y}/{m}/{d}", f"{y}年{int(m)}月{int(d)}日"]
        texts += [f"{y}年{m}月{d}日", f"{y}.{m}.{d}"]
    return texts


def urls(ids):
    for name, params in routes():
        if name in SKIP:
            continue
        if not params:
            yield reverse(name)
            continue
        for value in ids:
            kwargs = {k: ("json" if k == "format" else str(value)) for k in params}
            try:
                yield reverse(name, kwargs=kwargs)
            except NoReverseMatch:
                continue


def body(response):
    raw = b"".join(response) if response.streaming else response.content
    return raw.decode("utf-8", "replace")


def cells(raw, fmt):
    if fmt == "csv":
        return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    sheet = load_workbook(io.BytesIO(raw), read_only=True).active
    return [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]


def exports(client, django_capture_on_commit_callbacks):
    """Every export kind, in each format, as the user may start it (masked)."""
    out = {}
    for subject in registry.exporters():
        for fmt in ("xlsx", "csv"):
            with django_capture_on_commit_callbacks(execute=True):
                response = client.post(f"/api/v1/exports/{subject}/", {"format": fmt})
            assert response.status_code == 202, response.content
            job = runner.run(Job.objects.get(pk=response.json()["id"]))
            assert job.status == "succeeded", job.message
            download = client.get(f"/jobs/{job.pk}/file/")
            assert download.status_code == 200
            out[(subject, fmt)] = cells(b"".join(download.streaming_content), fmt)
    return out


@pytest.mark.django_db
def test_no_whole_number_can_be_rebuilt_without_a_reveal(
    tree, household, django_capture_on_commit_callbacks
):
    membership, f, record = household
    staff = tree.xian  # staff of the county: sees the household, may not reveal
    assert not staff.has_perm("accounts.reveal_id_number")
    client = Client()
    client.force_login(staff)
    ids = {membership.pk, membership.person_id, f.pk, record.pk}
    ids = sorted(ids | set(f.household.values_list("pk", flat=True)))
    texts = {}
    for url in dict.fromkeys(urls(ids)):
        response = client.get(url)
        assert response.status_code < 500, url
        if response.status_code == 200:
            texts[url] = body(response)
    for key, rows in exports(client, django_capture_on_commit_callbacks).items():
        texts[f"export {key}"] = "\n".join("\t".join(row) for row in rows)
    assert len(texts) > 40  # the walk reached the pages, the API and the exports

    bad = forbidden()
    leaks = {where: [t for t in bad if t in text] for where, text in texts.items()}
    assert not {k: v for k, v in leaks.items() if v}

    # Rebuilding: every masked ID shown beside any eight digits that make a valid
    # number with it would be a whole number; none may be in the same answer.
    whole = {HEAD, SPOUSE, CHILD}
    for where, text in texts.items():
        for masked in set(re.findall(r"\d{6}\*{8}\d{3}[\dX]", text)):
            for digits in set(re.findall(r"(?<!\d)(\d{8})(?!\d)", re.sub(r"\D", " ", text))):
                assert masked[:6] + digits + masked[-4:] not in whole, where

    # What replaced the date: birth year and age, in the API, on the page and in the export.
    person = client.get(f"/api/v1/persons/{membership.person_id}/").json()
    assert person["birth_year"] == 1980 and isinstance(person["age"], int)
    assert "birth_date" not in person
    page = texts[reverse("members:detail", kwargs={"pk": membership.pk})]
    assert "1980" in page and "出生年份" in page
    household_api = client.get(f"/api/v1/hardship-files/{f.pk}/").json()
    years = sorted(m["birth_year"] for m in household_api["household"])
    assert years == [1980, 1982, 2008]
    header, first = texts["export ('members', 'xlsx')"].split("\n")[:2]
    header, first = header.split("\t"), first.split("\t")
    assert first[header.index("出生年份")] == "1980"


@pytest.mark.django_db
def test_the_age_shown_does_not_tick_on_the_birthday(tree, household, monkeypatch, api_as):
    """An age that changed on the birthday would give the date to whoever looks daily."""
    membership, f, _record = household
    api = api_as(tree.xian)
    seen = set()
    for day in ("2026-01-02", "2026-03-07", "2026-03-08", "2026-12-30"):
        monkeypatch.setattr(
            "django.utils.timezone.localdate", lambda d=day: datetime.date.fromisoformat(d)
        )
        person = api.get(f"/api/v1/persons/{membership.person_id}/").json()
        household = api.get(f"/api/v1/hardship-files/{f.pk}/").json()["household"]
        seen.add((person["age"], tuple(m["age"] for m in household)))
    assert seen == {(46, (46, 44, 18))}
