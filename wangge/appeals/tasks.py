"""Background jobs: escalate requests whose time limit has passed (every 10 minutes); close
requests resolved a week ago that nobody rated (nightly).

Idempotent: an escalation moves the deadline forward, so a second run (or two workers at
once) finds nothing more to do for the same request.
"""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from wangge.appeals.services import appeals_close_unrated, appeals_escalate_overdue


@db_periodic_task(crontab(minute="*/10"))
@lock_task("appeals-escalate-overdue")
def escalate_overdue_requests() -> int:
    return appeals_escalate_overdue()


@db_periodic_task(crontab(minute="15", hour="2"))
@lock_task("appeals-close-unrated")
def close_unrated_requests() -> int:
    return appeals_close_unrated()
