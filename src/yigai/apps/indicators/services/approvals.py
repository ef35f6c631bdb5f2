"""Approval of an org unit's values for a period, bottom-up (county → city → province); approved = locked.

A unit is approved only when every child unit (below facility level) is approved for the period; an
approval is withdrawn only while its parent's is not there (top-down), as in DHIS2.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from yigai.apps.accounts.models import Role, User
from yigai.apps.audit.services import audit_record
from yigai.apps.indicators.models import Approval
from yigai.apps.orgunits.models import OrgUnit
from yigai.core.indicators import Period
from yigai.core.permissions import Perm, may


class ApprovalError(Exception):
    """An approval that cannot be given or withdrawn; the message says why in one sentence."""


def _may_approve(user: User | None, org_unit: OrgUnit) -> None:
    if user is None:  # the command line runs with the operator's rights
        return
    if not may(user, Perm.APPROVE_VALUES):
        raise ApprovalError(_("无权审核数据"))
    if user.role != Role.ADMIN and not (user.org_unit and org_unit.path.startswith(user.org_unit.path)):
        raise ApprovalError(_("无权审核 %(org)s 的数据") % {"org": org_unit.name})


@transaction.atomic
def approval_approve(*, user: User | None, org_unit: OrgUnit, period: str) -> Approval:
    canonical = str(Period.parse(period))
    _may_approve(user, org_unit)
    children = OrgUnit.objects.filter(parent=org_unit).exclude(level="facility")
    done = set(
        Approval.objects.filter(org_unit__in=children, period=canonical).values_list("org_unit_id", flat=True)
    )
    waiting = [c.name for c in children if c.pk not in done]
    if waiting:
        names = "、".join(waiting[:5]) + ("等" if len(waiting) > 5 else "")
        raise ApprovalError(
            _("%(org)s %(period)s 尚不能审核：下级 %(names)s 未审核（按县→市→省逐级审核）")
            % {"org": org_unit.name, "period": canonical, "names": names}
        )
    approval, created = Approval.objects.get_or_create(
        org_unit=org_unit, period=canonical, defaults={"level": org_unit.level, "approved_by": user}
    )
    if created:
        audit_record(actor=user, action="indicators.approve", obj=approval,
                     details={"org_unit": org_unit.code, "period": canonical})  # fmt: skip
    return approval


@transaction.atomic
def approval_withdraw(*, user: User | None, org_unit: OrgUnit, period: str) -> None:
    canonical = str(Period.parse(period))
    _may_approve(user, org_unit)
    if (
        org_unit.parent_id
        and Approval.objects.filter(org_unit_id=org_unit.parent_id, period=canonical).exists()
    ):
        raise ApprovalError(
            _("上级 %(parent)s 已审核 %(period)s，须先由上级退回")
            % {"parent": org_unit.parent.name if org_unit.parent else "", "period": canonical}
        )
    if Approval.objects.filter(org_unit=org_unit, period=canonical).delete()[0]:
        audit_record(actor=user, action="indicators.approval_withdraw", obj=org_unit,
                     details={"org_unit": org_unit.code, "period": canonical})  # fmt: skip
