"""Access lint (CONVENTIONS.md §5): views and API modules never fetch models directly.

Objects reach a view or endpoint only through selectors and ``access_*`` helpers, which apply the user's
org-unit jurisdiction and unit in one place. A direct ``Plan.objects.get(...)`` (or ``filter``, ``all``,
``get_object_or_404(Plan, ...)``, ``Plan._default_manager``) in ``views.py``/``api.py`` skips that check,
so this test fails on it. ruff cannot take custom rules, hence this small AST walk (like Zulip's lint).

An exception needs an entry in ALLOWED with the reason; an entry that no longer matches anything fails too,
so the list only shrinks.
"""

from __future__ import annotations

import ast
from pathlib import Path

import yigai

APPS = Path(yigai.__file__).parent / "apps"
MANAGERS = {"objects", "_default_manager", "_base_manager"}
SHORTCUTS = {"get_object_or_404", "get_list_or_404"}

# (module relative to src/yigai/apps, Model) → why it is allowed (keep reasons specific).
ALLOWED: dict[tuple[str, str], str] = {
    ("indicators/views.py", "DataElement"): (
        "the data-element catalogue is reference data from the YAML catalogue, the same for every "
        "jurisdiction; to move into indicators.selectors when that app settles (indicators team)"
    ),
}


def interface_modules() -> list[Path]:
    """``views.py``/``api.py`` and modules inside ``views/``/``api/`` packages of every app."""
    found = [p for p in APPS.rglob("*.py") if p.name in ("views.py", "api.py")]
    found += [p for p in APPS.rglob("*.py") if p.parent.name in ("views", "api")]
    return sorted(set(found))


def _model_name(node: ast.expr) -> str | None:
    """``Plan`` for ``Plan``/``models.Plan``: a capitalised name is taken to be a model class."""
    if isinstance(node, ast.Name) and node.id[:1].isupper():
        return node.id
    if isinstance(node, ast.Attribute) and node.attr[:1].isupper():
        return node.attr
    return None


def direct_fetches(source: str) -> list[tuple[int, str, str]]:
    """(line, Model, what) for every direct model access in a module's source.

    >>> direct_fetches("x = Plan.objects.get(pk=1)\\ny = access_plan(user=u, ref=1)")
    [(1, 'Plan', 'Plan.objects')]
    >>> direct_fetches("from django.shortcuts import get_object_or_404\\nt = get_object_or_404(Task, pk=2)")
    [(2, 'Task', 'get_object_or_404(Task)')]
    >>> direct_fetches("n = plan.tasks.count()")  # related managers of an object already checked are fine
    []
    """
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr in MANAGERS and (model := _model_name(node.value)):
            found.append((node.lineno, model, f"{model}.{node.attr}"))
        if isinstance(node, ast.Call) and node.args:
            func = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            if func in SHORTCUTS and (model := _model_name(node.args[0])):
                found.append((node.lineno, model, f"{func}({model})"))
    return sorted(found)


def test_interface_modules_found() -> None:
    names = {str(p.relative_to(APPS)) for p in interface_modules()}
    assert {"plans/views.py", "plans/api.py", "orgunits/views.py", "audit/views.py"} <= names


def test_views_and_apis_fetch_only_through_selectors() -> None:
    offences, used = [], set()
    for path in interface_modules():
        rel = str(path.relative_to(APPS))
        for line, model, what in direct_fetches(path.read_text(encoding="utf-8")):
            if (rel, model) in ALLOWED:
                used.add((rel, model))
                continue
            offences.append(f"src/yigai/apps/{rel}:{line}: {what} — use a selector or access_* helper")
    assert not offences, "direct model access in views/APIs:\n" + "\n".join(offences)
    stale = sorted(set(ALLOWED) - used)
    assert not stale, f"remove these ALLOWED entries, they no longer match anything: {stale}"


def test_lint_catches_the_usual_forms() -> None:
    source = """
from django.shortcuts import get_object_or_404
from yigai.apps.plans import models
def v(request, pk):
    a = Task.objects.filter(pk=pk).first()
    b = models.Plan.objects.all()
    c = get_object_or_404(models.Plan, pk=pk)
    d = Plan._default_manager.get(pk=pk)
"""
    assert [what for _, _, what in direct_fetches(source)] == [
        "Task.objects",
        "Plan.objects",
        "get_object_or_404(Plan)",
        "Plan._default_manager",
    ]
