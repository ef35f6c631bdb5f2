"""Reads of plans and tasks, always through the user's jurisdiction (CONVENTIONS.md §5).

- admin: everything;
- plan owner, reviewer, leader: plans of their org-unit subtree, plus published plans that assign
  work inside it (a county sees the provincial tasks assigned to it);
- unit reporter: published tasks assigned to their unit inside their org unit, nothing else.

Views and APIs reach single objects only through ``access_plan`` / ``access_task``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from yigai.apps.accounts.models import Role, User
from yigai.apps.orgunits.models import OrgUnit
from yigai.apps.plans.models import Plan, Section, Status, Target, Task
from yigai.core.indicators import Suggestion
from yigai.core.params import db_int
from yigai.core.permissions import Perm, may


class PlanNotFound(Http404):
    """No plan of that id or file name that the user may see."""


def _subtree_prefix(user: User) -> str | None:
    return user.org_unit.path if user.org_unit_id else None  # type: ignore[union-attr]  # checked by id


def _reporter_tasks(user: User) -> Q:
    prefix = _subtree_prefix(user)
    if not user.unit_id or prefix is None:
        return Q(pk__in=[])
    return Q(
        plan__status=Status.PUBLISHED,
        assignments__unit_id=user.unit_id,
        assignments__org_unit__path__startswith=prefix,
    )


def _visible_tasks(user: User) -> Q:
    if user.role == Role.ADMIN:
        return Q()
    if user.role == Role.UNIT_REPORTER:
        return _reporter_tasks(user)
    prefix = _subtree_prefix(user)
    if prefix is None:
        return Q(pk__in=[])
    return Q(plan__org_unit__path__startswith=prefix) | Q(
        plan__status=Status.PUBLISHED, assignments__org_unit__path__startswith=prefix
    )


def plan_list(*, user: User) -> QuerySet[Plan]:
    """Plans the user may see, with task and target counts."""
    if user.role == Role.ADMIN:
        qs = Plan.objects.all()
    else:
        visible = Task.objects.filter(_visible_tasks(user)).values("plan_id")
        qs = Plan.objects.filter(pk__in=visible)
        if user.role != Role.UNIT_REPORTER and (prefix := _subtree_prefix(user)) is not None:
            qs = Plan.objects.filter(Q(pk__in=visible) | Q(org_unit__path__startswith=prefix))
    return _with_counts(qs.select_related("org_unit", "implements"))


def _count_of(model: type[Task] | type[Target]) -> Subquery:
    rows = model.objects.filter(plan=OuterRef("pk")).order_by().values("plan").annotate(n=Count("pk"))
    return Subquery(rows.values("n"), output_field=IntegerField())


def _with_counts(qs: QuerySet[Plan]) -> QuerySet[Plan]:
    """``n_tasks`` and ``n_targets``, each counted on its own (a join of both multiplied a plan's tasks by
    its targets — 124 × 100 rows for one plan — before counting them distinct)."""
    return qs.annotate(n_tasks=Coalesce(_count_of(Task), 0), n_targets=Coalesce(_count_of(Target), 0))


def plan_list_all() -> QuerySet[Plan]:
    """Every plan, for the command line (which runs with the operator's full rights)."""
    return _with_counts(Plan.objects.select_related("org_unit"))


def plan_resolve(*, ref: str | int, plans: QuerySet[Plan] | None = None) -> Plan:
    """A plan named by its id or its source file name (unique among ``plans``)."""
    qs = plan_list_all() if plans is None else plans
    ref = str(ref).strip()
    if (pk := db_int(ref)) is not None and (plan := qs.filter(pk=pk).first()) is not None:
        return plan
    matches = list(qs.filter(source=ref)[:5])
    if len(matches) == 1:
        return matches[0]
    if matches:
        ids = pgettext("list separator", "、").join(str(p.pk) for p in matches)
        raise PlanNotFound(
            _("有多个方案的文件名是 %(ref)s（编号 %(ids)s），请用编号指定") % {"ref": ref, "ids": ids}
        )
    raise PlanNotFound(_("找不到方案：%(ref)s（可用编号或文件名）") % {"ref": ref})


def may_change_plan(*, user: User, plan: Plan, publish: bool = False) -> bool:
    """Whether ``user`` may edit (or publish) ``plan``, which they already see: their role allows it and
    the plan belongs to their org-unit subtree."""
    prefix = _subtree_prefix(user)
    owns = user.role == Role.ADMIN or (prefix is not None and plan.org_unit.path.startswith(prefix))
    return owns and may(user, Perm.PUBLISH_PLANS if publish else Perm.EDIT_PLANS)


def access_plan(*, user: User, ref: str | int, for_edit: bool = False, for_publish: bool = False) -> Plan:
    """The plan if the user may see it (and edit or publish it, when asked); else 404 / 403."""
    plan = plan_resolve(ref=ref, plans=plan_list(user=user))
    if (for_edit or for_publish) and not may_change_plan(user=user, plan=plan, publish=for_publish):
        raise PermissionDenied(_("无权修改该方案"))
    return plan


def access_task(*, user: User, task_id: int, for_edit: bool = False) -> Task:
    task = task_list(user=user).filter(pk=task_id).first()
    if task is None:
        raise Http404(_("找不到该任务"))
    if for_edit:
        access_plan(user=user, ref=task.plan_id, for_edit=True)
    return task


@dataclass(frozen=True)
class TaskFilters:
    plan: int | None = None
    unit: str = ""  # unit name contains
    org_unit: str = ""  # org unit code: tasks of plans or assignments inside it
    deadline_from: dt.date | None = None
    deadline_to: dt.date | None = None
    section: str = ""  # section title contains (any level)
    q: str = ""  # search in title, text, units as written


def task_list(*, user: User, filters: TaskFilters | None = None) -> QuerySet[Task]:
    f = filters or TaskFilters()
    ids = Task.objects.filter(_visible_tasks(user)).values("pk")
    qs = Task.objects.filter(pk__in=ids)
    if f.plan:
        qs = qs.filter(plan_id=f.plan)
    if f.unit:
        qs = qs.filter(unit_links__unit__name__icontains=f.unit)
    if f.org_unit:
        qs = qs.filter(
            Q(plan__org_unit__code=f.org_unit) | Q(assignments__org_unit__path__contains=f"{f.org_unit}/")
        )
    if f.deadline_from:
        qs = qs.filter(deadline__gte=f.deadline_from)
    if f.deadline_to:
        qs = qs.filter(deadline__lte=f.deadline_to)
    if f.section:
        qs = qs.filter(
            Q(section__title__icontains=f.section) | Q(section__parent__title__icontains=f.section)
        )
    if f.q:
        qs = qs.filter(Q(title__icontains=f.q) | Q(text__icontains=f.q) | Q(units_as_written__icontains=f.q))
    return (
        qs.distinct()
        .select_related("plan", "section")
        .prefetch_related("unit_links__unit", "targets")
        .order_by("plan_id", "order", "pk")
    )


def plan_tasks(*, user: User, plan: Plan) -> QuerySet[Task]:
    """The tasks of ``plan`` that ``user`` may see: what the plan page shows and the API returns."""
    return task_list(user=user, filters=TaskFilters(plan=plan.pk)).order_by("order", "pk")


def plan_outline(*, plan: Plan, user: User) -> list[dict[str, object]]:
    """The document's own outline: sections in order, each with the tasks the user may see (units, targets
    prefetched). A reader who sees only some tasks (a unit reporter) gets only the sections that lead to
    them; a reader who sees them all gets every section, empty ones too."""
    tasks = list(
        plan_tasks(user=user, plan=plan).prefetch_related("unit_links__unit", "targets", "assignments__unit")
    )
    by_section: dict[int | None, list[Task]] = {}
    for t in tasks:
        by_section.setdefault(t.section_id, []).append(t)
    sections = list(plan.sections.order_by("order"))
    keep = _sections_leading_to(sections, set(by_section)) if len(tasks) < plan.tasks.count() else None
    rows: list[dict[str, object]] = [{"section": None, "depth": 0, "tasks": by_section.get(None, [])}]
    rows += [
        {"section": s, "depth": s.depth, "tasks": by_section.get(s.pk, [])}
        for s in sections
        if keep is None or s.pk in keep
    ]
    return [r for r in rows if r["section"] is not None or r["tasks"]]


@dataclass(frozen=True)
class TargetRow:
    """A target with the passage of the document it was read from (its task's text, else the first text of
    the plan holding its quote, else the quote alone)."""

    target: Target
    passage: str
    suggestions: tuple[Suggestion, ...] = ()


def plan_targets(
    *, plan: Plan, suggest: Callable[[Target], Sequence[Suggestion]] | None = None
) -> list[TargetRow]:
    """Every target of the plan in document order, each with its passage for highlighting the quote and,
    given ``suggest``, the indicators an unlinked one may be linked to (best first, at most three): the
    review page offers them as buttons, so linking needs no indicator code."""
    # values_list, not only("text"): a related manager re-fetches each deferred row's plan_id (one query a task)
    texts = list(plan.tasks.order_by("order", "pk").values_list("text", flat=True))
    rows: list[TargetRow] = []
    for g in plan.targets.select_related("task", "indicator_target__indicator").order_by("order", "pk"):
        quote = g.quote.strip()
        own = g.task.text if g.task is not None else ""
        passage = own if quote and quote in own else next((t for t in texts if quote and quote in t), "")
        linked = hasattr(g, "indicator_target")
        offers = tuple(suggest(g)[:3]) if suggest is not None and not linked else ()
        rows.append(TargetRow(g, passage or own or quote, offers))
    return rows


@dataclass(frozen=True)
class HintRow:
    kind: str  # "task" or "target"
    obj: Task | Target
    label: str
    rule: str
    span: str
    confidence: float


def plan_hints(*, plan: Plan) -> list[HintRow]:
    """The extractor's hints on the plan's tasks and targets, least confident first (checked first)."""
    rows = [
        HintRow("task", t, t.title or t.text[:40], t.hint_rule, t.hint_span, t.hint_confidence or 0.0)
        for t in plan.tasks.filter(hint_confidence__isnull=False)
    ]
    rows += [
        HintRow("target", g, g.indicator, g.hint_rule, g.hint_span, g.hint_confidence or 0.0)
        for g in plan.targets.filter(hint_confidence__isnull=False)
    ]
    return sorted(rows, key=lambda r: (r.confidence, r.kind, r.obj.order, r.obj.pk))


def access_target(*, user: User, target_id: int) -> Target:
    """A target of a plan the user may edit; else 404 / 403."""
    target = Target.objects.filter(pk=target_id, plan__in=plan_list(user=user)).select_related("plan").first()
    if target is None:
        raise Http404(_("找不到该目标"))
    access_plan(user=user, ref=target.plan_id, for_edit=True)
    return target


def region_choices(*, user: User) -> QuerySet[OrgUnit]:
    """The places a user may make a plan belong to: their own subtree (everything for the administrator)."""
    if user.role == Role.ADMIN or not user.org_unit_id:
        return OrgUnit.objects.all() if user.role == Role.ADMIN else OrgUnit.objects.none()
    return OrgUnit.objects.filter(path__startswith=user.org_unit.path)  # type: ignore[union-attr]


def _sections_leading_to(sections: list[Section], with_tasks: set[int | None]) -> set[int]:
    parent = {s.pk: s.parent_id for s in sections}
    keep: set[int] = set()
    for pk in with_tasks:
        while pk is not None and pk not in keep:
            keep.add(pk)
            pk = parent.get(pk)
    return keep
