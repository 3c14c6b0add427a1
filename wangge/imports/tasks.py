"""Background tasks of the imports app (Huey discovers ``tasks`` modules of installed apps)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, on_startup

from wangge.imports.services import import_job_run, import_jobs_resume


@db_task()
def run_import_job(job_id: int) -> None:
    import_job_run(job_id)


@db_periodic_task(crontab(minute="*"))
def import_jobs_resume_task():
    return import_jobs_resume()


@on_startup()
def import_jobs_resume_on_startup():
    """A consumer that starts (again) first picks up the jobs a killed one left behind."""
    from django.db import close_old_connections

    import_jobs_resume()
    close_old_connections()
