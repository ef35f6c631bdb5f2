"""The task ledger (工作台账): items put on the ledger when a plan is published, their workflow, progress
reports with evidence, 督办, reminders and 预警. Rules live in :mod:`yigai.core.ledger`; this app stores
rows, checks jurisdiction and maps rows to the core's dataclasses (``adapters.py``)."""
