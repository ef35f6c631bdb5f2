"""Chart images for the Word briefing, drawn with matplotlib (Agg, no display) in a CJK font.

Returns None when matplotlib or a CJK font is missing; the briefing then keeps its tables and says why
the chart is absent (a chart with boxes for every Chinese character would be worse than none).
"""

from __future__ import annotations

import functools
import io
from pathlib import Path

#: Fonts tried in order (Debian packages fonts-wqy-microhei, fonts-wqy-zenhei, fonts-noto-cjk).
CJK_FONT_FILES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
)


@functools.cache
def cjk_font() -> str | None:
    """Path of the first CJK font found, else None."""
    for path in CJK_FONT_FILES:
        if Path(path).is_file():
            return path
    return None


@functools.cache
def _font_name() -> str:
    """Register the CJK font with matplotlib once per process (parsing a .ttc takes a while)."""
    from matplotlib import font_manager

    font_path = cjk_font()
    assert font_path is not None  # checked by chart_unavailable
    font_manager.fontManager.addfont(font_path)
    return str(font_manager.FontProperties(fname=font_path).get_name())


def chart_unavailable() -> str:
    """Why no chart can be drawn ('' when one can)."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return "未安装 matplotlib，本简报只含表格"
    if cjk_font() is None:
        return "未找到中文字体（如 fonts-wqy-microhei），本简报只含表格"
    return ""


def stacked_bars(
    title: str,
    categories: list[str],
    series: list[tuple[str, list[int], str]],
    *,
    width: float = 6.3,
    legend: bool = True,
) -> bytes | None:
    """A horizontal stacked bar chart as PNG: ``series`` = (name, values per category, colour).

    The same figures give the same image: kept per process (drawing one takes ~0.2 s of CPU), so a briefing
    asked for again before the ledger changed does not draw its charts again."""
    if chart_unavailable() or not categories:
        return None
    frozen = tuple((label, tuple(values), colour) for label, values, colour in series)
    return _drawn(title, tuple(categories), frozen, width, legend)


@functools.lru_cache(maxsize=64)
def _drawn(
    title: str,
    categories: tuple[str, ...],
    series: tuple[tuple[str, tuple[int, ...], str], ...],
    width: float,
    legend: bool,
) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt
    from matplotlib.ticker import MaxNLocator

    name = _font_name()
    with plt.rc_context({"font.family": name, "axes.unicode_minus": False}):
        height = max(2.2, 0.32 * len(categories) + 1.2)
        fig, ax = plt.subplots(figsize=(width, height), dpi=150)
        left = [0] * len(categories)
        for label, values, colour in series:
            ax.barh(categories, values, left=left, color=colour, label=label, height=0.62)
            for i, v in enumerate(values):
                if v:
                    ax.text(left[i] + v / 2, i, str(v), ha="center", va="center", fontsize=7, color="white")
            left = [a + b for a, b in zip(left, values, strict=True)]
        ax.invert_yaxis()
        ax.set_title(title, fontsize=11, pad=22 if legend else 6)
        ax.spines[["top", "right"]].set_visible(False)
        ax.tick_params(labelsize=8)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        if legend and len(series) > 1:
            ax.legend(fontsize=8, ncols=min(len(series), 6), loc="lower center", bbox_to_anchor=(0.5, 1.0),
                      frameon=False)  # fmt: skip
        # Fixed margins, not tight_layout (which lays the figure out twice: 0.4 s a chart on the demo).
        longest = max(len(c) for c in categories)
        top = 1 - (0.62 if legend and len(series) > 1 else 0.42) / height
        fig.subplots_adjust(left=min(0.4, 0.03 + 0.018 * longest), right=0.97, top=top, bottom=0.36 / height)
        out = io.BytesIO()
        fig.savefig(out, format="png")
        plt.close(fig)
    return out.getvalue()
