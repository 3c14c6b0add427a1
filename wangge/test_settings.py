"""Settings for the test suite: the same as production code paths, with a fast hasher."""

import os

os.environ["WANGGE_TESTING"] = "1"

from wangge.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
HUEY = {**HUEY, "immediate": True}  # noqa: F405
# django-otp slows retries after a wrong code; tests enter a wrong code then the right one.
OTP_TOTP_THROTTLE_FACTOR = 0
# The suite asserts messages by their English source text; the product's default language
# (Simplified Chinese) is checked on its own in core/tests/test_translations.py.
LANGUAGE_CODE = "en"
# Each test process counts its rate limits in its own memory (tests clear it); the shared
# cache of production is exercised by appeals/tests/test_shared_limits.py with real processes.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

if DATABASES["default"]["ENGINE"].endswith("postgresql"):  # noqa: F405
    # A test database is thrown away: commits need not wait for the disk (the browser tests
    # and the demo commit and empty every table many times).
    options = DATABASES["default"].setdefault("OPTIONS", {})  # noqa: F405
    options["options"] = f"{options.get('options', '')} -c synchronous_commit=off".strip()
