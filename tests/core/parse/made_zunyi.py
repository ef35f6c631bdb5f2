"""A second document of the genre from another place, written for the tests (issue 16): a city's
实施方案 in Guizhou, as a .docx and as its 政府信息公开 page printed to PDF by chromium.

It differs from ``made_documents`` (a provincial commission's 通知 in Shandong) in what another place's
office and website do: a city government office's 通知 with numbered tasks "1." under （一） groups, unit
tags "（牵头单位：…；配合单位：…）", deadlines "9月底前", a 2025-only work plan, and a site whose
information table says 信息分类 / 发布机构 / 生成日期 / 是否有效 (a Guizhou-style 信息公开 page).
The golden in ``test_other_place.py`` is read from the text below by hand.
"""

from __future__ import annotations

import html

from made_documents import docx_of

TITLE = "遵义市人民政府办公室关于印发遵义市深化医药卫生体制改革2025年重点工作实施方案的通知"
DOC_NUMBER = "遵府办发〔2025〕15号"
ISSUER = "遵义市人民政府办公室"
LETTER = [
    "各县（市、区）人民政府，新区管委会，市政府各工作部门：",
    "《遵义市深化医药卫生体制改革2025年重点工作实施方案》已经市人民政府同意，现印发给你们，请认真抓好贯彻落实。",
    ISSUER,
    "2025年5月20日",
    "（此件公开发布）",
]
PLAN = [
    "遵义市深化医药卫生体制改革2025年重点工作实施方案",
    "为深入贯彻落实党中央、国务院和省委、省政府关于深化医药卫生体制改革的决策部署，推动以人民健康为中心的"
    "医药卫生体制改革向纵深发展，结合我市实际，制定本方案。",
    "一、工作目标",
    "到2025年底，全市县域内住院量占比达到85%以上，二级以上公立医院平均住院日控制在8天以内，"
    "家庭医生签约服务覆盖率提高到45%以上。",
    "二、重点任务",
    "（一）推进紧密型县域医共体建设",
    "1.完善医共体运行机制。推行医共体人员统筹使用、财务统一管理、药品耗材统一采购配送，"
    "2025年9月底前实现医共体内检查检验结果互认。（牵头单位：市卫生健康局；配合单位：市财政局、市医保局）",
    "2.提升基层服务能力。每个乡镇卫生院至少配备2名全科医生，2025年12月底前完成20个乡镇卫生院提质升级。"
    "（牵头单位：市卫生健康局；配合单位：市人力资源社会保障局、各县（市、区）人民政府）",
    "（二）深化医疗服务价格和医保支付方式改革",
    "3.动态调整医疗服务价格。开展医疗服务价格调整评估，2025年10月底前完成一轮医疗服务价格动态调整。"
    "（牵头单位：市医保局；配合单位：市卫生健康局）",
    "4.推进按病组付费改革。全市二级以上定点医疗机构实现按病组（DRG）付费全覆盖，"
    "DRG付费结算病例占比不低于70%。（牵头单位：市医保局；配合单位：市卫生健康局、市财政局）",
    "（三）加强公共卫生服务体系建设",
    "5.提升疾病预防控制能力。推进市疾病预防控制中心实验室标准化建设，提升县级疾病预防控制中心检验检测能力。"
    "（牵头单位：市卫生健康局；配合单位：市发展改革委）",
    "6.做实慢性病健康管理。推进高血压、糖尿病等慢性病医防融合，高血压患者规范管理率达到65%以上。"
    "（牵头单位：市卫生健康局；配合单位：各县（市、区）人民政府）",
    "（四）强化医疗卫生人才支撑",
    "7.加强人才引进培养。全年引进急需紧缺医疗卫生人才100名以上，选派50名基层医务人员到上级医院进修。"
    "（牵头单位：市卫生健康局；配合单位：市委组织部、市人力资源社会保障局）",
    "三、保障措施",
    "（一）加强组织领导。各县（市、区）要把深化医改纳入重要议事日程，主要负责同志亲自抓、负总责。",
    "（二）强化督导考核。市医改领导小组办公室每季度调度一次工作进展，年底开展综合评估。",
]


def make_docx() -> bytes:
    return docx_of([TITLE, DOC_NUMBER, *LETTER, *PLAN])


INFO_TABLE = f"""
<table class="xxgk" style="width:100%;font-size:14px">
<tr><td>索 引 号：</td><td>11520300009399541K/2025-01587</td><td>信息分类：</td><td>医药卫生</td></tr>
<tr><td>发布机构：</td><td>{ISSUER}</td><td>生成日期：</td><td>2025-05-20</td></tr>
<tr><td>名　　称：</td><td colspan="3">{TITLE}</td></tr>
<tr><td>文　　号：</td><td>{DOC_NUMBER}</td><td>是否有效：</td><td>是</td></tr>
</table>"""


def make_web_page() -> str:
    """The city government's 政府信息公开 page: its furniture around the letter and plan; the 文号 only in
    the information table (the page's body starts at the addressees)."""
    body = "".join(f'<p style="text-indent:2em">{html.escape(line)}</p>' for line in [*LETTER, *PLAN])
    return f"""<!doctype html><html><head><meta charset="utf-8">
<title>{TITLE}_遵义市人民政府</title>
<style>body{{font-family:'WenQuanYi Micro Hei';width:660px;margin:0 auto;font-size:16px;line-height:1.8}}
nav span{{margin-right:1em}}</style></head><body>
<div class="top">无障碍 | 长者模式 | 简 | 繁 | 登录 | 注册</div>
<div class="banner">遵义市人民政府</div>
<nav><span>首页</span><span>要闻动态</span><span>政务公开</span><span>政务服务</span><span>互动交流</span><span>走进遵义</span></nav>
<div class="crumb">您当前所在位置：首页 &gt; 政务公开 &gt; 政府信息公开 &gt; 法定主动公开内容 &gt; 政策文件</div>
{INFO_TABLE}
<h1 style="font-size:22px;text-align:center">{TITLE}</h1>
<div class="meta">发布时间：2025-05-22 09:30　来源：遵义市人民政府办公室　【字体：大 中 小】</div>
<div class="content">{body}</div>
<div class="share">【打印此页】【关闭窗口】　扫一扫在手机打开当前页</div>
<footer><p>主办：遵义市人民政府办公室　承办：遵义市大数据发展管理局　网站地图　联系我们</p>
<p>黔ICP备05001234号　黔公网安备 52030202000123号　网站标识码：5203000001</p></footer>
</body></html>"""
