"""The embedded engine: DuckDB over the zone's Parquet files, out-of-core (spills to the scratch dir)."""

from __future__ import annotations

import os
import secrets
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

import duckdb

from yigai.core.records.engines import ElementCell, EngineError, Inputs, Query, cells_of
from yigai.core.records.engines.sql import dialect
from yigai.core.records.zone import DEFAULT_MEMORY, MEMORY_ENV


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


class DuckDBEngine:
    name = "duckdb"

    def __init__(self, *, scratch: str | None = None) -> None:
        self.scratch = scratch

    def run(self, queries: Sequence[Query], inputs: Inputs) -> list[ElementCell]:
        base = Path(self.scratch or tempfile.gettempdir())
        spill = base / f".spill-{secrets.token_hex(4)}"
        spill.mkdir(mode=0o700, parents=True)
        con = duckdb.connect(":memory:")
        try:
            con.execute(f"SET temp_directory = {_lit(str(spill))}")
            con.execute(f"SET memory_limit = {_lit(os.environ.get(MEMORY_ENV, DEFAULT_MEMORY))}")
            for key, value in inputs.options.items():
                con.execute(f"SET {key} = {_lit(value)}")
            for dataset in {q.dataset for q in queries}:
                files = ", ".join(_lit(f) for f in inputs.files.get(dataset, ()))
                if not files:
                    raise EngineError(f"数据集 {dataset} 还没有导入任何记录")
                con.execute(
                    f"CREATE VIEW {dataset} AS SELECT * FROM read_parquet([{files}], union_by_name = true)"  # nosec B608  # dataset codes are validated lower_case ASCII, paths quoted
                )
            con.execute("CREATE TABLE drg_weights (w_key VARCHAR, w_weight DECIMAL(10, 4))")
            # one statement with two lists (executemany imports pandas and binds row by row)
            if inputs.weights:
                keys, weights = zip(*inputs.weights, strict=True)
                con.execute(
                    "INSERT INTO drg_weights SELECT unnest($keys::VARCHAR[]), unnest($weights::DECIMAL(10, 4)[])",
                    {"keys": list(keys), "weights": [str(w) for w in weights]},
                )
            out: list[ElementCell] = []
            for query in queries:
                out += cells_of(query, con.execute(dialect(query.sql, "duckdb")).fetchall())
            return out
        except duckdb.Error as exc:
            raise EngineError(f"DuckDB 计算失败：{str(exc).strip().splitlines()[0]}") from None
        finally:
            con.close()
            shutil.rmtree(spill, ignore_errors=True)
