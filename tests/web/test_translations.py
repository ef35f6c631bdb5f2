"""The English catalogue is complete and compiled.

``django.po`` is read with the small parser below (no polib): every entry but the header must have a
non-empty translation, no ``fuzzy`` flag, and the same python-format placeholders as its msgid; and
``django.mo`` must give back exactly the .po's translations (recompile with ``msgfmt`` or
``yigai manage compilemessages`` after editing the .po). No database is needed.
"""

from __future__ import annotations

import gettext
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

import yigai

PO_FILE = Path(yigai.__file__).parent / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO_FILE = PO_FILE.with_suffix(".mo")

# A printf-style conversion as Python's % operator reads it: %(name)s, %(size).1f, %s, %%.
PLACEHOLDER = re.compile(r"%(?:\((\w+)\))?[#0 +-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[diouxXeEfFgGcrsa%]")
KEYWORD = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(\".*\")\s*$")
ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}


@dataclass
class Entry:
    line: int  # where the entry's first line is, 1-based
    flags: set[str] = field(default_factory=set)
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)  # 0 for a singular entry's msgstr

    @property
    def name(self) -> str:
        context = f"[{self.msgctxt}] " if self.msgctxt is not None else ""
        return f"line {self.line}: {context}{self.msgid!r}"

    @property
    def is_header(self) -> bool:
        return self.msgid == "" and self.msgctxt is None


def _unquote(quoted: str) -> str:
    body = quoted.strip()[1:-1]
    return re.sub(r"\\(.)", lambda m: ESCAPES.get(m.group(1), m.group(0)), body)


def parse_po(text: str) -> list[Entry]:
    """Entries of a .po file in order, header included, obsolete (``#~``) entries left out."""
    entries: list[Entry] = []
    entry: Entry | None = None
    key: str | None = None  # the keyword a following "…" continuation line belongs to

    def start(number: int) -> Entry:
        nonlocal entry
        if entry is not None and (entry.msgstr or entry.msgid or entry.msgctxt is not None):
            entries.append(entry)
        entry = Entry(line=number)
        return entry

    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            key = None
            continue
        if line.startswith("#"):
            if entry is None or entry.msgstr or key is not None:
                start(number)
                key = None
            assert entry is not None
            if line.startswith("#,"):
                entry.flags |= {flag.strip() for flag in line[2:].split(",") if flag.strip()}
            continue
        if match := KEYWORD.match(line):
            key, value = match.group(1), _unquote(match.group(2))
            if entry is None or (key in ("msgctxt", "msgid") and entry.msgstr):
                start(number)
            assert entry is not None
            _set(entry, key, value, append=False)
        elif line.startswith('"') and key is not None and entry is not None:
            _set(entry, key, _unquote(line), append=True)
        else:
            raise ValueError(f"line {number}: cannot parse {raw!r}")
    if entry is not None and (entry.msgstr or entry.msgid):
        entries.append(entry)
    return entries


def _set(entry: Entry, key: str, value: str, *, append: bool) -> None:
    if key.startswith("msgstr"):
        index = int(key[7:-1]) if "[" in key else 0
        entry.msgstr[index] = entry.msgstr.get(index, "") + value if append else value
    elif key == "msgid_plural":
        entry.msgid_plural = (entry.msgid_plural or "") + value if append else value
    elif key == "msgctxt":
        entry.msgctxt = (entry.msgctxt or "") + value if append else value
    else:
        entry.msgid = entry.msgid + value if append else value


def placeholders(text: str) -> set[str]:
    return {m.group(0) for m in PLACEHOLDER.finditer(text) if m.group(0) != "%%"}


def problems(entries: list[Entry]) -> list[str]:
    """One line per problem: untranslated, fuzzy, or python-format placeholders that differ."""
    found: list[str] = []
    for entry in entries:
        if entry.is_header:
            continue
        if "fuzzy" in entry.flags:
            found.append(f"fuzzy: {entry.name}")
        expected = [0, 1] if entry.msgid_plural is not None else [0]
        for index in sorted(set(expected) | set(entry.msgstr)):
            text = entry.msgstr.get(index, "")
            label = f"msgstr[{index}]" if entry.msgid_plural is not None else "msgstr"
            if not text.strip():
                found.append(f"untranslated ({label}): {entry.name}")
                continue
            if "python-format" not in entry.flags:
                continue
            source = entry.msgid if index == 0 or entry.msgid_plural is None else entry.msgid_plural
            if placeholders(text) != placeholders(source):
                found.append(
                    f"placeholders ({label}) {sorted(placeholders(text))} "
                    f"!= {sorted(placeholders(source))}: {entry.name}"
                )
            elif "%" in PLACEHOLDER.sub("", text):
                found.append(f"lone % in a python-format {label} (write %%): {entry.name}")
    return found


def _catalogue() -> list[Entry]:
    return parse_po(PO_FILE.read_text(encoding="utf-8"))


def test_parser_and_checks_on_a_sample() -> None:
    sample = "\n".join(
        [
            'msgid ""',
            'msgstr ""',
            '"Language: en\\n"',
            "",
            "#: a.py",
            "#, fuzzy, python-format",
            '#| msgid "旧"',
            'msgid "共 %(n)s 项"',
            'msgstr "%(count)s items"',
            "",
            "#, python-format",
            'msgctxt "model"',
            'msgid "多行"',
            '"文本 %(a)s"',
            'msgid_plural "多行 %(a)s"',
            'msgstr[0] "one %(a)s"',
            'msgstr[1] ""',
            "",
            'msgid "引号"',
            'msgstr "say \\"hi\\""',
            "",
            "#, python-format",
            'msgid "进度 %(p)s（%%）"',
            'msgstr "Progress %(p)s (%)"',
            "",
            '#~ msgid "过时"',
            '#~ msgstr ""',
        ]
    )
    entries = parse_po(sample)
    assert [e.msgid for e in entries] == ["", "共 %(n)s 项", "多行文本 %(a)s", "引号", "进度 %(p)s（%%）"]
    assert entries[0].is_header and entries[0].msgstr == {0: "Language: en\n"}
    assert entries[1].flags == {"fuzzy", "python-format"}
    assert entries[2].msgctxt == "model" and entries[2].msgid_plural == "多行 %(a)s"
    assert entries[3].msgstr == {0: 'say "hi"'}
    found = problems(entries)
    assert len(found) == 4, found
    assert found[0].startswith("fuzzy: line 5:") and "共 %(n)s 项" in found[0]
    assert found[1].startswith("placeholders (msgstr) ['%(count)s'] != ['%(n)s']")
    assert found[2].startswith("untranslated (msgstr[1]):") and "[model] '多行文本 %(a)s'" in found[2]
    assert found[3].startswith("lone % in a python-format msgstr")


# Han ideographs, CJK punctuation, full-width forms: left in an English text, they are an untranslated part.
CHINESE = re.compile(r"[\u3001-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff01-\uff60]")
# English texts that quote Chinese on purpose: unit names are Chinese data, so the search example stays Chinese.
CHINESE_IN_ENGLISH = {"如：市卫生健康委"}


def test_every_entry_is_translated_without_fuzzy_flags_and_with_its_placeholders() -> None:
    entries = _catalogue()
    assert entries[0].is_header and "Language: en" in entries[0].msgstr[0]
    assert len(entries) > 150
    found = problems(entries)
    found += [
        f"Chinese left in the English text: {e.name}"
        for e in entries[1:]
        if e.msgid not in CHINESE_IN_ENGLISH and CHINESE.search("".join(e.msgstr.values()))
    ]
    assert not found, f"{len(found)} problem(s) in {PO_FILE.name}:\n" + "\n".join(found)


def test_catalogue_holds_every_marked_message(tmp_path: Path) -> None:
    """Every string marked for translation in the code and templates is in django.po: ``makemessages`` run
    on a copy of the package finds no msgid the committed catalogue lacks (58 had been missing, so their
    pages showed Chinese in English)."""
    if shutil.which("xgettext") is None:
        missing = "gettext's xgettext is not installed (Debian package gettext; `make gettext-deps`)"
        if os.environ.get("CI") == "true":  # a check never skips silently in CI
            pytest.fail(f"{missing}: the catalogue cannot be checked")
        pytest.skip(f"{missing}: cannot extract messages")
    copy = tmp_path / "yigai"
    shutil.copytree(PO_FILE.parents[3], copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo", "data"))
    subprocess.run(  # fixed arguments, our own interpreter
        [sys.executable, "-m", "django", "makemessages", "-l", "en", "--add-location=file"],
        cwd=copy, env={**os.environ, "DJANGO_SETTINGS_MODULE": "yigai.web.settings"},
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    fresh = {
        (e.msgctxt, e.msgid)
        for e in parse_po((copy / PO_FILE.relative_to(PO_FILE.parents[3])).read_text("utf-8"))
    }
    committed = {(e.msgctxt, e.msgid) for e in _catalogue()}
    missing = sorted(fresh - committed, key=repr)
    assert not missing, "run makemessages (docs/guide/platform.md) and translate:\n" + "\n".join(
        map(repr, missing)
    )


class _Missing(gettext.NullTranslations):
    """Fallback that records every message the .mo did not have."""

    def __init__(self) -> None:
        super().__init__()
        self.missing: list[str] = []

    def gettext(self, message: str) -> str:
        self.missing.append(message)
        return message

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        self.missing.append(msgid1)
        return msgid1 if n == 1 else msgid2

    def pgettext(self, context: str, message: str) -> str:
        self.missing.append(f"[{context}] {message}")
        return message

    def npgettext(self, context: str, msgid1: str, msgid2: str, n: int) -> str:
        self.missing.append(f"[{context}] {msgid1}")
        return msgid1 if n == 1 else msgid2


def test_compiled_catalogue_matches_the_po() -> None:
    with MO_FILE.open("rb") as fp:
        compiled = gettext.GNUTranslations(fp)
    missing = _Missing()
    compiled.add_fallback(missing)
    stale: list[str] = []
    checked = 0
    for entry in _catalogue():
        if entry.is_header or "fuzzy" in entry.flags or not all(entry.msgstr.values()):
            continue  # msgfmt leaves these out; the test above reports them
        checked += 1
        if entry.msgid_plural is None:
            got = {
                0: compiled.gettext(entry.msgid)
                if entry.msgctxt is None
                else compiled.pgettext(entry.msgctxt, entry.msgid)
            }
            want = {0: entry.msgstr[0]}
        else:
            got = {
                index: compiled.ngettext(entry.msgid, entry.msgid_plural, n)
                if entry.msgctxt is None
                else compiled.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, n)
                for index, n in ((0, 1), (1, 2))
            }
            want = {index: entry.msgstr[index] for index in (0, 1)}
        if got != want:
            stale.append(f"{entry.name}: .mo gives {got!r}, .po has {want!r}")
    assert checked > 150
    hint = "recompile: cd src/yigai && msgfmt --check -o locale/en/LC_MESSAGES/django.mo locale/en/LC_MESSAGES/django.po"
    assert not missing.missing, f"not in {MO_FILE.name} ({hint}):\n" + "\n".join(missing.missing)
    assert not stale, f"{MO_FILE.name} differs from {PO_FILE.name} ({hint}):\n" + "\n".join(stale)
