"""When a union is merged or dissolved, its members pass to the successor; past rows stay."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from stdnum.cn import ric

from gonghui.members import services
from gonghui.members.models import Membership
from gonghui.unions import services as union_services

pytestmark = pytest.mark.django_db


def join(tree, seq, phone):
    body = "510104" + "19700101" + seq
    app = services.submit_application(
        {"name": f"会员{seq}", "id_number": body + ric.calc_check_digit(body + "0"),
         "phone": phone, "union": tree.grassroots.code},
        consent=True,
    )  # fmt: skip
    m = services.approve_application(tree.jiceng, app).membership
    Membership.objects.filter(pk=m.pk).update(joined_on=datetime.date(2015, 6, 1))
    return Membership.objects.get(pk=m.pk)


def test_merge_moves_current_members_with_number_and_join_date(tree, root_admin):
    active = join(tree, "111", "13900000001")
    retained = join(tree, "222", "13900000002")
    services.change_membership_status(tree.jiceng, retained, "retained")
    union_services.merge_union(root_admin, tree.grassroots, tree.street.code)
    for old in (active, retained):
        old.refresh_from_db()
        assert old.status == "transferred" and old.union == tree.grassroots
        new = Membership.objects.current().get(person=old.person)
        assert (new.union, new.member_number, new.joined_on) == (
            tree.street, old.member_number, datetime.date(2015, 6, 1)
        )  # fmt: skip
    assert Membership.objects.current().get(person=retained.person).status == "retained"


def test_dissolving_a_union_with_members_needs_a_successor(tree, root_admin):
    join(tree, "111", "13900000001")
    with pytest.raises(ValidationError) as e:
        union_services.dissolve_union(root_admin, tree.grassroots, note="企业注销")
    assert "successor" in e.value.message_dict
    assert Membership.objects.current().get().union == tree.grassroots


def test_a_member_keeps_the_number_for_life(tree):
    m = join(tree, "111", "13900000001")
    services.change_membership_status(tree.jiceng, m, "left")
    body = "510104" + "19700101" + "111"
    again = services.submit_application(
        {"name": "会员111", "id_number": body + ric.calc_check_digit(body + "0"),
         "phone": "13900000001", "union": tree.grassroots.code},
        consent=True,
    )  # fmt: skip
    rejoined = services.approve_application(tree.jiceng, again).membership
    assert rejoined.member_number == m.member_number
