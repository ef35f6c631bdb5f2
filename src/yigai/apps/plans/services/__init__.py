"""Writes to plans: import (extract + store), review (edit, merge, split, link) and publish."""

from yigai.apps.plans.services.imports import (
    ImportRejected,
    ImportResult,
    document_check,
    plan_import,
    plan_store_document,
)
from yigai.apps.plans.services.publish import task_assign
from yigai.apps.plans.services.review import (
    plan_link_parent,
    plan_set_region,
    plan_update,
    task_merge,
    task_set_units,
    task_split,
    task_update,
)
from yigai.apps.plans.services.targets import target_add, target_delete, target_update

__all__ = [
    "ImportRejected",
    "ImportResult",
    "document_check",
    "plan_import",
    "plan_link_parent",
    "plan_set_region",
    "plan_store_document",
    "plan_update",
    "target_add",
    "target_delete",
    "target_update",
    "task_assign",
    "task_merge",
    "task_set_units",
    "task_split",
    "task_update",
]
