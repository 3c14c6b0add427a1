"""gunicorn settings for wangge (read by the systemd unit and by ``deploy/check``).

Environment overrides: WANGGE_BIND (default 127.0.0.1:8000, behind nginx), WANGGE_WEB_WORKERS
(default 2 × cores + 1, at most 8), WANGGE_WEB_TIMEOUT (seconds, default 60: imports and
exports run on the queue, not in a request).
"""

import multiprocessing
import os

bind = os.environ.get("WANGGE_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WANGGE_WEB_WORKERS", min(2 * multiprocessing.cpu_count() + 1, 8)))
worker_class = "sync"
timeout = int(os.environ.get("WANGGE_WEB_TIMEOUT", "60"))
graceful_timeout = 30
# Recycle workers now and then so a slow leak cannot grow for weeks.
max_requests = 2000
max_requests_jitter = 200
# Load the app in the master: a settings error (default key in production) stops the start.
preload_app = True
wsgi_app = "wangge.wsgi:application"
# nginx on the same machine sets X-Forwarded-Proto; trust it from loopback only.
forwarded_allow_ips = "127.0.0.1,::1"
accesslog = "-"
errorlog = "-"
# No query strings in the access log: search terms may be names.
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'
