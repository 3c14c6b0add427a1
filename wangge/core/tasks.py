"""The queue heartbeat: proof for /healthz that a queue consumer runs."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from wangge.core.health import heartbeat_write


@db_periodic_task(crontab(minute="*"))
def queue_heartbeat_task():
    heartbeat_write()
