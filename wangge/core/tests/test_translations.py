"""The Chinese catalogue is complete: every message has a translation and none is fuzzy."""

import re
from pathlib import Path

from babel.messages.pofile import read_po
from django.conf import settings
from django.test import Client
from django.utils import translation

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_every_message_is_translated_to_chinese():
    with CATALOGUE.open("rb") as handle:
        catalogue = read_po(handle)
    missing = [
        m.id
        for m in catalogue
        if m.id and not (m.string if isinstance(m.string, str) else all(m.string))
    ]
    fuzzy = [m.id for m in catalogue if m.id and m.fuzzy]
    assert not missing, f"untranslated: {missing[:10]}"
    assert not fuzzy, f"fuzzy: {fuzzy[:10]}"


def test_login_page_is_chinese_by_default_and_english_on_request(db, settings):
    settings.LANGUAGE_CODE = "zh-hans"  # the product's default (the suite itself runs in English)
    client = Client()
    page = client.get("/accounts/login/").content.decode()
    assert "登录" in page
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    with translation.override("en"):
        english = client.get("/accounts/login/").content.decode()
    assert "Log in" in english


def test_browser_language_does_not_change_the_default(db, settings):
    """GIVEN a phone set to English WHEN it opens a page THEN the page is in Chinese (the SPEC's
    default); only the header's switch chooses English, and the choice is kept for a year."""
    settings.LANGUAGE_CODE = "zh-hans"
    client = Client()
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "登录" in page.content.decode()
    assert page["Content-Language"] == "zh-hans"
    switched = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    cookie = switched.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "en" and int(cookie["max-age"]) >= 300 * 24 * 3600
    english = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert "Log in" in english


CJK = re.compile(r"[\u3400-\u9fff]")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w+\}")
TEMPLATES = Path(settings.BASE_DIR)


def test_english_needs_no_catalogue_every_message_is_written_in_english():
    """English is the source language (msgids), so it has no catalogue of its own: a message
    written only in Chinese would show Chinese on the English pages. Chinese words inside an
    English message are allowed where they quote what people type (是/否, column names)."""
    for name in ("django.po", "djangojs.po"):
        with (CATALOGUE.parent / name).open("rb") as handle:
            catalogue = read_po(handle)
        chinese_only = [
            m.id
            for m in catalogue
            for text in ([m.id] if isinstance(m.id, str) else list(m.id))
            if text and CJK.search(text) and not re.search("[A-Za-z]", PLACEHOLDER.sub("", text))
        ]
        assert not chinese_only, f"{name}: messages with no English: {chinese_only[:10]}"


def test_templates_have_no_chinese_outside_translation_tags():
    """Chinese typed straight into a template is not translated: it stays Chinese in English.
    The only exception is the language switch's own name, marked lang="zh-CN"."""
    found = []
    for path in TEMPLATES.glob("**/templates/**/*.html"):
        text = path.read_text(encoding="utf-8")
        text = re.sub(r"{%\s*(blocktranslate|blocktrans)\b.*?{%\s*end\1\s*%}", "", text, flags=re.S)
        text = re.sub(r"{%.*?%}|{#.*?#}|<!--.*?-->", "", text, flags=re.S)
        text = re.sub(r'<[^>]*\blang="zh-CN"[^>]*>[^<]*<', "<", text)
        found += [
            f"{path.relative_to(TEMPLATES)}: {line.strip()[:80]}"
            for line in text.splitlines()
            if CJK.search(line)
        ]
    assert not found, found
