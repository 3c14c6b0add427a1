"""Deterministic ID numbers of people who are not in any registry (demo and tests)."""

import datetime

from wangge.core.identity import check_character


def stranger_id(k: int) -> str:
    birth = datetime.date(1966, 6, 6) + datetime.timedelta(days=k)
    first17 = f"340828{birth:%Y%m%d}{k % 1000:03d}"
    return first17 + check_character(first17)
