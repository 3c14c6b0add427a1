"""Background wrappers: evaluation over a whole township can take a while on large data."""

import datetime

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from wangge.accounts.models import User
from wangge.flags import staging
from wangge.flags.services import flags_evaluate


@db_task()
def flags_evaluate_task(*, actor_id: int | None, township_code: str, as_of: str | None = None):
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    day = datetime.date.fromisoformat(as_of) if as_of else None
    result = flags_evaluate(actor=actor, township_code=township_code, as_of=day)
    return {"raised": result.raised, "updated": result.updated, "lapsed": result.lapsed}


@db_periodic_task(crontab(minute="40", hour="3"))
def agency_uploads_cleanup_task():
    return staging.purge_stale(older_than_days=settings.UPLOAD_KEEP_DAYS)
