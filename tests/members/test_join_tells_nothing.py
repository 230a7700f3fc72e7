"""The public join page and API tell a stranger nothing about who is a member: new,
repeated and already-member submissions get the same answer and a reference of their
own; a second application never changes the first; the status check takes the
reference and the whole mobile number; reviewers see the cases flagged."""

import pytest
from django.test import Client
from rest_framework.test import APIClient
from stdnum.cn import ric

from gonghui.members import services
from gonghui.members.models import JoinApplication, Membership, Person

URL = "/api/v1/join-applications/"
pytestmark = pytest.mark.django_db


def make_id(seq):
    body = "510104" + "19920308" + seq
    return body + ric.calc_check_digit(body + "0")


def body(seq="231", phone="13912345678", **extra):
    return {"name": "解小东", "id_number": make_id(seq), "phone": phone, "union": "5101040101",
            "consent": True, **extra}  # fmt: skip


def post(data):
    return APIClient().post(URL, data, format="json")


def without_reference(answer):
    return {k: v for k, v in answer.json().items() if k != "number"}


def test_new_repeated_and_member_submissions_get_the_same_answer(tree):
    member = services.submit_application(body(seq="342", phone="13900000001"), consent=True)
    services.approve_application(tree.jiceng, member)
    answers = {
        "new": post(body()),
        "repeated": post(body()),
        "another phone, same ID": post(body(phone="13700000000")),
        "already a member": post(body(seq="342", phone="13900000001")),
        "member, another phone": post(body(seq="342", phone="13600000000")),
        "phone of a member": post(body(seq="453", phone="13900000001")),
    }
    codes = {who: a.status_code for who, a in answers.items()}
    assert set(codes.values()) == {201}, codes
    shown = [without_reference(a) for a in answers.values()]
    assert all(s == shown[0] for s in shown), shown
    assert "申请已提交" in shown[0]["message"]
    references = [a.json()["number"] for a in answers.values()]
    assert len(set(references)) == len(references)  # each its own
    text = " ".join(a.content.decode() for a in answers.values())
    assert "会员编号" not in text and Membership.objects.get().member_number not in text
    # The web page answers alike.
    web = {"employment_form": "standard", "consent": "on"}
    pages = [
        Client().post("/join/", body(seq=seq, phone=phone) | web).content.decode()
        for seq, phone in (("564", "13500000000"), ("342", "13900000001"))
    ]
    numbers = list(JoinApplication.objects.order_by("-id").values_list("number", flat=True)[:2])
    assert [p.replace(n, "") for p, n in zip(pages, reversed(numbers), strict=True)] == [
        pages[0].replace(numbers[1], "")
    ] * 2
    assert "申请已提交" in pages[1] and "会员" not in pages[1].split("<main")[-1]


def test_a_second_application_never_changes_the_first(tree):
    first = post(body()).json()["number"]
    # Someone who knows the ID number applies with their own phone.
    second = post(body(phone="13700000000", name="冒名")).json()["number"]
    kept = JoinApplication.objects.get(number=first)
    assert kept.name == "解小东" and kept.phone_masked == "139****5678"
    check = APIClient().get(f"{URL}status/", {"number": first, "phone": "13912345678"})
    assert check.status_code == 200 and check.json()["status"] == "pending"
    # Reviewers see both, flagged, on the web and in the API.
    api = APIClient()
    api.force_authenticate(tree.jiceng)
    rows = {r["number"]: r["flags"] for r in api.get(URL, {"status": "pending"}).json()["results"]}
    assert rows == {first: ["duplicate"], second: ["duplicate"]}
    client = Client()
    client.force_login(tree.jiceng)
    queue = client.get("/members/applications/").content.decode()
    assert first in queue and second in queue and queue.count("另有待审核的申请") == 2
    # Approving one makes the other a member's application: refused, by field.
    assert api.post(f"{URL}{kept.pk}/approve/").status_code == 200
    other = JoinApplication.objects.get(number=second)
    refused = api.post(f"{URL}{other.pk}/approve/")
    assert refused.status_code == 400 and refused.json()["field"] == "id_number"
    assert Person.objects.get().phone_masked == "139****5678"  # the first applicant's phone
    assert api.get(f"{URL}{other.pk}/").json()["flags"] == ["member"]


def test_a_phone_held_by_another_person_is_flagged_for_the_reviewer(tree):
    services.approve_application(
        tree.jiceng, services.submit_application(body(seq="342"), consent=True)
    )
    number = post(body(seq="453")).json()["number"]  # the member's phone, another ID
    client = Client()
    client.force_login(tree.jiceng)
    assert "手机号码已登记在他人名下" in client.get("/members/applications/").content.decode()
    app = JoinApplication.objects.get(number=number)
    client.post("/members/applications/approve/", {"application": [app.pk]})
    assert JoinApplication.objects.get(pk=app.pk).status == "pending"
    assert Person.objects.count() == 1


def test_the_status_check_needs_the_reference_and_the_whole_phone(tree):
    number = post(body()).json()["number"]
    client = APIClient()
    ok = client.get(f"{URL}status/", {"number": number, "phone": "139 1234 5678"})
    assert ok.status_code == 200 and ok.json()["number"] == number
    wrong_phone = client.get(f"{URL}status/", {"number": number, "phone": "13912340000"})
    no_such = client.get(f"{URL}status/", {"number": "SQ20260101000000", "phone": "13912345678"})
    last_four = client.get(f"{URL}status/", {"number": number, "phone": "5678"})
    assert {r.status_code for r in (wrong_phone, no_such, last_four)} == {404}
    assert wrong_phone.content == no_such.content == last_four.content
    web = Client()
    pages = [
        web.get("/join/status/", {"number": n, "phone": p}).content.decode()
        for n, p in ((number, "13912340000"), ("SQ20260101000000", "13912345678"))
    ]
    shown = [page.replace(n, "").replace(p, "") for page, (n, p) in zip(pages, (
        (number, "13912340000"), ("SQ20260101000000", "13912345678")), strict=True)]  # fmt: skip
    assert shown[0] == shown[1]
    found = web.get("/join/status/", {"number": number, "phone": "13912345678"}).content.decode()
    assert "待审核" in found
