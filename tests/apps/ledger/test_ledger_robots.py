"""企业微信 and 钉钉 group robots, per unit or per plan: signed payloads checked by a fake robot server on
127.0.0.1 (as the real services check them), sent once per robot, refused sends retried next run."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import threading
import time
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from yigai.apps.ledger.models import ReminderSend
from yigai.apps.ledger.services import reminders_run
from yigai.apps.ledger.services.robots import RobotError, robot_add

pytestmark = pytest.mark.django_db
DAY = dt.date(2025, 12, 29)  # T1 (lead 市卫生健康委) is due 2025-12-31: a deadline reminder
SECRET = "SEC0123456789abcdef"
WECOM_KEY = "wecom-key-1"


class Robots:
    """What a 钉钉/企业微信 server would accept: 钉钉 checks timestamp (within an hour) and sign."""

    def __init__(self) -> None:
        self.accepted: list[tuple[str, dict]] = []
        self.refused: list[str] = []
        self.refuse_next = 0
        self.port = 0

    def answer(self, path: str, body: dict) -> dict:
        url = urllib.parse.urlsplit(path)
        query = dict(urllib.parse.parse_qsl(url.query))
        if self.refuse_next > 0:
            self.refuse_next -= 1
            return {"errcode": 45009, "errmsg": "api freq out of limit"}
        if url.path == "/robot/send":  # 钉钉
            ts = query.get("timestamp", "0")
            expected = base64.b64encode(
                hmac.new(SECRET.encode(), f"{ts}\n{SECRET}".encode(), hashlib.sha256).digest()
            ).decode()
            if query.get("access_token") != "dt-token" or query.get("sign") != expected:
                return {"errcode": 310000, "errmsg": "sign not match"}
            if abs(time.time() * 1000 - int(ts)) > 3600_000:
                return {"errcode": 310000, "errmsg": "timestamp expired"}
            if set(body["markdown"]) != {"title", "text"}:
                return {"errcode": 40035, "errmsg": "bad markdown"}
            self.accepted.append(("dingtalk", body))
        elif url.path == "/cgi-bin/webhook/send":  # 企业微信
            if query.get("key") != WECOM_KEY:
                return {"errcode": 93000, "errmsg": "invalid webhook url"}
            if set(body["markdown"]) != {"content"} or len(body["markdown"]["content"].encode()) > 4096:
                return {"errcode": 40058, "errmsg": "bad markdown"}
            self.accepted.append(("wecom", body))
        else:
            return {"errcode": 404}
        return {"errcode": 0, "errmsg": "ok"}


@pytest.fixture
def server() -> Iterator[Robots]:
    state = Robots()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            assert self.headers["Content-Type"].startswith("application/json")
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            data = json.dumps(state.answer(self.path, body)).encode()
            self.send_response(200)  # both services answer 200 and put refusals in errcode
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    httpd = HTTPServer(("127.0.0.1", 0), Handler)
    httpd.timeout = 5
    state.port = httpd.server_port
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield state
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=5)


def base(server: Robots) -> str:
    return f"http://127.0.0.1:{server.port}"


def robot_results(outcomes) -> list[tuple[str, str]]:
    return sorted((o.channel, o.result) for o in outcomes if o.channel.startswith("robot:"))


def test_signed_robots_of_unit_and_plan_get_markdown_once(t1, users, server, plan) -> None:
    ding = robot_add(actor=None, kind="dingtalk", name="卫健委群", unit="市卫生健康委", secret=SECRET,
                     url=f"{base(server)}/robot/send?access_token=dt-token")  # fmt: skip
    wecom = robot_add(actor=None, kind="wecom", name="方案专班", plan=plan.pk,
                      url=f"{base(server)}/cgi-bin/webhook/send?key={WECOM_KEY}")  # fmt: skip
    robot_add(actor=None, kind="wecom", name="教育局群", unit="市教育局",
              url=f"{base(server)}/cgi-bin/webhook/send?key=other")  # fmt: skip  # not T1's unit
    first = reminders_run(today=DAY)
    assert robot_results(first) == [(ding.channel, "sent"), (wecom.channel, "sent")]
    kinds = sorted(kind for kind, _body in server.accepted)
    assert kinds == ["dingtalk", "wecom"]
    for kind, body in server.accepted:
        text = body["markdown"]["text" if kind == "dingtalk" else "content"]
        assert t1.code in text and "市卫生健康委" in text and "2025-12-31" in text and "还有2个工作日" in text
    assert reminders_run(today=DAY) and len(server.accepted) == 2  # re-run: nothing sent again
    assert ReminderSend.objects.filter(channel__startswith="robot:").count() == 2


def test_refused_robot_send_is_retried_next_run(t1, users, server) -> None:
    ding = robot_add(actor=None, kind="dingtalk", name="卫健委群", unit="市卫生健康委", secret=SECRET,
                     url=f"{base(server)}/robot/send?access_token=dt-token")  # fmt: skip
    server.refuse_next = 1
    assert robot_results(reminders_run(today=DAY)) == [(ding.channel, "failed")]
    row = ReminderSend.objects.get(channel=ding.channel)
    assert row.attempts == 1 and "errcode=45009" in row.last_error
    assert robot_results(reminders_run(today=DAY)) == [(ding.channel, "sent")]
    assert len(server.accepted) == 1


def test_wrong_secret_is_refused_by_the_server(t1, users, server) -> None:
    ding = robot_add(actor=None, kind="dingtalk", name="错密钥", unit="市卫生健康委", secret="SECwrong",
                     url=f"{base(server)}/robot/send?access_token=dt-token")  # fmt: skip
    assert robot_results(reminders_run(today=DAY)) == [(ding.channel, "failed")]
    assert "310000" in ReminderSend.objects.get(channel=ding.channel).last_error and not server.accepted


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"kind": "qq", "url": "https://x/?key=1", "unit": "市卫生健康委"}, "类型须为"),
        (
            {
                "kind": "wecom",
                "url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send",
                "unit": "市卫生健康委",
            },
            "key=",
        ),
        ({"kind": "dingtalk", "url": "ftp://x?access_token=1", "unit": "市卫生健康委"}, "http://"),
        ({"kind": "wecom", "url": "https://x/?key=1"}, "只指定一个"),
        ({"kind": "wecom", "url": "https://x/?key=1", "unit": "不存在的单位"}, "单位目录中没有"),
        ({"kind": "wecom", "url": "https://x/?key=1", "plan": 99999}, "没有编号为 99999"),
    ],
)
def test_bad_robot_settings_are_refused_clearly(users, kwargs, message) -> None:
    with pytest.raises(RobotError, match=message):
        robot_add(actor=None, name="x", **kwargs)


def test_cli_adds_lists_tests_and_disables_a_robot(users, server) -> None:
    from typer.testing import CliRunner

    from yigai.cli import app

    runner = CliRunner()
    url = f"{base(server)}/robot/send?access_token=dt-token"
    added = runner.invoke(app, ["ledger", "robot", "add", "--kind", "dingtalk", "--url", url, "--secret", SECRET,
                                "--name", "卫健委群", "--unit", "市卫生健康委"])  # fmt: skip
    assert added.exit_code == 0, added.output
    listed = runner.invoke(app, ["ledger", "robot", "list"]).output
    assert "钉钉群机器人 卫健委群（单位：市卫生健康委，已加签）" in listed and SECRET not in listed
    robot_id = added.output.split("群机器人 ")[1].split("：")[0]
    assert runner.invoke(app, ["ledger", "robot", "test", robot_id]).exit_code == 0
    assert "测试消息" in server.accepted[0][1]["markdown"]["text"]
    assert runner.invoke(app, ["ledger", "robot", "disable", robot_id]).exit_code == 0
    assert "停用" in runner.invoke(app, ["ledger", "robot", "list"]).output
    bad = runner.invoke(
        app, ["ledger", "robot", "add", "--kind", "wecom", "--url", "https://x/", "--unit", "市卫生健康委"]
    )
    assert bad.exit_code == 1 and "key=" in bad.output
