"""What a placeholder unit (各区人民政府, 各县（市、区）卫生健康局, 各市 …) stands for: the level of places it names,
which of those places (各区: districts only, not counties), and the unit each place answers with.

>>> p = placeholder_parts("各区人民政府")
>>> p.scopes, p.body
((Scope(level='county', suffixes=('区',)),), '人民政府')
>>> placeholder_parts("各县（市、区）卫生健康局").scopes[0].suffixes
('县', '市', '区')
>>> placeholder_parts("各市").body, placeholder_parts("各市").levels
('人民政府', ('city',))
>>> placeholder_parts("各有关县（市、区）人民政府") is None  # "those concerned": no rule says which
True
>>> place_matches(placeholder_parts("各区人民政府"), "county", "固安县")
False
>>> place_matches(placeholder_parts("各区"), "county", "广阳区")
True
>>> place_unit_name("固安县", placeholder_parts("各县（市、区）人民政府"))
'固安县人民政府'
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from yigai.core.units import default_directory

_HEAD = re.compile(r"^各(?P<head>(?:设区的?市|地级?市|盟市|[市县区旗盟州]|（[^（）]*）|、)+)(?P<body>.*)$")
_CITY_WORDS = ("设区", "地", "盟", "市", "州")
_COUNTY_WORDS = "县市区旗"


@dataclass(frozen=True)
class Scope:
    """One level of places a placeholder names, and the endings of their names (empty: all of the level)."""

    level: str
    suffixes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Placeholder:
    """A placeholder as written, split: the place words (各县（市、区）), the levels of places they name with
    the endings of those places' names, and the body each place answers with (人民政府, 卫生健康局)."""

    name: str
    head: str
    scopes: tuple[Scope, ...]
    body: str

    @property
    def levels(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(s.level for s in self.scopes))


def placeholder_parts(name: str) -> Placeholder | None:
    """Split a placeholder unit name; None when the name is not one that expands to city or county places.

    >>> [(s.level, s.suffixes) for s in placeholder_parts("各市、县（市、区）人民政府").scopes]
    [('city', ()), ('county', ('县', '市', '区'))]
    >>> placeholder_parts("各市（含定州、辛集市）卫生健康委").body
    '卫生健康委'
    """
    info = default_directory().lookup(name)
    if info.kind != "placeholder" or info.expands_to not in ("city", "county"):
        return None
    m = _HEAD.match(info.canonical)
    if m is None:
        return None
    scopes = tuple(s for s in (_scope(seg) for seg in _segments(m["head"])) if s is not None)
    if not scopes:
        return None
    return Placeholder(info.canonical, "各" + m["head"], scopes, m["body"] or "人民政府")


def _segments(head: str) -> list[str]:
    """Split on "、" outside brackets: "市、县（市、区）" → ["市", "县（市、区）"]."""
    out, depth, cur = [], 0, ""
    for ch in head:
        depth += (ch == "（") - (ch == "）")
        if ch == "、" and depth == 0:
            out.append(cur)
            cur = ""
        else:
            cur += ch
    return [*out, cur]


def _scope(segment: str) -> Scope | None:
    words = re.sub(r"（含[^）]*）", "", segment)
    if not words:
        return None
    if words.startswith(_CITY_WORDS) and not words.startswith("市（"):
        return Scope("city")
    if words[0] in _COUNTY_WORDS:
        return Scope("county", tuple(dict.fromkeys(ch for ch in words if ch in _COUNTY_WORDS)))
    return None


def place_matches(placeholder: Placeholder, level: str, place_name: str) -> bool:
    """Whether a place is one the placeholder names (各区 names 广阳区, not 固安县)."""
    return any(
        s.level == level and (not s.suffixes or place_name.endswith(s.suffixes)) for s in placeholder.scopes
    )


def place_unit_name(place_name: str, placeholder: Placeholder) -> str:
    """The unit the place answers with, named with its place: 固安县 + 人民政府 → 固安县人民政府."""
    return place_name + placeholder.body


def is_placeholder_like(name: str) -> bool:
    """A name that stands for several units without naming them (各有关县…, 各医疗机构): it needs an owner's
    assignment when no rule expands it.

    >>> is_placeholder_like("各医疗机构"), is_placeholder_like("市卫生健康委")
    (True, False)
    """
    return name.startswith("各")
