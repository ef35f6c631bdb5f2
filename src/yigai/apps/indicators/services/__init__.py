"""Writes of the indicators app: catalogue sync, value import and entry, approvals, target links."""

from yigai.apps.indicators.services.approvals import ApprovalError, approval_approve, approval_withdraw
from yigai.apps.indicators.services.catalogue import catalogue_ensure, catalogue_sync
from yigai.apps.indicators.services.targets import LinkError, LinkReport, target_link, targets_link_plan
from yigai.apps.indicators.services.values import ImportResult, ValuesRejected, values_enter, values_import

__all__ = [
    "ApprovalError",
    "ImportResult",
    "LinkError",
    "LinkReport",
    "ValuesRejected",
    "approval_approve",
    "approval_withdraw",
    "catalogue_ensure",
    "catalogue_sync",
    "target_link",
    "targets_link_plan",
    "values_enter",
    "values_import",
]
