"""Trigger names of ``core.summaries`` stay distinct within PostgreSQL's 63 characters."""

from wangge.core import summaries
from wangge.core.summaries import Source, Summary


def _names(name: str, table: str) -> list[str]:
    summary = Summary(name=name, refresh=lambda vendor: [], sources=[Source(table, "", ())])
    return [summaries._trigger(summary, summary.sources[0], w) for w in ("ins", "del", "upd", "fn")]


def test_short_names_are_kept_whole():
    assert _names("appeal_rates", "appeals_appealevent")[0] == (
        "summary_appeal_rates_appeals_appealevent_ins"
    )


def test_long_names_are_cut_in_the_middle_and_stay_apart():
    """GIVEN a summary and table whose names make a trigger name over 63 characters WHEN the
    names are made THEN each fits, keeps its ending, and no two are the same."""
    names = _names("households_paired_and_next_visit_due", "households_household_tags")
    assert all(len(n) <= summaries.NAME_LENGTH for n in names)
    assert [n.rsplit("_", 1)[1] for n in names] == ["ins", "del", "upd", "fn"]
    assert len(set(names)) == 4
