"""yigai (医改): run health-reform plans — extraction, ledger, indicators, standards, reports."""

__version__ = "0.1.0"
