"""Responsible units as documents state them: tags, table cells, and lead/co conventions.

The first listed unit leads unless the text designates a lead ("A牵头，B配合", "牵头单位：A；
配合单位：B"). Locality groups after "，" ("…，各市、雄安新区") and committee members
("省爱卫会其他成员单位参与") are co-units. Names are resolved through the unit directory;
``as_written`` keeps the text.

>>> a = parse_unit_text("责任单位:市卫生健康委、市发改委")
>>> a.lead, a.co
(('市卫生健康委',), ('市发展改革委',))
>>> a = parse_unit_text("国家卫生健康委、国家医保局等按职责分工负责")
>>> a.lead, a.co
(('国家卫生健康委',), ('国家医疗保障局',))
>>> parse_unit_text("含中医类医院") is None
True
>>> text, a = take_trailing_tag("实施营养干预。（责任单位：省体育局，各市、雄安新区）")
>>> text, a.lead, a.co
('实施营养干预。', ('省体育局',), ('各市', '雄安新区'))
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from yigai.core.parse.normalise import canon

try:  # the unit directory (aliases, 2018 renames); a light fallback keeps the parser usable alone
    from yigai.core.units import canonical_unit as _canonical
    from yigai.core.units import looks_like_unit as _looks_like_unit
    from yigai.core.units import lookup_unit as _lookup
except ImportError:  # pragma: no cover - only while the directory module is absent
    _canonical = None  # type: ignore[assignment]
    _looks_like_unit = None  # type: ignore[assignment]
    _lookup = None  # type: ignore[assignment]


@dataclass(frozen=True)
class UnitAssignment:
    lead: tuple[str, ...]
    co: tuple[str, ...]
    as_written: str
    unknown: tuple[str, ...] = ()  # names kept as written that the unit directory does not know
    standing: tuple[str, ...] = ()  # "以下责任单位均包括A、B，不再列出": co-units of every later task
    when: str | None = None  # the time the tag ends with ("6月底前完成", "持续推进"): the task's deadline


_LABEL = re.compile(
    r"^(?:主要)?(?:牵头及责任单位|牵头及责任部门|责任单位|责任部门|负责单位|承办单位|实施单位|责任主体|"
    r"责任处室|主责单位|主办单位|牵头单位|牵头部门|牵头处室|牵头)\s*[：:]\s*"
)
_LEAD_LABEL = re.compile(r"(?:牵头单位|牵头部门|牵头处室|主办单位|牵头)\s*[：:]")
_CO_LABEL = re.compile(r"(?:配合单位|配合部门|协办单位|协助单位|参与单位|配合|协办|参与)\s*[：:]")
_CONVENTION = re.compile(r"[；;，,]?[^；;，,]*(?:为牵头|牵头单位为|为主办|下同|其他为|其余为)[^）)]*$")
_DUTY_TAIL = re.compile(
    r"(?:等)?(?:有关部门|相关部门|有关单位|相关单位)?(?:按照?职责分工|按职责|依职责)?(?:分别)?(?:共同)?(?:负责|落实|实施)$"
)
_UNIT_SUFFIX = re.compile(
    r"(?:委|局|厅|办|部|署|会|院|处|室|站|所|中心|政府|管委会|党委|工委|集团|公司|协会|联合会|残联|大学|学院|医院|"
    r"成员单位|有关部门|相关部门|各部门|各单位|各地|新区|行|社|队|团|总队|支队)$"
)
# "（各部门政策开发的重点领域见附件）": a cross-reference, not a unit list.
_CROSS_REFERENCE = re.compile(r"见附件|见附表|见下表|见专栏|见表|详见|参见|另行|的")
# "以下责任单位均包括各设区市人民政府、赣江新区管委会，不再列出": a document-wide convention.
_STANDING = re.compile(
    r"[。；;，,]?\s*以下(?:责任|牵头)?(?:单位|部门)?均(?:包括|含)(?P<units>[^。；;]+?)[，,；;。]?\s*(?:不再(?:一一)?列出|下同)[。]?$"
)
# A plausible body name outside the directory ("省广播电视台", "团省委"): short, CJK and brackets only.
# "（A牵头，B配合，6月底前完成）", "（…按职责分工负责，持续推进）", "（…；2023年12月底前完成）": the
# tag ends with the task's time, which is no unit.
_WHEN_TAIL = re.compile(
    r"[，,；;]\s*(?P<when>(?:(?:于|在|到)?(?:(?:19|20)\d{2}年)?"
    r"(?:(?:1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])月(?:\d{1,2}日)?|上半年|下半年|年内|年底|年末|底)"
    r"(?:底|末|上旬|中旬|下旬)?(?:前|以前|之前)?|(?:19|20)\d{2}年)"
    r"(?:完成|启动|见效|到位|实施|落实|建成)?|持续推进|长期坚持|持续实施|长期推进|持续开展|长期|持续)[。.]?\s*$"
)
_PLAUSIBLE_NAME = re.compile(r"^[\u4e00-\u9fa5（）]{2,20}$")
_CLAUSE_WORDS = re.compile(r"的|和|进行|开展|推进|加强|建立|完善|工作|按照|要求")
_NOT_UNIT_START = re.compile(r"^(?:含|包括|不含|下同|其中|按|以|在|对|如|即|约|共|均|试行|暂行)")
_SPLIT = "、，,；;/\n"


def canonical(name: str) -> str:
    name = canon(name).strip(" 。.、，,；;")
    return _canonical(name) if _canonical is not None else name


def looks_like_unit(text: str) -> bool:
    text = canon(text).strip(" 。.、，,；;")
    if not text or len(text) > 30 or _NOT_UNIT_START.match(text):
        return False
    if _looks_like_unit is not None and _looks_like_unit(text):
        return True
    if _CROSS_REFERENCE.search(text):
        return False
    return bool(_UNIT_SUFFIX.search(text)) or text.startswith("各")


@lru_cache(maxsize=4096)
def _known(name: str) -> bool:
    return _lookup is None or _lookup(name).known


def _plausible(name: str) -> bool:
    """A name outside the directory that may still be a body, kept as written and flagged for review."""
    return bool(_PLAUSIBLE_NAME.match(name)) and not _CLAUSE_WORDS.search(name)


def split_unit_list(text: str) -> list[str]:
    """Split on 、，；/newline outside brackets: "各县（市、区）政府、市卫生健康委" → 2 names."""
    parts: list[str] = []
    depth, cur = 0, ""
    for ch in canon(text):
        if ch in "（[【":
            depth += 1
        elif ch in "）]】" and depth:
            depth -= 1
        if ch in _SPLIT and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    parts.append(cur)
    return [p.strip() for p in parts if p.strip()]


def _clean_name(name: str) -> str:
    name = re.sub(r"^(?:由|请|会同|并|及|和)", "", name.strip())
    name = re.sub(r"(?:参与|配合|协助|协同|牵头|负责|等)$", "", name)
    return name.strip()


_AND_LOCALITY = re.compile(r"(?:以及|及|和)(?=各)")  # "省委宣传部及各设区市人民政府"


def _names(text: str) -> list[str]:
    out: list[str] = []
    for part in split_unit_list(_AND_LOCALITY.sub("、", text)):
        name = _clean_name(_DUTY_TAIL.sub("", part))
        if name:
            out.append(name)
    return out


_STAR = re.compile(r"[*＊※★]")
# "各盟市、旗县（市、区）人民政府" is one locality group: the part after 、 continues the 各.
_GROUP_HEAD = re.compile(r"^各[^、，（）]{1,4}$")
_GROUP_TAIL = re.compile(
    r"^(?:县|区|旗|旗县|县市|区县|县（市、区）|县（市）|旗县（市、区）|县（区）|乡镇)[^、，]*?(?:人民政府|政府)$"
)


def _join_groups(names: list[str]) -> list[str]:
    out: list[str] = []
    for name in names:
        if out and _GROUP_HEAD.match(out[-1]) and _GROUP_TAIL.match(name):
            out[-1] = f"{out[-1]}、{name}"
        else:
            out.append(name)
    return out


def _assign(
    lead: list[str], co: list[str], written: str, standing: tuple[str, ...] = ()
) -> UnitAssignment | None:
    lead, co = _join_groups(lead), _join_groups(co)
    everyone = lead + co
    if any(_STAR.search(n) for n in everyone):  # "区卫生健康委*": the starred unit leads wherever listed
        lead = [_STAR.sub("", n) for n in everyone if _STAR.search(n)]
        co = [n for n in everyone if not _STAR.search(n)]
    lead = [canonical(n) for n in lead if n]
    co = [canonical(n) for n in co if n and canonical(n) not in lead]
    if not lead:
        if not co:
            return None
        lead, co = co[:1], co[1:]
    unknown = tuple(n for n in dict.fromkeys(lead + co) if not _known(n))
    return UnitAssignment(tuple(dict.fromkeys(lead)), tuple(dict.fromkeys(co)), written, unknown, standing)


def parse_unit_text(content: str) -> UnitAssignment | None:
    """Read the inside of a unit tag (or a units table cell); None when it names no units."""
    written = content.strip()
    text = canon(written).strip()
    if tail := _WHEN_TAIL.search(text):
        found = parse_unit_text(text[: tail.start()])
        return replace(found, when=tail.group("when")) if found is not None else None
    standing: tuple[str, ...] = ()
    if conv := _STANDING.search(text):
        standing = tuple(canonical(n) for n in _names(conv.group("units")))
        text = text[: conv.start()].rstrip("。；; ")
    labelled = bool(_LABEL.match(text))
    if _LEAD_LABEL.search(text) and _CO_LABEL.search(text):
        lead_part = _CO_LABEL.split(_LEAD_LABEL.split(text, maxsplit=1)[1])[0]
        co_part = _CO_LABEL.split(text, maxsplit=1)[1]
        return _assign(_names(lead_part), _names(co_part), written, standing)
    text = _CONVENTION.sub("", _LABEL.sub("", text)).strip()
    lead_m = re.match(r"^(.+?)牵头[，,、；;]?(.*)$", text)
    if lead_m and all(looks_like_unit(n) for n in _names(lead_m.group(1))):
        rest = re.sub(r"(?:配合|参与|协助|协同|协办)(?:实施|落实)?$", "", lead_m.group(2))
        return _assign(_names(lead_m.group(1)), _names(rest), written, standing)
    if "会同" in text:
        first, _, rest = text.partition("会同")
        return _assign(_names(first), _names(rest), written, standing)
    names = _names(text)
    if not names:
        return None
    units = [looks_like_unit(n) for n in names]
    if labelled or all(units):
        return _assign(names[:1], names[1:], written, standing)
    if ((_DUTY_TAIL.search(text) and any(units)) or units[0]) and all(_plausible(n) for n in names):
        return _assign(names[:1], names[1:], written, standing)  # unknown bodies kept as written
    return None


def _matching_open(text: str, close: int) -> int | None:
    depth = 0
    for i in range(close, -1, -1):
        ch = text[i]
        if ch in "）)":
            depth += 1
        elif ch in "（(":
            depth -= 1
            if depth == 0:
                return i
    return None


def take_trailing_tag(text: str) -> tuple[str, UnitAssignment | None]:
    """Split a trailing unit tag "（责任单位：…）" off a task's text (mixed brackets allowed)."""
    stripped = text.rstrip(" 。.；;\n")
    if not stripped.endswith(("）", ")")):
        return text, None
    start = _matching_open(stripped, len(stripped) - 1)
    if start is None:
        return text, None
    found = parse_unit_text(stripped[start + 1 : -1])
    if found is None:
        return text, None
    return (stripped[:start].rstrip() + text[len(stripped) :]).strip(), found


def from_cells(units: str = "", lead: str = "", co: str = "") -> UnitAssignment | None:
    """Units from table cells: one 牵头及责任部门 cell (first = lead) or separate lead/co cells."""
    written = "；".join(p for p in (units, lead, co) if p.strip())
    if lead.strip() or co.strip():
        extra = _joined_names(units)
        return _assign(_joined_names(lead), _joined_names(co) + extra, written)
    if not units.strip():
        return None
    parsed = parse_unit_text(units.replace("\n", "、")) if _LABEL.match(canon(units)) else None
    if parsed is not None:
        return parsed
    names = _joined_names(units)
    return _assign(names[:1], names[1:], written)


def _joined_names(cell: str) -> list[str]:
    """Names from a cell, re-joining names a line break cut in two ("临空经济区（廊坊）\\n管委会")."""
    out: list[str] = []
    for line in [ln.strip() for ln in canon(cell).split("\n") if ln.strip()]:
        for name in _names(line):
            bare_suffix = re.fullmatch(r"(?:人民政府|政府|管委会|管理委员会|委员会|办公室)", name)
            if out and (bare_suffix or (not looks_like_unit(out[-1]) and not line.startswith("各"))):
                out[-1] += name
            else:
                out.append(name)
    return out
