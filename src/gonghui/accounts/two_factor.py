"""Two-factor login: a TOTP app (django-otp) plus one-time recovery codes.

Users who can see whole ID numbers or administer accounts must set it up
(User.requires_two_factor); any user may. Once a user has a confirmed device,
every login, on the web or for an API token, asks for a code.
"""

import base64
import time

import segno
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp import match_token
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from gonghui.core import audit
from gonghui.core.models import AuditEvent

RECOVERY_CODES = 10
DEVICE_NAME = "app"


def has_device(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def needs_code(user):
    """Whether a login of this user takes a second factor."""
    return has_device(user) or user.requires_two_factor


def pending_device(user):
    """The TOTP device being set up (a new secret until it is confirmed with a code)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def secret_text(device):
    """The secret as the base32 text that authenticator apps accept when typed in."""
    return base64.b32encode(device.bin_key).decode().rstrip("=")


def qr_svg(device):
    """The otpauth:// link as an inline SVG drawn here (no outside service, no script)."""
    return segno.make(device.config_url, error="m").svg_inline(scale=4, border=2)


@transaction.atomic
def confirm(user, device, code):
    """Confirm a pending device with a code from the app; returns the recovery codes (shown
    once) or None if the code is wrong."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user)
    if not device.verify_token(str(code or "").strip()):
        return None
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = new_recovery_codes(user)
    audit.record(AuditEvent.Action.UPDATE, user, actor=user, note=_("Set up two-factor login."))
    return codes


def new_recovery_codes(user):
    StaticDevice.objects.filter(user=user).delete()
    static = StaticDevice.objects.create(user=user, name=_("recovery codes"))
    codes = [StaticToken.random_token() for _i in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=static, token=c) for c in codes)
    return codes


def check(user, code):
    """The device that accepts `code` (an app code or an unused recovery code), or None.
    django-otp throttles each device after failures."""
    code = str(code or "").replace(" ", "").strip().lower()
    if not code:
        return None
    return match_token(user, code)


def current_code(user):
    """The code the user's app shows now, for the demo and tests (`gonghui totp`). A code
    is accepted once, so after a login this gives the next step's code, which the
    tolerance of one step still accepts."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        return None
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if totp.t() <= device.last_t:
        totp.time += (device.last_t + 1 - totp.t()) * device.step
    return f"{totp.token():0{device.digits}d}"


@transaction.atomic
def give_device(user):
    """A confirmed device at once (demo users, tests): no app to scan with."""
    TOTPDevice.objects.filter(user=user).delete()
    return TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=True)
