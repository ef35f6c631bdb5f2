"""The org-unit reference data lives in the framework-free core (the CLI and analytics use it too)."""

from yigai.core.divisions import DIVISIONS_FILE, LEVELS, REPORTING_EXCEPTIONS, Division, read_divisions

__all__ = ["DIVISIONS_FILE", "LEVELS", "REPORTING_EXCEPTIONS", "Division", "read_divisions"]
