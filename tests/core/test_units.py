"""Tests for the responsible-unit directory (yigai.core.units and yigai/data/units.yaml)."""

from __future__ import annotations

import doctest
import textwrap
from collections import defaultdict
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import given
from hypothesis import strategies as st

import yigai.core.units as units_pkg
from yigai.core.units import (
    UnitDirectoryError,
    canonical_unit,
    iter_aliases,
    iter_directory,
    load_directory,
    looks_like_unit,
    lookup_unit,
)
from yigai.core.units import index as units_index
from yigai.core.units import resolve as units_resolve
from yigai.core.units import schema as units_schema


@pytest.mark.parametrize("module", [units_pkg, units_index, units_resolve, units_schema])
def test_docstring_examples_run(module: ModuleType) -> None:
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0


# ---------------------------------------------------------------------------- aliases
ALIASES = [
    # the spec's own examples (seeds 002/003/004)
    ("省医保局", "省医疗保障局"),
    ("市发改委", "市发展改革委"),
    ("市人社局", "市人力资源和社会保障局"),
    ("省发展改革委员会", "省发展改革委"),
    ("市委编委办", "市委编办"),
    ("市委编办", "市委编办"),
    # health commission at every level
    ("省卫健委", "省卫生健康委"),
    ("市卫生健康委员会", "市卫生健康委"),
    ("县卫健局", "县卫生健康局"),
    ("自治区卫健委", "自治区卫生健康委"),
    ("国家卫健委", "国家卫生健康委"),
    ("国家卫生健康委员会", "国家卫生健康委"),
    # 人社: 厅 at province level, 局 below
    ("省人社厅", "省人力资源社会保障厅"),
    ("省人力资源和社会保障厅", "省人力资源社会保障厅"),
    ("省人社局", "省人力资源社会保障厅"),
    ("市人力资源社会保障局", "市人力资源和社会保障局"),
    ("市人社厅", "市人力资源和社会保障局"),
    ("人力资源和社会保障部", "人力资源社会保障部"),
    # other bodies named in the brief
    ("省市场监管局", "省市场监督管理局"),
    ("省工信厅", "省工业和信息化厅"),
    ("市工信局", "市工业和信息化局"),
    ("省住建厅", "省住房城乡建设厅"),
    ("市住房和城乡建设局", "市住房城乡建设局"),
    ("省文旅厅", "省文化和旅游厅"),
    ("省文化旅游厅", "省文化和旅游厅"),
    ("市文旅局", "市文化广电和旅游局"),
    ("省科学技术厅", "省科技厅"),
    ("省药监局", "省药品监督管理局"),
    ("省中医药局", "省中医药管理局"),
    ("市疾控局", "市疾病预防控制局"),
    ("省委编委办", "省委编办"),
    ("市机构编制委员会办公室", "市委编办"),
    ("市直属机关工委", "市委市直工委"),
    ("省直工委", "省直机关工委"),
    ("市审批局", "市行政审批局"),
    ("省政府", "省人民政府"),
    ("市人民政府办公室", "市政府办公室"),
    ("省人民政府办公厅", "省政府办公厅"),
    ("省烟草专卖局", "省烟草局"),
    ("县发改局", "县发展改革局"),
    # national names as 国办 documents write them
    ("国家医保局", "国家医疗保障局"),
    ("国家中医药局", "国家中医药管理局"),
    ("国家药监局", "国家药品监督管理局"),
    ("国家疾控局", "国家疾病预防控制局"),
    ("国家发展和改革委员会", "国家发展改革委"),
    ("国家市场监督管理总局", "市场监管总局"),
    ("工信部", "工业和信息化部"),
    ("中国银保监会", "金融监管总局"),
    ("国家金融监督管理总局", "金融监管总局"),
    # place names in front of the body; written formal forms are kept
    ("河北省卫生健康委员会", "河北省卫生健康委"),
    ("廊坊市发改委", "廊坊市发展改革委"),
    ("三河市卫生健康局", "三河市卫生健康局"),
    ("内蒙古自治区卫健委", "内蒙古自治区卫生健康委"),
    ("廊坊市委组织部", "廊坊市委组织部"),
    ("国家税务总局廊坊市税务局", "廊坊市税务局"),
    ("国家金融监督管理总局廊坊监管分局", "廊坊金融监管分局"),
    # written-form clean-up
    ("  省卫生健康委、", "省卫生健康委"),
    ("(责任单位:市卫生健康委）", "市卫生健康委"),
    ("（责任单位：省医保局", "省医疗保障局"),
    ("市财政局）", "市财政局"),
    ("由市卫生健康委牵头", "市卫生健康委"),
    ("省卫生健康委（牵头）", "省卫生健康委"),
    ("国家卫生健康委、", "国家卫生健康委"),
    ("国家医保局等按职责分工负责", "国家医疗保障局"),
    ("市 卫生 健康委\n", "市卫生健康委"),
]


@pytest.mark.parametrize(("written", "canonical"), ALIASES)
def test_alias_resolves_to_canonical(written: str, canonical: str) -> None:
    info = lookup_unit(written)
    assert info.canonical == canonical
    assert info.known
    assert info.as_written == written
    assert canonical_unit(written) == canonical


@pytest.mark.parametrize(
    ("written", "level", "kind"),
    [
        ("省卫生健康委", "province", "department"),
        ("市发改委", "city", "department"),
        ("县卫健局", "county", "department"),
        ("财政部", "national", "department"),
        ("市委编办", "city", "party"),
        ("省委宣传部", "province", "party"),
        ("省人民政府", "province", "government"),
        ("廊坊开发区管委会", "county", "government"),
        ("雄安新区", "city", "government"),
        ("市残联", "city", "other"),
    ],
)
def test_level_and_kind(written: str, level: str, kind: str) -> None:
    info = lookup_unit(written)
    assert (info.level, info.kind) == (level, kind)


# ---------------------------------------------------------------------------- history
HISTORY = [
    ("市卫计委", "市卫生健康委", "2018年由市卫生计生委更名为市卫生健康委"),
    ("省卫生和计划生育委员会", "省卫生健康委", "2018年由省卫生计生委更名为省卫生健康委"),
    ("国家卫生计生委", "国家卫生健康委", "2018年由国家卫生计生委更名为国家卫生健康委"),
    ("县卫生计生局", "县卫生健康委", "2018年由县卫生计生局更名为县卫生健康委"),
    ("省食药监局", "省市场监督管理局", "2018年省食品药品监督管理局并入省市场监督管理局"),
    ("市工商局", "市市场监督管理局", "2018年市工商行政管理局并入市市场监督管理局"),
    ("市质监局", "市市场监督管理局", "2018年市质量技术监督局并入市市场监督管理局"),
    ("省国土资源厅", "省自然资源厅", "2018年省国土资源厅并入省自然资源厅"),
    ("市环保局", "市生态环境局", "2018年由市环境保护局更名为市生态环境局"),
    ("省农业厅", "省农业农村厅", "2018年由省农业厅更名为省农业农村厅"),
    ("省文化厅", "省文化和旅游厅", "2018年省文化厅并入省文化和旅游厅"),
    ("市旅游局", "市文化广电和旅游局", "2018年市旅游局并入市文化广电和旅游局"),
    ("市安监局", "市应急管理局", "2018年市安全生产监督管理局并入市应急管理局"),
    ("县合管办", "县医疗保障局", "2018年县合管办职能划入县医疗保障局"),
    ("廊坊银保监分局", "廊坊金融监管分局", "2023年由廊坊银保监分局更名为廊坊金融监管分局"),
    ("省银保监局", "省金融监管局", "2023年由省银保监局更名为省金融监管局"),
    ("银监会", "金融监管总局", "2018年银监会并入银保监会"),
    ("环保部", "生态环境部", "2018年由环境保护部更名为生态环境部"),
]


@pytest.mark.parametrize(("old", "current", "line"), HISTORY)
def test_old_names_resolve_to_successor_with_history(old: str, current: str, line: str) -> None:
    info = lookup_unit(old)
    assert info.canonical == current
    assert line in info.history


def test_history_follows_chains_in_order() -> None:
    assert lookup_unit("市银监分局").history[:2] == (
        "2018年市银监分局并入市银保监分局",
        "2023年由市银保监分局更名为市金融监管分局",
    )
    assert lookup_unit("卫生部").history[:2] == (
        "2013年卫生部并入国家卫生计生委",
        "2018年由国家卫生计生委更名为国家卫生健康委",
    )


def test_press_radio_tv_successor_depends_on_level() -> None:
    assert canonical_unit("省新闻出版广电局") == "省广播电视局"
    assert canonical_unit("市新闻出版广电局") == "市文化广电和旅游局"


def test_current_names_have_no_rename_history() -> None:
    assert lookup_unit("市卫生健康委").history == ()
    assert lookup_unit("省老龄办").history == ("2018年机构改革后省老龄办设在省卫生健康委",)


# ---------------------------------------------------------------------------- placeholders and groups
PLACEHOLDERS = [
    ("各市", "各市", "city"),
    ("各设区市", "各设区市", "city"),
    ("各市（含定州、辛集市）", "各市（含定州、辛集市）", "city"),
    ("各市(含定州、辛集市)", "各市（含定州、辛集市）", "city"),
    ("各盟市", "各盟市", "city"),
    ("各县（市、区）", "各县（市、区）", "county"),
    ("各县（市、区）政府", "各县（市、区）人民政府", "county"),
    ("各县（市、区）人民政府", "各县（市、区）人民政府", "county"),
    ("各县(市、区)人民政府", "各县（市、区）人民政府", "county"),
    ("各县市区政府", "各县（市、区）人民政府", "county"),
    ("各区县", "各区县", "county"),
    ("各县（市、区）卫健局", "各县（市、区）卫生健康局", "county"),
    ("各市卫健委", "各市卫生健康委", "city"),
    ("各开发区管委会", "各开发区管委会", "zone"),
    ("各地", "各地", None),
    ("各级政府", "各级人民政府", None),
    ("各级人民政府", "各级人民政府", None),
]


@pytest.mark.parametrize(("written", "canonical", "expands_to"), PLACEHOLDERS)
def test_placeholders(written: str, canonical: str, expands_to: str | None) -> None:
    info = lookup_unit(written)
    assert (info.canonical, info.kind, info.expands_to, info.known) == (
        canonical,
        "placeholder",
        expands_to,
        True,
    )


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("省爱卫会其他成员单位", "省爱卫会其他成员单位"),
        ("省爱卫会其他成员单位参与", "省爱卫会其他成员单位"),
        ("省爱国卫生运动委员会成员单位", "省爱卫会成员单位"),
        ("省老龄委各成员单位", "省老龄委各成员单位"),
        ("医改领导小组各成员单位", "医改领导小组各成员单位"),
        ("省深化医药卫生体制改革领导小组各成员单位", "省医改领导小组各成员单位"),
        ("省发改委等有关部门", "省发展改革委等有关部门"),
        ("有关部门", "有关部门"),
        ("各有关部门", "有关部门"),
        ("市直各部门", "市直有关部门"),
    ],
)
def test_groups(written: str, canonical: str) -> None:
    info = lookup_unit(written)
    assert (info.canonical, info.kind, info.known) == (canonical, "group", True)


def test_unknown_names_are_cleaned_not_rejected() -> None:
    info = lookup_unit("（廊坊市人民医院、")
    assert (info.canonical, info.known, info.kind, info.level) == ("廊坊市人民医院", False, "other", None)
    assert lookup_unit("市中医院").kind == "other"
    assert lookup_unit("").canonical == ""
    assert lookup_unit("廊坊市").kind == "government"
    assert lookup_unit("按职责分工负责").canonical == "按职责分工负责"


# ---------------------------------------------------------------------------- looks_like_unit
POSITIVE = [
    "省卫生健康委",
    "市委编委办",
    "各县（市、区）政府",
    "廊坊银保监分局",
    "临空经济区（廊坊）管委会",
    "省爱卫会其他成员单位",
    "国家医保局",
    "财政部",
    "市中医院",
    "廊坊开发区管委会",
    "雄安新区",
    "各市",
    "省老龄委各成员单位",
    "市委市直工委",
    "市人社局",
    "县级公立医院",
    "廊坊市中医医院",
    "省疾控中心",
    "某某市第三人民医院",
    "河北省卫生健康委员会",
    "市卫生健康委（牵头）",
    "(责任单位:市卫生健康委）",
    "国家卫生健康委等",
    "三河市",
    "各级医疗机构",
    "中国人民银行廊坊市分行",
    "团市委",
    "市红十字会",
]
NEGATIVE = [
    "加强基层医疗卫生机构建设",
    "排第一位的为牵头单位",
    "下同",
    "2025年底前",
    "按职责分工负责",
    "其他为协助配合单位",
    "省卫生健康委、省医保局",
    "省卫生健康委会同省财政厅",
    "到2025年，医疗卫生服务体系进一步健全",
    "“十四五”期间",
    "完善网络布局",
    "全面执行和落实党委",
    "统筹规划专科医院",
    "牵头单位",
    "责任单位",
    "以患者为中心",
    "召开推进会",
    "城市",
    "社区",
    "全市",
    "",
    "、",
    "每年开展调价评估",
    "2022年3月",
    "市、县公共卫生机构专业技术高级岗位比例分别达到35%",
]


@pytest.mark.parametrize("text", POSITIVE)
def test_looks_like_unit_positive(text: str) -> None:
    assert looks_like_unit(text)


@pytest.mark.parametrize("text", NEGATIVE)
def test_looks_like_unit_negative(text: str) -> None:
    assert not looks_like_unit(text)


def test_enough_looks_like_cases() -> None:
    assert len(POSITIVE) + len(NEGATIVE) >= 40


# ---------------------------------------------------------------------------- the packaged directory
def test_every_canonical_resolves_to_itself() -> None:
    entries = list(iter_directory())
    assert len(entries) > 300
    wrong = [
        (u.canonical, lookup_unit(u.canonical).canonical)
        for u in entries
        if canonical_unit(u.canonical) != u.canonical
    ]
    assert wrong == []


def test_directory_entries_are_known_and_unique() -> None:
    entries = list(iter_directory())
    assert all(u.known and u.as_written == u.canonical for u in entries)
    assert len({u.canonical for u in entries}) == len(entries)
    assert {"省卫生健康委", "市卫生健康委", "县卫生健康局", "国家卫生健康委", "各县（市、区）"} <= {
        u.canonical for u in entries
    }
    assert "省卫生计生委" not in {u.canonical for u in entries}  # old bodies are aliases, not entries


def test_alias_table_agrees_with_lookup() -> None:
    pairs = list(iter_aliases())
    assert len(pairs) > 3000
    for written, canonical in pairs[::97]:
        assert canonical_unit(written) == canonical


def test_no_name_has_two_canonicals_at_one_level() -> None:
    seen: dict[tuple[str, str | None], set[str]] = defaultdict(set)
    for written, canonical in iter_aliases():
        seen[(written, lookup_unit(written).level)].add(canonical)
    assert [k for k, v in seen.items() if len(v) > 1] == []


def test_packaged_file_loads_by_path() -> None:
    path = Path(units_pkg.__file__).parents[2] / "data" / "units.yaml"
    directory = load_directory(path=path)
    assert directory.canonical("市发改委") == "市发展改革委"


# ---------------------------------------------------------------------------- validation
GOOD_HEAD = """
schema: yigai.units/1
prefixes: [{prefix: 省, level: province}, {prefix: 市, level: city}]
"""


def _load(body: str) -> object:
    return load_directory(text=GOOD_HEAD + textwrap.dedent(body))


def test_small_valid_directory() -> None:
    d = load_directory(
        text=GOOD_HEAD
        + textwrap.dedent("""
        departments:
          - {id: finance, canonical: {province: 财政厅, city: 财政局}, aliases: [财政部门]}
        """)
    )
    assert d.canonical("省财政局") == "省财政厅"
    assert d.canonical("市财政部门") == "市财政局"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "departments: [{id: a, canonical: 财政局, aliases: 财政}]",
            "departments[0] (a): 'aliases' must be a list",
        ),
        ("departments: [{id: a}]", "departments[0] (a): missing field 'canonical'"),
        ("departments: [{id: A-1, canonical: 财政局}]", "must be lower-case ASCII"),
        ("departments: [{id: a, canonical: {town: 财政所}}]", "'canonical.town' is 'town'; expected one of"),
        ("departments: [{id: a, canonical: 财政局, colour: red}]", "unknown field(s) colour"),
        ("departments: [{id: a, canonical: 财政局, renamed_to: b, year: 2018}]", "unknown successor id 'b'"),
        ("departments: [{id: a, canonical: 财政局, renamed_to: a}]", "needs a 'year'"),
        (
            "departments: [{id: a, canonical: 甲局, renamed_to: b, year: 2018}, {id: b, canonical: 乙局, renamed_to: a, year: 2019}]",
            "successor cycle a -> b -> a",
        ),
        ("departments: [{id: a, canonical: 甲局}, {id: a, canonical: 乙局}]", "duplicate id(s) a"),
        ("departments: [{id: a, canonical: 甲局, notes: ['{nobody}']}]", "unknown id 'nobody'"),
        ("placeholders: [{canonical: 各市, expands_to: planet}]", "'expands_to' is 'planet'"),
        (
            "departments: [{id: a, canonical: 甲局, aliases: [丙局]}, {id: b, canonical: 乙局, aliases: [丙局]}]",
            "alias '丙局' belongs to both 'a' and 'b'",
        ),
        ("placeholders: [{canonical: 各市}]\ngroups: [{canonical: 各市}]", "'各市' would mean both"),
        (
            "departments: [{id: a, canonical: 甲局}]\nlocalities: [{canonical: 省甲局名, aliases: [省甲局]}]",
            "'省甲局' would mean both",
        ),
        ("departments: {id: a}", "section 'departments' must be a list"),
        (
            "departments: [{id: a, canonical: 甲局, national_aliases: [中甲]}]",
            "canonical has no 'national' name",
        ),
    ],
)
def test_malformed_directory_is_rejected_with_a_clear_message(body: str, message: str) -> None:
    with pytest.raises(UnitDirectoryError) as excinfo:
        _load(body)
    assert message in str(excinfo.value)


def test_wrong_schema_and_bad_yaml() -> None:
    with pytest.raises(UnitDirectoryError, match="'schema' must be"):
        load_directory(text="schema: other/9\n")
    with pytest.raises(UnitDirectoryError, match="not valid YAML"):
        load_directory(text="schema: [unclosed\n")


def test_loader_takes_a_path(tmp_path: Path) -> None:
    bad = tmp_path / "units.yaml"
    bad.write_text(GOOD_HEAD + "departments: [{id: a, canonical: 财政局, aliases: 1}]\n", encoding="utf-8")
    with pytest.raises(UnitDirectoryError, match="'aliases' must be a list"):
        load_directory(path=bad)
    with pytest.raises(TypeError):
        load_directory()


@given(
    st.text(
        alphabet=st.sampled_from("省市县各（）()、，：:由负责牵头等卫生健康委医保局政府成员单位 12年"),
        max_size=30,
    )
)
def test_lookup_never_raises(text: str) -> None:
    info = lookup_unit(text)
    assert info.as_written == text
    assert isinstance(looks_like_unit(text), bool)
    assert canonical_unit(info.canonical) == info.canonical or not info.known
