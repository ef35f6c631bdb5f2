"""`yigai extract`: policy documents in, the yigai.plan/1 JSON (or a table for people) out."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from yigai.cli import app

if TYPE_CHECKING:
    from yigai.core.plan import Document


class Format(StrEnum):
    json = "json"
    table = "table"


def _table(doc: Document) -> str:
    out = [
        f"== {doc.source}",
        f"标题：{doc.title or '—'}    文号：{doc.doc_number or '—'}    发文：{doc.issuer or '—'} {doc.issued_on or ''}",
        f"规划期：{doc.period_start or '—'}–{doc.period_end or '—'}    任务 {len(doc.tasks)} 项    目标 {len(doc.targets)} 个",
    ]
    out += [f"⚠ {w}" for w in doc.warnings]
    for t in doc.tasks:
        units = "、".join(t.lead_units) + (f"（配合：{'、'.join(t.co_units)}）" if t.co_units else "")
        out.append(
            f"  {t.id:>5} {t.number or '':>3} {t.title[:36]:<36} {units or '未明确'}  {t.deadline or '—'}"
        )
    for g in t_targets(doc):
        out.append(g)
    return "\n".join(out)


def t_targets(doc: Document) -> list[str]:
    lines = []
    for g in doc.targets:
        value = f"{g.value}" + (f"–{g.value_max}" if g.value_max is not None else "")
        per = f"{g.per}" if g.per else ""
        lines.append(
            f"  {g.id:>5} [{g.task_id or '-'}] {g.scope or ''}{per}{g.indicator} {g.comparator} {value}{g.unit or ''}"
            f" ({g.year or '—'}{'，' + g.recurring if g.recurring else ''})"
        )
    return lines


@app.command()
def extract(
    files: Annotated[
        list[Path],
        typer.Argument(help="政策文件（.docx .doc .wps .rtf .pdf（含扫描件）.xlsx .txt .html .md），可多个"),
    ],
    format: Annotated[
        Format, typer.Option("--format", "-f", help="输出格式：json（yigai.plan/1）或 table（便于阅读）")
    ] = Format.json,
) -> None:
    """把政策文件解析为结构化方案：任务、责任单位、完成时限、量化目标。

    Extract tasks, responsible units, deadlines and numeric targets from policy documents.
    Exit status: 0 all files read, 1 some file failed (the others are still printed), 2 usage error.
    """
    from yigai.core.parse.blocks import ReadError
    from yigai.core.parse.extract import extract_path
    from yigai.core.plan import plan_to_json

    docs: list[Document] = []
    failed = False
    for path in files:
        try:
            if not path.exists():
                raise ReadError(path.name, "文件不存在")
            if path.is_dir():
                raise ReadError(path.name, "这是一个目录，不是文件")
            docs.append(extract_path(path))
        except ReadError as exc:
            print(f"yigai extract: {path}: {exc.reason}", file=sys.stderr)
            failed = True
        except Exception as exc:
            print(
                f"yigai extract: {path}: 解析失败（内部错误：{type(exc).__name__}: {exc}）", file=sys.stderr
            )
            failed = True
    if format is Format.json:
        sys.stdout.write(plan_to_json(docs) + "\n")
    else:
        sys.stdout.write("\n\n".join(_table(d) for d in docs) + "\n")
    raise typer.Exit(1 if failed else 0)
