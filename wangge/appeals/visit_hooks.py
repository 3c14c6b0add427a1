"""A visit's needs become a request with one tap: the visit page offers these categories."""

from wangge.appeals.selectors import categories_of
from wangge.visits.hooks import need_categories_provider


@need_categories_provider
def request_categories(visit) -> list:
    return categories_of(visit.township_code)
