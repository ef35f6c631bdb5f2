"""企业微信 and 钉钉 group robots: message shape, 钉钉 signing, sending, and their settings.

- 企业微信: POST the robot's URL (its ``key`` is the credential) with
  ``{"msgtype": "markdown", "markdown": {"content": …}}``.
- 钉钉: POST the robot's URL plus ``timestamp`` (ms) and ``sign`` = URL-encoded base64 of
  HMAC-SHA256(secret, ``"{timestamp}\\n{secret}"``) when the robot has a 加签 secret, with
  ``{"msgtype": "markdown", "markdown": {"title": …, "text": …}}``.

Both answer HTTP 200 with ``{"errcode": 0}``; anything else raises :class:`SendError` and the reminder run
records it and retries on the next run (same rules as e-mail and the generic webhook).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
import urllib.parse
from collections.abc import Callable

from django.db import transaction

from yigai.apps.ledger.models import GroupRobot, LedgerItem, RobotKind
from yigai.apps.ledger.services.channels import PREFIX, post_json
from yigai.apps.plans.models import Plan
from yigai.apps.units.models import Unit
from yigai.core.ledger import Reminder

KIND_LABELS = {"milestone": "节点提醒", "deadline": "到期提醒", "missing_report": "报送提醒",
               "supervision_overdue": "督办提醒"}  # fmt: skip
WECOM_MAX_BYTES = 4096  # 企业微信 markdown content limit


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """钉钉 加签: base64(HMAC-SHA256(secret, "timestamp\\nsecret")), not yet URL-encoded."""
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def signed_url(robot: GroupRobot, *, now: Callable[[], float] = time.time) -> str:
    if robot.kind != RobotKind.DINGTALK or not robot.secret:
        return robot.url
    timestamp = int(now() * 1000)
    query = urllib.parse.urlencode({"timestamp": timestamp, "sign": dingtalk_sign(robot.secret, timestamp)})
    return f"{robot.url}{'&' if '?' in robot.url else '?'}{query}"


def markdown_text(reminder: Reminder) -> str:
    lines = [
        f"### {PREFIX}{KIND_LABELS.get(reminder.kind, '')}",
        f"> {reminder.message}",
        "",
        f"- 台账编号：{reminder.item_id}",
        f"- 截止日期：{reminder.due.isoformat()}",
    ]
    if reminder.recipients_unit:
        lines.append(f"- 责任单位：{reminder.recipients_unit}")
    text = "\n".join(lines)
    while len(text.encode()) > WECOM_MAX_BYTES:  # a very long message: cut it, never refuse to send
        text = text[: len(text) - 100] + "…"
    return text


def robot_payload(robot: GroupRobot, reminder: Reminder) -> dict[str, object]:
    text = markdown_text(reminder)
    if robot.kind == RobotKind.DINGTALK:
        return {"msgtype": "markdown", "markdown": {"title": PREFIX + reminder.item_id, "text": text}}
    return {"msgtype": "markdown", "markdown": {"content": text}}


def send_robot(*, robot: GroupRobot, reminder: Reminder, timeout: float = 10) -> None:
    post_json(signed_url(robot), robot_payload(robot, reminder), timeout=timeout, label=str(robot))


def robots_for(reminder: Reminder, item: LedgerItem) -> list[GroupRobot]:
    """Active robots of the plan of the item, of the unit the reminder is addressed to, and of its lead unit."""
    units = {n for n in (reminder.recipients_unit, item.lead_unit.name if item.lead_unit else None) if n}
    return [
        r
        for r in GroupRobot.objects.filter(is_active=True).select_related("unit")
        if r.plan_id == item.ledger.plan_id or (r.unit is not None and r.unit.name in units)
    ]


class RobotError(ValueError):
    """A robot setting that cannot be saved (the message says which field and why)."""


def _check_url(kind: str, url: str) -> None:
    if not url.startswith(("http://", "https://")):
        raise RobotError(f"Webhook 地址须以 http:// 或 https:// 开头：{url}")
    needed = {RobotKind.WECOM: "key=", RobotKind.DINGTALK: "access_token="}.get(RobotKind(kind))
    if needed and needed not in url:
        raise RobotError(f"{RobotKind(kind).label}的 Webhook 地址应含 {needed}…：{url}")


@transaction.atomic
def robot_add(*, actor: object, kind: str, name: str, url: str, secret: str = "",
              unit: str | None = None, plan: int | None = None) -> GroupRobot:  # fmt: skip
    """Configure a robot for one unit (by name) or one plan (by number). ``actor`` is the operator."""
    if kind not in RobotKind.values:
        raise RobotError(f"类型须为 {'、'.join(RobotKind.values)}：{kind}")
    _check_url(kind, url)
    if (unit is None) == (plan is None):
        raise RobotError("须指定且只指定一个：责任单位（--unit）或方案（--plan）")
    robot = GroupRobot(kind=kind, name=name or kind, url=url, secret=secret)
    if unit is not None:
        robot.unit = Unit.objects.filter(name=unit).first()
        if robot.unit is None:
            raise RobotError(f"单位目录中没有“{unit}”")
    else:
        robot.plan = Plan.objects.filter(pk=int(plan or 0)).first()
        if robot.plan is None:
            raise RobotError(f"没有编号为 {plan} 的方案")
    robot.save()
    return robot


@transaction.atomic
def robot_set_active(*, actor: object, robot_id: int, active: bool) -> GroupRobot:
    robot = GroupRobot.objects.filter(pk=robot_id).first()
    if robot is None:
        raise RobotError(f"没有编号为 {robot_id} 的群机器人")
    robot.is_active = active
    robot.save(update_fields=["is_active"])
    return robot
