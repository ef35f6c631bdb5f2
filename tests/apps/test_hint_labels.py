"""Every rule code the extractor writes into a Hint has a label on the review page (none reads
"其他识别规则" on the seeds)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from yigai.apps.plans.templatetags.plans_tags import HINT_RULES, hint_rule
from yigai.core.parse.extract import extract_text

SAMPLES = Path(str(resources.files("yigai") / "data" / "samples"))


def test_every_rule_code_on_the_seeds_has_a_label() -> None:
    codes = set()
    for path in sorted(SAMPLES.glob("*.txt")):
        doc = extract_text(path.name, path.read_text(encoding="utf-8"))
        codes |= {x.hint.rule for x in (*doc.tasks, *doc.targets) if x.hint is not None}
    assert codes, "the seeds produce hints"
    unlabelled = {c for c in codes if any(part not in HINT_RULES for part in c.split("/"))}
    assert not unlabelled


def test_a_task_code_reads_part_by_part() -> None:
    assert hint_rule("numbered_item/unknown_unit") == "编号条目 · 含名录外单位（请核对）"
    assert hint_rule("no_such_rule") == "其他识别规则"
