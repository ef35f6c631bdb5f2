"""The cluster engine: the same SQL on Apache Spark through PySpark (optional extra ``yigai[spark]``).

``master`` is a Spark master URL: ``local[*]`` (default: this machine, for tests and a first try),
``spark://host:7077``, ``yarn`` or ``k8s://…``. On a cluster the Parquet paths must be readable by every
executor: put the zone on a shared store and give its URL prefix (``hdfs://nn/yigai/var``,
``s3a://bucket/yigai/var``) — see docs/guide/records.md. A session is created per run and stopped after it
unless one is already active (then it is reused and left running).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from yigai.core.records.engines import ElementCell, EngineError, Inputs, Query, cells_of
from yigai.core.records.engines.sql import dialect

DEFAULT_MASTER = "local[*]"


def _session(master: str) -> tuple[Any, bool]:
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise EngineError(
            "未安装 PySpark：请安装可选组件 pip install 'yigai[spark]'（并需要 Java 17）"
        ) from None
    active = SparkSession.getActiveSession()
    if active is not None:
        return active, False
    builder = (
        SparkSession.builder.master(master).appName("yigai records compute")
        .config("spark.ui.enabled", "false").config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "8").config("spark.ui.showConsoleProgress", "false")
    )  # fmt: skip
    try:
        return builder.getOrCreate(), True
    except Exception as exc:  # Java missing, master unreachable: Py4J raises plain exceptions
        raise EngineError(f"无法启动 Spark（{master}）：{str(exc).strip().splitlines()[0]}") from None


class SparkEngine:
    name = "spark"

    def __init__(self, *, master: str | None = None) -> None:
        self.master = master or DEFAULT_MASTER

    def run(self, queries: Sequence[Query], inputs: Inputs) -> list[ElementCell]:
        spark, owned = _session(self.master)
        try:
            for dataset in {q.dataset for q in queries}:
                files = list(inputs.files.get(dataset, ()))
                if not files:
                    raise EngineError(f"数据集 {dataset} 还没有导入任何记录")
                spark.read.option("mergeSchema", "true").parquet(*files).createOrReplaceTempView(dataset)
            weights = [(k, w) for k, w in inputs.weights]
            spark.createDataFrame(weights, "w_key STRING, w_weight DECIMAL(10,4)").createOrReplaceTempView(
                "drg_weights"
            )
            out: list[ElementCell] = []
            for query in queries:
                rows = spark.sql(dialect(query.sql, "spark")).collect()
                out += cells_of(query, [tuple(r) for r in rows])
            return out
        except EngineError:
            raise
        except Exception as exc:  # AnalysisException, Py4JJavaError …
            raise EngineError(f"Spark 计算失败：{str(exc).strip().splitlines()[0]}") from None
        finally:
            if owned:
                spark.stop()
