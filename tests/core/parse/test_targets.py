"""Target grammar, one row per pattern: comparator, value, unit, year, per, scope and condition."""

from __future__ import annotations

import pytest

from yigai.core.parse.targets import Found, find_targets


def only(text: str, **kw: object) -> Found:
    found = find_targets(text, **kw)  # type: ignore[arg-type]
    assert len(found) == 1, found
    return found[0]


# text, comparator, value, value_max, unit, per, year
SINGLE = [
    ("到2025年，二级以上医院电子病历应用水平达到75%以上", ">=", 75, None, "%", None, 2025),
    ("到2025年，孕产妇系统管理率不低于90%", ">=", 90, None, "%", None, 2025),
    ("到2025年，每千人口拥有3岁以下婴幼儿托位数不少于2.16名", ">=", 2.16, None, "名", "每千人口", 2025),
    ("到2025年，每千人口医疗卫生机构床位数控制在7.2张以内", "<=", 7.2, None, "张", "每千人口", 2025),
    ("到2025年，重大慢性病过早死亡率下降到237/10万及以下", "<=", 237, None, "/10万", None, 2025),
    ("到2025年，5岁以下儿童生长迟缓率低于5.5%", "<", 5.5, None, "%", None, 2025),
    ("到2025年，居民健康素养水平超过39.3%", ">", 39.3, None, "%", None, 2025),
    ("到2025年，人均基本公共卫生服务经费补助标准提高5元", "increase_by", 5, None, "元", None, 2025),
    ("到2025年底，至少建设5家互联网医院", ">=", 5, None, "家", None, 2025),
    ("到2025年，全省医护比达到1:1.25", ">=", 1.25, None, "比", None, 2025),
    ("到2025年，高血压患者规范管理率达到百分之九十", ">=", 90, None, "%", None, 2025),
    ("到2025年，培训全科医生2万名", ">=", 20000, None, "名", None, 2025),
    ("每100万至200万人口设置1至2个急救中心", "range", 1, 2, "个", "每100万至200万人口", None),
]


@pytest.mark.parametrize(("text", "comparator", "value", "value_max", "unit", "per", "year"), SINGLE)
def test_single_target(text, comparator, value, value_max, unit, per, year) -> None:
    t = only(text)
    assert (t.comparator, t.value, t.value_max, t.unit, t.per, t.year) == (
        comparator,
        value,
        value_max,
        unit,
        per,
        year,
    )
    assert t.quote in text


def test_value_types_are_exact() -> None:
    assert only("到2025年，培训全科医生2万名").value == 20000
    assert isinstance(only("到2025年，孕产妇系统管理率不低于90%").value, int)
    assert only("到2025年，居民健康素养水平超过39.3%").value == pytest.approx(39.3)


def test_due_follows_year() -> None:
    t = only("到2025年底，至少建设5家互联网医院")
    assert t.due == "2025-12-31"
    assert t.indicator == "互联网医院数量"


def test_indicators_named() -> None:
    assert only("到2025年，孕产妇系统管理率不低于90%").indicator == "孕产妇系统管理率"
    assert only("到2025年，全省医护比达到1:1.25").indicator == "医护比"
    assert only("每100万至200万人口设置1至2个急救中心").indicator == "急救中心数量"


def test_scope_from_text() -> None:
    assert only("到2025年，全省医护比达到1:1.25").scope == "全省"


def test_yearly_increase_in_points() -> None:
    t = only("居民健康素养水平每年提升1-3个百分点")
    assert (t.comparator, t.value, t.value_max, t.unit, t.recurring) == (
        "increase_by",
        1,
        3,
        "百分点",
        "yearly",
    )
    assert t.indicator == "居民健康素养水平"


def test_fallback_year_used_only_when_text_has_none() -> None:
    assert only("居民健康素养水平每年提升1-3个百分点", fallback_year=2027).year == 2027
    assert only("到2025年，孕产妇系统管理率不低于90%", fallback_year=2027).year == 2025


def test_share_of_counties() -> None:
    t = only("到2025年，60%的县（市、区）达到县级医院综合能力推荐标准")
    assert (t.comparator, t.value, t.unit, t.year) == (">=", 60, "%", 2025)
    assert "县" in t.indicator and "比例" in t.indicator


def test_respectively_over_years() -> None:
    ts = find_targets("到2023年、2025年和2027年，5岁以下儿童生长迟缓率分别低于5.5%、5%和4.5%")
    assert [(t.comparator, t.value, t.unit, t.year) for t in ts] == [
        ("<", 5.5, "%", 2023),
        ("<", 5, "%", 2025),
        ("<", 4.5, "%", 2027),
    ]
    assert {t.indicator for t in ts} == {"5岁以下儿童生长迟缓率"}


def test_respectively_over_indicators() -> None:
    ts = find_targets("到2025年，孕产妇死亡率、婴儿死亡率和5岁以下儿童死亡率分别控制在10/10万、5‰和7‰以下")
    assert [(t.indicator, t.comparator, t.value, t.unit) for t in ts] == [
        ("孕产妇死亡率", "<=", 10, "/10万"),
        ("婴儿死亡率", "<=", 5, "‰"),
        ("5岁以下儿童死亡率", "<=", 7, "‰"),
    ]
    assert all(t.year == 2025 for t in ts)


def test_respectively_over_places() -> None:
    ts = find_targets("到2025年，石家庄市、唐山市、保定市分别建设3个、2个、2个区域医疗中心")
    assert [(t.scope, t.value, t.unit) for t in ts] == [
        ("石家庄市", 3, "个"),
        ("唐山市", 2, "个"),
        ("保定市", 2, "个"),
    ]
    assert all("区域医疗中心" in t.indicator for t in ts)


def test_respectively_over_places_count() -> None:
    ts = find_targets("到2025年，石家庄市、唐山市、保定市分别建设3个、2个、2个区域医疗中心")
    assert [(t.comparator, t.value, t.unit, t.year) for t in ts] == [
        (">=", 3, "个", 2025),
        (">=", 2, "个", 2025),
        (">=", 2, "个", 2025),
    ]


def test_qualifier_becomes_condition_not_target() -> None:
    t = only("超过50万人口的县（市、区）至少建设1个县级急救中心")
    assert (t.comparator, t.value, t.unit) == (">=", 1, "个")
    assert t.condition == "超过50万人口的县（市、区）"
    assert t.value != 50


@pytest.mark.parametrize(
    "text",
    [
        "日均门诊量5000人次以上或床位1000张以上的大型医院要设置发热门诊",
        "对2012年以前建设的121个村卫生室进行改扩建",
        "落实“十个常态化”30项举措",
        "推进5G技术在医疗领域的应用",
        "二级以上公立医院全面开展检查检验结果互认",
        "“十四五”期间，加快建设区域医疗中心",
        "65岁及以上老年人健康管理",
        "根据冀政办字〔2021〕82号文件要求，制定本方案",
        "按结余资金不高于50%的比例返还定点医疗机构",
    ],
)
def test_not_targets(text: str) -> None:
    assert find_targets(text) == []


def test_not_target_qualifier_inside_a_real_target() -> None:
    ts = find_targets("到2025年，日均门诊量5000人次以上的大型医院发热门诊设置率达到100%")
    assert [(t.comparator, t.value, t.unit) for t in ts] == [(">=", 100, "%")]


def test_quotes_are_spans_of_input() -> None:
    text = "到2023年、2025年和2027年，5岁以下儿童生长迟缓率分别低于5.5%、5%和4.5%"
    for t in find_targets(text):
        assert t.quote in text
