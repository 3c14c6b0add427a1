"""Background job: send the notice texts held during the quiet hours once they end."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from wangge.notices.services import notices_release_held


@db_periodic_task(crontab(minute="*/10"))
@lock_task("notices-release-held")
def release_held_texts() -> int:
    return notices_release_held()
