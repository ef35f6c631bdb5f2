"""Reads of users (for the command line and services; pages reach users only through their own session)."""

from __future__ import annotations

from yigai.apps.accounts.models import User


def user_get(*, username: str) -> User | None:
    return User.objects.filter(username=username).first()
