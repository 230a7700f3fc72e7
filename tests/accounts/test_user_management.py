"""Union administrators manage the accounts of their subtree through the web pages."""

import pytest
from django.test import Client

from gonghui.accounts.models import User
from gonghui.core.models import AuditEvent

GOOD = "Chunxi-2026-road"


def client_for(user):
    c = Client()
    c.force_login(user)
    return c


def new_user(**extra):
    return {"username": "chunxi_staff", "last_name": "李", "first_name": "娜",
            "union": "5101040101", "role": "staff", "is_active": "on", "password": GOOD,
            **extra}  # fmt: skip


@pytest.mark.django_db
def test_union_admin_creates_a_staff_user_in_the_subtree(tree):
    response = client_for(tree.xian_admin).post("/users/new/", new_user())
    assert response.status_code == 302
    user = User.objects.get(username="chunxi_staff")
    assert user.union == tree.grassroots and user.role == "staff"
    assert user.check_password(GOOD)
    event = AuditEvent.objects.for_object(user).get()
    assert event.actor == tree.xian_admin and event.changes["role"] == ["", "staff"]
    # The new account first changes the password its administrator knows...
    c = client_for(user)
    assert user.must_change_password
    assert c.get("/")["Location"].startswith("/account/password/")
    response = c.post(
        "/account/password/",
        {
            "old_password": GOOD,
            "new_password": "Mine-2026-own",
            "new_password_again": "Mine-2026-own",
        },
    )
    assert response.status_code == 302
    # ... then works: it sees its own union and nothing above it.
    page = c.get("/").content.decode()
    assert "成都春熙百货有限公司工会" in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("union", "5101050101"),  # the sibling branch's union
        ("union", "5101000000"),  # the level above
        ("role", "platform_admin"),
        ("password", "123"),
        ("username", "xian"),  # taken
    ],
)
def test_bad_accounts_are_refused_with_the_field_named(tree, field, value):
    before = User.objects.count()
    response = client_for(tree.xian_admin).post("/users/new/", new_user(**{field: value}))
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors, form.errors
    if field in ("union", "username"):
        assert value in form.errors[field][0]  # the message says which value is wrong
    assert User.objects.count() == before


@pytest.mark.django_db
def test_staff_cannot_manage_users(tree):
    c = client_for(tree.xian)
    assert c.get("/users/").status_code == 403
    assert c.post("/users/new/", new_user()).status_code == 403
    assert not User.objects.filter(username="chunxi_staff").exists()


@pytest.mark.django_db
def test_admin_cannot_lock_themselves_out(tree):
    c = client_for(tree.xian_admin)
    response = c.post(
        f"/users/{tree.xian_admin.pk}/",
        {"username": "xian_admin", "union": "5101040000", "role": "read_only"},
    )
    assert "role" in response.context["form"].errors
    assert "is_active" in response.context["form"].errors
    tree.xian_admin.refresh_from_db()
    assert tree.xian_admin.role == "union_admin" and tree.xian_admin.is_active


@pytest.mark.django_db
def test_reveal_permission_is_granted_only_by_a_holder(tree, root_admin):
    data = {"username": "xian", "union": "5101040000", "role": "staff", "is_active": "on",
            "can_reveal_id_numbers": "on"}  # fmt: skip
    response = client_for(tree.xian_admin).post(f"/users/{tree.xian.pk}/", data)
    assert "can_reveal_id_numbers" in response.context["form"].errors
    assert not User.objects.get(pk=tree.xian.pk).has_perm("accounts.reveal_id_number")

    response = client_for(root_admin).post(f"/users/{tree.xian.pk}/", data)
    assert response.status_code == 302
    assert User.objects.get(pk=tree.xian.pk).has_perm("accounts.reveal_id_number")
    event = AuditEvent.objects.for_object(tree.xian).latest("id")
    assert event.changes["can_reveal_id_numbers"] == ["False", "True"]


@pytest.mark.django_db
def test_password_reset_is_recorded(tree):
    c = client_for(tree.xian_admin)
    response = c.post(f"/users/{tree.xian.pk}/", {"pw-password": GOOD})
    assert response.status_code == 302
    tree.xian.refresh_from_db()
    assert tree.xian.check_password(GOOD)
    event = AuditEvent.objects.for_object(tree.xian).get()
    assert event.actor == tree.xian_admin and event.note and not event.changes
