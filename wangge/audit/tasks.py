"""The audit head anchor, written outside the database every five minutes."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from wangge.audit.services import audit_anchor_write


@db_periodic_task(crontab(minute="*/5"))
def audit_anchor_task():
    return audit_anchor_write()
