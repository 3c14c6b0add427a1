"""What a division code says about itself: its level's length and its ancestors' codes.

Plain functions on strings (no database), so every app can cut a code the same way instead of
slicing ``[:9]`` and ``[:12]`` by hand.
"""

from wangge.regions.models import LEVEL_CODE_LENGTH, Level

TOWNSHIP_LENGTH = LEVEL_CODE_LENGTH[Level.TOWNSHIP]
VILLAGE_LENGTH = LEVEL_CODE_LENGTH[Level.VILLAGE]
HAMLET_LENGTH = LEVEL_CODE_LENGTH[Level.HAMLET]


def ancestor_of(code: str, level: str) -> str | None:
    """The code of the ``level`` area that contains ``code`` (None when the code is above it)."""
    length = LEVEL_CODE_LENGTH[level]
    return code[:length] if len(code) >= length else None


def township_of(code: str) -> str | None:
    """``340827200200001`` → ``340827200``; None for a county or wider code."""
    return ancestor_of(code, Level.TOWNSHIP)


def village_of(code: str) -> str | None:
    """``340827200200001`` → ``340827200200``; None for a township or wider code."""
    return ancestor_of(code, Level.VILLAGE)


def hamlet_of(code: str) -> str | None:
    return ancestor_of(code, Level.HAMLET)
