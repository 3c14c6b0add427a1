from wangge.core.stats import stat_provider
from wangge.flags.selectors import flags_stats


@stat_provider
def flag_stats(area_code, today) -> dict:
    return flags_stats(area_code, today)
