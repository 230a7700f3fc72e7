"""Signing in to the API: tokens, the current user, lockout after failures, login auditing."""

from datetime import timedelta

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from knox.models import AuthToken
from rest_framework.test import APIClient

from gonghui.core.models import AuditEvent

TOKEN_URL = "/api/v1/auth/token/"
ME_URL = "/api/v1/auth/me/"


def token_for(client, username, password):
    return client.post(TOKEN_URL, {"username": username, "password": password}, format="json")


def failures(username):
    return AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN_FAILED, actor_name=username)


def assert_error_shape(response):
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    for e in body if isinstance(body, list) else [body]:
        assert set(e) == {"code", "field", "message"}, e
    return body


def test_token_for_right_credentials(tree, api):
    response = token_for(api, "xian", "x")
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {"token", "expiry"}
    # Kept as a hash only: the token itself is nowhere in the database, and is shown once.
    [stored] = AuthToken.objects.filter(user=tree.xian)
    assert body["token"] not in (stored.digest, stored.token_key)
    assert len(body["token"]) >= 64 and stored.digest != body["token"]
    # It expires: by default 12 hours from now.
    expiry = parse_datetime(body["expiry"])
    assert timedelta(hours=11) < expiry - timezone.now() <= timedelta(hours=12)
    # A second request gets a new token, not the first one again.
    assert token_for(api, "xian", "x").json()["token"] != body["token"]


def test_token_can_be_posted_as_a_form(tree, api):
    response = api.post(TOKEN_URL, {"username": "xian", "password": "x"})
    assert response.status_code == 200
    assert response.json()["token"]


def test_wrong_password_is_a_json_error_and_audited(tree, api):
    response = token_for(api, "xian", "wrong")
    assert response.status_code == 400
    body = assert_error_shape(response)
    assert "token" not in body
    assert not AuthToken.objects.filter(user=tree.xian).exists()
    [event] = failures("xian")
    assert event.actor is None
    assert event.ip == "127.0.0.1"
    assert event.via == "api"
    assert event.request_id == response["X-Request-ID"]
    assert "wrong" not in str(event.changes) + event.note  # no password in the trail


def test_unknown_user_failure_is_audited_by_name(db, api):
    response = token_for(api, "nobody", "x")
    assert response.status_code == 400
    assert failures("nobody").count() == 1


def test_missing_password_names_the_field(tree, api):
    response = api.post(TOKEN_URL, {"username": "xian"}, format="json")
    assert response.status_code == 400
    body = assert_error_shape(response)
    assert body["field"] == "password"


def test_inactive_user_gets_no_token(tree, api):
    tree.xian.is_active = False
    tree.xian.save()
    assert token_for(api, "xian", "x").status_code == 400
    assert not AuthToken.objects.filter(user=tree.xian).exists()


def test_five_failures_lock_the_account(tree, api):
    for _ in range(4):
        assert token_for(api, "xian", "wrong").status_code == 400
    assert token_for(api, "xian", "wrong").status_code in (400, 429)  # the fifth locks
    assert failures("xian").count() == 5
    response = token_for(api, "xian", "x")  # the right password, too late
    assert response.status_code in (400, 403, 429)
    assert "token" not in response.json()
    assert_error_shape(response)
    assert not AuthToken.objects.filter(user=tree.xian).exists()
    # Another account from the same address is not affected.
    assert token_for(api, "ro", "x").status_code == 200


def test_four_failures_do_not_lock(tree, api):
    for _ in range(4):
        token_for(api, "xian", "wrong")
    assert token_for(api, "xian", "x").status_code == 200


def test_locked_out_api_login_says_so(tree, api):
    for _ in range(5):
        token_for(api, "xian", "wrong")
    response = token_for(api, "xian", "x")
    assert response.status_code == 429
    body = assert_error_shape(response)
    assert (body["code"], body["field"]) == ("locked_out", "username")
    assert "token" not in body


def test_me_with_a_token(tree, db):
    client = APIClient()
    key = token_for(client, "xian", "x").json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = client.get(ME_URL)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["username"] == "xian"
    assert body["role"] == "staff"
    assert body["can_edit"] is True
    assert body["can_reveal_id_numbers"] is False
    assert body["union"] == {"id": tree.county.pk, "code": tree.county.code, "name": "锦江区总工会"}
    # The token carries the user's scope to the other endpoints.
    listed = client.get("/api/v1/unions/").json()["results"]
    assert {u["code"] for u in listed} == {
        tree.county.code,
        tree.street.code,
        tree.grassroots.code,
    }


def test_me_for_read_only_and_platform_admin(tree, root_admin, api_as):
    body = api_as(tree.ro).get(ME_URL).json()
    assert (body["role"], body["can_edit"]) == ("read_only", False)
    body = api_as(root_admin).get(ME_URL).json()
    assert (body["role"], body["union"]) == ("platform_admin", None)


def test_me_without_or_with_a_bad_token_is_401(tree, api):
    response = api.get(ME_URL)
    assert response.status_code == 401
    assert assert_error_shape(response)["code"] == "not_authenticated"
    api.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")
    response = api.get(ME_URL)
    assert response.status_code == 401
    assert assert_error_shape(response)["code"] == "authentication_failed"


def test_token_of_a_deactivated_user_stops_working(tree, db):
    client = APIClient()
    key = token_for(client, "xian", "x").json()["token"]
    tree.xian.is_active = False
    tree.xian.save()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get(ME_URL).status_code == 401


def test_a_password_set_by_an_administrator_gets_no_token(tree, api):
    tree.xian.must_change_password = True
    tree.xian.save()
    response = token_for(api, "xian", "x")
    assert response.status_code == 400
    body = assert_error_shape(response)
    assert (body["code"], body["field"]) == ("password_change_required", "password")
    assert not AuthToken.objects.filter(user=tree.xian).exists()


def test_old_clear_text_token_table_is_gone(db):
    from django.db import connection

    assert "authtoken_token" not in connection.introspection.table_names()
