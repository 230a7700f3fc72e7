"""Data scope (visible_to, require_visible, require_editor) and the audit helpers."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from gonghui.accounts.models import User
from gonghui.core import audit
from gonghui.core.context import current, request_context
from gonghui.core.models import AuditEvent
from gonghui.core.scope import (
    ALL,
    OutOfScope,
    require_editor,
    require_visible,
    scope_path,
)
from gonghui.unions.models import TradeUnion


def visible_codes(user):
    return set(TradeUnion.objects.visible_to(user).values_list("code", flat=True))


# --- scope --------------------------------------------------------------------------------


def test_scope_path(tree, root_admin):
    assert scope_path(root_admin) == ALL
    assert scope_path(tree.xian) == tree.county.path
    assert scope_path(tree.jiceng) == tree.grassroots.path
    assert scope_path(None) is None
    assert scope_path(AnonymousUser()) is None
    tree.xian.is_active = False
    assert scope_path(tree.xian) is None


def test_each_user_sees_their_subtree(tree, root_admin):
    everything = set(TradeUnion.objects.values_list("code", flat=True))
    assert visible_codes(root_admin) == everything
    assert visible_codes(tree.sheng) == everything
    assert visible_codes(tree.xian) == {tree.county.code, tree.street.code, tree.grassroots.code}
    assert visible_codes(tree.ro) == visible_codes(tree.xian)
    assert visible_codes(tree.jiceng) == {tree.grassroots.code}
    assert visible_codes(tree.other) == {tree.sibling.code, tree.sibling_grassroots.code}
    assert visible_codes(AnonymousUser()) == set()


def test_prefix_scope_does_not_catch_ids_sharing_leading_digits(tree, root_admin):
    # A union at "/57/" must not see one at "/570/": the trailing slash is part of the prefix.
    lookalike = TradeUnion.objects.create(
        code="X0001", name="外省工会", kind="federation", region_id="500000", path="/"
    )
    TradeUnion.objects.filter(pk=lookalike.pk).update(path=f"{tree.province.path[:-1]}0/")
    assert lookalike.pk not in set(
        TradeUnion.objects.in_subtree(tree.province.path).values_list("pk", flat=True)
    )
    assert lookalike.code not in visible_codes(tree.sheng)
    assert lookalike.code in visible_codes(root_admin)


def test_users_are_scoped_too(tree, root_admin):
    names = set(User.objects.visible_to(tree.xian).values_list("username", flat=True))
    assert {"xian", "ro", "jiceng"} <= names
    assert not names & {"root", "sheng", "other"}
    assert "root" in set(User.objects.visible_to(root_admin).values_list("username", flat=True))


def test_require_visible(tree):
    assert require_visible(tree.xian, tree.grassroots) == tree.grassroots
    with pytest.raises(OutOfScope):
        require_visible(tree.xian, tree.sibling)
    with pytest.raises(Http404):  # answered as 404, never 403
        require_visible(tree.xian, tree.city)
    with pytest.raises(OutOfScope):
        require_visible(tree.xian, None)
    assert issubclass(OutOfScope, Http404)


def test_require_editor(tree, root_admin):
    require_editor(tree.xian)
    require_editor(root_admin)
    with pytest.raises(PermissionDenied):
        require_editor(tree.ro)
    with pytest.raises(PermissionDenied):
        require_editor(AnonymousUser())
    tree.xian.is_active = False
    with pytest.raises(PermissionDenied):
        require_editor(tree.xian)


def test_roles(tree, root_admin):
    assert root_admin.is_platform_admin and root_admin.can_manage_users
    assert tree.sheng.can_manage_users and tree.sheng.can_edit
    assert tree.xian.can_edit and not tree.xian.can_manage_users
    assert not tree.ro.can_edit


# --- audit ----------------------------------------------------------------------------------


def test_display():
    assert audit.display(None) == ""
    assert audit.display(datetime.date(2024, 2, 29)) == "2024-02-29"
    assert audit.display(7) == "7"
    assert audit.display("工会") == "工会"


def test_snapshot_keeps_stored_choice_values_and_names_relations(tree):
    snap = audit.snapshot(tree.street, ("kind", "status", "parent", "region", "founded_on"))
    assert snap == {
        "kind": "township",
        "status": "active",
        "parent": "锦江区总工会",
        "region": "四川省 成都市 锦江区 春熙路街道",
        "founded_on": "",
    }


def test_diff_lists_changed_fields_only():
    before = {"name": "甲", "chair": "", "kind": "joint"}
    after = {"name": "乙", "chair": "", "kind": "joint", "address": "路"}
    assert audit.diff(before, after) == {"name": ["甲", "乙"], "address": ["", "路"]}
    assert audit.diff(after, after) == {}


def test_record_outside_a_request_is_a_system_event(tree):
    event = audit.record(AuditEvent.Action.UPDATE, tree.street, actor=tree.xian, note="n")
    assert (event.request_id, event.via, event.ip) == ("", "system", None)
    assert event.actor == tree.xian and event.actor_name == "xian"
    assert event.object_repr == tree.street.name
    assert AuditEvent.objects.for_object(tree.street).first() == event


def test_record_inside_a_request_context(tree):
    with request_context(ip="10.0.0.7", via="api") as ctx:
        assert current() is ctx
        event = audit.record(AuditEvent.Action.LOGIN_FAILED, actor_name="nobody")
    assert event.request_id == ctx.request_id and len(ctx.request_id) == 32
    assert (event.ip, event.via, event.actor, event.actor_name) == (
        "10.0.0.7",
        "api",
        None,
        "nobody",
    )
    assert event.content_type is None and event.object_id is None
    assert current().via == "system"  # the context ends with the block


def test_request_id_header_matches_events_of_that_request(tree, api_as):
    response = api_as(tree.xian).patch(
        f"/api/v1/unions/{tree.street.pk}/", {"chair": "王芳"}, format="json"
    )
    assert response.status_code == 200
    event = AuditEvent.objects.get(request_id=response["X-Request-ID"])
    assert (event.action, event.object_id, event.via) == ("update", tree.street.pk, "api")
