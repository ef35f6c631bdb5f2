"""Interface language: Chinese by default, English on request (Accept-Language or the switcher's cookie).

The msgids are the Chinese text (zh-hans is the source language); ``src/yigai/locale/en`` holds English.
A template scan fails on Chinese text that is not inside ``{% translate %}``/``{% blocktranslate %}`` or a
variable, so a new untranslated string is caught; the catalogue itself is checked in test_translations.py.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

import yigai
from yigai.apps.plans.services import plan_store_document

PACKAGE = Path(yigai.__file__).parent
PO_FILE = PACKAGE / "locale" / "en" / "LC_MESSAGES" / "django.po"
# Han ideographs, CJK punctuation (not U+3000, the ideographic space used for indentation), full-width forms
CHINESE = re.compile(r"[\u3001-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff01-\uff60]")
# Text that is Chinese on purpose in every language: the logo character.
ALLOWED = {
    ("base.html", '<span class="brand-mark">医</span>'),
    ("errors.html", '<span class="brand-mark">医</span>'),  # the same logo mark on the error pages
}


@pytest.fixture
def owner_client(client, make_user, fake_document):
    plan_store_document(document=fake_document(), content_hash="i18n")
    client.force_login(make_user("owner", "plan_owner", "130000", "省卫生健康委"))
    return client


@pytest.mark.django_db
def test_login_page_english_with_accept_language(client) -> None:
    page = client.get("/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en">' in page
    assert "Log in" in page and "Username" in page and "Password" in page
    assert "登录" not in page and "用户名" not in page


@pytest.mark.django_db
def test_login_page_chinese_by_default_and_for_zh(client) -> None:
    for headers in ({}, {"HTTP_ACCEPT_LANGUAGE": "zh-CN,zh;q=0.9"}, {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}):
        page = client.get("/login/", **headers).content.decode()
        assert '<html lang="zh-hans">' in page
        assert "登录" in page and "用户名" in page and "Log in" not in page


@pytest.mark.django_db
def test_plan_list_english_and_chinese(owner_client) -> None:
    url = reverse("plans:list")
    english = owner_client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Plans" in english and "Import plan" in english and "Draft" in english
    assert "方案列表" not in english and "草稿" not in english
    chinese = owner_client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "方案列表" in chinese and "草稿" in chinese and "Plans" not in chinese


@pytest.mark.django_db
def test_plan_detail_english_dates_and_messages(owner_client) -> None:
    from yigai.apps.plans.models import Plan

    plan = Plan.objects.get()
    page = owner_client.get(
        reverse("plans:detail", args=[plan.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Issuer:" in page and "Lead" in page and "Dec. 31, 2025" in page
    assert "2025年12月31日" not in page
    chinese = owner_client.get(reverse("plans:detail", args=[plan.pk])).content.decode()
    assert "2025年12月31日" in chinese and "发文机关：" in chinese


@pytest.mark.django_db
def test_switcher_sets_cookie_that_persists(owner_client) -> None:
    response = owner_client.post(reverse("set_language"), {"language": "en", "next": reverse("plans:list")})
    assert response.status_code == 302 and response["Location"] == reverse("plans:list")
    assert owner_client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    page = owner_client.get(reverse("plans:tasks")).content.decode()  # no Accept-Language: the cookie decides
    assert "Tasks" in page and "Search" in page and "任务列表" not in page
    owner_client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert "任务列表" in owner_client.get(reverse("plans:tasks")).content.decode()


def test_settings_point_at_the_packaged_catalogue() -> None:
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert [code for code, _ in settings.LANGUAGES] == ["zh-hans", "en"]
    assert PACKAGE / "locale" in [Path(p) for p in settings.LOCALE_PATHS]
    assert "django.middleware.locale.LocaleMiddleware" in settings.MIDDLEWARE
    assert PO_FILE.with_suffix(".mo").is_file(), "compile with: yigai manage compilemessages"


def _templates() -> list[Path]:
    return sorted(PACKAGE.glob("apps/*/templates/**/*.html")) + sorted(
        PACKAGE.glob("web/templates/**/*.html")
    )


_TRANSLATED = re.compile(
    r"{%\s*blocktrans(?:late)?\b.*?%}.*?{%\s*endblocktrans(?:late)?\s*%}"  # blocktranslate … endblocktranslate
    r"|{%\s*trans(?:late)?\s.*?%}"  # {% translate "…" %}
    r"|{{.*?}}"  # variables
    r"|{#.*?#}",  # comments
    re.S,
)


def untranslated_chinese(name: str, source: str) -> list[str]:
    """Lines of ``source`` with Chinese outside translate tags and variables (minus the allow-list)."""
    for allowed_name, snippet in ALLOWED:
        if name == allowed_name:
            source = source.replace(snippet, "")
    bare = _TRANSLATED.sub(lambda m: "\n" * m.group(0).count("\n"), source)
    return [line.strip() for line in bare.splitlines() if CHINESE.search(line)]


def test_untranslated_chinese_examples() -> None:
    assert untranslated_chinese("x.html", '<h1>{% translate "方案" %}</h1>{{ p.title|default:"—" }}') == []
    assert untranslated_chinese("x.html", "<h1>方案列表</h1>") == ["<h1>方案列表</h1>"]
    assert (
        untranslated_chinese("x.html", "{% blocktranslate with n=3 %}共 {{ n }} 项{% endblocktranslate %}")
        == []
    )
    assert untranslated_chinese("x.html", '{% if u.level == "市" %}x{% endif %}') == [
        '{% if u.level == "市" %}x{% endif %}'
    ]
    assert untranslated_chinese("base.html", '<span class="brand-mark">医</span>') == []


def test_templates_have_no_untranslated_chinese() -> None:
    templates = _templates()
    assert len(templates) >= 10
    problems = {
        str(path.relative_to(PACKAGE)): lines
        for path in templates
        if (lines := untranslated_chinese(path.name, path.read_text(encoding="utf-8")))
    }
    assert problems == {}, "wrap these in {% translate %} / {% blocktranslate %}, then update django.po"


def test_templates_with_translate_tags_load_i18n() -> None:
    for path in _templates():
        text = path.read_text(encoding="utf-8")
        if re.search(r"{%\s*(block)?trans", text):
            assert re.search(r"{%\s*load\b[^%]*\bi18n\b", text), f"{path.name}: add {{% load i18n %}}"
