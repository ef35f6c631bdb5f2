"""Security commands: ``yigai audit verify|prune``, ``yigai user role|disable|disable-dormant|otp-reset``,
``yigai backup``,
``yigai backup-verify``, ``yigai restore``.

Run by the operator on the server (the command line has the operator's full rights; every change is
recorded in the audit log as ``cli:<os user>``).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from yigai.cli import app
from yigai.cli.platform import _fail, _ready, _setup, user_errors

audit_app = typer.Typer(help="审计记录：校验哈希链、清理超过保留期的记录。", no_args_is_help=True)
user_app = typer.Typer(
    help="账号管理：角色（三员分立）、停用、停用长期未使用的账号、重置动态口令。", no_args_is_help=True
)
app.add_typer(audit_app, name="audit")
app.add_typer(user_app, name="user")


@audit_app.command("verify", help="重新计算整条审计哈希链，报告第一处断裂（有断裂时退出码为 1）。")
@user_errors
def audit_verify() -> None:
    _ready()
    from yigai.apps.audit.services import audit_record, audit_verify

    report = audit_verify()
    audit_record(
        actor=None, action="audit.verify", result="success" if report.ok else "failed",
        details={"checked": report.checked, "broken_seq": report.broken.seq if report.broken else None},
    )  # fmt: skip
    if report.broken is not None:
        typer.echo(
            f"审计链被破坏：{report.broken.message}（第 {report.broken.seq} 条，{report.broken.reason}）",
            err=True,
        )
        raise typer.Exit(1)
    start = f"（自第 {report.first_seq} 条起，之前的已按保留期清理）" if report.first_seq > 1 else ""
    typer.echo(f"审计链完整：已校验 {report.checked} 条记录{start}")


@audit_app.command("prune", help="删除某日期之前的审计记录；拒绝删除 180 天以内的记录。")
@user_errors
def audit_prune(
    before: Annotated[str, typer.Option("--before", help="日期 YYYY-MM-DD：删除此日 0 点之前的记录")],
) -> None:
    _ready()
    from django.utils import timezone

    from yigai.apps.audit.services import AuditRetentionError, audit_prune

    try:
        day = dt.date.fromisoformat(before)
    except ValueError:
        _fail(f"日期格式应为 YYYY-MM-DD：{before}", code=2)
    moment = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    try:
        n = audit_prune(before=moment)
    except AuditRetentionError as exc:
        _fail(str(exc))
    typer.echo(f"已清理 {n} 条 {day} 之前的审计记录")


def _user(username: str):  # type: ignore[no-untyped-def]  # a User; Django is imported late
    from yigai.apps.accounts.selectors import user_get

    user = user_get(username=username)
    if user is None:
        _fail(f"用户不存在：{username}")
    return user


@user_app.command("role", help="修改用户角色（三员分立：系统、安全、审计管理员不能互换）。")
@user_errors
def user_role(
    username: Annotated[str, typer.Argument(help="用户名")],
    role: Annotated[
        str,
        typer.Argument(
            help="admin、security_admin、audit_admin、plan_owner、reviewer、leader、unit_reporter"
        ),
    ],
) -> None:
    _ready()
    from yigai.apps.accounts.services import ThreeRolesError, user_role_set
    from yigai.core.permissions import Role, role_of

    if role_of(role) is None:
        _fail(f"未知角色：{role}（可用：{'、'.join(r.value for r in Role)}）", code=2)
    try:
        user = user_role_set(actor=None, user=_user(username), role=role)
    except ThreeRolesError as exc:
        _fail(str(exc))
    typer.echo(f"已将 {user.username} 的角色设为 {user.get_role_display()}")


@user_app.command("disable", help="停用账号（可用 --enable 重新启用，--expires 设定有效期）。")
@user_errors
def user_disable(
    username: Annotated[str, typer.Argument(help="用户名")],
    enable: Annotated[bool, typer.Option("--enable", help="重新启用")] = False,
    expires: Annotated[str, typer.Option("--expires", help="有效期至 YYYY-MM-DD")] = "",
) -> None:
    _ready()
    from yigai.apps.accounts.services import user_set_active

    end = dt.date.fromisoformat(expires) if expires else None
    user = user_set_active(actor=None, user=_user(username), active=enable, expires_on=end)
    typer.echo(
        f"{user.username}：{'已启用' if user.is_active else '已停用'}" + (f"，有效期至 {end}" if end else "")
    )


@user_app.command(
    "disable-dormant",
    help="停用超过规定天数（YIGAI_DORMANT_DAYS，默认 90）未使用的账号，管理员账号不例外；每个停用都记入审计。",
)
@user_errors
def user_disable_dormant(
    days: Annotated[
        int | None, typer.Option("--days", min=1, help="未使用天数（默认取 YIGAI_DORMANT_DAYS）")
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="只列出，不停用")] = False,
) -> None:
    _ready()
    from yigai.apps.accounts.selectors import dormant_days
    from yigai.apps.accounts.services import users_disable_dormant

    days = dormant_days() if days is None else days
    if not days:
        typer.echo("未启用长期未使用账号的停用（YIGAI_DORMANT_DAYS=0）；可用 --days 指定天数")
        return
    report = users_disable_dormant(days=days, dry_run=dry_run)
    for a in report.accounts:
        typer.echo(f"  {a.username}\t{a.role}\t最近使用 {a.last_activity:%Y-%m-%d}（{a.idle_days} 天前）")
    verb = "将停用（试运行，未做改动）" if dry_run else "已停用"
    typer.echo(f"{verb} {len(report.accounts)} 个超过 {days} 天未使用的账号")
    if report.locks_out_security_admins:
        typer.echo(
            "警告：停用后将没有启用状态的安全管理员账号；如需保留，请执行 yigai user disable 用户名 --enable",
            err=True,
        )


@user_app.command("otp-reset", help="删除用户的动态口令设备（手机丢失时），下次登录重新绑定。")
@user_errors
def user_otp_reset(username: Annotated[str, typer.Argument(help="用户名")]) -> None:
    _ready()
    from yigai.apps.accounts.otp import otp_device_reset

    n = otp_device_reset(actor=None, user=_user(username))
    typer.echo(f"已删除 {username} 的 {n} 个动态口令设备")


@app.command(help="备份数据库和数据目录（佐证材料等）到一个 .tar 文件，含校验清单；写完即校验。")
@user_errors
def backup(
    out: Annotated[Path | None, typer.Option("--out", help="备份目录（默认 数据目录/backups）")] = None,
) -> None:
    _ready()
    from django.conf import settings

    from yigai.apps.backup.services import BackupError, backup_create

    target = out if out is not None else Path(settings.DATA_DIR) / "backups"
    try:
        info = backup_create(out_dir=target)
    except BackupError as exc:
        _fail(str(exc))
    m = info.manifest
    rows = sum(t["rows"] for t in m["tables"].values())
    typer.echo(
        f"已备份：{info.path}（{m['vendor']}，{len(m['tables'])} 张表 {rows} 行，文件 {len(m['files'])} 个，已校验）"
    )


@app.command(name="backup-verify", help="校验备份文件：清单中每个成员的 SHA-256。")
@user_errors
def backup_verify(file: Annotated[Path, typer.Argument(help="备份文件 .tar")]) -> None:
    _setup()
    from yigai.apps.backup.services import BackupError, backup_verify

    try:
        m = backup_verify(path=file)
    except BackupError as exc:
        _fail(str(exc))
    typer.echo(f"备份完好：{file}（{m['created_at']}，{m['vendor']}，文件 {len(m['files'])} 个）")


@app.command(help="从备份恢复数据库和数据目录（覆盖现有数据），恢复后逐表核对校验和并记入审计。")
@user_errors
def restore(
    file: Annotated[Path, typer.Argument(help="备份文件 .tar")],
    yes: Annotated[bool, typer.Option("--yes", help="不再确认")] = False,
) -> None:
    _setup()
    from yigai.apps.backup.services import BackupError, backup_restore

    if not yes and not typer.confirm(f"将用 {file} 覆盖当前数据库和数据目录，确定吗？", default=False):
        _fail("已取消（未做任何改动）；不经确认可加 --yes")
    try:
        report = backup_restore(path=file)
    except BackupError as exc:
        _fail(str(exc))
    if not report.ok:
        _fail(f"恢复后数据与备份不一致：{'、'.join(report.mismatched)}")
    typer.echo(f"已恢复：{report.tables} 张表 {report.rows} 行，与备份逐表一致（用时 {report.seconds} 秒）")
