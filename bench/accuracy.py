"""Score the extractor against the hand-annotated evaluation corpus (tests/corpus).

Usage: ``python bench/accuracy.py [--corpus tests/corpus] [--json] [--quiet]``

For every ``expected/<file>.json`` the script runs
``yigai.core.parse.extract.extract_path(docs/<file>)`` and reports, per document and overall (micro
averages over all items):

* task recall     expected task found (number + title prefix, else title prefix alone; one-to-one)
* lead accuracy   over matched tasks: set of lead units equal to the canonical annotation;
                  "lenient" also accepts the as-written forms of the annotation
* co-unit / deadline accuracy over matched tasks
* targets         precision / recall / F1 under the STRICT rule: comparator, value, value_max, unit
                  and year all equal, matched greedily one-to-one (a found target whose quote contains
                  the annotation's ``quote_contains`` is preferred)

followed by the misses (expected but not found, found but not expected, with the nearest candidate and
the fields that differ) so an engineer can fix rules. An exception in the extractor counts the document
as failed (all its expected items missed) and is printed; the script itself never crashes on it.
Figures only: nothing here is asserted (see bench/ in DESIGN.md).
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

_WS = re.compile(r"\s+")
_NUM_JUNK = re.compile(r"[\s（）()．.、,，:：]")


def norm(text: str | None) -> str:
    return _WS.sub("", text or "")


def norm_number(number: str | None) -> str:
    return _NUM_JUNK.sub("", number or "")


def same_value(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    try:
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)
    except (TypeError, ValueError):
        return False


def norm_unit(unit: str | None) -> str | None:
    return None if unit is None else norm(unit)


# --------------------------------------------------------------------------------------------------
@dataclass
class DocScore:
    source: str
    error: str | None = None
    tasks_expected: int = 0
    tasks_found: int = 0
    tasks_matched: int = 0
    lead_ok: int = 0
    lead_ok_lenient: int = 0
    co_ok: int = 0
    deadline_ok: int = 0
    targets_expected: int = 0
    targets_found: int = 0
    targets_matched: int = 0
    fields: dict[str, Any] = field(default_factory=dict)
    misses: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        out = dict(self.__dict__)
        out.update(summary(self))
        return out


def ratio(num: int, den: int) -> float | None:
    return None if den == 0 else num / den


def f1(p: float | None, r: float | None) -> float | None:
    if p is None or r is None:
        return None
    return 0.0 if p + r == 0 else 2 * p * r / (p + r)


def summary(s: DocScore) -> dict[str, float | None]:
    precision = ratio(s.targets_matched, s.targets_found)
    recall = ratio(s.targets_matched, s.targets_expected)
    if s.targets_found == 0 and s.targets_expected > 0:
        precision = 0.0
    return {
        "task_recall": ratio(s.tasks_matched, s.tasks_expected),
        "lead_accuracy": ratio(s.lead_ok, s.tasks_matched),
        "lead_accuracy_lenient": ratio(s.lead_ok_lenient, s.tasks_matched),
        "co_accuracy": ratio(s.co_ok, s.tasks_matched),
        "deadline_accuracy": ratio(s.deadline_ok, s.tasks_matched),
        "target_precision": precision,
        "target_recall": recall,
        "target_f1": f1(precision, recall),
    }


# --------------------------------------------------------------------------------------------------
def _task_hits(exp: dict[str, Any], task: Any) -> bool:
    prefix = norm(exp["title_prefix"])
    return prefix in norm(task.title) or prefix in norm(task.text)


def match_tasks(expected: list[dict[str, Any]], found: list[Any]) -> dict[int, int]:
    """Expected index -> found index; pass 1 needs number + prefix, pass 2 prefix alone."""
    pairs: dict[int, int] = {}
    used: set[int] = set()
    for need_number in (True, False):
        for i, exp in enumerate(expected):
            if i in pairs:
                continue
            for j, task in enumerate(found):
                if j in used or not _task_hits(exp, task):
                    continue
                if need_number and norm_number(exp.get("number")) != norm_number(task.number):
                    continue
                pairs[i] = j
                used.add(j)
                break
    return pairs


def units_ok(
    found: tuple[str, ...] | list[str], canon: list[str], written: list[str] | None
) -> tuple[bool, bool]:
    got = {norm(u) for u in found}
    strict = got == {norm(u) for u in canon}
    if strict or written is None:
        return strict, strict
    allowed = {norm(u) for u in canon} | {norm(u) for u in written}
    lenient = len(got) == len(canon) and got <= allowed
    return strict, lenient


_TARGET_FIELDS = ("comparator", "value", "value_max", "unit", "year")


def target_diff(exp: dict[str, Any], got: Any) -> list[str]:
    diffs = []
    for name in _TARGET_FIELDS:
        want, have = exp.get(name), getattr(got, name)
        if name in ("value", "value_max"):
            equal = same_value(want, have)
        elif name == "unit":
            equal = norm_unit(want) == norm_unit(have)
        else:
            equal = want == have
        if not equal:
            diffs.append(f"{name} {have!r}≠{want!r}")
    return diffs


def match_targets(expected: list[dict[str, Any]], found: list[Any]) -> dict[int, int]:
    pairs: dict[int, int] = {}
    used: set[int] = set()
    for prefer_quote in (True, False):
        for i, exp in enumerate(expected):
            if i in pairs:
                continue
            quote = norm(exp.get("quote_contains"))
            for j, got in enumerate(found):
                if j in used or target_diff(exp, got):
                    continue
                if prefer_quote and quote not in norm(got.quote):
                    continue
                pairs[i] = j
                used.add(j)
                break
    return pairs


def _fmt_target(t: Any) -> str:
    vmax = f"–{t.value_max}" if t.value_max is not None else ""
    return f"{t.comparator} {t.value}{vmax} {t.unit} @{t.year} «{norm(t.quote)[:40]}»"


def _fmt_expected_target(t: dict[str, Any]) -> str:
    vmax = f"–{t['value_max']}" if t.get("value_max") is not None else ""
    return f"{t['indicator']}: {t['comparator']} {t['value']}{vmax} {t['unit']} @{t['year']} «{t['quote_contains']}»"


def score_document(corpus: Path, exp: dict[str, Any], extract: Any) -> DocScore:
    s = DocScore(source=exp["source"])
    s.tasks_expected = len(exp["tasks"])
    s.targets_expected = len(exp["targets"])
    path = corpus / "docs" / exp["source"]
    try:
        doc = extract(path)
    except Exception as exc:  # an extractor failure is a scored outcome, not a crash
        s.error = f"{type(exc).__name__}: {exc}"
        s.misses.append("extractor failed: " + s.error)
        s.misses.extend(traceback.format_exc().rstrip().splitlines()[-3:])
        return s
    tasks, targets = list(doc.tasks), list(doc.targets)
    s.tasks_found, s.targets_found = len(tasks), len(targets)
    s.fields = {
        "title": norm(doc.title) == norm(exp.get("title")),
        "doc_number": norm(doc.doc_number) == norm(exp.get("doc_number")),
        "period_end": doc.period_end == exp.get("period_end"),
    }

    # tasks
    pairs = match_tasks(exp["tasks"], tasks)
    s.tasks_matched = len(pairs)
    for i, e in enumerate(exp["tasks"]):
        label = f"task {e.get('number')} «{e['title_prefix']}»"
        if i not in pairs:
            s.misses.append(f"MISSED {label}")
            continue
        t = tasks[pairs[i]]
        written = e.get("as_written") or {}
        lead, lead_len = units_ok(t.lead_units, e["lead_units"], written.get("lead_units"))
        co, _ = units_ok(t.co_units, e["co_units"], written.get("co_units"))
        s.lead_ok += lead
        s.lead_ok_lenient += lead_len
        s.co_ok += co
        s.deadline_ok += t.deadline == e.get("deadline")
        if not lead:
            s.misses.append(f"LEAD   {label}: got {list(t.lead_units)} want {e['lead_units']}")
        if not co:
            s.misses.append(f"CO     {label}: got {list(t.co_units)} want {e['co_units']}")
        if t.deadline != e.get("deadline"):
            s.misses.append(
                f"DUE    {label}: got {t.deadline} ({t.deadline_text!r}) want {e.get('deadline')}"
            )
    matched_found = set(pairs.values())
    for j, t in enumerate(tasks):
        if j not in matched_found:
            s.misses.append(f"EXTRA  task {t.number} «{norm(t.title)[:30]}»")

    # targets
    tpairs = match_targets(exp["targets"], targets)
    s.targets_matched = len(tpairs)
    used = set(tpairs.values())
    for i, e in enumerate(exp["targets"]):
        if i in tpairs:
            continue
        near = ""
        quote = norm(e.get("quote_contains"))
        for j, got in enumerate(targets):
            if j in used:
                continue
            if (quote and quote in norm(got.quote)) or same_value(got.value, e.get("value")):
                near = f"  nearest: {_fmt_target(got)} [{'; '.join(target_diff(e, got))}]"
                break
        s.misses.append(f"MISSED target {_fmt_expected_target(e)}{near}")
    for j, got in enumerate(targets):
        if j not in used:
            s.misses.append(f"EXTRA  target {got.indicator}: {_fmt_target(got)}")
    return s


def _pct(x: float | None) -> str:
    return "   –  " if x is None else f"{100 * x:5.1f}%"


def run(corpus: Path) -> tuple[list[DocScore], DocScore]:
    try:
        from yigai.core.parse.extract import extract_path
    except Exception as exc:  # the engine may be mid-rewrite; still report
        err = f"{type(exc).__name__}: {exc}"

        def extract_path(path: Path) -> Any:
            raise RuntimeError("cannot import yigai.core.parse.extract: " + err)

    scores = []
    for exp_file in sorted((corpus / "expected").glob("*.json")):
        exp = json.loads(exp_file.read_text(encoding="utf-8"))
        scores.append(score_document(corpus, exp, extract_path))
    total = DocScore(source="OVERALL")
    for s in scores:
        for name in (
            "tasks_expected", "tasks_found", "tasks_matched", "lead_ok", "lead_ok_lenient", "co_ok",
            "deadline_ok", "targets_expected", "targets_found", "targets_matched",
        ):  # fmt: skip
            setattr(total, name, getattr(total, name) + getattr(s, name))
    total.error = f"{sum(s.error is not None for s in scores)} of {len(scores)} documents failed"
    return scores, total


def print_report(scores: list[DocScore], total: DocScore, *, quiet: bool = False) -> None:
    head = f"{'document':44} {'tasks':>9} {'recall':>6} {'lead':>6} {'lead~':>6} {'due':>6} {'tgts':>9} {'P':>6} {'R':>6} {'F1':>6}"
    print(head)
    print("-" * len(head))
    for s in [*scores, total]:
        m = summary(s)
        name = s.source if len(s.source) <= 44 else s.source[:41] + "..."
        print(
            f"{name:44} {s.tasks_matched:>3}/{s.tasks_expected:<3}   {_pct(m['task_recall'])} "
            f"{_pct(m['lead_accuracy'])} {_pct(m['lead_accuracy_lenient'])} {_pct(m['deadline_accuracy'])} "
            f"{s.targets_matched:>3}/{s.targets_expected:<3}   {_pct(m['target_precision'])} "
            f"{_pct(m['target_recall'])} {_pct(m['target_f1'])}"
        )
    m = summary(total)
    print()
    print(f"failed documents: {total.error}")
    print(
        "goals: target F1 ≥ 95% (now {}), task recall ≥ 98% (now {}), lead accuracy ≥ 98% (now {})".format(
            _pct(m["target_f1"]).strip(), _pct(m["task_recall"]).strip(), _pct(m["lead_accuracy"]).strip()
        )
    )
    print(f"co-unit accuracy {_pct(m['co_accuracy']).strip()}; found {total.tasks_found} tasks, "
          f"{total.targets_found} targets")  # fmt: skip
    if quiet:
        return
    for s in scores:
        if not s.misses:
            continue
        print(f"\n== {s.source}")
        bad = [k for k, ok in s.fields.items() if not ok]
        if bad:
            print("   document fields wrong: " + ", ".join(bad))
        for line in s.misses:
            print("   " + line)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=ROOT / "tests" / "corpus")
    ap.add_argument("--json", action="store_true", help="print the scores as JSON")
    ap.add_argument("--quiet", action="store_true", help="scores only, no list of misses")
    args = ap.parse_args(argv)
    scores, total = run(args.corpus)
    if args.json:
        out = {"documents": [s.as_dict() for s in scores], "overall": total.as_dict()}
        if args.quiet:
            for d in [*out["documents"], out["overall"]]:
                d.pop("misses", None)
        print(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        print_report(scores, total, quiet=args.quiet)
    return 0


if __name__ == "__main__":
    sys.exit(main())
