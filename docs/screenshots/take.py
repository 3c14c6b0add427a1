"""Screenshots of the field pages at 360 px in Chinese and English, from a small demo.

    .venv/bin/python docs/screenshots/take.py        # writes docs/screenshots/*.png

Builds a demo at a tenth of the scale in a temporary folder, serves it with `wangge serve`
(debug off, as a township runs it), and photographs, as a member over 60 would see them on a
phone in large text: the member's home, the visit form, the requests list, and, as a resident
without an account, the public request form and the tracking page.
"""

import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
PORT = 8765
BASE = f"http://127.0.0.1:{PORT}"
CHROMIUM = os.environ.get("WANGGE_CHROMIUM", "/usr/bin/chromium")


def _wait(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"{url} did not answer within {seconds:.0f} s")


def _facts() -> dict:
    """A member's login, a grid's QR key and a request's ticket and phone from the demo."""
    import django

    django.setup()
    from wangge.accounts.models import User
    from wangge.appeals.models import Appeal
    from wangge.appeals.posters import grid_qr_key
    from wangge.grids.models import Grid

    member = "member-340827200201-1"
    User.objects.filter(username=member).update(large_text=True)  # as many over 60 choose
    grid = Grid.objects.filter(area_code__startswith="340827200201").order_by("pk").first()
    appeal = Appeal.objects.exclude(contact_phone_masked="").order_by("-pk").first()
    return {
        "member": member,
        "qr_key": grid_qr_key(grid),  # as printing its poster would
        "ticket": appeal.ticket,
        "phone": appeal.contact_phone,
    }


def _shoot(facts: dict, password: str) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        for lang in ("zh", "en"):
            context = browser.new_context(
                viewport={"width": 360, "height": 740},
                device_scale_factor=1,
                is_mobile=True,
                has_touch=True,
                locale="zh-CN",
                base_url=BASE,
            )
            if lang == "en":
                context.add_cookies([{"name": "django_language", "value": "en", "url": BASE}])
            page = context.new_page()

            # Residents first (no account).
            page.goto(f"/requests/q/{facts['qr_key']}/")
            page.screenshot(path=HERE / f"public-form-{lang}.png", full_page=True)
            page.goto("/requests/track/")
            page.fill("input[name=ticket]", facts["ticket"])
            page.fill("input[name=phone]", facts["phone"])
            page.locator("form button.primary").last.click()
            page.wait_for_load_state()
            page.screenshot(path=HERE / f"tracking-{lang}.png", full_page=True)

            # The member, on a phone.
            page.goto("/accounts/login/")
            page.fill("input[name=username]", facts["member"])
            page.fill("input[name=password]", password)
            page.locator("form button").last.click()
            page.wait_for_load_state()
            page.goto("/visits/")
            page.screenshot(path=HERE / f"member-home-{lang}.png", full_page=True)
            log = page.locator("a[href*='/visits/log/']").first
            if log.count():
                log.click()
                page.wait_for_load_state()
                page.screenshot(path=HERE / f"visit-form-{lang}.png", full_page=True)
            page.goto("/requests/")
            page.screenshot(path=HERE / f"requests-{lang}.png", full_page=True)
            context.close()
        browser.close()


def main() -> None:
    password = "Wangge@2026"
    with tempfile.TemporaryDirectory() as var:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "wangge.settings",
            "WANGGE_VAR_DIR": var,
            "WANGGE_DATABASE_URL": f"sqlite:///{var}/demo.sqlite3",
            "WANGGE_DEMO_PASSWORD": password,
            "WANGGE_DEBUG": "0",
        }
        env.pop("WANGGE_TESTING", None)
        env.pop("WANGGE_TEST_DATABASE_URL", None)
        wangge = [sys.executable, "-m", "wangge"]
        subprocess.run([*wangge, "demo", "--scale", "0.1", "--seed", "1"], env=env, check=True)
        server = subprocess.Popen(
            [*wangge, "serve", "--port", str(PORT), "--workers", "1", "--no-worker"],
            env=env,
            stdout=subprocess.DEVNULL,
        )
        try:
            _wait(f"{BASE}/accounts/login/")
            os.environ.update(env)
            _shoot(_facts(), password)
        finally:
            server.terminate()
            server.wait(timeout=20)
    print(f"screenshots in {HERE}")


if __name__ == "__main__":
    main()
