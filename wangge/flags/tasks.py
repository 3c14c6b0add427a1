"""Background wrappers: evaluation over a whole township can take a while on large data."""

import datetime

from huey.contrib.djhuey import db_task

from wangge.accounts.models import User
from wangge.flags.services import flags_evaluate


@db_task()
def flags_evaluate_task(*, actor_id: int | None, township_code: str, as_of: str | None = None):
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    day = datetime.date.fromisoformat(as_of) if as_of else None
    result = flags_evaluate(actor=actor, township_code=township_code, as_of=day)
    return {"raised": result.raised, "updated": result.updated, "lapsed": result.lapsed}
