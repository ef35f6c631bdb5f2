"""Publishing a plan: the one use case that goes from plans to the ledger (plans never import the ledger).

:func:`publish_preview` says, writing nothing, what publishing would make — items per unit, what no rule can
assign, and why the plan cannot be published yet; :func:`plan_publish` does it in one transaction.
"""

from yigai.apps.publishing.preview import Preview, Unassigned, UnitCount, publish_preview
from yigai.apps.publishing.services import PublishRefused, plan_publish

__all__ = ["Preview", "PublishRefused", "Unassigned", "UnitCount", "plan_publish", "publish_preview"]
