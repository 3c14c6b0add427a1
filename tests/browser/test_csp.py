"""The strict Content Security Policy holds on the pages people use: nothing is refused."""

import pytest
from django.urls import reverse

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = [
    ("dashboard:overview", {}),
    ("party:member_list", {}),
    ("households:household_list", {}),
    ("grids:layer_index", {}),
    ("flags:dashboard", {}),
    ("assistance:plan_list", {}),
    ("pairing:overview", {}),
    ("pairing:member_loads", {}),
    ("pairing:unpaired", {}),
    ("visits:overview", {}),
    ("visits:visit_list", {}),
    ("visits:policies", {}),
    ("campaigns:campaign_list", {}),
    ("campaigns:category_list", {}),
    ("appeals:mine", {}),
    ("appeals:list", {}),
    ("appeals_metrics:page", {}),
    ("inbox", {}),
]


def test_pages_load_without_csp_violations(page, township_data, log_in):
    problems = []
    page.on(
        "console",
        lambda msg: problems.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    log_in(page)
    for name, kwargs in PAGES:
        response = page.goto(reverse(name, kwargs=kwargs))
        assert response.status == 200, name
        assert "script-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_load_state("load")
    assert problems == []


def test_public_request_pages_hold_under_the_csp(page, township_data):
    problems = []
    page.on(
        "console",
        lambda msg: problems.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    response = page.goto(reverse("appeals:track"))
    assert response.status == 200
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert problems == []


def test_confirm_and_autosubmit_work_without_inline_handlers(page, township_data, log_in):
    log_in(page)
    page.goto(reverse("flags:dashboard"))
    year = page.locator("select[data-autosubmit]")
    last = year.locator("option").last.get_attribute("value")
    with page.expect_navigation():
        year.select_option(last)
    assert f"year={last}" in page.url
    here = page.url
    # A link that asks first: declining keeps the user on the page, accepting goes on.
    page.evaluate(
        """() => {
            const a = document.createElement("a");
            a.href = "/households/"; a.textContent = "go"; a.id = "ask";
            a.setAttribute("data-confirm", "Sure?");
            document.body.prepend(a);
        }"""
    )
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.click("#ask")
    page.wait_for_timeout(300)
    assert page.url == here
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.click("#ask")
    assert page.url.endswith("/households/")


def test_api_docs_render_from_local_files(page, township_data):
    problems = []
    page.on(
        "console",
        lambda msg: problems.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto("/api/v1/docs")
    page.wait_for_selector(".swagger-ui .info", timeout=15_000)
    assert "wangge API" in page.inner_text(".swagger-ui .info")
    assert problems == []
    # Everything comes from our own server: the docs work on an intranet.
    assert all(url.startswith(page.url.split("/api/")[0]) for url in requests)
