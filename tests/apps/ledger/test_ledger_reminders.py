"""Reminders: sent exactly once per key and channel under re-runs, failed sends retried (bounded),
through a fake webhook server on 127.0.0.1 and Django's locmem mail backend."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core import mail

from yigai.apps.ledger.models import Notification, ReminderSend
from yigai.apps.ledger.services import reminders_run

pytestmark = pytest.mark.django_db
DAY = dt.date(2025, 12, 29)  # T1 is due 2025-12-31: two workdays away → the 5-day bucket


class Hook:
    def __init__(self) -> None:
        self.bodies: list[dict] = []
        self.fail_next = 0


@pytest.fixture
def hook(settings) -> Iterator[Hook]:
    state = Hook()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            state.bodies.append(body)
            failing = state.fail_next > 0
            state.fail_next -= 1
            self.send_response(500 if failing else 200)
            self.end_headers()
            self.wfile.write(b'{"errcode": 0}')

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.LEDGER_WEBHOOK_URL = f"http://127.0.0.1:{server.server_port}/bot"
    yield state
    server.shutdown()
    server.server_close()


def results(outcomes) -> list[tuple[str, str, str]]:
    return sorted((o.item, o.channel, o.result) for o in outcomes)


def test_sent_exactly_once_under_rerun(t1, users, hook, settings) -> None:
    settings.EMAIL_HOST = "smtp.example.test"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    users["lead"].email = "lead@example.test"
    users["lead"].save()
    first = reminders_run(today=DAY)
    assert results(first) == [
        (t1.code, "email", "sent"),
        (t1.code, "in_app", "sent"),
        (t1.code, "webhook", "sent"),
    ]
    [note] = Notification.objects.all()
    assert note.user == users["lead"] and "还有2个工作日" in note.message and note.item == t1
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["lead@example.test"]
    assert hook.bodies[0]["msgtype"] == "text" and hook.bodies[0]["yigai"]["item"] == t1.code
    again = reminders_run(today=DAY)
    assert {o.result for o in again} == {"already_sent"}
    assert len(hook.bodies) == 1 and len(mail.outbox) == 1 and ReminderSend.objects.count() == 3
    nearer = reminders_run(today=DAY + dt.timedelta(days=1))  # one workday left: the 1-day bucket, a new key
    assert {o.result for o in nearer} == {"sent"} and "还有1个工作日" in nearer[0].message
    assert {o.result for o in reminders_run(today=DAY + dt.timedelta(days=1))} == {"already_sent"}
    assert Notification.objects.count() == 2 and len(hook.bodies) == 2 and ReminderSend.objects.count() == 6


def test_failed_send_is_retried_next_run_and_bounded(t1, users, hook, settings) -> None:
    hook.fail_next = 1
    first = reminders_run(today=DAY)
    assert results(first) == [(t1.code, "in_app", "sent"), (t1.code, "webhook", "failed")]
    row = ReminderSend.objects.get(channel="webhook")
    assert row.attempts == 1 and "HTTP 500" in row.last_error
    second = reminders_run(today=DAY)
    assert results(second) == [(t1.code, "in_app", "already_sent"), (t1.code, "webhook", "sent")]
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == ("sent", 2, "")
    assert Notification.objects.count() == 1 and len(hook.bodies) == 2


def test_gives_up_after_max_attempts(t1, users, hook, settings) -> None:
    settings.LEDGER_REMINDER_MAX_ATTEMPTS = 2
    hook.fail_next = 99
    for _ in range(3):
        last = reminders_run(today=DAY)
    assert (t1.code, "webhook", "gave_up") in results(last) and len(hook.bodies) == 2


def test_dry_run_records_nothing(t1, users, hook) -> None:
    planned = reminders_run(today=DAY, dry_run=True)
    assert results(planned) == [(t1.code, "in_app", "would_send"), (t1.code, "webhook", "would_send")]
    assert not ReminderSend.objects.exists() and not Notification.objects.exists() and hook.bodies == []


def test_unreachable_webhook_is_recorded(t1, users, settings) -> None:
    settings.LEDGER_WEBHOOK_URL = "http://127.0.0.1:9/unreachable"
    [*_, hook_result] = sorted(reminders_run(today=DAY), key=lambda o: o.channel)
    assert hook_result.result == "failed" and "无法连接" in hook_result.error
