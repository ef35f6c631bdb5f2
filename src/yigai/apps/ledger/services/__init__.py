"""Writes to the ledger (CONVENTIONS.md §3): keyword-only, typed, atomic, named ``<entity>_<action>``."""

from yigai.apps.ledger.services.calendar import HolidayImportError, holiday_set, holidays_import
from yigai.apps.ledger.services.errors import Conflict, LedgerError
from yigai.apps.ledger.services.evidence import evidence_attach, evidence_check, evidence_path, evidence_store
from yigai.apps.ledger.services.items import item_add, item_update, ledger_publish, milestones_rebuild
from yigai.apps.ledger.services.lights import lights_ensure, lights_invalidate, lights_refresh
from yigai.apps.ledger.services.notices import notice_issue, notice_reply, notices_escalate
from yigai.apps.ledger.services.reminders import SendOutcome, reminders_run
from yigai.apps.ledger.services.workflow import item_transition, period_key_for, progress_report_submit

__all__ = [
    "Conflict",
    "HolidayImportError",
    "LedgerError",
    "SendOutcome",
    "evidence_attach",
    "evidence_check",
    "evidence_path",
    "evidence_store",
    "holiday_set",
    "holidays_import",
    "item_add",
    "item_transition",
    "item_update",
    "ledger_publish",
    "lights_ensure",
    "lights_invalidate",
    "lights_refresh",
    "milestones_rebuild",
    "notice_issue",
    "notice_reply",
    "notices_escalate",
    "period_key_for",
    "progress_report_submit",
    "reminders_run",
]
