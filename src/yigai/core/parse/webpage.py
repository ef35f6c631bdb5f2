"""Pages saved or printed from a government website: site furniture dropped, the 信息公开 table read.

A policy published on a 政府信息公开 page arrives wrapped in the site: a top bar ("关怀版 无障碍 繁 EN
用户空间 政务邮箱"), navigation, a breadcrumb ("当前位置：首页 > 政府信息公开目录 > …"), an information
table (索引号, 发文机关, 文号, 成文日期, 发布日期, 主题分类 — labels spaced or not, colons full or half
width, as table cells or as lines), a share bar ("分享到", "【打印本页】【关闭窗口】", "字号：大 中 小"), a
visit counter glued to the title ("…的通知访问量：687") and a footer (网站标识码, ICP备案, 联系我们). This
module recognises such a page, returns its text without the furniture, and the table's metadata.

>>> info = read_info(["索 引 号：000014349/2025-00012 主题分类：卫生", "文 号： 冀卫办〔2025〕12号", "成文日期: 2025-04-03"])
>>> info["文号"], info["成文日期"], info["索引号"]
('冀卫办〔2025〕12号', '2025-04-03', '000014349/2025-00012')
>>> strip_furniture_line("关于加强基层医疗卫生服务的通知访问量：687")
'关于加强基层医疗卫生服务的通知'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from yigai.core.parse.blocks import Block, RawDocument

_SP = r"[\s\u3000]*"


def _spaced(label: str) -> str:
    return _SP.join(re.escape(ch) for ch in label)


# Label names as published, mapped to the key they fill.
_LABELS = {
    "索引号": "索引号",
    "发文机关": "发文机关",
    "发文单位": "发文机关",
    "发布机构": "发文机关",
    "发布机关": "发文机关",
    "政策发布部门": "发文机关",
    "文号": "文号",
    "发文字号": "文号",
    "发文文号": "文号",
    "成文日期": "成文日期",
    "成文时间": "成文日期",
    "发布日期": "发布日期",
    "发布时间": "发布日期",
    "公开日期": "发布日期",
    "生成日期": "发布日期",
    "主题分类": "主题分类",
    "信息分类": "主题分类",  # 贵州-style pages: 信息分类 / 发布机构 / 生成日期 / 是否有效
    "标题": "标题",
    "名称": "标题",
    "有效性": "有效性",
    "是否有效": "有效性",
    "公开方式": "公开方式",
    "来源": "来源",
    "生效日期": "生效日期",
    "废止日期": "废止日期",
}
_LABEL_ALT = "|".join(_spaced(name) for name in sorted(_LABELS, key=len, reverse=True))
_LABEL = re.compile(rf"(?<![\u4e00-\u9fa5])({_LABEL_ALT}){_SP}[:：]{_SP}")
_LABEL_CELL = re.compile(rf"^{_SP}({_LABEL_ALT}){_SP}[:：]?{_SP}$")

# Site furniture: lines (or runs inside a line) that belong to the website, not to the document.
_FURNITURE_LINE = re.compile(
    r"关怀版|无障碍|长者模式|适老化|用户空间|政务邮箱|网站标识码|ICP\s*备|公网安备|联系我们|网站地图|"
    r"版权所有|Copyright|©|主办单位|承办单位|技术支持|建议使用.{0,20}浏览器|分辨率|"
    r"^\s*(?:当前位置|您的位置|您当前的位置|所在位置|位置)\s*[:：]|首页\s*[>»＞/]|"
    r"分享到|【?\s*打印(?:本页|此页)?\s*】|打印本页|【?\s*关闭(?:窗口|本页)?\s*】|关闭窗口|"
    r"字号\s*[:：]?\s*[【\[]?\s*大|扫一扫|手机(?:扫码|查看|浏览)|在手机上查看|"
    r"^\s*(?:上一篇|下一篇|相关链接|相关文件|相关解读|政策解读|图文解读|附件下载|【?\s*我要纠错|收藏)",
    re.IGNORECASE,
)
_COUNTER = re.compile(
    r"[【\[(（]?\s*(?:访问量|浏览量|浏览次数|阅读次数|阅读量|点击(?:数|量|次数)?)\s*[:：]\s*\d+\s*[】\])）]?"
)
_NAV_WORDS = re.compile(
    r"首页|政务公开|政务服务|互动交流|新闻中心|新闻动态|政府信息公开|信息公开目录|走进[\u4e00-\u9fa5]{1,6}|"
    r"机构概况|公开目录|办事服务|专题专栏|数据发布|繁体|简体|繁|EN|English|登录|注册|无障碍|关怀版"
)
_SENTENCE = re.compile(r"[。；，！？]")
# The header of a list of other articles ("相关信息", "热点推荐"): the headlines under it are not the document
# ("2023年全市家庭医生签约服务覆盖率达到43.6%" is news, no target).
_ARTICLE_LIST = re.compile(
    r"^\s*(?:相关(?:信息|链接|文章|新闻|阅读|稿件|推荐)|热点(?:推荐|新闻|关注)?|推荐阅读|延伸阅读|热门(?:文章|信息)|"
    r"最新(?:信息|更新|发布)|猜你喜欢|更多(?:信息|新闻))\s*[:：]?\s*$"
)


@dataclass
class WebPage:
    """What a web page said around the document: the information table's fields."""

    info: dict[str, str] = field(default_factory=dict)
    furniture: int = 0  # furniture lines dropped
    in_list: bool = False  # inside a "相关信息" / "热点推荐" list of other articles' headlines
    body_seen: bool = False  # a sentence of the document was read (such lists follow it)

    @property
    def is_web(self) -> bool:
        return self.furniture >= 2 or len(self.info) >= 2


def read_info(lines: list[str]) -> dict[str, str]:
    """``label：value`` pairs of an information table written as lines (several pairs a line)."""
    info: dict[str, str] = {}
    for line in lines:
        matches = list(_LABEL.finditer(line))
        if not matches or (matches[0].start() > 0 and line[: matches[0].start()].strip()):
            continue
        for i, m in enumerate(matches):
            end = matches[i + 1].start() if i + 1 < len(matches) else len(line)
            value = line[m.end() : end].strip(" \u3000\t|｜")
            key = _LABELS[re.sub(r"[\s\u3000]", "", m.group(1))]
            if value and key not in info:
                info[key] = value
    return info


def _row_pairs(row: tuple[str, ...]) -> list[str]:
    """An information-table row as ``label：value`` lines (label cells followed by their value cell)."""
    out: list[str] = []
    cells = [c.strip() for c in row if c.strip()]
    i = 0
    while i < len(cells):
        if _LABEL_CELL.match(cells[i]) and i + 1 < len(cells):
            out.append(cells[i].rstrip(":： \u3000") + "：" + cells[i + 1])
            i += 2
        else:
            out.append(cells[i])
            i += 1
    return out


def strip_furniture_line(line: str) -> str | None:
    """The line without a visit counter, or None when the whole line is site furniture."""
    text = _COUNTER.sub("", line)
    if text != line and not text.strip():
        return None
    if _FURNITURE_LINE.search(text):
        return None
    return text


def _is_headline(line: str) -> bool:
    """A short line without a sentence stop: an article's headline in a list of links (or a blank)."""
    return len(line.strip()) <= 40 and not re.search(r"[。；]", line)


def _is_nav(line: str) -> bool:
    """A bar of short menu words ("首页 政务公开 政务服务 互动交流") without a sentence."""
    if _SENTENCE.search(line):
        return False
    rest = _NAV_WORDS.sub("", line)
    hits = len(_NAV_WORDS.findall(line))
    return hits >= 2 and len(re.sub(r"[\s|｜/·•>»]", "", rest)) <= 2 * hits


EDGE_LINES = (
    150  # furniture sits above and below the document: only this many lines at each end are looked at
)


def clean_page(raw: RawDocument) -> tuple[RawDocument, WebPage]:
    """Drop site furniture and the information table from a web page; plain documents come back as they are."""
    page = WebPage()
    total = sum(len(b.text.split("\n")) if b.kind == "text" else 1 for b in raw.blocks)
    seen = 0
    blocks: list[Block] = []
    for block in raw.blocks:
        if block.kind == "table":
            seen += 1
            lines = [pair for row in block.rows for pair in _row_pairs(row)]
            found = read_info(lines)
            if len(found) >= 2 and len(found) * 2 >= len(block.rows):
                page.info.update({k: v for k, v in found.items() if k not in page.info})
                continue
            blocks.append(block)
            continue
        kept: list[str] = []
        for line in block.text.split("\n"):
            seen += 1
            at_edge = seen <= EDGE_LINES or seen > total - EDGE_LINES
            text = _page_line(line, page) if at_edge else line
            if text is not None:
                kept.append(text)
        blocks.append(Block(kind="text", text="\n".join(kept)))
    if not page.is_web:
        return raw, WebPage()
    title = page_title(raw.title_hint, page.info.get("标题"))
    return (
        replace(raw, blocks=tuple(blocks), title_hint=title),
        page,
    )


def _page_line(line: str, page: WebPage) -> str | None:
    """The line as kept (visit counter removed), or None for furniture and information-table lines."""
    if page.body_seen and (_ARTICLE_LIST.match(line) or (page.in_list and _is_headline(line))):
        page.in_list = True
        page.furniture += 1
        return None
    page.in_list = False
    page.body_seen = page.body_seen or "。" in line
    found = read_info([line]) if len(line) <= 120 else {}
    if found:
        page.info.update({k: v for k, v in found.items() if k not in page.info})
        page.furniture += 1
        return None
    text = strip_furniture_line(line)
    if text is None or _is_nav(line):
        page.furniture += 1
        return None
    return text


_SITE_SEPARATOR = re.compile(r"\s*(?:[_|｜]|\s-\s|(?<=[\u4e00-\u9fa5）])-(?=[\u4e00-\u9fa5])|——|－)\s*")
_GENRE = re.compile(
    r"方案|计划|任务|意见|通知|规划|办法|纲要|要点|分工|清单|细则|决定|措施|行动|安排|指南|规定|条例"
)


def page_title(hint: str | None, from_table: str | None) -> str | None:
    """The document's title, not the browser tab's ("…的通知_省卫生健康委_XX省人民政府网")."""
    for candidate in (from_table, hint):
        if not candidate:
            continue
        text = _COUNTER.sub("", candidate).strip()
        parts = [p for p in _SITE_SEPARATOR.split(text) if p]
        best = next((p for p in parts if _GENRE.search(p)), None)
        if best:
            return best.strip()
    return None
