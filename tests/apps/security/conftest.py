"""Security-test fixtures: users with a verified second factor, a CSRF-enforcing client, PostgreSQL checks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client


@pytest.fixture
def verified(make_user) -> Callable[..., tuple[Client, Any]]:
    """``verified("a", "audit_admin")`` → (client logged in with its TOTP step passed, user)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    def make(username: str, role: str, code: str = "130000", csrf: bool = False) -> tuple[Client, Any]:
        user = make_user(username, role, code)
        device = TOTPDevice.objects.create(user=user, name="t", confirmed=True)
        client = Client(enforce_csrf_checks=csrf)
        client.force_login(user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        return client, user

    return make
