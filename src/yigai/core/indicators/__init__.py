"""The indicator engine (framework-free): periods, catalogue, expressions, computation, status, alignment.

Plain rows in, plain rows out, so the Django app and the DuckDB bulk path share one definition of every
indicator. See docs/guide/indicators.md for the commission staff's view.

>>> from yigai.core.indicators import DataValue, compute, default_catalogue
>>> rows = [DataValue("130100", "BEDS", "2023", 75_000), DataValue("130100", "POP_RESIDENT", "2023", 11_000_000)]
>>> compute(default_catalogue(), rows, {"130100": None}, ["2023"], indicators=["BEDS_PER_1000"])[0].value
6.818181818181818
"""

from yigai.core.indicators.alignment import AlignmentIssue, PlanTarget, check_alignment
from yigai.core.indicators.catalogue import (
    Catalogue,
    CatalogueError,
    DataElement,
    Indicator,
    default_catalogue,
    load_catalogue,
    load_catalogue_text,
)
from yigai.core.indicators.compute import ComputeError, DataValue, IndicatorValue, compute, compute_sql
from yigai.core.indicators.expressions import CycleError, ExpressionError, parse
from yigai.core.indicators.matching import Suggestion, suggest
from yigai.core.indicators.periods import Period, PeriodError, parse_period
from yigai.core.indicators.status import Assessment, Goal, Thresholds, assess, project_linear

__all__ = [
    "AlignmentIssue",
    "Assessment",
    "Catalogue",
    "CatalogueError",
    "ComputeError",
    "CycleError",
    "DataElement",
    "DataValue",
    "ExpressionError",
    "Goal",
    "Indicator",
    "IndicatorValue",
    "Period",
    "PeriodError",
    "PlanTarget",
    "Suggestion",
    "Thresholds",
    "assess",
    "check_alignment",
    "compute",
    "compute_sql",
    "default_catalogue",
    "load_catalogue",
    "load_catalogue_text",
    "parse",
    "parse_period",
    "project_linear",
    "suggest",
]
