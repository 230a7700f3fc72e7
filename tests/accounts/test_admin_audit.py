"""Every change made in /admin/ is an audit event with before and after; the audit trail
and the lockout records are read-only there, for superusers too; tokens are not shown."""

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.test import Client
from django.utils import timezone

from gonghui.accounts.models import User
from gonghui.core import audit
from gonghui.core.admin_site import AuditedAdmin
from gonghui.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("boss", password="x")


@pytest.fixture
def boss(superuser):
    c = Client()
    c.force_login(superuser)
    return c


def user_form(user, **changes):
    data = {
        "username": user.username, "last_name": user.last_name, "first_name": user.first_name,
        "email": user.email, "phone": user.phone, "union": user.union.code if user.union else "",
        "role": user.role, "is_active": "on" if user.is_active else "",
        "is_staff": "on" if user.is_staff else "",
        "is_superuser": "on" if user.is_superuser else "",
        "last_login_0": "", "last_login_1": "",
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
    }  # fmt: skip
    data |= changes
    return {k: v for k, v in data.items() if v != ""}


def test_every_registered_model_is_audited():
    assert admin.site._registry
    for model, model_admin in admin.site._registry.items():
        assert isinstance(model_admin, AuditedAdmin), model


def test_granting_superuser_is_audited_with_before_and_after(tree, boss, superuser):
    url = f"/admin/accounts/user/{tree.xian.pk}/change/"
    response = boss.post(url, user_form(tree.xian, is_superuser="on", union=tree.county.pk))
    assert response.status_code == 302, response.content.decode()[:3000]
    tree.xian.refresh_from_db()
    assert tree.xian.is_superuser
    event = AuditEvent.objects.for_object(tree.xian).get(actor=superuser)
    assert event.action == "update"
    assert event.changes["is_superuser"] == ["False", "True"]
    assert event.ip == "127.0.0.1" and event.via == "web"


def test_deleting_a_user_is_audited(tree, boss, superuser):
    pk = tree.ro.pk
    response = boss.post(f"/admin/accounts/user/{pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not User.objects.filter(pk=pk).exists()
    event = AuditEvent.objects.get(action="delete", object_id=pk, actor=superuser)
    assert event.changes["username"] == ["ro", ""]
    assert event.changes["role"] == ["read_only", ""]
    # The password's hash is not copied into the trail, only a fingerprint of it.
    assert event.changes["password"][0].startswith("#")
    assert "md5$" not in str(event.changes)


def test_bulk_delete_action_audits_each_record(tree, boss, superuser):
    pks = [tree.ro.pk, tree.jiceng.pk]
    response = boss.post(
        "/admin/accounts/user/",
        {"action": "delete_selected", "_selected_action": pks, "post": "yes"},
    )
    assert response.status_code == 302
    assert not User.objects.filter(pk__in=pks).exists()
    deleted = AuditEvent.objects.filter(action="delete", actor=superuser)
    assert set(deleted.values_list("object_id", flat=True)) == set(pks)


def test_adding_a_user_in_admin_is_audited_and_asks_for_a_new_password(tree, boss, superuser):
    response = boss.post(
        "/admin/accounts/user/add/",
        {"username": "neu", "password1": "Chunxi-2026-road", "password2": "Chunxi-2026-road",
         "union": tree.county.pk, "role": "staff", "usable_password": "true"},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:3000]
    user = User.objects.get(username="neu")
    assert user.must_change_password
    event = AuditEvent.objects.for_object(user).get(action="create")
    assert event.actor == superuser and event.changes["username"] == ["", "neu"]


@pytest.mark.parametrize("model", [AuditEvent, AccessAttempt, AccessFailureLog, AccessLog])
def test_audit_and_lockout_records_are_read_only_for_superusers(boss, model):
    obj = (
        audit.record(AuditEvent.Action.LOGIN, actor_name="x")
        if model is AuditEvent
        else model.objects.create(
            username="xian",
            ip_address="127.0.0.1",
            user_agent="t",
            attempt_time=timezone.now(),
            **({"failures_since_start": 5} if model is AccessAttempt else {}),
        )
    )
    base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
    assert boss.get(base).status_code == 200  # shown
    assert boss.post(f"{base}{obj.pk}/delete/", {"post": "yes"}).status_code == 403
    boss.post(base, {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"})
    assert model.objects.filter(pk=obj.pk).exists()
    assert boss.get(f"{base}add/").status_code == 403


def test_admin_token_list_shows_no_token(tree, boss, api):
    token = api.post(
        "/api/v1/auth/token/", {"username": "xian", "password": "x"}, format="json"
    ).json()["token"]
    page = boss.get("/admin/knox/authtoken/").content.decode()
    assert "xian" in page
    assert token not in page


def test_setting_a_password_in_admin_is_audited(tree, boss, superuser):
    before = tree.xian.password
    response = boss.post(
        f"/admin/accounts/user/{tree.xian.pk}/password/",
        {
            "password1": "Chunxi-2026-road",
            "password2": "Chunxi-2026-road",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    tree.xian.refresh_from_db()
    assert tree.xian.password != before and tree.xian.must_change_password
    event = AuditEvent.objects.for_object(tree.xian).get(actor=superuser)
    old, new = event.changes["password"]
    assert old != new and old.startswith("#") and new.startswith("#")
