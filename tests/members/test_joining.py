"""一键入会 through the services: submit, resubmit, review, and every refusal."""

import pytest
from conftest import add_union, counts
from django.core.exceptions import ValidationError
from stdnum.cn import ric

from gonghui.core.scope import OutOfScope
from gonghui.members import services
from gonghui.members.models import JoinApplication, Membership, Person
from gonghui.unions import services as union_services
from gonghui.unions.models import TradeUnion

pytestmark = pytest.mark.django_db


def make_id(prefix="510104", birth="19920308", seq="231"):
    body = prefix + birth + seq
    return body + ric.calc_check_digit(body + "0")


def application(**extra):
    return {"name": "曾小凡", "id_number": make_id(), "phone": "13912345678",
            "employment_form": "standard", "union": "5101040101", **extra}  # fmt: skip


def state():
    return (
        counts(),
        Person.objects.count(),
        Membership.objects.count(),
        (JoinApplication.objects.count()),
    )


@pytest.fixture
def pool(tree, root_admin):
    pool = add_union(
        root_admin, "5101040001", "锦江区新就业形态劳动者工会", TradeUnion.Kind.GIG_POOL,
        "510104", tree.county,
    )  # fmt: skip
    union_services.assign_pool_union(tree.xian, tree.county, pool.code)
    return pool


def test_a_worker_applies_and_jiceng_approves(tree):
    app = services.submit_application(application(), consent=True)
    assert app.status == "pending" and app.channel == "self" and app.union == tree.grassroots
    assert app.consent_version == services.CONSENT_VERSION
    assert app.id_number_masked.startswith("510104********")
    approved = services.approve_application(tree.jiceng, app)
    membership = approved.membership
    assert membership.union == tree.grassroots and membership.status == "active"
    assert membership.member_number == "5101040000000001"
    assert membership.person.id_number_masked == app.id_number_masked
    assert services.application_status(app.number, "13912345678").status == "approved"


def test_a_gig_worker_goes_to_the_county_pool_union(tree, pool):
    data = application(employment_form="gig", platform="food_delivery", union="", region="510104")
    app = services.submit_application(data, consent=True)
    assert app.union == pool
    # A street of the county: its federation's pool union too.
    app = services.submit_application(
        data | {"region": "510104003", "id_number": make_id(seq="564"), "phone": "13900000001"},
        consent=True,
    )
    assert app.union == pool


def test_without_an_assigned_pool_union_the_region_is_refused(tree, root_admin):
    add_union(root_admin, "5101040001", "锦江区新就业形态劳动者工会", TradeUnion.Kind.GIG_POOL,
              "510104", tree.county)  # fmt: skip
    before = state()
    data = application(employment_form="gig", platform="food_delivery", union="", region="510104")
    with pytest.raises(ValidationError) as e:
        services.submit_application(data, consent=True)
    assert list(e.value.message_dict) == ["region"] and "锦江区" in e.value.messages[0]
    assert state() == before


def test_consent_is_required_from_the_worker(tree):
    before = state()
    with pytest.raises(ValidationError) as e:
        services.submit_application(application())
    assert "consent" in e.value.message_dict
    assert state() == before


def test_an_existing_member_gets_an_application_like_anyone(tree):
    services.approve_application(
        tree.jiceng, services.submit_application(application(), consent=True)
    )
    again = services.submit_application(application(union="5101050101"), consent=True)
    assert again.status == "pending" and again.union == tree.sibling_grassroots
    flagged = JoinApplication.objects.with_flags().get(pk=again.pk)
    assert flagged.flags == [JoinApplication.Flag.MEMBER]
    # The reviewer of the other branch is told the person is a member, not where.
    with pytest.raises(ValidationError) as e:
        services.approve_application(tree.other, again)
    message = e.value.message_dict["id_number"][0]
    assert "成都春熙百货有限公司工会" not in message and "上级" in message


def test_staff_are_told_of_a_membership_in_their_scope_only(tree):
    services.approve_application(
        tree.jiceng, services.submit_application(application(), consent=True)
    )
    before = state()
    with pytest.raises(ValidationError) as e:
        services.submit_application(application(), actor=tree.xian)
    message = e.value.message_dict["id_number"][0]
    assert "成都春熙百货有限公司工会" in message and "510104********" in message
    assert make_id() not in message  # masked, never whole
    with pytest.raises(ValidationError) as e:
        services.submit_application(application(union="5101050101"), actor=tree.other)
    assert "成都春熙百货有限公司工会" not in e.value.message_dict["id_number"][0]
    assert state() == before


def test_a_second_pending_application_is_another_application(tree):
    first = services.submit_application(application(), consent=True)
    second = services.submit_application(application(name="曾晓凡"), consent=True)
    assert second.pk != first.pk and second.number != first.number
    assert JoinApplication.objects.get(pk=first.pk).name == "曾小凡"


def test_a_rejected_applicant_may_apply_again(tree):
    first = services.submit_application(application(), consent=True)
    services.reject_application(tree.jiceng, first, "单位信息不符")
    assert services.application_status(first.number, "13912345678").reason == "单位信息不符"
    again = services.submit_application(application(), consent=True)
    assert again.pk != first.pk and again.status == "pending"


def test_approving_twice_is_refused(tree):
    app = services.submit_application(application(), consent=True)
    services.approve_application(tree.jiceng, app)
    before = state()
    with pytest.raises(ValidationError) as e:
        services.approve_application(tree.jiceng, app)
    assert "status" in e.value.message_dict
    assert state() == before


def test_approving_outside_the_receiving_unions_scope_is_404(tree):
    app = services.submit_application(application(), consent=True)
    before = state()
    with pytest.raises(OutOfScope):
        services.approve_application(tree.other, app)
    assert state() == before
    assert JoinApplication.objects.get().status == "pending"


def test_a_phone_of_another_person_is_flagged_and_approval_waits_for_a_release(tree):
    services.approve_application(
        tree.jiceng, services.submit_application(application(), consent=True)
    )
    app = services.submit_application(
        application(id_number=make_id(seq="452"), name="单一"), consent=True
    )
    assert JoinApplication.objects.with_flags().get(pk=app.pk).flags == ["phone_held"]
    before = state()
    with pytest.raises(ValidationError) as e:
        services.approve_application(tree.jiceng, app)
    assert list(e.value.message_dict) == ["phone"]
    assert state() == before


@pytest.mark.parametrize(
    ("field", "value"),
    [("id_number", "5.10104E+17"), ("union", "NOPE0000"), ("union", "5101040000"),
     ("phone", "12345")],
)  # fmt: skip
def test_bad_applications_name_the_field(tree, field, value):
    before = state()
    with pytest.raises(ValidationError) as e:
        services.submit_application(application(**{field: value}), consent=True)
    assert field in e.value.message_dict
    assert state() == before


def test_status_needs_the_whole_phone(tree):
    app = services.submit_application(application(), consent=True)
    assert services.application_status(app.number, "5678") is None
    assert services.application_status(app.number, "13912340000") is None
    assert services.application_status("SQ000", "13912345678") is None
    assert services.application_status(app.number.lower(), "139 1234 5678") == app


def test_staff_enter_applications_only_for_their_scope(tree):
    app = services.submit_application(application(), actor=tree.xian)
    assert app.channel == "staff" and app.entered_by == tree.xian
    with pytest.raises(ValidationError) as e:
        services.submit_application(application(id_number=make_id(seq="553"),
                                                phone="13700000000"), actor=tree.other)  # fmt: skip
    assert "union" in e.value.message_dict


def test_an_application_number_drawn_twice_is_drawn_again(tree, monkeypatch):
    """Six random digits a day clash now and then: the second draw is taken, not refused."""
    first = services.submit_application(application(), consent=True)
    draws = iter([int(first.number[-6:]), int(first.number[-6:]), 424242])
    monkeypatch.setattr(services.secrets, "randbelow", lambda n: next(draws))
    second = services.submit_application(
        application(id_number=make_id(seq="342"), phone="13912345679"), consent=True
    )
    assert second.number.endswith("424242") and second.number != first.number
    assert JoinApplication.objects.count() == 2
