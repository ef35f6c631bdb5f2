"""The Excel round trip on the command line: ``yigai ledger export PLAN --out FILE.xlsx`` and
``yigai ledger import FILE.xlsx --user NAME [--dry-run]``.

Export runs with the operator's full rights (every item of the plan); import runs as ``--user``, with
that account's jurisdiction and role, through the same functions as the upload page.
Exit status: 0 done (or nothing to change), 1 rows refused or conflicts (one line per row), 2 usage.
"""

from __future__ import annotations

import sys
from pathlib import Path
from types import TracebackType
from typing import Annotated, Any, ClassVar

import typer

from yigai.cli.ledger import ledger_app
from yigai.cli.platform import _fail, _ready, _resolve, user_errors


@ledger_app.command(
    "export", help="导出方案的工作台账为 Excel（序号、目标任务…完成状态、预警，合并单元格、预警颜色）。"
)
@user_errors
def export(
    plan: Annotated[str, typer.Argument(help="方案编号或文件名")],
    out: Annotated[Path | None, typer.Option("--out", help="输出文件（.xlsx）；默认按方案标题命名")] = None,
) -> None:
    _ready()
    from yigai.apps.ledger.excel_export import ledger_export

    plan_obj = _resolve(plan)
    if not hasattr(plan_obj, "ledger"):
        _fail(f"方案 {plan_obj.pk}（{plan_obj.source}）尚未发布，没有工作台账")
    name, data = ledger_export(plan=plan_obj, user=None)
    target = out or Path(name)
    if target.suffix.lower() != ".xlsx":
        _fail(f"--out 须为 .xlsx 文件，现为 {target}", code=2)
    target.write_bytes(data)
    n = plan_obj.ledger.items.count()
    typer.echo(f"已导出 {n} 项：{target}")


@ledger_app.command(
    "import",
    help="导入填好的工作台账 Excel：先列出改动；不带 --dry-run 时确认导入。任一行有误则整个文件不导入。",
)
@user_errors
def import_(
    file: Annotated[Path, typer.Argument(help="从本系统导出并填好的 .xlsx 文件")],
    user: Annotated[str, typer.Option("--user", help="以哪个账号导入（按其单位和权限检查每一行）")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="只列出改动，不导入")] = False,
) -> None:
    _ready()
    from yigai.apps.accounts.models import User
    from yigai.apps.ledger import excel_import

    account = User.objects.filter(username=user).first()
    if account is None:
        _fail(f"账号 {user} 不存在", code=2)
        return
    if not file.is_file():
        _fail(f"{file}：文件不存在", code=2)
    data = file.read_bytes()
    with _ProgressBar() as bar:
        preview = excel_import.preview(user=account, file_name=file.name, data=data, progress=bar)
    for line in excel_import.diff_lines(preview):
        typer.echo(line)
    if preview.errors:
        for e in preview.errors:
            typer.echo(f"错误：{e}", err=True)
        _fail(f"{file.name} 有 {len(preview.errors)} 处错误，未导入任何数据")
    if dry_run or not preview.changes:
        typer.echo(excel_import.summary(preview, applied=False))
    else:
        try:
            with _ProgressBar() as bar:
                done = excel_import.apply(user=account, file_name=file.name, data=data, progress=bar)
        except excel_import.ImportRejected as exc:
            for e in exc.errors:
                typer.echo(f"错误：{e}", err=True)
            _fail(f"{file.name} 未导入任何数据")
        typer.echo(excel_import.summary(done, applied=True))
    if preview.conflicts:
        raise typer.Exit(1)


class _ProgressBar:
    """The import's progress on standard error, one bar per stage (读取, 核对, 写入) — the same
    ``progress`` the web job reports to its page. Hidden when standard error is not a terminal."""

    LABELS: ClassVar[dict[str, str]] = {"read": "读取", "check": "核对", "write": "写入"}

    def __init__(self) -> None:
        self.stage, self.done, self.bar = "", 0, None

    def __enter__(self) -> _ProgressBar:
        return self

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage != self.stage:
            self._close()
            bar: Any = typer.progressbar(
                length=max(total, 1), label=self.LABELS.get(stage, stage), file=sys.stderr
            )
            self.stage, self.done, self.bar = stage, 0, bar.__enter__()
        assert self.bar is not None
        if total > self.bar.length:  # the sheet's claimed size was short: the bar grows
            self.bar.length = total
        self.bar.update(done - self.done)
        self.done = done

    def _close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._close()
