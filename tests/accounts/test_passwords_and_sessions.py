"""Password rules, the first-login change, one's own password change, session limits."""

import time

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client

from gonghui.accounts import middleware
from gonghui.accounts.models import User
from gonghui.core.models import AuditEvent

pytestmark = pytest.mark.django_db
GOOD = "Chunxi-2026-road"


def change(client, old, new, **extra):
    data = {"old_password": old, "new_password": new, "new_password_again": new, **extra}
    return client.post("/account/password/", data)


def messages(password, user=None):
    try:
        validate_password(password, user)
    except ValidationError as e:
        return e.messages
    return []


@pytest.mark.parametrize(
    "password",
    [
        "abcabcab",  # short, one kind
        "abcdefghijkl",  # long enough, one kind
        "abcdefgh12",  # two kinds
        "Password123",  # three kinds, but common
        "1234567890123",  # digits only
    ],
)
def test_weak_passwords_are_refused_in_chinese(password):
    found = messages(password)
    assert found, password
    assert all(any("\u4e00" <= c <= "\u9fff" for c in m) for m in found), found


def test_a_password_like_the_user_name_is_refused(tree):
    user = User(username="chunxilu2026", last_name="李")
    assert messages("Chunxilu2026", user)


def test_good_passwords_pass():
    assert messages(GOOD) == []
    assert messages("春熙路工会2026年x") == []  # Chinese characters count as "other"


def test_administrator_created_user_changes_password_first(tree):
    c = Client()
    c.force_login(tree.xian_admin)
    c.post(
        "/users/new/",
        {
            "username": "neu",
            "union": tree.county.code,
            "role": "staff",
            "password": GOOD,
            "is_active": "on",
        },
    )
    user = User.objects.get(username="neu")
    assert user.must_change_password
    c = Client()
    c.force_login(user)
    for url in ("/", "/members/", "/api/v1/unions/"):
        response = c.get(url)
        assert response.status_code in (302, 403), url
    assert c.get("/").url.startswith("/account/password/?next=")
    assert c.get("/api/v1/unions/").json()["code"] == "password_change_required"
    # A weak new password is refused, naming the field.
    page = change(c, GOOD, "abcabcab")
    assert page.status_code == 200
    assert page.context["form"].errors["new_password"]
    response = change(c, GOOD, "Mine-2026-own", next="/members/")
    assert response.status_code == 302 and response.url == "/members/"
    user.refresh_from_db()
    assert user.check_password("Mine-2026-own") and not user.must_change_password
    assert c.get("/").status_code == 200  # still logged in, free to go on
    assert AuditEvent.objects.for_object(user).filter(actor=user, note="本人修改了密码。").exists()


def test_own_password_change_from_the_header(tree):
    tree.jiceng.set_password(GOOD)
    tree.jiceng.save()
    c = Client()
    c.force_login(tree.jiceng)
    assert 'href="/account/password/"' in c.get("/").content.decode()
    wrong = change(c, "nope", "Mine-2026-own")
    assert wrong.context["form"].errors["old_password"]
    change(c, GOOD, "Mine-2026-own")
    tree.jiceng.refresh_from_db()
    assert tree.jiceng.check_password("Mine-2026-own")


def test_reset_by_an_administrator_asks_for_a_change(tree):
    c = Client()
    c.force_login(tree.xian_admin)
    c.post(f"/users/{tree.ro.pk}/", {"pw-password": GOOD})
    tree.ro.refresh_from_db()
    assert tree.ro.must_change_password


def age_session(client, **seconds):
    session = client.session
    for key, ago in seconds.items():
        session[getattr(middleware, key)] = time.time() - ago
    session.save()


def test_idle_session_ends_after_30_minutes(tree, settings):
    assert settings.GONGHUI_SESSION_IDLE_MINUTES == 30
    c = Client()
    c.force_login(tree.jiceng)
    assert c.get("/").status_code == 200
    age_session(c, SEEN=29 * 60)
    assert c.get("/").status_code == 200  # 29 idle minutes: still on, and the clock restarts
    age_session(c, SEEN=31 * 60)
    response = c.get("/members/")
    assert response.status_code == 302 and response.url.startswith("/login/")
    assert c.get("/").status_code == 302  # logged out for good
    assert AuditEvent.objects.filter(action="logout", actor=tree.jiceng).exists()


def test_session_ends_after_the_absolute_limit_however_busy(tree, settings):
    assert settings.GONGHUI_SESSION_MAX_HOURS == 12
    c = Client()
    c.force_login(tree.jiceng)
    age_session(c, STARTED=12 * 3600 + 60)  # seen a second ago, logged in 12 hours ago
    response = c.get("/api/v1/unions/")
    assert response.status_code == 401
    assert response.json()["code"] == "session_expired"


def test_idle_limit_follows_its_setting(tree, settings):
    settings.GONGHUI_SESSION_IDLE_MINUTES = 5
    c = Client()
    c.force_login(tree.jiceng)
    age_session(c, SEEN=6 * 60)
    assert c.get("/").status_code == 302
