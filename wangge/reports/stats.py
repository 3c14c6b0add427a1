from wangge.accounts.scope import prefix_q
from wangge.core.stats import stat_provider
from wangge.reports.models import GeneratedReport


@stat_provider
def report_stats(area_code, today) -> dict:
    """How many reports (bulletins) have been generated, in ``area_code`` if given."""
    reports = GeneratedReport.objects.all()
    if area_code:
        reports = reports.filter(prefix_q("area_code", area_code))
    return {"reports_generated": reports.count()}
