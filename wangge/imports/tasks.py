"""Background tasks of the core app (Huey discovers ``tasks`` modules of installed apps)."""

from huey.contrib.djhuey import db_task

from wangge.imports.services import import_job_run


@db_task()
def run_import_job(job_id: int) -> None:
    import_job_run(job_id)
