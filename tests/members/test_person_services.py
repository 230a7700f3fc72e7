"""Persons in the registry: numbers checked, kept encrypted, found by blind index,
shown masked, revealed only with the permission and a logged reason."""

import datetime

import pytest
from conftest import counts
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from stdnum.cn import ric

from gonghui.core import crypto
from gonghui.core.scope import OutOfScope
from gonghui.members import services
from gonghui.members.models import Membership, Person, Reveal

pytestmark = pytest.mark.django_db


def make_id(prefix="510104", birth="19900215", seq="122"):
    body = prefix + birth + seq
    return body + ric.calc_check_digit(body + "0")


def data(**extra):
    return {"name": "曾国华", "id_number": make_id(), "phone": "138 1234 5678", **extra}


def person_count():
    return Person.objects.count()


def test_a_person_is_stored_without_clear_numbers(tree):
    number = make_id()
    person = services.create_person(tree.xian, data())
    assert (person.sex, person.birth_date) == ("female", datetime.date(1990, 2, 15))
    assert person.id_number_masked == f"510104********{number[-4:]}"
    assert person.phone_masked == "138****5678"
    assert (person.name_pinyin, person.name_initials) == ("zengguohua", "zgh")
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM members_person WHERE id = %s", [person.pk])
        row = " ".join(str(v) for v in cursor.fetchone())
    assert number not in row and "13812345678" not in row
    assert services.find_person(number) == person
    assert crypto.decrypt(person.id_number_encrypted) == number


def test_same_id_number_is_one_person(tree):
    services.create_person(tree.xian, data())
    before = counts(), person_count()
    typed_differently = make_id().replace("1", "１")  # full-width digits, same number
    with pytest.raises(ValidationError) as e:
        services.create_person(tree.xian, data(id_number=typed_differently, phone=""))
    assert "id_number" in e.value.message_dict
    assert (counts(), person_count()) == before


def test_a_phone_held_by_another_person_is_a_conflict(tree):
    services.create_person(tree.xian, data())
    with pytest.raises(ValidationError) as e:
        services.create_person(tree.xian, data(id_number=make_id(seq="131"), name="单田芳"))
    assert list(e.value.message_dict) == ["phone"]
    assert person_count() == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("id_number", "5.10104E+17"),
        ("id_number", make_id(birth="19900230")),
        ("id_number", make_id(prefix="999999")),
        ("phone", "1234"),
        ("name", ""),
        ("name", "张" * 51),
        ("household_region", "999999"),
        ("education", "phd"),
        ("platform", "courier"),  # a platform for a standard employee
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(tree, field, value):
    before = counts(), person_count()
    with pytest.raises(ValidationError) as e:
        services.create_person(tree.xian, data(**{field: value}))
    assert field in e.value.message_dict
    assert (counts(), person_count()) == before


def test_gig_workers_name_their_platform(tree):
    with pytest.raises(ValidationError) as e:
        services.create_person(tree.xian, data(employment_form="gig"))
    assert "platform" in e.value.message_dict
    rider = services.create_person(tree.xian, data(employment_form="gig", platform="food_delivery"))
    assert rider.get_platform_display()


def test_a_retired_region_prefix_is_a_real_person(tree):
    person = services.create_person(
        tree.xian, data(id_number=make_id(prefix="512200", birth="19851001"), phone="")
    )
    assert person.id_number_masked.startswith("512200")


@pytest.fixture
def member(tree):
    person = services.create_person(tree.xian, data())
    Membership.objects.create(
        person=person, union=tree.grassroots, member_number="M0001", joined_on="2020-01-01"
    )
    return person


def grant(user):
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="accounts", codename="reveal_id_number")
    )
    return type(user).objects.get(pk=user.pk)  # fresh permission cache


def test_reveal_needs_the_permission(tree, member):
    with pytest.raises(PermissionDenied):
        services.reveal(tree.xian, member, "id_number", "核对身份")
    assert not Reveal.objects.exists()


def test_reveal_is_logged_with_its_reason(tree, member):
    xian = grant(tree.xian)
    assert services.reveal(xian, member, "id_number", "核对困难职工身份") == make_id()
    assert services.reveal(xian, member, "phone", "联系本人") == "13812345678"
    log = list(Reveal.objects.order_by("id").values_list("user__username", "field", "reason"))
    assert log == [("xian", "id_number", "核对困难职工身份"), ("xian", "phone", "联系本人")]


def test_reveal_needs_a_reason_and_the_scope(tree, member):
    xian = grant(tree.xian)
    with pytest.raises(ValidationError) as e:
        services.reveal(xian, member, "id_number", " ")
    assert "reason" in e.value.message_dict
    other = grant(tree.other)  # the sibling branch, even with the permission
    with pytest.raises(OutOfScope):
        services.reveal(other, member, "id_number", "核对")
    assert not Reveal.objects.exists()
