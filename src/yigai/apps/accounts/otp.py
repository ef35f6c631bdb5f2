"""Second factor (TOTP, RFC 6238) for the administrator roles: enrol, confirm, verify, reset.

A device is enrolled unconfirmed, shown once as a QR code and a secret, and confirmed by the first valid
code; only confirmed devices count at login. django-otp throttles guessing (each failure doubles the wait)
and refuses a code already used (ASVS 6.5.1). Every step is audited.
"""

from __future__ import annotations

import base64

import segno
from django.db import transaction
from django.http import HttpRequest
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from yigai.apps.accounts.models import User
from yigai.apps.audit.models import Result
from yigai.apps.audit.services import audit_record

DEVICE_NAME = "yigai-totp"


def otp_enrolled(*, user: User) -> bool:
    return bool(TOTPDevice.objects.filter(user=user, confirmed=True).exists())


@transaction.atomic
def otp_device_start(*, user: User) -> TOTPDevice:
    """The user's unconfirmed device (made on first call); refuses when one is already confirmed."""
    if otp_enrolled(user=user):
        raise PermissionError("已绑定动态口令设备；如需更换，请联系安全管理员重置")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def otp_secret(device: TOTPDevice) -> str:
    """The base32 secret to type into an authenticator app, in groups of four."""
    raw = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def otp_qr_svg(device: TOTPDevice) -> str:
    """The ``otpauth://`` URL as an inline SVG QR code (no image request, no script)."""
    return str(segno.make(device.config_url, error="m").svg_inline(scale=4, border=2))


@transaction.atomic
def otp_device_confirm(*, request: HttpRequest, user: User, token: str) -> bool:
    """Confirm the pending device with its first code and mark this session verified."""
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
    ok = device is not None and device.verify_token(token)
    audit_record(
        actor=user, action="otp.enrol", result=Result.SUCCESS if ok else Result.FAILED, request=request
    )
    if ok and device is not None:
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        otp_login(request, device)
    return ok


def otp_verify(*, request: HttpRequest, user: User, token: str) -> bool:
    """Check a code against the user's confirmed device; on success the session is verified."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    ok = device is not None and device.verify_token(token)
    audit_record(
        actor=user, action="otp.verify", result=Result.SUCCESS if ok else Result.FAILED, request=request
    )
    if ok and device is not None:
        otp_login(request, device)
    return ok


def otp_device_reset(*, actor: User | None, user: User) -> int:
    """Remove a user's devices (lost phone); they enrol again at next login. Security administrator only."""
    from yigai.core.permissions import Perm, may

    if actor is not None and not may(actor, Perm.MANAGE_ROLES):
        audit_record(actor=actor, action="otp.reset", obj=user, result=Result.DENIED)
        raise PermissionError("只有安全管理员可以重置动态口令设备")
    with transaction.atomic():  # not around the refusal above: a denied attempt stays recorded
        n, _ = TOTPDevice.objects.filter(user=user).delete()
        audit_record(actor=actor, action="otp.reset", obj=user, details={"devices": n})
    return int(n)


@transaction.atomic
def otp_device_preset(*, user: User, key_hex: str) -> TOTPDevice:
    """A confirmed device with a known key — for the demo's 示例 administrator accounts only."""
    if not user.is_demo:
        raise PermissionError("只有示例账号可以预置动态口令密钥")
    TOTPDevice.objects.filter(user=user).delete()
    return TOTPDevice.objects.create(user=user, name=DEVICE_NAME, key=key_hex, confirmed=True)
