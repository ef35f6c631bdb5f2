"""Errors the ledger services raise; messages are Chinese and fit to show to users."""

from __future__ import annotations

from typing import Any


class LedgerError(ValueError):
    """A refused write (bad input, a rule); ``code`` is stable for API clients and tests."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message, self.code = message, code


class Conflict(LedgerError):
    """The item changed since the caller read it (optimistic concurrency).

    ``current`` holds the values now stored (status, progress, deadline, version …) so the UI can show
    them next to what the user typed, which the UI keeps.
    """

    def __init__(self, current: dict[str, Any], expected: int | None) -> None:
        super().__init__(
            f"该事项已被他人修改（当前版本 {current['version']}，您提交的是版本 {expected}），"
            "请核对最新内容后重新提交",
            "conflict",
        )
        self.current, self.expected = current, expected
