"""Safe DOM building in every script (issue 13): our scripts build elements with createElement and
textContent, never from HTML strings, and no template carries an inline handler or inline script (the
Content-Security-Policy would block them; data must never become markup).

The 挂图作战 timeline tooltip (js/ledger.js) is being rewritten on its own branch (issue 13, finding 11);
until that lands it is the one expected failure below — remove the mark when it does."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import yigai

ROOT = Path(yigai.__file__).parent
SCRIPTS = sorted(p for p in (ROOT / "web" / "static").rglob("*.js") if "vendor" not in p.parts)
TEMPLATES = sorted(ROOT.rglob("templates/**/*.html"))
PENDING: dict[str, str] = {}  # script name → why it is still allowed to fail (none today)

#: Ways a script turns a string into markup or code.
SINKS = re.compile(
    r"\.innerHTML\b|\.outerHTML\b|insertAdjacentHTML|document\.write|\beval\(|new Function\b"
    r"|\.html\(|DOMParser|createContextualFragment"
)
#: A string literal holding a tag: HTML built by concatenation (e.g. an ECharts tooltip returning "a<br>b").
HTML_STRING = re.compile(r"""(["'`])[^"'`\n]*<\s*/?\s*[a-zA-Z][^"'`\n]*\1""")
INLINE_HANDLER = re.compile(r"""<[^>]*\s(on[a-z]+|hx-on[:\w-]*)\s*=""", re.I)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/(ld\+)?json)[^>]*>", re.I)


def _mark(path: Path) -> list[pytest.MarkDecorator]:
    reason = PENDING.get(path.name)
    return [pytest.mark.xfail(reason=reason, strict=False)] if reason else []


@pytest.mark.parametrize("path", [pytest.param(p, id=p.name, marks=_mark(p)) for p in SCRIPTS])
def test_scripts_build_dom_from_text(path: Path) -> None:
    code = "\n".join(line for line in path.read_text(encoding="utf-8").splitlines()
                     if not line.lstrip().startswith("//"))  # fmt: skip
    found = SINKS.findall(code) + [m.group(0) for m in HTML_STRING.finditer(code)]
    assert not found, f"{path.name}: {found}"


def test_templates_have_no_inline_handlers_or_scripts() -> None:
    found = []
    for path in TEMPLATES:
        text = path.read_text(encoding="utf-8")
        found += [f"{path.relative_to(ROOT)}: {m.group(0)}" for m in INLINE_HANDLER.finditer(text)]
        found += [f"{path.relative_to(ROOT)}: {m.group(0)}" for m in INLINE_SCRIPT.finditer(text)]
    assert not found


def test_the_checks_catch_what_they_are_for() -> None:
    """The patterns themselves: each dangerous form is caught, the safe forms are not."""
    assert SINKS.search("el.innerHTML = row.title") and SINKS.search("el.insertAdjacentHTML('beforeend', s)")
    assert HTML_STRING.search('return r.code + "<br>" + r.title')
    assert not HTML_STRING.search('if (a < b) x = "c";') and not HTML_STRING.search('"1 < 2"')
    assert INLINE_HANDLER.search('<select name="plan" onchange="this.form.submit()">')
    assert not INLINE_HANDLER.search('<select name="plan" data-autosubmit>')
    assert INLINE_SCRIPT.search("<script>alert(1)</script>")
    assert not INLINE_SCRIPT.search('<script src="/static/js/app.js" defer></script>')
    assert not INLINE_SCRIPT.search('<script id="d" type="application/json">{}</script>')
