"""Run the examples in yigai.core's docstrings (CONVENTIONS §14: examples run as doctests).

Done here rather than with ``--doctest-modules`` so that every module is imported under its package
name once, and test helper scripts elsewhere in the tree are never collected as modules.
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import yigai.core

MODULES = sorted(m.name for m in pkgutil.walk_packages(yigai.core.__path__, prefix="yigai.core."))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(
        module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE, verbose=False
    )
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {name}"
