"""The union services: create, edit, move, merge, dissolve (scope, validation, audit, paths)."""

import datetime

import pytest
from conftest import nothing_written
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone
from stdnum.cn import uscc as stdnum_uscc

from gonghui.core.models import AuditEvent
from gonghui.core.timeline import timeline
from gonghui.core.validation import NeedsConfirmation
from gonghui.regions.models import Region
from gonghui.unions import services
from gonghui.unions.models import TradeUnion

K = TradeUnion.Kind
S = TradeUnion.Status


def valid_uscc(base17):
    return base17 + stdnum_uscc.calc_check_digit(base17)


GOOD_USCC = valid_uscc("91510104MA6C5Q8L0")  # 91510104MA6C5Q8L0M
BAD_CHECK_USCC = GOOD_USCC[:-1] + ("1" if GOOD_USCC[-1] != "1" else "2")


def make_union(
    actor, code, name, parent, kind=K.GRASSROOTS, region="510104", confirm=False, **extra
):
    data = {"code": code, "name": name, "kind": kind, "region": region, "parent": parent.code}
    return services.create_union(actor, data | extra, confirm=confirm)


def make_employer(actor, name, local, covering=None, **extra):
    data = {"name": name, "region": "510104", "industry": "C", "local_union": local.code}
    if covering is not None:
        data["covering_union"] = covering.code
    return services.create_employer(actor, data | extra)


def raises_on(field, call, *objs):
    """Run `call`; it must raise a ValidationError naming `field` and change nothing."""
    with nothing_written(*objs), pytest.raises(ValidationError) as exc:
        call()
    assert field in exc.value.message_dict, exc.value.message_dict
    return exc.value.message_dict[field]


def events(obj):
    return list(AuditEvent.objects.for_object(obj))


# --- create -------------------------------------------------------------------------------


def test_create_sets_path_and_records_one_event(tree):
    before = AuditEvent.objects.count()
    union = make_union(tree.xian, "5101040102", "成都春熙电子有限公司工会", tree.street)
    assert union.path == f"{tree.street.path}{union.pk}/"
    assert union.path.startswith(tree.county.path)
    assert union.depth == 5
    assert union.ancestor_ids == [
        tree.province.pk,
        tree.city.pk,
        tree.county.pk,
        tree.street.pk,
    ]
    assert AuditEvent.objects.count() == before + 1
    [event] = events(union)
    assert event.action == AuditEvent.Action.CREATE
    assert event.actor == tree.xian
    assert event.actor_name == "xian"
    assert event.object_repr == "成都春熙电子有限公司工会"
    # Choice fields keep their stored value (language-independent); related records are
    # named; empty fields are left out.
    assert event.changes["kind"] == ["", "grassroots"]
    assert event.changes["parent"] == ["", tree.street.name]
    assert event.changes["region"] == ["", "四川省 成都市 锦江区"]
    assert event.changes["code"] == ["", "5101040102"]
    assert event.changes["status"] == ["", "active"]
    assert "uscc" not in event.changes
    assert "successor" not in event.changes


def test_create_normalises_code_and_text(tree):
    union = make_union(
        tree.xian, " ab 5101\u3000040102 ", "  成都春熙  电子\u3000有限公司工会 ", tree.street
    )
    union.refresh_from_db()
    assert union.code == "AB5101040102"
    assert union.name == "成都春熙 电子 有限公司工会"


def test_create_accepts_parent_and_region_as_instances(tree):
    data = {"code": "5101040102", "name": "春熙乙工会", "kind": K.GRASSROOTS}
    region = Region.objects.get(code="510104003")
    union = services.create_union(tree.xian, data | {"region": region, "parent": tree.street})
    assert (union.parent, union.region) == (tree.street, region)


def test_platform_admin_may_create_a_top_level_union(root_admin, db):
    data = {"code": "5000000000", "name": "重庆市总工会", "kind": K.FEDERATION, "region": "500000"}
    union = services.create_union(root_admin, data)
    assert union.parent is None
    assert union.path == f"/{union.pk}/"


def test_staff_must_name_a_parent(tree):
    data = {"code": "5101040102", "name": "无上级工会", "kind": K.GRASSROOTS, "region": "510104"}
    raises_on("parent", lambda: services.create_union(tree.xian, data))


@pytest.mark.parametrize(
    ("field", "extra"),
    [
        ("code", {"code": "5101040101"}),  # the grassroots union's code
        ("code", {"code": "51-01"}),
        ("code", {"code": "510"}),
        ("code", {"code": "5" * 21}),
        ("name", {"name": ""}),
        ("name", {"name": "工" * 101}),
        ("kind", {"kind": "foo"}),
        ("region", {"region": "999999"}),
        ("region", {"region": ""}),
        ("founded_on", {"founded_on": timezone.localdate() + datetime.timedelta(days=1)}),
        ("uscc", {"uscc": GOOD_USCC[:-1]}),
        ("uscc", {"uscc": GOOD_USCC + "1"}),
        ("uscc", {"uscc": "I" + GOOD_USCC[1:]}),
        ("uscc", {"uscc": GOOD_USCC[:5] + "O" + GOOD_USCC[6:]}),
        ("uscc", {"uscc": GOOD_USCC[:-1] + "Z"}),
        ("chair", {"chair": "张" * 51}),
        ("address", {"address": "路" * 201}),
        ("contact_phone", {"contact_phone": "1" * 31}),
    ],
)
def test_create_refuses_bad_fields(tree, field, extra):
    data = {"code": "5101040102", "name": "春熙新工会", "kind": K.GRASSROOTS, "region": "510104"}
    data |= {"parent": tree.street.code} | extra
    raises_on(field, lambda: services.create_union(tree.xian, data, confirm=True), tree.street)


def test_uscc_error_names_the_forbidden_characters(tree):
    code = "I" + GOOD_USCC[1:5] + "O" + GOOD_USCC[6:-1] + "Z"
    [message] = raises_on(
        "uscc",
        lambda: make_union(tree.xian, "5101040102", "春熙新工会", tree.street, uscc=code),
    )
    assert "I" in message and "O" in message and "Z" in message


def test_founding_date_today_is_fine(tree):
    today = timezone.localdate()
    union = make_union(tree.xian, "5101040102", "春熙新工会", tree.street, founded_on=today)
    assert union.founded_on == today


@pytest.mark.parametrize(("code", "year"), [("512200", "1991"), ("500105", "2019")])
def test_retired_region_is_refused_and_says_so(tree, code, year):
    [message] = raises_on(
        "region",
        lambda: make_union(tree.xian, "5101040102", "春熙新工会", tree.street, region=code),
    )
    # The retirement year is named: the message differs from an unknown code's.
    assert code in message and year in message


def test_every_bad_field_is_reported_at_once(tree):
    data = {"code": "5101040101", "name": "工" * 101, "kind": "foo", "region": "999999"}
    data["parent"] = tree.sibling.code
    with nothing_written(), pytest.raises(ValidationError) as exc:
        services.create_union(tree.xian, data)
    assert {"code", "name", "kind", "region", "parent"} <= set(exc.value.message_dict)


def test_parent_outside_scope_is_a_field_error_without_a_leak(tree):
    [message] = raises_on(
        "parent", lambda: make_union(tree.xian, "5101050102", "青羊新工会", tree.sibling)
    )
    assert tree.sibling.name not in message


def test_parent_unknown_is_a_field_error(tree):
    data = {"code": "5101040102", "name": "春熙新工会", "kind": K.GRASSROOTS, "region": "510104"}
    raises_on("parent", lambda: services.create_union(tree.xian, data | {"parent": "NOPE"}))


def test_dissolved_union_cannot_be_a_parent(tree):
    services.dissolve_union(tree.xian, tree.grassroots, note="企业注销")
    [message] = raises_on(
        "parent", lambda: make_union(tree.xian, "5101040102", "春熙新工会", tree.grassroots)
    )
    assert tree.grassroots.name in message


def test_duplicate_name_under_the_same_parent_is_refused(tree):
    raises_on(
        "name",
        lambda: make_union(tree.xian, "5101040102", tree.grassroots.name, tree.street),
    )
    # Surrounding spaces do not make it a different name.
    raises_on(
        "name",
        lambda: make_union(tree.xian, "5101040102", f" {tree.grassroots.name} ", tree.street),
    )


def test_same_name_under_another_parent_is_fine(tree):
    union = make_union(tree.xian, "5101040102", tree.grassroots.name, tree.county)
    assert union.name == tree.grassroots.name
    assert union.parent == tree.county


def test_a_dissolved_siblings_name_may_be_reused(tree):
    services.dissolve_union(tree.xian, tree.grassroots, note="企业注销")
    union = make_union(tree.xian, "5101040102", tree.grassroots.name, tree.street)
    assert union.is_active
    assert TradeUnion.objects.filter(parent=tree.street, name=union.name).count() == 2


def test_uscc_checksum_failure_is_a_warning_to_confirm(tree):
    def create(confirm):
        return make_union(
            tree.xian, "5101040102", "春熙新工会", tree.street, uscc=BAD_CHECK_USCC, confirm=confirm
        )

    with nothing_written(), pytest.raises(NeedsConfirmation) as exc:
        create(confirm=False)
    assert [e.code for e in exc.value.error_dict["uscc"]] == ["confirm"]
    union = create(confirm=True)
    assert union.uscc == BAD_CHECK_USCC


def test_valid_uscc_is_stored_normalised(tree):
    typed = " " + GOOD_USCC.lower()[:9] + "\u3000" + GOOD_USCC.lower()[9:]
    union = make_union(tree.xian, "5101040102", "春熙新工会", tree.street, uscc=typed)
    union.refresh_from_db()
    assert union.uscc == GOOD_USCC


def test_read_only_user_cannot_create(tree):
    with nothing_written(), pytest.raises(PermissionDenied):
        make_union(tree.ro, "5101040102", "春熙新工会", tree.street)


# --- update -------------------------------------------------------------------------------


def test_update_records_before_and_after_in_displayed_values(tree):
    services.update_union(
        tree.xian,
        tree.street,
        {"name": "锦江区春熙路街道总工会", "kind": K.JOINT, "region": "510104"},
        note="更名",
    )
    tree.street.refresh_from_db()
    assert tree.street.name == "锦江区春熙路街道总工会"
    assert tree.street.kind == K.JOINT
    update = [e for e in events(tree.street) if e.action == AuditEvent.Action.UPDATE]
    assert len(update) == 1
    assert update[0].actor == tree.xian
    assert update[0].note == "更名"
    assert update[0].changes == {
        "name": ["锦江区春熙路街道工会", "锦江区春熙路街道总工会"],
        "kind": ["township", "joint"],
        "region": ["四川省 成都市 锦江区 春熙路街道", "四川省 成都市 锦江区"],
    }


def test_update_without_changes_writes_no_event(tree):
    before = AuditEvent.objects.count()
    services.update_union(tree.xian, tree.street, {"name": tree.street.name})
    assert AuditEvent.objects.count() == before


def test_update_refuses_a_new_parent_but_accepts_the_current_one(tree):
    raises_on(
        "parent",
        lambda: services.update_union(tree.xian, tree.grassroots, {"parent": tree.county.code}),
        tree.grassroots,
    )
    services.update_union(tree.xian, tree.grassroots, {"parent": tree.street.code, "chair": "王芳"})
    tree.grassroots.refresh_from_db()
    assert (tree.grassroots.parent, tree.grassroots.chair) == (tree.street, "王芳")


def test_update_refuses_a_siblings_name(tree):
    make_union(tree.xian, "5101040102", "春熙乙工会", tree.street)
    raises_on(
        "name",
        lambda: services.update_union(tree.xian, tree.grassroots, {"name": "春熙乙工会"}),
        tree.grassroots,
    )


def test_update_refuses_another_unions_code_but_keeps_its_own(tree):
    raises_on(
        "code",
        lambda: services.update_union(tree.xian, tree.grassroots, {"code": tree.street.code}),
        tree.grassroots,
    )
    services.update_union(tree.xian, tree.grassroots, {"code": tree.grassroots.code})


def test_update_refuses_future_founding_date(tree):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    raises_on(
        "founded_on",
        lambda: services.update_union(tree.xian, tree.grassroots, {"founded_on": tomorrow}),
        tree.grassroots,
    )


def test_unchanged_unconfirmed_uscc_needs_no_second_confirmation(tree):
    services.update_union(tree.xian, tree.grassroots, {"uscc": BAD_CHECK_USCC}, confirm=True)
    # Editing the chair while the (already confirmed) code is resent unchanged goes through.
    services.update_union(tree.xian, tree.grassroots, {"uscc": BAD_CHECK_USCC, "chair": "王芳"})
    tree.grassroots.refresh_from_db()
    assert tree.grassroots.chair == "王芳"
    # A new failing code does need confirming again.
    other_bad = BAD_CHECK_USCC[:-1] + ("3" if BAD_CHECK_USCC[-1] != "3" else "4")
    assert stdnum_uscc.calc_check_digit(other_bad) != other_bad[-1]
    with nothing_written(tree.grassroots), pytest.raises(NeedsConfirmation):
        services.update_union(tree.xian, tree.grassroots, {"uscc": other_bad})


def test_update_out_of_scope_is_not_found(tree):
    with nothing_written(tree.sibling), pytest.raises(Http404):
        services.update_union(tree.xian, tree.sibling, {"name": "改名"})


def test_read_only_user_cannot_update(tree):
    with nothing_written(tree.street), pytest.raises(PermissionDenied):
        services.update_union(tree.ro, tree.street, {"name": "改名"})


def test_own_root_union_fields_may_be_edited(tree):
    services.update_union(tree.xian, tree.county, {"chair": "李明"})
    tree.county.refresh_from_db()
    assert tree.county.chair == "李明"


# --- move ---------------------------------------------------------------------------------


def test_move_rewrites_the_whole_subtree(tree, root_admin):
    leaf = make_union(root_admin, "5101040199", "春熙小组工会", tree.grassroots)
    before = AuditEvent.objects.count()
    services.move_union(root_admin, tree.street, tree.sibling.code, note="区划调整")
    for u in (tree.street, tree.grassroots, leaf):
        u.refresh_from_db()
    assert tree.street.parent == tree.sibling
    assert tree.street.path == f"{tree.sibling.path}{tree.street.pk}/"
    assert tree.grassroots.path == f"{tree.street.path}{tree.grassroots.pk}/"
    assert leaf.path == f"{tree.grassroots.path}{leaf.pk}/"
    # Only the moved union gets an event; everything else keeps its place.
    assert AuditEvent.objects.count() == before + 1
    [event] = [e for e in events(tree.street) if e.action == AuditEvent.Action.MOVE]
    assert event.actor == root_admin
    assert event.changes == {"parent": [tree.county.name, tree.sibling.name]}
    assert event.note == "区划调整"
    tree.county.refresh_from_db()
    assert tree.county.path == f"{tree.city.path}{tree.county.pk}/"


def test_moved_out_subtree_leaves_the_old_branchs_scope(tree, root_admin):
    services.move_union(root_admin, tree.street, tree.sibling.code)
    xian_sees = set(TradeUnion.objects.visible_to(tree.xian).values_list("code", flat=True))
    assert xian_sees == {tree.county.code}
    other_sees = set(TradeUnion.objects.visible_to(tree.other).values_list("code", flat=True))
    assert {tree.street.code, tree.grassroots.code} <= other_sees
    # The grassroots user's own scope follows their union.
    tree.jiceng.refresh_from_db()
    assert TradeUnion.objects.visible_to(tree.jiceng).get() == tree.grassroots


def test_move_within_scope(tree):
    services.move_union(tree.xian, tree.grassroots, tree.county.code)
    tree.grassroots.refresh_from_db()
    assert tree.grassroots.parent == tree.county
    assert tree.grassroots.path == f"{tree.county.path}{tree.grassroots.pk}/"


def test_move_under_itself_is_refused(tree, root_admin):
    raises_on(
        "parent",
        lambda: services.move_union(root_admin, tree.street, tree.street.code),
        tree.street,
        tree.grassroots,
    )


def test_move_under_a_descendant_is_refused(tree, root_admin):
    raises_on(
        "parent",
        lambda: services.move_union(root_admin, tree.county, tree.grassroots.code),
        tree.county,
        tree.street,
        tree.grassroots,
    )


def test_move_to_the_current_parent_is_refused(tree):
    raises_on(
        "parent",
        lambda: services.move_union(tree.xian, tree.grassroots, tree.street.code),
        tree.grassroots,
    )


def test_move_out_of_scope_target_is_a_field_error(tree):
    message = raises_on(
        "parent",
        lambda: services.move_union(tree.xian, tree.grassroots, tree.sibling.code),
        tree.grassroots,
    )
    assert tree.sibling.name not in " ".join(message)


def test_move_into_a_dissolved_union_is_refused(tree, root_admin):
    services.dissolve_union(root_admin, tree.sibling_grassroots, note="企业注销")
    raises_on(
        "parent",
        lambda: services.move_union(root_admin, tree.grassroots, tree.sibling_grassroots.code),
        tree.grassroots,
    )


def test_move_into_a_parent_with_a_same_named_child_is_refused(tree, root_admin):
    make_union(root_admin, "5101050102", tree.grassroots.name, tree.sibling, region="510105")
    raises_on(
        "name",
        lambda: services.move_union(root_admin, tree.grassroots, tree.sibling.code),
        tree.grassroots,
    )


def test_own_root_union_cannot_be_moved_merged_or_dissolved(tree):
    for call in (
        lambda: services.move_union(tree.xian, tree.county, tree.county.code),
        lambda: services.merge_union(tree.xian, tree.county, tree.street.code),
        lambda: services.dissolve_union(tree.xian, tree.county, note="撤销"),
    ):
        with nothing_written(tree.county, tree.street), pytest.raises(ValidationError):
            call()


def test_grassroots_user_cannot_dissolve_their_own_union(tree):
    with nothing_written(tree.grassroots), pytest.raises(ValidationError):
        services.dissolve_union(tree.jiceng, tree.grassroots, note="撤销")


def test_restructuring_out_of_scope_is_not_found(tree):
    for call in (
        lambda: services.move_union(tree.xian, tree.sibling_grassroots, tree.street.code),
        lambda: services.merge_union(tree.xian, tree.sibling_grassroots, tree.grassroots.code),
        lambda: services.dissolve_union(tree.xian, tree.sibling_grassroots, note="撤销"),
    ):
        with nothing_written(tree.sibling_grassroots), pytest.raises(Http404):
            call()


def test_read_only_user_cannot_restructure(tree):
    for call in (
        lambda: services.move_union(tree.ro, tree.grassroots, tree.county.code),
        lambda: services.merge_union(tree.ro, tree.grassroots, tree.street.code),
        lambda: services.dissolve_union(tree.ro, tree.grassroots, note="撤销"),
    ):
        with nothing_written(tree.grassroots), pytest.raises(PermissionDenied):
            call()


# --- merge --------------------------------------------------------------------------------


def test_merge_hands_everything_to_the_successor(tree, root_admin):
    leaf = make_union(root_admin, "5101040199", "春熙小组工会", tree.grassroots)
    covered = make_employer(root_admin, "春熙百货", tree.street, tree.grassroots)
    local = make_employer(root_admin, "春熙文具店", tree.county, tree.street)
    untouched = make_employer(root_admin, "锦江饭店", tree.county, tree.county)
    before = AuditEvent.objects.count()

    services.merge_union(root_admin, tree.street, tree.sibling.code, note="街道撤并")

    for obj in (tree.street, tree.grassroots, leaf, covered, local, untouched):
        obj.refresh_from_db()
    assert tree.street.status == S.MERGED
    assert tree.street.successor == tree.sibling
    assert tree.street.ended_on == timezone.localdate()
    assert tree.street.path == f"{tree.county.path}{tree.street.pk}/"  # it stays where it was
    assert tree.grassroots.parent == tree.sibling
    assert tree.grassroots.path == f"{tree.sibling.path}{tree.grassroots.pk}/"
    assert leaf.path == f"{tree.grassroots.path}{leaf.pk}/"
    assert covered.local_union == tree.sibling
    assert covered.covering_union == tree.grassroots
    assert local.covering_union == tree.sibling
    assert local.local_union == tree.county
    assert (untouched.local_union, untouched.covering_union) == (tree.county, tree.county)

    assert AuditEvent.objects.count() == before + 2
    [merge] = [e for e in events(tree.street) if e.action == AuditEvent.Action.MERGE]
    assert merge.actor == root_admin
    assert merge.note == "街道撤并"
    assert merge.changes["status"] == ["active", "merged"]
    assert merge.changes["successor"] == ["", tree.sibling.name]
    assert merge.changes["ended_on"] == ["", timezone.localdate().isoformat()]
    [absorb] = [e for e in events(tree.sibling) if e.action == AuditEvent.Action.ABSORB]
    assert absorb.actor == root_admin
    assert tree.street.code in absorb.note


def test_merge_with_an_explicit_end_date(tree, root_admin):
    day = datetime.date(2024, 12, 31)
    services.merge_union(root_admin, tree.grassroots, tree.sibling_grassroots.code, ended_on=day)
    tree.grassroots.refresh_from_db()
    assert tree.grassroots.ended_on == day


def test_merge_into_itself_is_refused(tree):
    raises_on(
        "successor",
        lambda: services.merge_union(tree.xian, tree.street, tree.street.code),
        tree.street,
        tree.grassroots,
    )


def test_merge_into_a_descendant_is_refused(tree):
    raises_on(
        "successor",
        lambda: services.merge_union(tree.xian, tree.street, tree.grassroots.code),
        tree.street,
        tree.grassroots,
    )


def test_merge_needs_a_successor(tree):
    raises_on("successor", lambda: services.merge_union(tree.xian, tree.street, ""), tree.street)


def test_merge_into_an_out_of_scope_union_is_a_field_error(tree):
    message = raises_on(
        "successor",
        lambda: services.merge_union(tree.xian, tree.grassroots, tree.sibling_grassroots.code),
        tree.grassroots,
        tree.sibling_grassroots,
    )
    assert tree.sibling_grassroots.name not in " ".join(message)


def test_merge_into_a_merged_union_is_refused(tree, root_admin):
    other = make_union(root_admin, "5101040102", "春熙乙工会", tree.street)
    services.merge_union(root_admin, other, tree.grassroots.code)
    third = make_union(root_admin, "5101040103", "春熙丙工会", tree.street)
    raises_on(
        "successor", lambda: services.merge_union(root_admin, third, other.code), third, other
    )


def test_a_merged_union_cannot_be_merged_again(tree, root_admin):
    services.merge_union(root_admin, tree.grassroots, tree.sibling_grassroots.code)
    with nothing_written(tree.grassroots), pytest.raises(ValidationError):
        services.merge_union(root_admin, tree.grassroots, tree.street.code)
    with nothing_written(tree.grassroots), pytest.raises(ValidationError):
        services.move_union(root_admin, tree.grassroots, tree.county.code)


def test_merge_refuses_when_a_child_name_clashes_under_the_successor(tree, root_admin):
    make_union(root_admin, "5101050100", tree.street.name, tree.sibling, K.TOWNSHIP, "510105")
    [message] = raises_on(
        "successor",
        lambda: services.merge_union(root_admin, tree.county, tree.sibling.code),
        tree.county,
        tree.street,
        tree.grassroots,
    )
    assert tree.street.name in message
    # Dissolving with that successor is refused alike.
    raises_on(
        "successor",
        lambda: services.dissolve_union(
            root_admin, tree.county, successor=tree.sibling.code, note="撤销"
        ),
        tree.county,
        tree.street,
    )


@pytest.mark.parametrize("how", ["merge", "dissolve"])
def test_end_date_cannot_be_in_the_future(tree, how):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    if how == "merge":
        call = lambda: services.merge_union(  # noqa: E731
            tree.xian, tree.grassroots, tree.street.code, ended_on=tomorrow
        )
    else:
        call = lambda: services.dissolve_union(  # noqa: E731
            tree.xian, tree.grassroots, ended_on=tomorrow, note="撤销"
        )
    raises_on("ended_on", call, tree.grassroots)


# --- dissolve -----------------------------------------------------------------------------


def test_dissolve_a_leaf(tree):
    before = AuditEvent.objects.count()
    services.dissolve_union(tree.xian, tree.grassroots, note="  企业注销 ")
    tree.grassroots.refresh_from_db()
    assert tree.grassroots.status == S.DISSOLVED
    assert tree.grassroots.successor is None
    assert tree.grassroots.ended_on == timezone.localdate()
    assert AuditEvent.objects.count() == before + 1
    [event] = [e for e in events(tree.grassroots) if e.action == AuditEvent.Action.DISSOLVE]
    assert event.actor == tree.xian
    assert event.note == "企业注销"
    assert event.changes["status"] == ["active", "dissolved"]


def test_dissolve_needs_a_reason(tree):
    raises_on("note", lambda: services.dissolve_union(tree.xian, tree.grassroots), tree.grassroots)
    raises_on(
        "note",
        lambda: services.dissolve_union(tree.xian, tree.grassroots, note=" \u3000 "),
        tree.grassroots,
    )


def test_dissolve_with_active_children_needs_a_successor(tree):
    [message] = raises_on(
        "successor",
        lambda: services.dissolve_union(tree.xian, tree.street, note="撤销"),
        tree.street,
        tree.grassroots,
    )
    assert tree.street.name in message


def test_dissolve_with_only_closed_children_needs_no_successor(tree):
    services.dissolve_union(tree.xian, tree.grassroots, note="企业注销")
    services.dissolve_union(tree.xian, tree.street, note="撤销")
    tree.street.refresh_from_db()
    assert tree.street.status == S.DISSOLVED


def test_dissolve_with_a_successor_hands_over_children(tree, root_admin):
    services.dissolve_union(root_admin, tree.street, successor=tree.sibling.code, note="撤销")
    tree.grassroots.refresh_from_db()
    tree.street.refresh_from_db()
    assert tree.street.status == S.DISSOLVED
    assert tree.street.successor == tree.sibling
    assert tree.grassroots.parent == tree.sibling
    assert tree.grassroots.path == f"{tree.sibling.path}{tree.grassroots.pk}/"


def test_dissolve_into_a_descendant_is_refused(tree):
    raises_on(
        "successor",
        lambda: services.dissolve_union(
            tree.xian, tree.street, successor=tree.grassroots.code, note="撤销"
        ),
        tree.street,
    )


def test_dissolved_union_cannot_be_edited_into_anything(tree):
    services.dissolve_union(tree.xian, tree.grassroots, note="企业注销")
    with nothing_written(tree.grassroots), pytest.raises(ValidationError) as exc:
        services.dissolve_union(tree.xian, tree.grassroots, note="再撤销")
    assert "status" in exc.value.message_dict


# --- timeline -----------------------------------------------------------------------------


def test_timeline_shows_labels_for_stored_values(tree):
    services.update_union(tree.xian, tree.street, {"kind": K.JOINT, "chair": "王芳"})
    services.dissolve_union(tree.xian, tree.grassroots, note="企业注销")
    [update, create] = timeline(tree.street)
    assert (update.action, create.action) == ("update", "create")
    rows = {label: (before, after) for label, before, after in update.change_rows}
    kind_label = str(TradeUnion._meta.get_field("kind").verbose_name)
    chair_label = str(TradeUnion._meta.get_field("chair").verbose_name)
    assert rows[kind_label] == (str(K.TOWNSHIP.label), str(K.JOINT.label))
    assert rows[chair_label] == ("", "王芳")
    [dissolve, _] = timeline(tree.grassroots)
    status_label = str(TradeUnion._meta.get_field("status").verbose_name)
    rows = {label: (before, after) for label, before, after in dissolve.change_rows}
    assert rows[status_label] == (str(S.ACTIVE.label), str(S.DISSOLVED.label))


# --- edge cases of closing a union --------------------------------------------------------


def test_merge_into_the_parent_when_a_child_shares_the_merged_unions_name(tree, root_admin):
    # 锦江区春熙路街道工会 has a subordinate of the same name; merged into 锦江区总工会,
    # the subordinate takes the place of the (now merged, inactive) street union.
    child = make_union(root_admin, "5101040199", tree.street.name, tree.street, K.GRASSROOTS)
    services.merge_union(root_admin, tree.street, tree.county.code)
    child.refresh_from_db()
    tree.street.refresh_from_db()
    assert tree.street.status == S.MERGED
    assert child.parent == tree.county
    assert child.path == f"{tree.county.path}{child.pk}/"


def test_end_date_cannot_precede_the_founding_date(tree):
    services.update_union(tree.xian, tree.grassroots, {"founded_on": datetime.date(2020, 5, 1)})
    raises_on(
        "ended_on",
        lambda: services.dissolve_union(
            tree.xian, tree.grassroots, ended_on=datetime.date(2019, 12, 31), note="撤销"
        ),
        tree.grassroots,
    )


def test_update_does_not_change_the_callers_data(tree):
    data = {"parent": tree.street.code, "chair": "王芳"}
    services.update_union(tree.xian, tree.grassroots, data)
    assert data == {"parent": tree.street.code, "chair": "王芳"}
