"""The household summary (``HouseholdSummary``) and the triggers that keep it.

Its refresh recomputes the rows of some households from the record, in the same rules the
pages use (SPEC S6): a key household has a tag marked key; it is in a service grid when it has
a place in the service layer; it is paired while it has a pairing without an end, since the
earliest of their starts; its interval is the shortest among its tags' policies in its
township, else the township's default, else ``FALLBACK_INTERVAL_DAYS``; its next visit falls
due one interval after the last visit, or on the day it was paired if never visited.
``core.summaries`` turns that into triggers on every table those rules read.
"""

from wangge.core.summaries import Source, Summary
from wangge.visits.models import FALLBACK_INTERVAL_DAYS

TABLE = "visits_householdsummary"
SERVICE_LAYER = "service"
_ROW = f"{TABLE}.household_id"


def _next_visit(vendor: str) -> str:
    if vendor == "sqlite":  # dates are ISO text
        return "date(f.last_visited_on, '+' || f.interval_days || ' days')"
    return "(f.last_visited_on + f.interval_days)"


COLUMNS = (
    "area_code",
    "township_code",
    "is_key",
    "in_service_grid",
    "paired_since",
    "last_visited_on",
    "interval_days",
)


def _refresh(vendor: str) -> list[str]:
    # Each household's facts from the record (``f``), then its row set in one UPDATE (one new
    # row version per write, not one per column group).
    facts = (
        "SELECT h.area_code, h.township_code, "
        "EXISTS (SELECT 1 FROM households_household_tags ht "
        "JOIN households_tag t ON t.id = ht.tag_id "
        "WHERE ht.household_id = h.id AND t.is_key) AS is_key, "
        "EXISTS (SELECT 1 FROM grids_gridhousehold gh "
        "JOIN grids_gridlayer l ON l.id = gh.layer_id "
        f"WHERE gh.household_id = h.id AND l.slug = '{SERVICE_LAYER}') AS in_service_grid, "
        "(SELECT MIN(p.started_on) FROM pairing_pairing p "
        "WHERE p.household_id = h.id AND p.ended_on IS NULL) AS paired_since, "
        "(SELECT MAX(v.visited_on) FROM visits_visit v "
        "WHERE v.household_id = h.id) AS last_visited_on, "
        "COALESCE("
        "(SELECT MIN(vp.interval_days) FROM visits_visitpolicy vp "
        "JOIN households_household_tags ht ON ht.tag_id = vp.tag_id "
        "WHERE ht.household_id = h.id AND vp.township_code = h.township_code), "
        "(SELECT vp.interval_days FROM visits_visitpolicy vp "
        "WHERE vp.township_code = h.township_code AND vp.tag_id IS NULL "
        "ORDER BY vp.interval_days, vp.id LIMIT 1), "
        f"{FALLBACK_INTERVAL_DAYS}) AS interval_days "
        f"FROM households_household h WHERE h.id = {_ROW}"
    )
    due = (
        "CASE WHEN f.paired_since IS NULL THEN NULL "
        f"WHEN f.last_visited_on IS NULL THEN f.paired_since ELSE {_next_visit(vendor)} END"
    )
    return [
        # Gone with its household.
        f"DELETE FROM {TABLE} WHERE household_id IN ({{keys}}) AND NOT EXISTS "
        f"(SELECT 1 FROM households_household h WHERE h.id = {_ROW})",
        # A new household's row.
        f"INSERT INTO {TABLE} (household_id, area_code, township_code, is_key, "
        "in_service_grid, interval_days) "
        f"SELECT h.id, h.area_code, h.township_code, FALSE, FALSE, {FALLBACK_INTERVAL_DAYS} "
        "FROM households_household h WHERE h.id IN ({keys}) AND NOT EXISTS "
        f"(SELECT 1 FROM {TABLE} s WHERE s.household_id = h.id)",
        f"UPDATE {TABLE} SET ({', '.join(COLUMNS)}, due_on) = "
        f"(SELECT {', '.join(f'f.{c}' for c in COLUMNS)}, {due} FROM ({facts}) f) "
        "WHERE household_id IN ({keys})",
    ]


def _by_household(table: str, update_of: tuple[str, ...]) -> Source:
    return Source(table, "SELECT household_id FROM {rows}", ("household_id",), update_of)


HOUSEHOLDS = Summary(
    "household",
    _refresh,
    # The households' rows, not their summaries': a service that locks a household before
    # writing its record (``household_tags_change``) then takes them in the same order as a
    # writer whose foreign key check reaches the household only at commit (a visit), and the
    # two wait for each other instead of deadlocking.
    lock="households_household WHERE id IN ({keys}) ORDER BY id",
    sources=[
        Source(
            "households_household",
            "SELECT id FROM {rows}",
            ("id",),
            ("area_code", "township_code"),
        ),
        _by_household("households_household_tags", ("household_id", "tag_id")),
        Source(
            "households_tag",
            "SELECT household_id FROM households_household_tags "
            "WHERE tag_id IN (SELECT id FROM {rows})",
            ("id",),
            ("is_key",),
        ),
        _by_household("grids_gridhousehold", ("household_id", "layer_id")),
        Source(
            "grids_gridlayer",
            "SELECT household_id FROM grids_gridhousehold "
            "WHERE layer_id IN (SELECT id FROM {rows})",
            ("id",),
            ("slug",),
        ),
        _by_household("pairing_pairing", ("household_id", "started_on", "ended_on")),
        _by_household("visits_visit", ("household_id", "visited_on")),
        Source(
            "visits_visitpolicy",
            "SELECT id FROM households_household "
            "WHERE township_code IN (SELECT township_code FROM {rows})",
            ("township_code",),
            ("township_code", "tag_id", "interval_days"),
        ),
    ],
)
