"""Deadline phrases → ISO dates: "2022年3月" (month end), "2021年底前", "到2025年", "“十四五”期间" …

All functions take *canonical* text (see :func:`yigai.core.parse.normalise.canon`).

>>> [m.date for m in find_dates("县级急救站于2022年10月底前全部完成，2025年底前建立")]
['2022-10-31', '2025-12-31']
>>> find_dates("“十四五”期间，建设不少于4个")[0].date
'2025-12-31'
>>> [m.kind for m in find_dates("对2012年以前建设的121个村卫生室进行改扩建")]
['history']
>>> parse_deadline_cell("2022年3月")
'2022-03-31'
>>> recurrence("每年至少培训50人")
'yearly'
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass

_FIVE_YEAR = {"十一五": 2010, "十二五": 2015, "十三五": 2020, "十四五": 2025, "十五五": 2030, "十六五": 2035}
_CN_MONTH = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10,
             "十一": 11, "十二": 12}  # fmt: skip
_QUARTER = {"一": 3, "1": 3, "二": 6, "2": 6, "三": 9, "3": 9, "四": 12, "4": 12}

YEAR = r"(?:19|20)\d{2}"
_DATE = re.compile(
    rf"(?P<y1>{YEAR})(?:年)?[-至到~](?P<y2>{YEAR})年"  # 2021至2022年 / 2023-2027年
    rf"|(?P<y>{YEAR})\s*年(?:度)?"
    r"(?:(?P<m>1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])月(?:(?P<d>[12]\d|3[01]|0?[1-9])日)?"
    r"|(?P<half>上半年|下半年)|(?:第)?(?P<q>[一二三四1-4])季度)?"
    r"(?P<end>底|末|年底|年末)?(?P<before>前|以前|之前)?"
    r"|[“\"]?(?P<fy>十[一二三四五六]五)[”\"]?(?P<fyend>期间|时期|期末|末)?"
)
_DEADLINE_CUE = re.compile(r"(?:到|至|于|在|截至|力争|争取|确保|计划|预计|要在|，|^)\s*$")
_HISTORY_AFTER = re.compile(
    r"^(?:以前建设|以前建成|以前的|以来|基础上|的|版|水平|同期|相比|为基数|为基期|基期)"
)
_START_AFTER = re.compile(r"^(?:起|开始|以后)")
_HISTORY_BEFORE = re.compile(r"(?:较|比|与|同|自|从|相比|对比|基于|截止|截至目前)$")


@dataclass(frozen=True)
class DateMention:
    start: int
    end: int
    text: str
    date: str  # ISO date: the last day the phrase allows
    kind: str  # "deadline" | "start" | "history" | "fiveyear"
    year: int


def _month_end(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}-{calendar.monthrange(year, month)[1]:02d}"


def _month(text: str) -> int:
    return int(text) if text.isdigit() else _CN_MONTH[text]


def _inside_book_title(text: str, pos: int) -> bool:
    """Is ``pos`` inside 《…》 or a document number 〔2021〕?"""
    opened = text.rfind("《", 0, pos)
    return (opened != -1 and text.find("》", opened, pos) == -1) or (pos > 0 and text[pos - 1] in "〔[［【")


def _date_of(m: re.Match[str]) -> tuple[str, int]:
    if m.group("fy"):
        year = _FIVE_YEAR[m.group("fy")]
        return f"{year}-12-31", year
    if m.group("y2"):
        year = int(m.group("y2"))
        return f"{year}-12-31", year
    year = int(m.group("y"))
    if m.group("m"):
        month = _month(m.group("m"))
        if m.group("d"):
            return f"{year:04d}-{month:02d}-{int(m.group('d')):02d}", year
        return _month_end(year, month), year
    if m.group("half") == "上半年":
        return f"{year}-06-30", year
    if m.group("q"):
        return _month_end(year, _QUARTER[m.group("q")]), year
    return f"{year}-12-31", year


# A month or the year's end without a year ("9月底前完成", "年底前", "上半年"): a deadline only in a
# one-year plan, whose year it means. A deadline word must follow the month (底/末/前/旬/日), so "每月5日前",
# "3个月内", "每年底前", "3年内" are not dates.
_BARE = re.compile(
    r"(?<![\d年每个第季半两几数近])"
    r"(?:(?P<m>1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])月(?:(?P<d>[12]\d|3[01]|0?[1-9])日)?"
    r"(?P<end>底|末|上旬|中旬|下旬)?(?P<before>前|以前|之前)?"
    r"|(?P<ye>年底前?|年末前?|年内)|(?P<half>上半年)|(?:第)?(?P<q>[一二三四1-4])季度(?:末|底)?前?)"
)


def _bare_dates(text: str, year: int, taken: list[DateMention]) -> list[DateMention]:
    out: list[DateMention] = []
    for m in _BARE.finditer(text):
        if any(d.start <= m.start() < d.end for d in taken):
            continue
        if m.group("m") and not (m.group("d") or m.group("end") or m.group("before")):
            continue  # "6月" alone may name a month of any year
        if m.group("m") and m.group("d"):
            date = f"{year:04d}-{_month(m.group('m')):02d}-{int(m.group('d')):02d}"
        elif m.group("m"):
            date = _month_end(year, _month(m.group("m")))
        elif m.group("half"):
            date = f"{year}-06-30"
        elif m.group("q"):
            date = _month_end(year, _QUARTER[m.group("q")])
        else:
            date = f"{year}-12-31"
        out.append(DateMention(m.start(), m.end(), m.group(0), date, "deadline", year))
    return out


def find_dates(text: str, plan_year: int | None = None) -> list[DateMention]:
    """Every time expression in ``text`` with its ISO date and a kind.

    ``history`` marks years that qualify an object or a baseline ("2012年以前建设的",
    "较2020年", "2021年版") and years inside 《book titles》 or document numbers; ``start``
    marks "2023年起"; everything else is a ``deadline`` candidate (or ``fiveyear`` for 十四五).
    ``plan_year`` (a one-year plan's year) also dates "9月底前", "年底前", "上半年" without a year.
    """
    out: list[DateMention] = []
    for m in _DATE.finditer(text):
        if m.group(0).strip() in ("", "“", '"'):
            continue
        date, year = _date_of(m)
        after = text[m.end() : m.end() + 6]
        before = text[max(0, m.start() - 4) : m.start()]
        if m.group("fy"):
            opens_clause = m.start() == 0 or text[m.start() - 1] in "，。；：、,;:（("
            kind = "fiveyear" if (m.group("fyend") or "期间" in after[:2]) and opens_clause else "history"
        elif (
            _inside_book_title(text, m.start())
            or _HISTORY_BEFORE.search(before)
            or (_HISTORY_AFTER.match(after) and not m.group("before"))
            or (m.group("before") == "以前" and re.match(r"^(?:建设|建成|设立|批准|的)", after))
            or (m.group(0).endswith("年度") and not re.match(r"^(?:内|底|末|前|以前|之前)", after))
        ):  # "完成2024年度医疗服务价格调整评估": the year the work covers, not its deadline
            kind = "history"
        elif _START_AFTER.match(after):
            kind = "start"
        else:
            kind = "deadline"
        out.append(DateMention(m.start(), m.end(), m.group(0), date, kind, year))
    if plan_year is not None:
        out = sorted(out + _bare_dates(text, plan_year, out), key=lambda d: d.start)
    return out


_CELL = re.compile(
    rf"^\s*(?:(?:到|于|在)?\s*{YEAR}[^，。；]*|[“\"]?十[一二三四五六]五[”\"]?.*|长期|持续|长期坚持|持续推进|每年.*)\s*$"
)


def parse_deadline_cell(cell: str, plan_year: int | None = None) -> str | None:
    """A 完成时限 table cell → ISO date (the latest date it names), or None ("长期坚持", blank);
    "12月底前" with the ``plan_year`` of a one-year plan."""
    dates = [d for d in find_dates(cell, plan_year) if d.kind not in ("history", "start")]
    if not dates:
        return None
    return max(d.date for d in dates)


_RECUR = (
    ("每季度", "quarterly"), ("按季", "quarterly"), ("每半年", "half-yearly"),
    ("每月", "monthly"), ("按月", "monthly"), ("每周", "weekly"), ("每年", "yearly"), ("年度", None),
)  # fmt: skip


def recurrence(text: str) -> str | None:
    """The recurrence a phrase states ("每年…" → "yearly"), or None."""
    for cue, rule in _RECUR:
        if cue in text and rule:
            return rule
    return None


def five_year_end(text: str) -> int | None:
    """End year of a five-year plan named in ``text`` ("十四五" → 2025)."""
    for name, year in _FIVE_YEAR.items():
        if name in text:
            return year
    return None
