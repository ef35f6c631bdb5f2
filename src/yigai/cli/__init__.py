"""The ``yigai`` command. Each sub-module registers its commands on :data:`app`."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="yigai",
    help="yigai（医改）：读取政策文件、运行工作台账、监测指标。 Run health-reform plans.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# Sub-modules register their commands on `app` when imported.
from yigai.cli import access as _access  # noqa: E402,F401
from yigai.cli import assess as _assess  # noqa: E402,F401
from yigai.cli import extract as _extract  # noqa: E402,F401
from yigai.cli import indicators as _indicators  # noqa: E402,F401
from yigai.cli import ledger as _ledger  # noqa: E402,F401
from yigai.cli import ledger_excel as _ledger_excel  # noqa: E402,F401
from yigai.cli import platform as _platform  # noqa: E402,F401
from yigai.cli import records as _records  # noqa: E402,F401
from yigai.cli import report as _report  # noqa: E402,F401
from yigai.cli import robots as _robots  # noqa: E402,F401
from yigai.cli import security as _security  # noqa: E402,F401
from yigai.cli import standards as _standards  # noqa: E402,F401


def main() -> None:
    app()
