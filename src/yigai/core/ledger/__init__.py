"""The task ledger (工作台账) domain: workday calendar, workflow, warnings, 倒排工期, reporting, reminders.

Framework-free and pure: every function takes frozen dataclasses and dates and returns new ones; the
Django app maps its rows to :class:`LedgerSnapshot` / :class:`ItemState` and records what comes back
(transition records, reminder keys). Staff-facing rules: docs/guide/ledger-rules.md.

>>> from datetime import date
>>> cal = WorkCalendar()
>>> item = LedgerSnapshot("L1", "推进分级诊疗", Status.NOT_STARTED, date(2026, 3, 2), date(2027, 6, 30))
>>> evaluate(item, today=date(2026, 11, 23), calendar=cal, scheme=get_scheme()).label
'绿灯'
"""

from yigai.core.ledger.calendar import Coverage, DayOverride, WorkCalendar
from yigai.core.ledger.evaluation import (
    PENDING_CLOSE_LABEL,
    PENDING_EXTENSION_LABEL,
    ItemEvaluation,
    ReportCounts,
    display_status,
    evaluate_item,
    item_completeness,
    reporting_window,
)
from yigai.core.ledger.reminders import (
    LEVELS,
    Escalation,
    OrgLevel,
    Reminder,
    ReminderKind,
    SupervisionNotice,
    escalate,
    plan_reminders,
    reminder_key,
)
from yigai.core.ledger.reporting import (
    CADENCES,
    DEFAULT_DUE_WORKDAYS,
    Cadence,
    Period,
    PeriodCompleteness,
    ProgressReport,
    ReportState,
    UnitRate,
    completeness,
    due_periods,
    reporting_rates,
)
from yigai.core.ledger.schedule import (
    DEFAULT_SPEC,
    Milestone,
    MilestoneSpec,
    back_schedule,
    linear_progress,
    spec_from_config,
)
from yigai.core.ledger.snapshot import LedgerSnapshot
from yigai.core.ledger.warnings import (
    COLOURS,
    RULE_TYPES,
    ItemWarning,
    SchemeError,
    WarningScheme,
    evaluate,
    get_scheme,
    load_schemes,
    register_rule_type,
    scheme_from_dict,
    schemes_from_yaml,
)
from yigai.core.ledger.workflow import (
    FINISHED,
    OVERDUE_LABEL,
    TRANSITIONS,
    Action,
    Actor,
    ItemState,
    PendingExtension,
    Status,
    TransitionError,
    TransitionRecord,
    TransitionResult,
    allowed_actions,
    is_overdue,
    status_label,
    transition,
)
from yigai.core.permissions import Role

__all__ = [
    "CADENCES",
    "COLOURS",
    "DEFAULT_DUE_WORKDAYS",
    "DEFAULT_SPEC",
    "FINISHED",
    "LEVELS",
    "OVERDUE_LABEL",
    "PENDING_CLOSE_LABEL",
    "PENDING_EXTENSION_LABEL",
    "RULE_TYPES",
    "TRANSITIONS",
    "Action",
    "Actor",
    "Cadence",
    "Coverage",
    "DayOverride",
    "Escalation",
    "ItemEvaluation",
    "ItemState",
    "ItemWarning",
    "LedgerSnapshot",
    "Milestone",
    "MilestoneSpec",
    "OrgLevel",
    "PendingExtension",
    "Period",
    "PeriodCompleteness",
    "ProgressReport",
    "Reminder",
    "ReminderKind",
    "ReportCounts",
    "ReportState",
    "Role",
    "SchemeError",
    "Status",
    "SupervisionNotice",
    "TransitionError",
    "TransitionRecord",
    "TransitionResult",
    "UnitRate",
    "WarningScheme",
    "WorkCalendar",
    "allowed_actions",
    "back_schedule",
    "completeness",
    "display_status",
    "due_periods",
    "escalate",
    "evaluate",
    "evaluate_item",
    "get_scheme",
    "is_overdue",
    "item_completeness",
    "linear_progress",
    "load_schemes",
    "plan_reminders",
    "register_rule_type",
    "reminder_key",
    "reporting_rates",
    "reporting_window",
    "scheme_from_dict",
    "schemes_from_yaml",
    "spec_from_config",
    "status_label",
    "transition",
]
