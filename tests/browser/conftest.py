"""Browser-test guard: every page a browser test opens must run without a console error, an uncaught
script error or a Content-Security-Policy violation (an inline handler the CSP blocks shows up as both a
``securitypolicyviolation`` event and a console error). Use the ``guarded`` fixture; it fails the test at
teardown with every message seen."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

# Recorded by the page itself before any of its scripts run (init scripts are not subject to the CSP).
RECORD_CSP = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber}`);
});
"""


class Guard:
    def __init__(self, page: Any) -> None:
        self.page = page
        self.problems: list[str] = []
        page.add_init_script(RECORD_CSP)
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.problems.append(f"script error: {exc}"))

    def _console(self, message: Any) -> None:
        if message.type == "error":
            self.problems.append(f"console error on {self.page.url}: {message.text}")

    def csp_violations(self) -> list[str]:
        try:
            return list(self.page.evaluate("() => window.__cspViolations || []"))
        except Exception:  # the page is closing
            return []

    def check(self) -> None:
        problems = self.problems + [f"CSP violation on {self.page.url}: {v}" for v in self.csp_violations()]
        assert problems == [], "\n".join(problems)


@pytest.fixture
def guarded(page: Any) -> Iterator[Guard]:
    """``page`` (tests/conftest.py) watched for console errors and CSP violations."""
    guard = Guard(page)
    yield guard
    guard.check()
