"""A mobile number held by another person blocks joining until an administrator of the
county (or higher) releases it; the holder's history says who released it and why."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from stdnum.cn import ric

from gonghui.core.models import AuditEvent
from gonghui.members import services
from gonghui.members.models import JoinApplication, Person

pytestmark = pytest.mark.django_db
PHONE = "13812345678"


def make_id(seq):
    body = "510104" + "19790101" + seq
    return body + ric.calc_check_digit(body + "0")


def apply(name, seq, union):
    return services.submit_application(
        {"name": name, "id_number": make_id(seq), "phone": PHONE, "union": union}, consent=True
    )


@pytest.fixture
def holder(tree):
    app = apply("旧机主", "111", tree.grassroots.code)
    return services.approve_application(tree.jiceng, app).membership.person


def test_a_held_number_is_a_conflict_until_the_county_releases_it(tree, holder, api_as):
    # The public page takes the application (it tells nobody the number is registered);
    # approval waits for the release.
    app = apply("新机主", "222", tree.grassroots.code)
    with pytest.raises(ValidationError) as e:
        services.approve_application(tree.jiceng, app)
    assert "释放" in str(e.value.message_dict["phone"])
    response = api_as(tree.xian_admin).post(
        "/api/v1/persons/release-phone/", {"phone": PHONE, "reason": "号码已由运营商重新分配"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["name"] == "旧机主" and response.json()["phone_masked"] == ""
    approved = services.approve_application(tree.jiceng, app)
    assert approved.membership.person.phone_masked == "138****5678"
    event = AuditEvent.objects.filter(object_id=str(holder.pk), note__contains="号码已由").get()
    assert event.actor == tree.xian_admin
    assert event.changes == {"phone_masked": ["138****5678", ""]}


def test_who_may_release(tree, holder):
    for user in (tree.xian, tree.jiceng, tree.ro):  # staff, grassroots, read-only
        with pytest.raises(PermissionDenied):
            services.release_phone(user, PHONE, "号码回收")
    assert Person.objects.get(pk=holder.pk).phone_masked == "138****5678"


def test_a_member_of_another_county_is_not_released_from_here(tree, root_admin):
    from gonghui.accounts.models import User

    app = apply("乙方机主", "333", tree.sibling_grassroots.code)
    services.approve_application(root_admin, app)
    with pytest.raises(ValidationError) as e:
        services.release_phone(tree.xian_admin, PHONE, "号码回收")
    assert "phone" in e.value.message_dict
    sibling_admin = User.objects.create_user(
        "qy_admin", password="x", role=User.Role.UNION_ADMIN, union=tree.sibling
    )
    assert services.release_phone(sibling_admin, PHONE, "号码回收").phone_masked == ""


def test_bad_input_names_the_field(tree, holder, api_as):
    client = api_as(tree.xian_admin)
    for body, field in (
        ({"phone": "12345", "reason": "号码回收"}, "phone"),
        ({"phone": "13900000000", "reason": "号码回收"}, "phone"),  # nobody holds it
        ({"phone": PHONE, "reason": ""}, "reason"),
    ):
        response = client.post("/api/v1/persons/release-phone/", body)
        assert response.status_code == 400, body
        fields = response.json() if isinstance(response.json(), list) else [response.json()]
        assert field in [f["field"] for f in fields], response.json()
    assert Person.objects.get(pk=holder.pk).phone_masked == "138****5678"
    assert (
        api_as(tree.xian)
        .post("/api/v1/persons/release-phone/", {"phone": PHONE, "reason": "号码回收"})
        .status_code
        == 403
    )


def test_release_on_the_web(tree, holder):
    client = Client()
    client.force_login(tree.xian_admin)
    assert "释放" in client.get("/members/").content.decode()
    page = client.post("/members/phone-release/", {"phone": PHONE, "reason": ""})
    assert "原因：" in page.content.decode()
    done = client.post(
        "/members/phone-release/", {"phone": PHONE, "reason": "本人换号"}, follow=True
    )
    assert "旧机主" in done.content.decode()
    assert Person.objects.get(pk=holder.pk).phone_masked == ""
    staff = Client()
    staff.force_login(tree.xian)
    assert staff.get("/members/phone-release/").status_code == 403
    assert not JoinApplication.objects.filter(name="新机主").exists()
