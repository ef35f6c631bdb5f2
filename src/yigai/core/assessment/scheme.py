"""An assessment scheme (考核方案) as data: YAML of schema ``yigai.assessment/1``, validated into frozen
objects. Every error names the line of the scheme it is about, and all errors are reported together;
nothing is built from a scheme with an error.

>>> s = load_scheme(example_text())
>>> s.kind, [st.key for st in s.stages], sum(c.weight for c in s.components)
('county', ['2023', '2025', '2027'], 100.0)
>>> load_scheme("schema: yigai.assessment/1\\nname: x\\nassessed: {kind: county}\\nstages: []\\ncomponents:\\n"
...             "  - {key: a, name: A, rule: on_time_closure, weight: 60}\\n")
Traceback (most recent call last):
...
yigai.core.assessment.scheme.SchemeError: scheme.yaml 第 5 行：各项权重合计应为 100，现为 60
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from importlib import resources
from typing import Any

from yigai.core.assessment.facts import UNIT_KINDS
from yigai.core.assessment.rules import ParamError, Rule, UnknownRule, build_rule
from yigai.core.assessment.yamlines import Path, YamlSyntaxError, load_with_lines
from yigai.core.params import sane_day

_AD_HOC = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)  # the one spelling of an ad-hoc stage's day

SCHEMA = "yigai.assessment/1"
EXAMPLE = "assessment_example.yaml"
REF_LABELS = {"item": "台账事项", "indicator": "指标", "unit": "被考核单位"}


class SchemeError(ValueError):
    """One or more problems, each ``(line, reason)``; the message lists them all."""

    def __init__(self, source: str, problems: list[tuple[int, str]]) -> None:
        self.source = source
        self.problems = sorted(problems)
        super().__init__("\n".join(f"{source} 第 {line} 行：{reason}" for line, reason in self.problems))


@dataclass(frozen=True)
class SchemeContext:
    """What exists, to check a scheme's references (None: not checked)."""

    item_codes: frozenset[str] | None = None
    indicators: frozenset[str] | None = None
    units: frozenset[str] | None = None
    plan_start: dt.date | None = None


@dataclass(frozen=True)
class Stage:
    key: str
    day: dt.date
    label: str


@dataclass(frozen=True)
class Component:
    key: str
    name: str
    weight: float
    rule: Rule


@dataclass(frozen=True)
class Scheme:
    key: str
    name: str
    plan: str | None
    kind: str
    within: str | None
    stages: tuple[Stage, ...]
    components: tuple[Component, ...]
    total: float
    text: str

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    def stage(self, wanted: str) -> Stage:
        """A named stage (``2025``), else a date ``YYYY-MM-DD`` of 2000–2100 as an ad-hoc stage (one spelling
        per day: each ad-hoc stage is computed, cached and frozen under its key)."""
        for s in self.stages:
            if s.key == wanted:
                return s
        day = None
        if _AD_HOC.fullmatch(wanted):
            try:
                day = dt.date.fromisoformat(wanted)
            except ValueError:
                day = None
        if day is None or not sane_day(day):
            names = "、".join(s.key for s in self.stages) or "无"
            raise ValueError(
                f"方案中没有阶段 {wanted!r}（已定义：{names}），也不是 2000 年至 2100 年间的日期（YYYY-MM-DD）"
            )
        return Stage(wanted, day, f"{day.isoformat()} 评估")


def example_text() -> str:
    """The shipped 示例 scheme (package data)."""
    return resources.files("yigai.data").joinpath(EXAMPLE).read_text("utf-8")


class _Problems:
    def __init__(self, lines: dict[Path, int]) -> None:
        self.lines = lines
        self.found: list[tuple[int, str]] = []

    def add(self, path: Path, reason: str) -> None:
        while path and path not in self.lines:
            path = path[:-1]
        self.found.append((self.lines.get(path, 1), reason))


def load_scheme(text: str, *, source: str = "scheme.yaml", context: SchemeContext | None = None) -> Scheme:
    """The scheme in ``text``, or :class:`SchemeError` listing every problem with its line."""
    try:
        data, lines = load_with_lines(text)
    except YamlSyntaxError as e:
        raise SchemeError(source, [(e.line, e.reason)]) from None
    p = _Problems(lines)
    if not isinstance(data, dict):
        raise SchemeError(source, [(1, "方案应为 YAML 映射（schema, name, assessed, stages, components）")])
    if data.get("schema") != SCHEMA:
        p.add(("schema",), f"schema 应为 {SCHEMA}，现为 {data.get('schema')!r}")
    name = str(data.get("name") or "")
    if not name:
        p.add(("name",), "缺少方案名称 name")
    kind, within = _assessed(data.get("assessed"), p)
    ctx = context or SchemeContext()
    stages = _stages(data.get("stages"), p, ctx)
    total = data.get("total", 100)
    components = _components(data.get("components"), p, ctx, kind)
    weights = sum(c.weight for c in components if c.rule.weighted)
    if components and isinstance(total, int | float) and abs(weights - total) > 1e-6:
        p.add(("components",), f"各项权重合计应为 {total:g}，现为 {weights:g}")
    if p.found:
        raise SchemeError(source, p.found)
    key = str(data.get("key") or name)
    plan = None if data.get("plan") is None else str(data["plan"])
    return Scheme(key, name, plan, kind, within, stages, components, float(total), text)


def _assessed(value: Any, p: _Problems) -> tuple[str, str | None]:
    if not isinstance(value, dict) or value.get("kind") not in UNIT_KINDS:
        got = value.get("kind") if isinstance(value, dict) else value
        p.add(
            ("assessed", "kind"),
            f"被考核单位类别 assessed.kind 应为 {', '.join(UNIT_KINDS)} 之一，现为 {got!r}",
        )
        return "county", None
    within = value.get("within")
    return str(value["kind"]), None if within is None else str(within)


def _stages(value: Any, p: _Problems, ctx: SchemeContext) -> tuple[Stage, ...]:
    if not isinstance(value, list):
        p.add(("stages",), "stages 应为阶段列表（key, date, label）")
        return ()
    found: list[Stage] = []
    for n, row in enumerate(value):
        where: Path = ("stages", n)
        if not isinstance(row, dict) or "key" not in row or "date" not in row:
            p.add(where, "阶段应写明 key 和 date")
            continue
        day = row["date"]
        if isinstance(day, str):
            with contextlib.suppress(ValueError):
                day = dt.date.fromisoformat(day)
        if not isinstance(day, dt.date):
            p.add((*where, "date"), f"阶段日期应为 YYYY-MM-DD，现为 {row['date']!r}")
            continue
        if ctx.plan_start is not None and day < ctx.plan_start:
            p.add(
                (*where, "date"),
                f"阶段 {row['key']} 的日期 {day.isoformat()} 早于方案起始日 {ctx.plan_start.isoformat()}",
            )
            continue
        if any(s.key == str(row["key"]) for s in found):
            p.add((*where, "key"), f"阶段 {row['key']} 重复")
            continue
        found.append(Stage(str(row["key"]), day, str(row.get("label") or f"{row['key']}年阶段评估")))
    return tuple(found)


def _components(value: Any, p: _Problems, ctx: SchemeContext, kind: str) -> tuple[Component, ...]:
    if not isinstance(value, list) or not value:
        p.add(("components",), "components 应为非空的考核项列表")
        return ()
    found: list[Component] = []
    for n, row in enumerate(value):
        where: Path = ("components", n)
        if not isinstance(row, dict):
            p.add(where, "考核项应为映射（key, name, rule, weight …）")
            continue
        params = {k: v for k, v in row.items() if k not in ("key", "name", "rule", "weight")}
        try:
            rule = build_rule(str(row.get("rule")), params)
        except UnknownRule as e:
            p.add((*where, "rule"), str(e))
            continue
        except ParamError as e:
            p.add((*where, *e.path), f"{row.get('key', '')}：{e.reason}")
            continue
        if rule.needs_place and kind == "department":
            p.add(
                (*where, "rule"), f"部门考核不能使用指标目标值达成（{rule.kind}）：部门没有所属地区的指标值"
            )
            continue
        weight = row.get("weight", 0)
        if rule.weighted and (isinstance(weight, bool) or not isinstance(weight, int | float) or weight <= 0):
            p.add((*where, "weight"), f"考核项 {row.get('key')} 的权重 weight 应为正数，现为 {weight!r}")
            continue
        if not rule.weighted and weight:
            p.add((*where, "weight"), f"{row.get('key')}：加分项和一票否决不占权重，请删去 weight")
            continue
        key = str(row.get("key") or "")
        if not key or any(c.key == key for c in found):
            p.add((*where, "key"), f"考核项的 key {key!r} 缺失或重复")
            continue
        _check_refs(rule, where, p, ctx)
        found.append(Component(key, str(row.get("name") or rule.label), float(weight), rule))
    return tuple(found)


def _check_refs(rule: Rule, where: Path, p: _Problems, ctx: SchemeContext) -> None:
    known = {"item": ctx.item_codes, "indicator": ctx.indicators, "unit": ctx.units}
    for path, kind, name in rule.refs():
        names = known[kind]
        if names is not None and name not in names:
            p.add((*where, *path), f"未知{REF_LABELS[kind]} {name!r}")
