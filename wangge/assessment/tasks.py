"""Background scores (Huey discovers this module): a township's period computed on request,
and each month, on the 2nd, the month before for every township with grid workers.

Recomputing is idempotent (the period's rows are replaced); an approved period is left alone.
"""

import logging

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from wangge.assessment.compute import compute_period, township_locked
from wangge.core.errors import DomainError
from wangge.core.periods import month_period, parse_period
from wangge.grids.models import Grid

log = logging.getLogger("wangge.assessment")


@db_task()
def compute_scores_task(township_code: str, period_key: str) -> dict | None:
    try:
        return compute_period(township_code=township_code, period=parse_period(period_key))
    except DomainError as exc:  # approved meanwhile: nothing to do
        log.info("scores of %s %s not computed: %s", township_code, period_key, exc.message)
        return None


@db_periodic_task(crontab(day="2", hour="3", minute="30"))
@lock_task("assessment-monthly-scores")
def monthly_scores() -> int:
    today = timezone.localdate()
    year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    period = month_period(year, month)
    done = 0
    townships = (
        Grid.objects.filter(memberships__isnull=False)
        .values_list("township_code", flat=True)
        .distinct()
        .order_by()
    )
    for code in townships:
        if not township_locked(code, period.key):
            compute_period(township_code=code, period=period)
            done += 1
    return done
