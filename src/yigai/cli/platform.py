"""Platform commands: demo, serve, run, import, plans, token, population, manage.

They call the same services and selectors as the web UI and API (CONVENTIONS.md §4). User mistakes
(a missing file, an unknown plan, an unreachable database) end in one Chinese line, never a traceback.
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from yigai.cli import app

F = TypeVar("F", bound=Callable[..., Any])
plans_app = typer.Typer(help="查看和发布方案（方案可用编号或文件名指定）。", no_args_is_help=True)
app.add_typer(plans_app, name="plans")


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yigai.web.settings")
    import django

    django.setup()


def _ready() -> None:
    """Django set up, the schema current and the org-unit tree loaded (what every command needs)."""
    _setup()
    from django.core.management import call_command

    from yigai.apps.orgunits.models import OrgUnit
    from yigai.apps.orgunits.services import orgunits_load_reference

    call_command("migrate", verbosity=0, interactive=False)
    call_command("createcachetable", verbosity=0)  # the production cache table (idempotent; none in dev)
    if not OrgUnit.objects.exists():
        orgunits_load_reference()


def _fail(message: str, code: int = 1) -> None:
    typer.echo(f"错误：{message}", err=True)
    raise typer.Exit(code)


def user_errors(func: F) -> F:
    """Turn configuration and database failures into one line on stderr (exit 1)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from django.core.exceptions import ImproperlyConfigured

        try:
            return func(*args, **kwargs)
        except ImproperlyConfigured as exc:
            _fail(f"配置错误：{exc}")
        except Exception as exc:
            from django.db import DatabaseError

            if isinstance(exc, DatabaseError):
                _fail(
                    f"数据库错误：{str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__}"
                )
            raise

    return wrapper  # type: ignore[return-value]  # same signature as func


@app.command(
    help="准备演示环境：建表、加载行政区划和单位目录、导入五个示例方案、创建各角色演示账号（可重复运行）。"
)
@user_errors
def demo(
    records: Annotated[
        bool,
        typer.Option("--records/--no-records", help="是否导入示例记录级数据（合成记录并计算记录级指标）"),
    ] = True,
) -> None:
    _ready()
    _print_demo(_demo(records=records))


def _demo(*, records: bool = True) -> Any:
    from yigai.web.demo import demo_load

    return demo_load(records=records)


def _print_demo(report: Any) -> None:
    from yigai.web.demo import DEMO_PASSWORD

    typer.echo(f"行政区划：{report.org_units} 个；单位目录：{report.units_loaded} 个")
    for source, pk, created in report.plans:
        typer.echo(f"示例方案 {pk}：{source}（{'已导入' if created else '已存在，未改动'}）")
    typer.echo(f"演示账号（密码均为 {DEMO_PASSWORD}，仅供演示）：")
    for login, role, place, _created in report.users:
        typer.echo(f"  {login:<12} {role}　{place}")
    records = report.records
    if records is not None and records.computed is not None:
        run = records.computed.run
        typer.echo(
            f"示例记录：门诊住院记录 {records.services:,} 条、家庭医生签约 {records.family_doctor:,} 条（合成数据，已假名化导入）；"
            f"已计算 {len(run.indicators)} 个记录级指标，存入 {run.cells:,} 个数据项值"
        )
    elif records is not None and records.skipped:
        typer.echo(records.skipped)
    from yigai.web.demo import DEMO_TOTP_SECRET

    typer.echo(
        f"管理员账号（admin、secadmin、auditor）登录后须输入动态口令；示例密钥（仅供演示）：{DEMO_TOTP_SECRET}"
    )


def _serve(host: str, port: int) -> None:
    from django.db import connections

    # The set-up's database connection must not outlive it: gunicorn forks its workers from this process,
    # and workers sharing one inherited PostgreSQL socket corrupt each other's queries under load.
    connections.close_all()
    _start_job_worker()
    if os.environ.get("YIGAI_ENV") == "production":
        _gunicorn(host, port)
    else:
        from django.core.management import call_command

        call_command("runserver", f"{host}:{port}", use_reloader=False)


def _start_job_worker() -> None:
    """The embedded background-job worker (ADR 0005), stopped when this process ends; YIGAI_JOBS_EMBEDDED=0
    when `yigai manage run_huey` runs as its own service."""
    if os.environ.get("YIGAI_JOBS_EMBEDDED", "1") == "0":
        return
    import atexit
    import subprocess  # nosec B404  # our own interpreter and command, no shell
    import sys

    owner = os.getpid()
    command = [sys.executable, "-c", "from yigai.cli import main; main()", "manage", "run_huey"]
    worker = subprocess.Popen(command)  # nosec B603  # fixed arguments

    def stop() -> None:
        if os.getpid() == owner:  # not in a forked gunicorn worker that is exiting
            worker.terminate()
            try:
                worker.wait(10)
            except subprocess.TimeoutExpired:
                worker.kill()

    atexit.register(stop)


def _gunicorn(host: str, port: int) -> None:
    from gunicorn.app.base import BaseApplication

    from yigai.web.serving import gunicorn_options
    from yigai.web.wsgi import application

    class Server(BaseApplication):  # type: ignore[misc]  # gunicorn is untyped
        def load_config(self) -> None:
            for key, value in gunicorn_options(host, port).items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            return application

    Server().run()


HostOpt = Annotated[str, typer.Option("--host", help="监听地址")]
PortOpt = Annotated[int, typer.Option("--port", help="端口")]


@app.command(help="启动网页服务（YIGAI_ENV=production 时用 gunicorn，否则用开发服务器）。")
@user_errors
def serve(host: HostOpt = "127.0.0.1", port: PortOpt = 8000) -> None:
    _ready()
    typer.echo(f"yigai 医改工作平台：http://{host}:{port}/")
    _serve(host, port)


@app.command(help="一键演示：执行 demo 后启动网页服务，并打印网址和演示账号。")
@user_errors
def run(host: HostOpt = "127.0.0.1", port: PortOpt = 8000) -> None:
    _ready()
    _print_demo(_demo())
    typer.echo(f"\n请在浏览器打开：http://{host}:{port}/  （按 Ctrl+C 停止）")
    _serve(host, port)


@app.command(name="import", help="导入政策文件（可多个）：识别后保存为方案草稿；相同内容只保存一次。")
@user_errors
def import_files(
    files: Annotated[
        list[Path], typer.Argument(help="政策文件（.docx、.doc、.wps、.rtf、.pdf、.txt、.html、.md）")
    ],
) -> None:
    _ready()
    from yigai.apps.plans.services import ImportRejected, plan_import

    failed = 0
    for path in files:
        try:
            result = plan_import(name=path.name, data=path.read_bytes())
        except FileNotFoundError:
            typer.echo(f"错误：{path}：文件不存在", err=True)
        except IsADirectoryError:
            typer.echo(f"错误：{path}：是目录，不是文件", err=True)
        except PermissionError:
            typer.echo(f"错误：{path}：没有读取权限", err=True)
        except ImportRejected as exc:
            typer.echo(f"错误：{path}：{exc.reason}", err=True)
        else:
            plan = result.plan
            state = "已导入" if result.created else "已存在（内容相同，未重复保存）"
            typer.echo(f"{state}：方案 {plan.pk}　{plan.source}　任务 {plan.tasks.count()} 项")
            continue
        failed += 1
    if failed:
        raise typer.Exit(1)


def _plan_rows() -> list[dict[str, Any]]:
    from yigai.apps.plans.selectors import plan_list_all

    return [
        {"id": p.pk, "source": p.source, "title": p.title, "doc_number": p.doc_number, "status": p.status, "status_label": p.get_status_display(), "org_unit": p.org_unit.name,
         "tasks": p.n_tasks, "targets": p.n_targets}  # type: ignore[attr-defined]  # annotated counts
        for p in plan_list_all().order_by("pk")
    ]  # fmt: skip


FormatOpt = Annotated[str, typer.Option("--format", help="输出格式：json 或 table")]


@plans_app.command("list", help="列出方案：编号、文件名、标题、任务数、目标数。")
@user_errors
def plans_list(format: FormatOpt = "table") -> None:
    if format not in ("json", "table"):
        _fail(f"不支持的格式 {format}（可用 json、table）", code=2)
    _ready()
    rows = _plan_rows()
    if format == "json":
        typer.echo(json.dumps({"plans": rows}, ensure_ascii=False, indent=2))
        return
    typer.echo(f"{'编号':<4} {'任务':>4} {'目标':>4}  {'状态':<9} 标题　文号（文件名）")
    for r in rows:
        name = r["title"] or r["source"]
        number = f"　{r['doc_number']}" if r["doc_number"] else ""
        typer.echo(
            f"{r['id']:<6} {r['tasks']:>6} {r['targets']:>6}  {r['status_label']:<8} {name}{number}（{r['source']}）"
        )


def _resolve(ref: str) -> Any:
    from yigai.apps.plans.selectors import PlanNotFound, plan_resolve

    try:
        return plan_resolve(ref=ref)
    except PlanNotFound as exc:
        _fail(str(exc))


@plans_app.command("show", help="显示一个方案的任务（编号或文件名）。")
@user_errors
def plans_show(ref: Annotated[str, typer.Argument(help="方案编号或文件名")]) -> None:
    _ready()
    plan = _resolve(ref)
    number = f"　{plan.doc_number}" if plan.doc_number else ""
    typer.echo(f"方案 {plan.pk}：{plan.title or plan.source}{number}（{plan.get_status_display()}）")
    for t in plan.tasks.prefetch_related("unit_links__unit"):
        units = "、".join(u.unit.name for u in t.unit_links.all())
        typer.echo(f"  {t.number or '-':<6} {t.title[:40]}　[{units}]　{t.deadline or ''}")


@plans_app.command(
    "publish",
    help="发布方案（编号或文件名）：先显示预览（各单位将收到的事项、无法自动分配的单位、不能发布的原因），"
    "确认后按责任单位生成分解到市、县的台账。--yes 跳过确认。",
)
@user_errors
def plans_publish(
    ref: Annotated[str, typer.Argument(help="方案编号或文件名")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="不询问，直接发布")] = False,
) -> None:
    _ready()
    from yigai.apps.publishing import PublishRefused, plan_publish, publish_preview

    plan = _resolve(ref)
    preview = publish_preview(plan=plan)
    _print_preview(preview)
    if preview.blockers:
        _fail("不能发布：" + "；".join(preview.blockers))
    if not yes and not typer.confirm("确认发布？", default=False):
        typer.echo("未发布。")
        raise typer.Exit(1)
    try:
        n = plan_publish(plan=plan)
    except PublishRefused as exc:
        _fail("不能发布：" + "；".join(exc.reasons))
    typer.echo(f"已发布方案 {plan.pk}：{plan.title or plan.source}（责任分解 {n} 条）")


def _print_preview(preview: Any) -> None:
    plan = preview.plan
    number = f"　{plan.doc_number}" if plan.doc_number else ""
    typer.echo(f"方案 {plan.pk}：{plan.title or plan.source}{number}（{plan.get_status_display()}）")
    typer.echo(
        f"行政区划：{plan.org_unit.name}　任务 {preview.n_tasks} 项　将生成台账事项 {preview.n_ledger_items} 项，"
        f"涉及责任单位 {len(preview.units)} 个"
    )
    for r in preview.units:
        typer.echo(f"  {r.unit}（{r.place}）　事项 {r.items}　其中牵头 {r.lead}")
    for u in preview.unassigned:
        typer.echo(f"  无法自动分配：任务 {u.task_number or '·'} {u.task_title[:30]}　[{u.as_written}]")
    for reason in preview.blockers:
        typer.echo(f"  不能发布：{reason}")


@app.command(help="为用户生成 API 令牌（只显示一次，库中仅存其哈希）；三种管理员账号不能使用令牌。")
@user_errors
def token(
    username: Annotated[str, typer.Argument(help="用户名")],
    name: Annotated[str, typer.Option("--name", help="令牌用途说明")] = "命令行生成",
) -> None:
    _ready()
    from yigai.apps.accounts.selectors import user_get
    from yigai.apps.accounts.services import TokenRefused, api_token_create

    user = user_get(username=username)
    if user is None:
        _fail(f"用户不存在：{username}")
    try:
        typer.echo(api_token_create(user=user, name=name))  # type: ignore[arg-type]  # checked above
    except TokenRefused as exc:
        _fail(str(exc))


@app.command(help="导入常住人口（CSV 或 Excel，列：代码、年份、人口）；任一行有误则整个文件不导入。")
@user_errors
def population(file: Annotated[Path, typer.Argument(help="人口文件")]) -> None:
    _ready()
    from yigai.apps.orgunits.services import PopulationImportError, population_import

    if not file.is_file():
        _fail(f"{file}：文件不存在")
    try:
        n = population_import(file_name=file.name, data=file.read_bytes())
    except PopulationImportError as exc:
        for line in exc.errors:
            typer.echo(f"错误：{line}", err=True)
        typer.echo(f"错误：{file.name} 未导入任何数据", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"已导入 {n} 行人口数据：{file.name}")


@app.command(
    help="运行 Django 管理命令，如：yigai manage migrate、yigai manage createsuperuser。",
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True, "help_option_names": []},
)
def manage(ctx: typer.Context) -> None:
    _setup()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["yigai manage", *ctx.args])
