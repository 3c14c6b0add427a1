"""The pages a villager or member lands on when something is wrong: Chinese, in the site's
layout, saying what to do next — never Django's English debug page."""

import os
import subprocess
import sys

import pytest
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import OperationalError
from django.http import HttpResponse
from django.urls import path
from django.utils import translation

from wangge.core import views as core_views

PHONE = "0556-1234567"


def _boom(request):
    raise RuntimeError("database gone")


@login_not_required
def _db_gone(request):
    raise OperationalError("server closed the connection unexpectedly")


def _ok(request):
    return HttpResponse("ok")


# A urlconf of our own for the 500 test: the site's handlers, one view that fails.
urlpatterns = [
    path("boom/", _boom),
    path("ok/", _ok),
    path("db-gone/", _db_gone),
    path("api/v1/db-gone", _db_gone),
]
handler500 = "wangge.core.views.server_error"


@pytest.fixture(autouse=True)
def _chinese(settings):
    """The product's default language (the suite itself runs in English)."""
    settings.LANGUAGE_CODE = "zh-hans"
    translation.activate("zh-hans")


def test_serve_runs_without_debug_unless_asked():
    """GIVEN no WANGGE_DEBUG WHEN the settings load (as `wangge serve` loads them) THEN DEBUG
    is off; WANGGE_DEBUG=1 turns it on."""
    code = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"
    env = {k: v for k, v in os.environ.items() if k not in {"WANGGE_DEBUG", "WANGGE_TESTING"}}
    env["DJANGO_SETTINGS_MODULE"] = "wangge.settings"
    run = [sys.executable, "-c", code]
    assert subprocess.check_output(run, env=env, text=True).strip() == "False"
    on = subprocess.check_output(run, env={**env, "WANGGE_DEBUG": "1"}, text=True)
    assert on.strip() == "True"


@pytest.mark.django_db
def test_stale_qr_link_is_a_chinese_404_with_the_township_phone(client, settings):
    settings.WANGGE_TOWNSHIP_PHONE = PHONE
    response = client.get("/requests/q/no-such-key/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "页面不存在" in body or "找不到" in body
    assert "新的" in body  # what to do: ask for a new link
    assert f'href="tel:{PHONE}"' in body
    assert 'class="topbar"' in body  # the site's layout
    assert "URLconf" not in body


@pytest.mark.django_db
def test_404_for_a_member_offers_the_way_back(client, member_a):
    client.force_login(member_a)
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert 'href="/"' in response.content.decode()


@pytest.mark.django_db
def test_403_is_chinese_and_points_back(client, member_a):
    client.force_login(member_a)
    response = client.get("/accounts/users/")
    assert response.status_code == 403
    body = response.content.decode()
    assert "无权" in body or "不允许" in body or "没有权限" in body
    assert 'href="/"' in body


def test_500_renders_without_database_or_request(settings):
    """GIVEN no database access and no request WHEN the 500 handler runs THEN a Chinese page
    in the site's layout comes back, with the phone to call."""
    settings.WANGGE_TOWNSHIP_PHONE = PHONE
    response = core_views.server_error()
    assert response.status_code == 500
    body = response.content.decode()
    assert "系统出错" in body
    assert 'class="topbar"' in body
    assert PHONE in body


def test_500_through_the_stack(client, settings):
    settings.ROOT_URLCONF = __name__
    client.raise_request_exception = False
    response = client.get("/boom/")
    assert response.status_code == 500
    assert "系统出错" in response.content.decode()
    assert "database gone" not in response.content.decode()


def test_lost_database_is_a_503_in_plain_words(client, settings):
    """The database unreachable (tests/test_fault_database.py cuts a real one): a 503 that says
    it is not the user's doing and to try again in a minute; JSON under /api/."""
    settings.ROOT_URLCONF = __name__
    client.raise_request_exception = False
    response = client.get("/db-gone/")
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    body = response.content.decode()
    assert "暂时无法连接数据库" in body and "请稍等一分钟再试" in body
    assert "server closed" not in body
    api = client.get("/api/v1/db-gone")
    assert api.status_code == 503
    assert api.json()["code"] == "unavailable"


@pytest.mark.django_db
def test_rate_limited_lookups_get_the_429_page(client, settings):
    settings.WANGGE_TOWNSHIP_PHONE = PHONE
    settings.WANGGE_PUBLIC_LIMITS = {**settings.WANGGE_PUBLIC_LIMITS, "track_per_ip": (1, 3600)}
    cache.clear()
    client.post("/requests/track/", {"ticket": "X", "phone": "13800000000"})
    response = client.post("/requests/track/", {"ticket": "X", "phone": "13800000000"})
    assert response.status_code == 429
    body = response.content.decode()
    assert "一小时" in body
    assert f'href="tel:{PHONE}"' in body
    assert 'class="topbar"' in body


def test_grid_levels_in_plain_words():
    from wangge.core.templatetags.wangge_tags import grid_level

    assert grid_level(4) == "第四级网格"
    with translation.override("en"):
        assert grid_level(4) == "level-4 grid"
    assert grid_level(None) == ""


@pytest.mark.django_db
def test_favicon_ico_leads_to_the_icon(client):
    response = client.get("/favicon.ico", follow=True)
    assert response.redirect_chain[0][1] == 301
    assert response.status_code == 200
    assert "svg" in response["Content-Type"]
