"""Assessment (考核) and staged evaluation (阶段评估): schemes as data, scores with their reasons, ranks,
frozen stage snapshots and stage comparison. Framework-free; the app ``yigai.apps.assessment`` builds the
facts from the ledger and indicator data and stores the frozen stages."""

from yigai.core.assessment.facts import (
    EVIDENCE_MARK_LABELS,
    EVIDENCE_MARKS,
    UNIT_KIND_LABELS,
    UNIT_KINDS,
    ItemFact,
    NoticeFact,
    Series,
    UnitFacts,
    facts_from_json,
    facts_to_json,
)
from yigai.core.assessment.rules import RULE_LABELS, RULES, Reason, build_rule
from yigai.core.assessment.scheme import (
    Scheme,
    SchemeContext,
    SchemeError,
    Stage,
    example_text,
    load_scheme,
)
from yigai.core.assessment.scoring import (
    ComponentScore,
    StageResult,
    UnitChange,
    UnitScore,
    compare,
    digest,
    result_from_json,
    result_to_json,
    score_stage,
    snapshot,
)

__all__ = [
    "EVIDENCE_MARKS", "EVIDENCE_MARK_LABELS", "RULES", "RULE_LABELS", "UNIT_KINDS", "UNIT_KIND_LABELS",
    "ComponentScore", "ItemFact", "NoticeFact", "Reason", "Scheme", "SchemeContext", "SchemeError", "Series",
    "Stage", "StageResult", "UnitChange", "UnitFacts", "UnitScore", "build_rule", "compare", "digest",
    "example_text", "facts_from_json", "facts_to_json", "load_scheme", "result_from_json", "result_to_json",
    "score_stage", "snapshot",
]  # fmt: skip
