"""Assessment tests use the visits personas (a member paired with households of village A)."""

from wangge.visits.tests.conftest import policies, world

__all__ = ["policies", "world"]
