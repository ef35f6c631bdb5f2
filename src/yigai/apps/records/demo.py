"""Record-level data for the demo (示例数据): a small synthetic year of service records and family-doctor
contracts, pseudonymised into the record zone by the normal import, and one stored computation — so 记录级指标,
the indicator pages and the map show record-based values with their provenance on a first visit.

The records come from :mod:`yigai.core.records.synth` (the generator of ``yigai records synth``) at a tiny
scale (~41,000 visits and discharges, ~3,000 contracts); the batches are named ``示例数据_…`` and so flagged
as demo data, and the values computed only from them are stored as demo values.

Once per data directory: a record zone that already holds a batch (the demo's, or real data) is left alone,
and so is one with a DRG weight table of its own (the demo loads the generator's 示例 table).
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from yigai.apps.audit.services import audit_record
from yigai.apps.orgunits.models import OrgUnit
from yigai.apps.records.services import RecordsComputed, data_dir, records_compute
from yigai.core.records import PseudonymKeyError, batches, ingest, load_key, shipped_specs
from yigai.core.records.reference import ZONE_FILE, store_drg_weights
from yigai.core.records.synth import generate

SCALE = 0.0001  # ~41,000 service records: the month-by-county cells are small but not empty
YEAR = 2024  # contracts of a later year would end after today (the import refuses future dates)
SEED = 1
#: The computation the demo stores: 县域内就诊率 (an indicator of the demo plans' targets), CMI (DRG weights)
#: and 平均住院日 — ratios that do not depend on the scale. Not 签约覆盖率: its denominator is the (full-size)
#: resident population, so 1/10,000 of the contracts would show as 0.004 %. All thirteen indicators would
#: store ~34,000 values (~6 s more).
INDICATORS = ("IN_COUNTY_VISIT_RATE", "REC_CMI", "REC_AVERAGE_LENGTH_OF_STAY")
REASON = "示例数据：yigai demo 生成并导入的合成记录"


@dataclass(frozen=True)
class RecordsDemo:
    """What the demo loaded (for the lines ``yigai demo`` prints); ``skipped`` says why nothing was."""

    services: int = 0
    family_doctor: int = 0
    computed: RecordsComputed | None = None
    skipped: str = ""


def records_demo_load(*, zone: Path | None = None) -> RecordsDemo:
    """Generate, import and compute the demo records into ``zone`` (default: the data directory), once."""
    zone = zone or data_dir()
    specs = shipped_specs()
    if any(batches(zone, code) for code in specs):
        return RecordsDemo(skipped="记录区已有数据，未导入示例记录")
    if (zone / ZONE_FILE).is_file():
        return RecordsDemo(skipped="记录区已载入 DRG 权重表，未导入示例记录")
    try:
        key = load_key(data_dir=zone, production=os.environ.get("YIGAI_ENV", "development") == "production")
    except PseudonymKeyError as exc:
        return RecordsDemo(skipped=f"未导入示例记录：{exc}")
    counties = list(OrgUnit.objects.filter(level="county").values_list("code", flat=True))
    rows: dict[str, int] = {}
    with tempfile.TemporaryDirectory(prefix="yigai-demo-records-") as work:
        synth = generate(Path(work) / "synth", scale=SCALE, year=YEAR, seed=SEED)
        store_drg_weights(zone, synth.out / "drg_weights.csv")
        for code in ("services", "family_doctor"):
            name = f"示例数据_{code}_{YEAR}"
            done = ingest(specs[code], synth.out / code, data_dir=zone, key=key, org_units=counties,
                          source_name=name)  # fmt: skip
            b = done.batch
            audit_record(actor=None, action="records.import", details={
                "dataset": code, "file": name, "content_hash": b.content_hash, "rows": b.rows,
                "key_fingerprint": b.key_fingerprint, "reason": REASON,
            })  # fmt: skip
            rows[code] = b.rows
    computed = records_compute(user=None, indicators=INDICATORS, store=True, reason=REASON, zone=zone)
    return RecordsDemo(rows["services"], rows["family_doctor"], computed)
