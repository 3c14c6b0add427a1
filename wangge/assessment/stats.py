"""Stats providers of the assessment app (``wangge stats`` imports this module)."""

from wangge.assessment import stats_scores  # noqa: F401 (registers its provider)
