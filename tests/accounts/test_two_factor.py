"""Two-factor login (TOTP plus recovery codes): required for whoever can see whole ID
numbers or manage users, asked for on the web and at the token endpoint."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from gonghui.accounts import two_factor
from gonghui.accounts.services import reveal_permission
from gonghui.core.models import AuditEvent

pytestmark = pytest.mark.django_db
TOKEN_URL = "/api/v1/auth/token/"


def password_login(user, password="x"):
    """The real login form (django-axes and all)."""
    c = Client()
    response = c.post("/login/", {"username": user.username, "password": password})
    assert response.status_code == 302, response.content.decode()[:500]
    return c


def totp(username):
    out = StringIO()
    call_command("totp", username, stdout=out)
    return out.getvalue().strip()


def test_who_must_use_two_factor(tree, root_admin):
    assert tree.sheng.requires_two_factor  # union administrator
    assert root_admin.requires_two_factor  # platform administrator
    assert not tree.xian.requires_two_factor  # staff who cannot see whole numbers
    tree.xian.user_permissions.add(reveal_permission())
    tree.xian = type(tree.xian).objects.get(pk=tree.xian.pk)
    assert tree.xian.requires_two_factor  # may reveal ID numbers


def test_an_administrator_without_a_device_must_set_one_up(tree):
    c = password_login(tree.sheng)
    response = c.get("/members/")
    assert response.status_code == 302
    assert response.url.startswith("/account/two-factor/setup/")
    assert c.get("/api/v1/unions/").json() == {
        "code": "otp_not_set_up",
        "field": "otp",
        "message": c.get("/api/v1/unions/").json()["message"],
    }
    page = c.get("/account/two-factor/setup/")
    html = page.content.decode()
    assert "<svg" in html  # the QR code, drawn here
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)  # no inline script
    device = TOTPDevice.objects.get(user=tree.sheng, confirmed=False)
    assert page.context["secret"] in html
    code = TOTP(device.bin_key).token()
    response = c.post("/account/two-factor/setup/", {"otp": f"{code:06d}"})
    assert response.status_code == 200
    codes = response.context["codes"]
    assert len(codes) == 10 and all(code in response.content.decode() for code in codes)
    # Set up and verified: the pages open.
    assert c.get("/members/").status_code == 200
    assert AuditEvent.objects.for_object(tree.sheng).filter(note__contains="两步").exists()


def test_a_wrong_code_does_not_set_up(tree):
    c = password_login(tree.sheng)
    c.get("/account/two-factor/setup/")
    response = c.post("/account/two-factor/setup/", {"otp": "000000"})
    assert response.status_code == 200 and response.context["form"].errors["otp"]
    assert not two_factor.has_device(tree.sheng)


def test_login_asks_for_the_code_after_the_password(tree):
    two_factor.give_device(tree.sheng)
    c = password_login(tree.sheng)
    response = c.get("/members/")
    assert response.url.startswith("/account/two-factor/?next=")
    assert c.get("/api/v1/unions/").json()["code"] == "otp_required"
    response = c.post("/account/two-factor/", {"otp": "000000", "next": "/members/"})
    assert response.status_code == 200 and response.context["form"].errors["otp"]
    assert AuditEvent.objects.filter(action="login_failed", actor_name="sheng").exists()
    device = TOTPDevice.objects.get(user=tree.sheng)
    device.throttling_failure_count = 0  # django-otp waits after a failure; the test doesn't
    device.throttling_failure_timestamp = None
    device.save()
    response = c.post("/account/two-factor/", {"otp": totp("sheng"), "next": "/members/"})
    assert response.status_code == 302 and response.url == "/members/"
    assert c.get("/members/").status_code == 200


def test_a_recovery_code_works_once(tree):
    device = two_factor.give_device(tree.sheng)
    codes = two_factor.new_recovery_codes(tree.sheng)
    c = password_login(tree.sheng)
    assert c.post("/account/two-factor/", {"otp": codes[0]}).status_code == 302
    assert c.get("/").status_code == 200
    c2 = password_login(tree.sheng)
    assert c2.post("/account/two-factor/", {"otp": codes[0]}).status_code == 200  # used up
    assert device.pk


def test_staff_who_set_it_up_are_asked_too(tree):
    two_factor.give_device(tree.jiceng)
    c = password_login(tree.jiceng)
    assert c.get("/").url.startswith("/account/two-factor/")


def test_staff_without_it_log_in_with_the_password(tree):
    c = password_login(tree.jiceng)
    assert c.get("/").status_code == 200


def test_token_endpoint_asks_for_otp(tree, api):
    two_factor.give_device(tree.sheng)
    body = api.post(TOKEN_URL, {"username": "sheng", "password": "x"}, format="json").json()
    assert (body["code"], body["field"]) == ("otp_required", "otp") and body["message"]
    body = api.post(
        TOKEN_URL, {"username": "sheng", "password": "x", "otp": "000000"}, format="json"
    ).json()
    assert (body["code"], body["field"]) == ("otp_invalid", "otp")
    TOTPDevice.objects.filter(user=tree.sheng).update(
        throttling_failure_count=0, throttling_failure_timestamp=None
    )
    response = api.post(
        TOKEN_URL, {"username": "sheng", "password": "x", "otp": totp("sheng")}, format="json"
    )
    assert response.status_code == 200, response.content
    api.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert api.get("/api/v1/auth/me/").json()["username"] == "sheng"


def test_token_endpoint_refuses_a_privileged_user_without_a_device(tree, api):
    response = api.post(TOKEN_URL, {"username": "sheng", "password": "x"}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "otp_not_set_up" and response.json()["field"] == "otp"


def test_totp_command_gives_a_code_accepted_twice_running(tree, api):
    # A code is accepted once; right after a login the command gives the next one.
    two_factor.give_device(tree.sheng)
    for _ in range(2):
        code = totp("sheng")
        assert re.fullmatch(r"\d{6}", code)
        response = api.post(
            TOKEN_URL, {"username": "sheng", "password": "x", "otp": code}, format="json"
        )
        assert response.status_code == 200, response.content


def test_totp_command_for_a_user_without_a_device(tree):
    with pytest.raises(Exception, match="jiceng"):
        call_command("totp", "jiceng", stdout=StringIO())
