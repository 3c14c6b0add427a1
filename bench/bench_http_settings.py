"""Settings for ``bench/requests_http.py`` only: the product settings, the bench URLconf (the
product's URLs plus two bare baseline views) and public-form rate limits raised so that one
loopback address can send thousands of requests. The challenge itself stays on: the bench
signs valid tokens with the run's secret key. Never used by the product."""

from wangge.settings import *  # noqa: F403

ROOT_URLCONF = "bench_http_urls"
# The per-IP and per-phone limits (3 and 10 an hour by default) would stop the bench after a
# few requests; everything else about the public form (signed sum, honeypot, minimum fill-in
# time, form expiry) is exercised as in production.
WANGGE_PUBLIC_LIMITS = {
    "submit_per_phone": (10**9, 3600),
    "submit_per_ip": (10**9, 3600),
}
