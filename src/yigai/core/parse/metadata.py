"""Document metadata: title, 文号, issuer, issue date, plan period, truncation.

>>> doc_number(["冀政办字〔2021〕82 号", "各市人民政府："])
'冀政办字〔2021〕82号'
>>> period("健康河北建设行动方案（2023—2027年）")
(2023, 2027)
>>> period("河北省深化医药卫生体制改革2021年重点工作任务")
(2021, 2021)
>>> period("卫生健康事业发展“十四五”规划")
(2021, 2025)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from yigai.core.parse.normalise import canon, squeeze

_DOC_NUMBER = re.compile(
    r"^[\u4e00-\u9fa5]{1,12}[〔\[［【（(]\s*((?:19|20)\d{2})\s*[〕\]］】）)]\s*(\d{1,4})\s*号$"
)
_DATE_LINE = re.compile(r"^((?:19|20)\d{2})年(\d{1,2})月(\d{1,2})日$")
_CN_DATE = re.compile(
    r"^([〇○零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,2})月([一二三四五六七八九十]{1,3})日$"
)
_ISSUER = re.compile(
    r"^[\u4e00-\u9fa5（）()]{2,30}(?:办公厅|办公室|人民政府|委员会|政府|卫生健康委|局|厅|委|部)$"
)
_GENRE = re.compile(
    r"(?:方案|计划|任务|意见|通知|规划|办法|纲要|要点|分工|清单|细则|决定|措施|行动|安排|纲领|指南|标准|规定|条例)"
)
_ADDRESSEE = re.compile(r"[：:]$")
_TRUNCATION = re.compile(
    r"预览已结束|完整报告|查看全文|未完待续|下载完整|点击阅读全文|剩余\d+页|继续阅读|内容已截断"
)
_PERIOD_RANGE = re.compile(r"[（(]?((?:19|20)\d{2})\s*(?:年)?\s*[-—–~至到]\s*((?:19|20)\d{2})\s*年[）)]?")
_PERIOD_YEAR = re.compile(
    r"((?:19|20)\d{2})年(?:度)?(?:重点|工作|[^，。（）]{0,16}?(?:要点|任务|计划|方案|工作的通知))"
)
_FIVE = {
    "十一五": (2006, 2010),
    "十二五": (2011, 2015),
    "十三五": (2016, 2020),
    "十四五": (2021, 2025),
    "十五五": (2026, 2030),
}
_CN_DIGIT = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"○": 0, "零": 0}


def doc_number(lines: list[str]) -> str | None:
    """The document's own 文号: a line of its own near the top (cited numbers do not count)."""
    for line in lines[:12]:
        text = canon(squeeze(line))
        if _DOC_NUMBER.match(text):
            return squeeze(line)  # as written, spaces removed (brackets are not normalised)
    return None


def _cn_int(text: str) -> int:
    if all(c in _CN_DIGIT for c in text):
        return int("".join(str(_CN_DIGIT[c]) for c in text))
    total = 0
    if "十" in text:
        tens, _, ones = text.partition("十")
        total = (_CN_DIGIT.get(tens, 1) if tens else 1) * 10 + (_CN_DIGIT.get(ones, 0) if ones else 0)
        return total
    return _CN_DIGIT.get(text, 0)


def _date_of_line(line: str) -> str | None:
    text = canon(squeeze(line)).strip("（）()")
    m = _DATE_LINE.match(text)
    if m:
        return f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
    m = _CN_DATE.match(text)
    if m:
        return f"{_cn_int(m.group(1)):04d}-{_cn_int(m.group(2)):02d}-{_cn_int(m.group(3)):02d}"
    return None


# A signature run into one line, as web pages print it: "…办公室2024年11月21日（此件公开发布）".
_RUN_IN_SIGNATURE = re.compile(
    r"^([\u4e00-\u9fa5（）()]{2,30}?(?:办公厅|办公室|人民政府|委员会|政府|卫生健康委|局|厅|委|部))"
    r"((?:19|20)\d{2}年\d{1,2}月\d{1,2}日)(?:[（(][^）)]{0,12}[）)])?$"
)


def issuer_and_date(lines: list[str]) -> tuple[str | None, str | None]:
    """Issuer and issue date from a signature block: an organ's name line followed by a date line,
    or both run into one line ("省卫生健康委2025年4月3日（此件公开发布）").

    >>> issuer_and_date(["河北省人民政府办公室2024年11月21日(此件公开发布)"])
    ('河北省人民政府办公室', '2024-11-21')
    """
    for i, line in enumerate(lines):
        date = _date_of_line(line) or _date_of_line(re.sub(r"[（(]此件[^）)]{0,10}[）)]$", "", squeeze(line)))
        if date is None:
            run_in = _RUN_IN_SIGNATURE.match(canon(squeeze(line)).replace("（", "(").replace("）", ")"))
            if run_in and _ISSUER.match(squeeze(line)[: run_in.end(1)]):
                return squeeze(line)[: run_in.end(1)], _date_of_line(run_in.group(2))
            continue
        prev = squeeze(lines[i - 1]) if i > 0 else ""
        issuer = prev if _ISSUER.match(prev) else None
        return issuer, date
    return None, None


_ANY_DATE = re.compile(r"((?:19|20)\d{2})\s*[年/.-]\s*(\d{1,2})\s*[月/.-]\s*(\d{1,2})")


def any_date(text: str | None) -> str | None:
    """The first date in a field of an information table ("2025-04-03", "2024年11月21日 10:20").

    >>> any_date("2024年11月21日 10:20"), any_date("2025/4/3"), any_date("无")
    ('2024-11-21', '2025-04-03', None)
    """
    m = _ANY_DATE.search(canon(text or ""))
    if not m or not (1 <= int(m.group(2)) <= 12 and 1 <= int(m.group(3)) <= 31):
        return None
    return f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"


def table_doc_number(value: str | None) -> str | None:
    """A 文号 given in a web page's information table, when it is one ("无" and blanks are not).

    >>> table_doc_number(" 冀卫办〔2025〕12 号"), table_doc_number("无")
    ('冀卫办〔2025〕12号', None)
    """
    text = squeeze(value or "")
    return text if _DOC_NUMBER.match(canon(text)) else None


def _is_skippable(line: str) -> bool:
    text = canon(squeeze(line))
    return bool(
        not text
        or _DOC_NUMBER.match(text)
        or _date_of_line(text)
        or _ADDRESSEE.search(text)
        or re.match(r"^附件\s*\d*$", text)
        or (_ISSUER.match(text) and not _GENRE.search(text))
        or text.startswith(("原标题", "来源", "发布时间", "索引号", "发文机关", "主题分类"))
    )


_PRINTED = re.compile(r"关于印发[《“]?(.{4,60}?)[》”]?的通知$")


def title(lines: list[str], hint: str | None = None) -> str | None:
    """The title: the first run of short heading-like lines naming a genre (方案, 任务, 规划 …).

    A hint that is the 通知 wrapping the plan (a web page's 标题/名称 row, "X关于印发Y的通知") gives way to
    the plan's own title Y when the text has Y as a line of its own, as the .docx of the same document reads.

    >>> title(["各县（市、区）：", "遵义市医改2025年重点工作实施方案"], "遵义市人民政府办公室关于印发遵义市医改2025年重点工作实施方案的通知")
    '遵义市医改2025年重点工作实施方案'
    """
    if hint:
        return _own_title(squeeze(hint), lines)
    run: list[str] = []
    for line in lines[:40]:
        text = squeeze(line)
        short = (
            0 < len(text) <= 40
            and not re.search(r"[。；]", text)
            and not re.match(r"^[一二三四五六七八九十]+、|^[（(](?!\d{4})", canon(text))
        )
        if short and not _is_skippable(text):
            run.append(text)
            continue
        if run and _GENRE.search("".join(run)):
            break
        if run:
            run = []
        if not short and text and len(text) > 40 and "《" in text:
            quoted = re.search(r"《([^》]{4,60})》", text)
            if quoted and _GENRE.search(quoted.group(1)) and "印发" not in text[: text.find("《")]:
                return squeeze(quoted.group(1))
    joined = "".join(run)
    return _own_title(joined, lines) if joined and _GENRE.search(joined) else None


def _own_title(found: str, lines: list[str]) -> str:
    """The plan's own title Y instead of the 通知 "X关于印发Y的通知" wrapping it, when Y has a line of its own."""
    wrapped = _PRINTED.search(found)
    own = squeeze(wrapped.group(1)) if wrapped else None
    return own if own and any(squeeze(line) == own for line in lines[:80]) else found


def period(text: str | None) -> tuple[int | None, int | None]:
    """The plan period stated in a title: "（2023—2027年）", "2021年重点工作任务", "十四五"."""
    if not text:
        return None, None
    t = canon(text)
    m = _PERIOD_RANGE.search(t)
    if m:
        return int(m.group(1)), int(m.group(2))
    m = _PERIOD_YEAR.search(t)
    if m:
        return int(m.group(1)), int(m.group(1))
    for name, span in _FIVE.items():
        if name in t:
            return span
    return None, None


def cited_plan(lines: list[str]) -> str | None:
    """The plan a news rewrite reports on: the first 《…》 naming a plan in the opening paragraphs.

    >>> cited_plan(["日前，省政府办公厅印发《河北省深化医药卫生体制改革2021年重点工作任务》，提出…"])
    '河北省深化医药卫生体制改革2021年重点工作任务'
    """
    for line in lines[:5]:
        for quoted in re.findall(r"《([^》]{4,60})》", line):
            if _GENRE.search(quoted) and "印发" in line:
                return str(quoted)
    return None


def goal_year(lines: list[str]) -> int | None:
    """The horizon of a plan whose title states none: "到2025年" in its 目标 paragraph or section."""
    in_goal = False
    for line in lines:
        text = canon(line)
        if re.match(r"^[一二三四五六七八九十]+、|^[（(][一二三四五六七八九十]+[）)]", text):
            in_goal = "目标" in text
            if not in_goal:
                continue
        if in_goal or "总体目标" in text or "主要目标" in text:
            m = re.search(r"(?:到|至)((?:19|20)\d{2})年", text)
            if m:
                return int(m.group(1))
    return None


@dataclass(frozen=True)
class Truncation:
    """Where a document stops: ``kind`` "cut" (a reader-site tail such as "预览已结束" was cut off) or
    "unfinished" (the last sentence stops mid-way), None when complete; ``warning`` is the message shown."""

    kept: list[str]
    kind: Literal["cut", "unfinished"] | None
    warning: str | None


def truncation(lines: list[str]) -> Truncation:
    """Cut a reader-site tail ("预览已结束…") and say where the document stops."""
    for i, line in enumerate(lines):
        m = _TRUNCATION.search(line)
        if m:
            kept = lines[:i] + ([line[: m.start()]] if line[: m.start()].strip() else [])
            last = next((squeeze(x) for x in reversed(kept) if squeeze(x)), "")
            return Truncation(
                kept,
                "cut",
                f"文件不完整（document appears truncated）：正文在“…{last[-20:]}”处中断，其后为“{squeeze(line[m.start() :])[:20]}”",
            )
    tail = next((squeeze(x) for x in reversed(lines) if squeeze(x)), "")
    if tail and len(tail) > 20 and not re.search(r"[。！？）)”\"》\]】]$|\d+$|[日号]$", tail):
        return Truncation(
            lines,
            "unfinished",
            f"文件可能不完整（document may be truncated）：最后一句在“…{tail[-20:]}”处中断",
        )
    return Truncation(lines, None, None)
