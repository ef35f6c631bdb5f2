"""Word lists and patterns of the target grammar (kept apart from the matching logic).

Comparator cues are listed longest first so that "不低于" wins over "低于".
"""

from __future__ import annotations

import re

from yigai.core.parse.numbers import NUMBER

# cue → comparator; "inc"/"dec" mean increase_by/decrease_by unless followed by 至/到.
CUES: tuple[tuple[str, str], ...] = tuple(
    sorted(
        {
            "不低于": ">=", "不少于": ">=", "不小于": ">=", "至少": ">=", "最少": ">=", "以上": ">=",
            "达到": ">=", "达": ">=", "力争达到": ">=", "提高至": ">=", "提高到": ">=", "提升至": ">=",
            "提升到": ">=", "增加至": ">=", "增加到": ">=", "增长至": ">=", "增长到": ">=", "扩大到": ">=",
            "扩大至": ">=", "上升至": ">=", "上升到": ">=", "保持在": "=", "稳定在": "=", "维持在": "=",
            "不高于": "<=", "不超过": "<=", "不大于": "<=", "控制在": "<=", "降至": "<=", "降到": "<=",
            "降低至": "<=", "降低到": "<=", "下降至": "<=", "下降到": "<=", "减少至": "<=", "减少到": "<=",
            "缩短至": "<=", "缩短到": "<=", "压缩至": "<=", "压缩到": "<=", "精准到": "<=", "控制到": "<=",
            "低于": "<", "小于": "<", "少于": "<", "超过": ">", "高于": ">", "大于": ">", "多于": ">",
            "提高": "inc", "提升": "inc", "增加": "inc", "增长": "inc", "上升": "inc", "增幅": "inc",
            "下降": "dec", "降低": "dec", "减少": "dec", "缩小": "dec", "降幅": "dec",
            "为": "=", "占比": ">=", "争取": ">=", "力争": ">=", "力争有": ">=", "确保": ">=",
        }.items(),
        key=lambda kv: -len(kv[0]),
    )
)  # fmt: skip

# Verbs that make "verb + N + classifier + object" a count target (建设5家互联网医院 → ≥ 5).
CREATE_VERBS = (
    "建设", "建成", "新建", "创建", "打造", "培育", "引进培育", "引进", "培养", "增设", "遴选确定", "遴选",
    "确定", "启动", "培训", "建立", "组建", "形成", "制定", "帮助", "办好", "配备", "建", "有", "设立",
    "认定", "创成", "新增", "改造", "命名", "推广", "完成", "实现", "覆盖", "开展", "招收", "招聘", "选派", "拥有", "推出",
    "培训轮训", "轮训", "扶持", "支持", "布局", "规划", "设置", "选择", "选取", "推动", "推进",
)  # fmt: skip
NORM_VERBS = ("设置", "规划设置", "配置")  # per-population norms: exact unless a range

COUNT_UNITS = (
    "平方米", "万人次", "人次", "万人", "万名", "公里", "分钟", "小时", "张床", "个百分点", "百分点", "个月",
    "个工作日", "工作日",
    "个", "家", "所", "名", "人", "张", "项", "种", "支", "座", "台", "辆", "批", "类", "条", "处", "级",
    "例", "间", "户", "床", "元", "万元", "亿元", "倍", "天", "套", "册", "场", "次", "期", "部", "位",
)  # fmt: skip
RATE_UNITS = ("%", "‰", "/10万", "/万", "/千", "/100万")
# Units after which a number is never a target value.
NON_TARGET_AFTER = re.compile(
    r"^(?:年(?!度?[内]?[^\d]{0,2}(?:新增|累计))|月|日|号|岁|周岁|届|季度|型|G|g|类人群|期工程|大|级以上|级及以上|"
    r"个方面|个专项行动|方面|万?人口|周年|代|版|＋|\+|[A-Za-z])"
)
_UNIT_ALT = "|".join(re.escape(u) for u in sorted((*RATE_UNITS, *COUNT_UNITS), key=len, reverse=True))

# A quantity: number, optional range, optional ratio, unit, post-modifier.
QUANTITY = re.compile(
    rf"(?P<num>百分之[零〇一二两三四五六七八九十点]+|{NUMBER})(?:\s*(?P<pct1>%))?"
    rf"(?:\s*(?P<rng>[-~至到])\s*(?P<num2>{NUMBER}))?"
    rf"(?:\s*[:：]\s*(?P<ratio>\d+(?:\.\d+)?))?"
    rf"\s*(?P<unit>{_UNIT_ALT})?"
    r"(?P<post>及以上|以上|及以下|以下|以内|左右|上下|之内|内)?"
)

# Per-population denominators: 每千人口, 每万人口, 每100万至200万人口, 千人口, 每千人.
PER = re.compile(
    rf"每(?:个)?(?:{NUMBER}|[千万])(?:\s*[-至到~]\s*{NUMBER})?(?:常住)?人口|每(?:千|万|十万|百万)人|"
    r"(?<![\d万每])千人口"
)
SCOPE = re.compile(
    r"^(?:全国|全省|全市|全县|全区|全州|全盟|全旗|省级|市级|县级|"
    r"每(?![年月季周日天千万百十\d])个?(?:[^，、；。\d（]|（[^）]*）){1,10}?(?=均|都|要|应|至少|最少|有|建|设|办|配|达|培|打|实现|完成)|"
    r"各(?:[^，、；。\d（]|（[^）]*）){1,8}?(?=均|都|要|应|至少|有|建|设|办|配|达|培|打|实现|完成))"
)
YEAR_LIST = re.compile(
    r"(?:到|至|在)?(?P<years>(?:19|20)\d{2}年?(?:[、，,和及与至](?:19|20)\d{2}年?)+)(?:年)?(?:底|末)?"
)
BAD_DIRECTION = re.compile(
    r"死亡率|病死率|发病率|患病率|感染率|流行率|生长迟缓率|肥胖|外转率|转诊率|增长率|复发率|致残率|"
    r"残疾率|吸烟率|费用|负担|比重下降|占比下降|自付|超标|事故|差错|不良|缺陷率"
)
INDICATOR_TAIL = re.compile(r"(?:率|比|比例|占比|数|数量|量|水平|面积|时间|寿命|覆盖面|比重|指数|密度|人数)$")
ALLOCATION_AFTER = re.compile(r"^(?:的比例|的部分|用于|作为|返还|拨付|奖励|补助|补贴)")

# ---- Stage words of the target grammar (see targets._Sentence): lexical → qualifier → comparator →
# indicator → scope/year. Each stage reads only the patterns below, so a new wording is a data change.

# Lexical stage: numbers that are names, magnitudes or levels, not quantities.
CN_DIGIT = re.compile(r"[零〇一二两三四五六七八九]")
CN_NON_COUNT_UNITS = ("级", "类", "批", "种", "期", "次")  # "三级", "两类": names when written in words
LEVEL_NAME_AFTER = re.compile(r"^(?:以上|及以上)?的?[^，。；]{0,2}(?:医院|医疗|公立|综合|甲等|乙等|专科)")
LEVEL_AFTER = re.compile(r"^[^，。；]{0,3}(?:医院|以上|及以上)")
CN_WORD_BEFORE = re.compile(r"(?:第|之|统|唯|万|单)$")  # 第一, 统一, 唯一, 万一, 单一
# "年内开展1次医疗服务价格调整评估", "每季度开展1次督导": once in a period is a frequency, not a goal
ONCE_A_PERIOD = re.compile(r"(?:每(?:年|季度|季|半年|月|周)|年内|年度内)[^，。；]*$")
PROGRAMME_AFTER = re.compile(r"^(?:专项行动|方面)")  # "实施15个专项行动": the name of a programme
SHARE_USE_AFTER = re.compile(r"^(?:[%‰])?(?:的比例|用于)")
# "N分钟医疗服务圈", "1小时救治圈": a time-to-service standard.
CIRCLE_UNITS = ("分钟", "小时")
CIRCLE_AFTER = re.compile(r"^[^，。；、\d]{0,10}?圈")

# Qualifier stage: numbers that qualify what a target applies to ("超过50万人口的县"), or history.
POPULATION_AFTER = re.compile(r"^万?(?:常住)?人口|^万(?:以上|以下|及以上|及以下)?的")
BOUND_OF = re.compile(r"^(?:以上|以下|及以上|及以下)?的")
THRESHOLD_OF = re.compile(r"^万?(?:以上|以下|及以上|及以下)?的")
SHARE_OF = re.compile(r"^(?:及以上|以上)?的(?P<what>[^，。；]{1,30})")  # "90%的乡镇卫生院…": a share target
QUALIFIED_NOUN_AFTER = re.compile(r"^[^，。；]{0,12}?的")
GOAL_VERB_AFTER = re.compile(r"^[^，。；的]{0,12}?(?:达到|建成|建设)")
HISTORY_BEFORE = re.compile(r"以前建设的$|以来|现有$|已有$|已建成?的?$")
CONDITION_TAIL = re.compile(r"[^，。；]*?的[^，。；至有建设达应均]{0,10}")

# Comparator stage.
EACH = re.compile(
    r"均(?:达到|不低于|不少于|低于|高于|超过|为|控制在|保持在|提高到|提高至|降至|降到)"
)  # "高血压、糖尿病患者规范管理率均达到65%": one target per listed indicator
EACH_SPLIT = re.compile(r"[、和及]")
GOAL_AFTER = re.compile(r"^[^，。；]{0,16}?(?:力争|争取|创建|达到|建成|实现|保持|进入|通过)")
SCOPE_ONLY = "每个全省市县区"
NO_COMPARATOR_VERB_RATES = ("实现", "完成", "覆盖", "开展")  # "实现90%…" is not a bound by itself
TIME_UNITS = ("分钟", "小时", "天")

# Indicator stage.
CLAUSE_BREAK = re.compile(r"[，。；]")
OBJECT_SPAN = re.compile(r"[^，。；：、,;:（(]{0,24}")  # the object after a count: "5家互联网医院"
OBJECT_NEXT_COUNT = re.compile(r"[和及与]\d")  # "…中心和2个…": the next count starts
OBJECT_VERB = re.compile(r"(?:进行|达到|实现|开展|建设$|项目建设$|的建设)")  # the object ends before a verb
INDICATOR_ASIDE = re.compile(
    r"（(?:含|包括|不含)[^）]*）|（[^）]*下同）"
)  # "（含中医类医院）" is not the name
INDICATOR_TRAILING_WORDS = re.compile(
    r"(?:拥有|有|的|达|分别|均|都|要|力争|争取|并|持续|逐年|每年|保持|稳定)+$"
)
NOT_AN_OBJECT_UNITS = ("个百分点", "百分点", "平方米", "分钟", "小时", "级", "倍", "天")
PEOPLE_UNITS = ("人", "名", "人次")
LEVEL_NOUN = re.compile(r"^(.{0,6}?级)(.+)$")
LEVEL_ONLY = re.compile(r".{0,6}级")

# List and 分别 handling.
LIST_SEPARATORS = re.compile(r"[、和及与，,]")
LIST_BREAK = re.compile(r"[。；：]")
LIST_ITEM = re.compile(r"[^、和及与，,]*[、和及与，,]?")
LIST_SPLIT = re.compile(r"[、和及与]")
YEAR_IN_LIST = re.compile(r"(?:19|20)\d{2}")

# Ratio targets ("医护比1:1.25", "床人比不低于1:1.6") and ages that are goals ("人均预期寿命提高到82.25岁").
RATIO_NAME = re.compile(r"比$")
LIFE_YEARS = re.compile(r"寿命")
# "50%以上旗区级综合医院达到三级医院服务能力": a share of the units named after the number.
SHARE_SUBJECT = re.compile(
    r"^(?:及以上|以上)?的?(?P<what>[^，。；、\d]{2,24}?(?:达到|实现|建成|具备|开展|开设|设立|设置|提供|纳入)"
    r"[^，。；\d]{0,16})"
)
# "每个市至少有1个儿童医院、康复医院、传染病专科医院或…": one count target per listed object.
OBJECT_LIST_SPLIT = re.compile(r"[、和及]")
OBJECT_LIST_STOP = re.compile(r"或|达到|实现|建设|提升|完成|要求|床位|[，。；\d（(]")
# Listed objects are facilities or bodies ("儿童医院、康复医院"), never clauses ("党委书记、院长年薪制").
OBJECT_CLAUSE = re.compile(r"的|设置|设有|有|开展|落实")  # "设置有病房的精神科和康复医学科": one phrase
OBJECT_NOUN = re.compile(
    r"(?:医院|中心|机构|站|所|室|科|基地|平台|学校|学院|专科|病区|项目|团队|联合体|共同体)$"
)
# Fund-share ranges ("结余留用资金中60%至70%用于医务人员薪酬发放") are targets; single shares stay policy text.
FUND_USE_AFTER = re.compile(r"^(?:[%‰])?(?:的比例)?(?P<use>用于[^，。；]{1,20})")

# Tense and section role: values of a 发展基础/现状/成效 passage describe the past (baselines), unless the
# sentence sets a goal for a later year ("力争到2025年提高到82.25岁").
BASELINE_SECTION = re.compile(
    r"^(?:[^，。]{0,8}?)(?:发展基础|发展现状|基本现状|现状分析|现状与问题|基本情况|取得的成效|主要成效|工作成效|"
    r"成效与问题|发展成就|取得的成就|主要成就|面临的形势|面临形势|形势与挑战|发展环境|工作回顾|回顾|现状$)"
)  # a heading naming the passage; "巩固改革成效" (a task) is not one
COMPARED_TO = re.compile(r"(?:较|比|与|同|相比|对比)$")  # "较2020年提高5个百分点": a comparison base
GOAL_DATE_BEFORE = re.compile(r"(?:到|至|力争|争取|预计|确保|计划)[^，。；]{0,3}$")
# The sentence's subject, named when a later clause only says "力争到2025年提高到82.25岁".
SUBJECT = re.compile(
    r"^(?:全省|全市|全县|全区|全国)?(?P<name>[^，。；\d]{2,16}?)(?:由|从|达到|提高|提升|降低|下降|上升|增加|为|达)"
)
# "石家庄、秦皇岛、张家口3市继续保持国家卫生城市称号": a count over the places just listed, then a goal verb.
PLACE_LIST_BEFORE = re.compile(r"(?:[\u4e00-\u9fa5]{2,5}、)+[\u4e00-\u9fa5]{2,5}$")
PLACE_COUNT_AFTER = re.compile(
    r"^(?P<unit>[市县区])(?:继续|全部|均|力争|要)?(?:保持|创建|建成|达到|通过|获评|成功创建)"
)
