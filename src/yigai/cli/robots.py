"""``yigai ledger robot add | list | enable | disable | test``: 企业微信/钉钉 group robots per unit or plan.

A robot gets the reminders and 督办 of its unit (addressed to it or about items it leads) or of its plan,
once each, retried on the next ``yigai ledger remind`` when the robot refuses (docs/guide/ledger.md).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer

from yigai.cli.ledger import ledger_app
from yigai.cli.platform import _fail, _ready, user_errors

robot_app = typer.Typer(
    help="企业微信、钉钉群机器人：按责任单位或按方案接收提醒和督办。", no_args_is_help=True
)
ledger_app.add_typer(robot_app, name="robot")


@robot_app.command(
    "add", help="添加群机器人：--kind wecom|dingtalk，--url Webhook 地址，--unit 单位 或 --plan 方案编号。"
)
@user_errors
def add(  # nosec B107  # the empty default means "no 钉钉 加签 secret", not a password
    kind: Annotated[str, typer.Option("--kind", help="wecom（企业微信）或 dingtalk（钉钉）")],
    url: Annotated[str, typer.Option("--url", help="机器人的 Webhook 地址（含 key= 或 access_token=）")],
    name: Annotated[str, typer.Option("--name", help="名称，如“市卫健委医改群”")] = "",
    secret: Annotated[str, typer.Option("--secret", help="钉钉“加签”密钥（SEC 开头）；企业微信不需要")] = "",
    unit: Annotated[str | None, typer.Option("--unit", help="责任单位名称（单位目录中的）")] = None,
    plan: Annotated[int | None, typer.Option("--plan", help="方案编号")] = None,
) -> None:
    _ready()
    from yigai.apps.ledger.services.robots import RobotError, robot_add

    try:
        robot = robot_add(actor=None, kind=kind, name=name, url=url, secret=secret, unit=unit, plan=plan)
    except RobotError as exc:
        _fail(str(exc))
    typer.echo(f"已添加群机器人 {robot.pk}：{robot}（{_scope(robot)}）")


@robot_app.command("list", help="列出群机器人（不显示密钥）。")
@user_errors
def list_robots() -> None:
    _ready()
    from yigai.apps.ledger.models import GroupRobot

    robots = list(GroupRobot.objects.select_related("unit", "plan"))
    for r in robots:
        state = "启用" if r.is_active else "停用"
        signed = "，已加签" if r.secret else ""
        typer.echo(f"{r.pk:>4}  {state}  {r}（{_scope(r)}{signed}）")
    if not robots:
        typer.echo("尚未配置群机器人")


def _scope(robot: object) -> str:
    unit, plan = getattr(robot, "unit", None), getattr(robot, "plan", None)
    return f"单位：{unit.name}" if unit is not None else f"方案 {getattr(plan, 'pk', '')}"


def _set(robot_id: int, active: bool) -> None:
    _ready()
    from yigai.apps.ledger.services.robots import RobotError, robot_set_active

    try:
        robot = robot_set_active(actor=None, robot_id=robot_id, active=active)
    except RobotError as exc:
        _fail(str(exc))
    typer.echo(f"已{'启用' if active else '停用'}群机器人 {robot.pk}：{robot}")


@robot_app.command("enable", help="启用群机器人。")
@user_errors
def enable(robot_id: Annotated[int, typer.Argument(help="群机器人编号（见 list）")]) -> None:
    _set(robot_id, True)


@robot_app.command("disable", help="停用群机器人（保留设置和发送记录）。")
@user_errors
def disable(robot_id: Annotated[int, typer.Argument(help="群机器人编号（见 list）")]) -> None:
    _set(robot_id, False)


@robot_app.command("test", help="向群机器人发送一条测试消息，检查地址和加签密钥。")
@user_errors
def test(robot_id: Annotated[int, typer.Argument(help="群机器人编号（见 list）")]) -> None:
    _ready()
    from yigai.apps.ledger.models import GroupRobot
    from yigai.apps.ledger.services.channels import SendError
    from yigai.apps.ledger.services.robots import send_robot
    from yigai.core.ledger import Reminder
    from yigai.core.permissions import Role

    robot = GroupRobot.objects.filter(pk=robot_id).first()
    if robot is None:
        _fail(f"没有编号为 {robot_id} 的群机器人")
        return
    sample = Reminder(key="test", item_id="测试", kind="deadline", due=dt.date.today(), lead=0,
                      recipients_role=Role.UNIT_REPORTER, recipients_unit=None,
                      message="这是一条测试消息：群机器人设置正确。")  # fmt: skip
    try:
        send_robot(robot=robot, reminder=sample)
    except SendError as exc:
        _fail(f"{robot}：{exc}")
    typer.echo(f"已发送测试消息：{robot}")
