"""Background tasks of the reports app (Huey discovers ``tasks`` modules of installed apps)."""

from huey.contrib.djhuey import db_task

from wangge.reports.services import report_run


@db_task()
def generate_report(report_id: int) -> None:
    report_run(report_id)
