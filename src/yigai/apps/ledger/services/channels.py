"""Reminder channels: in-app notifications, e-mail (Django's SMTP backend), a generic JSON webhook and
(in :mod:`.robots`) the 企业微信/钉钉 group robots configured per unit or plan.

The webhook body is the text-message shape WeChat Work (企业微信) and DingTalk (钉钉) group bots accept,
plus a ``yigai`` object for other receivers::

    {"msgtype": "text", "text": {"content": "【工作台账提醒】…"},
     "yigai": {"key": "…", "kind": "deadline", "item": "L3-0042", "due": "2026-12-31", "unit": "…"}}

A sender raises on failure; the caller records the error and retries on the next run.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Sequence

from django.conf import settings
from django.core.mail import send_mail

from yigai.apps.accounts.models import User
from yigai.apps.ledger.models import LedgerItem, Notification
from yigai.core.ledger import Reminder

PREFIX = "【工作台账提醒】"


class SendError(RuntimeError):
    """A channel refused or could not be reached."""


def send_in_app(*, users: Sequence[User], item: LedgerItem | None, reminder: Reminder) -> None:
    Notification.objects.bulk_create(
        Notification(user=u, item=item, kind=reminder.kind, message=reminder.message, key=reminder.key)
        for u in users
    )


def send_email(*, addresses: Sequence[str], reminder: Reminder) -> None:
    subject = PREFIX + reminder.message[:60]
    sent = send_mail(subject, reminder.message, None, list(addresses), fail_silently=False)
    if sent != 1:
        raise SendError("邮件未发出")


def webhook_payload(reminder: Reminder) -> dict[str, object]:
    return {
        "msgtype": "text",
        "text": {"content": PREFIX + reminder.message},
        "yigai": {"key": reminder.key, "kind": reminder.kind, "item": reminder.item_id,
                  "due": reminder.due.isoformat(), "unit": reminder.recipients_unit},
    }  # fmt: skip


def send_webhook(*, url: str, reminder: Reminder, timeout: float = 10) -> None:
    post_json(url, webhook_payload(reminder), timeout=timeout)


def post_json(url: str, payload: dict[str, object], *, timeout: float = 10, label: str = "Webhook") -> None:
    """POST ``payload`` as JSON; raise :class:`SendError` unless the answer is 2xx without an ``errcode``."""
    if not url.startswith(("http://", "https://")):
        raise SendError(f"{label} 地址须以 http:// 或 https:// 开头：{url}")
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(
        url, data=body, method="POST", headers={"Content-Type": "application/json; charset=utf-8"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # admin-configured URL
            answer = response.read(65536)
    except urllib.error.HTTPError as exc:
        raise SendError(f"{label} 返回 HTTP {exc.code}") from exc
    except (urllib.error.URLError, OSError) as exc:
        raise SendError(f"{label} 无法连接：{getattr(exc, 'reason', exc)}") from exc
    try:  # bots answer 200 with {"errcode": n, "errmsg": …} when they refuse
        data = json.loads(answer or b"{}")
        code, why = data.get("errcode", 0), data.get("errmsg", "")
    except (ValueError, AttributeError):
        code, why = 0, ""
    if code:
        raise SendError(f"{label} 拒绝：errcode={code} {why}".rstrip())


def webhook_url() -> str:
    return str(getattr(settings, "LEDGER_WEBHOOK_URL", "") or "")


def email_enabled() -> bool:
    return bool(getattr(settings, "EMAIL_HOST", ""))
