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
        return "date(last_visited_on, '+' || interval_days || ' days')"
    return "(last_visited_on + interval_days)"


def _refresh(vendor: str) -> list[str]:
    household = f"(SELECT h.{{}} FROM households_household h WHERE h.id = {_ROW})"
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
        f"UPDATE {TABLE} SET "
        f"area_code = {household.format('area_code')}, "
        f"township_code = {household.format('township_code')}, "
        "is_key = EXISTS (SELECT 1 FROM households_household_tags ht "
        "JOIN households_tag t ON t.id = ht.tag_id "
        f"WHERE ht.household_id = {_ROW} AND t.is_key), "
        "in_service_grid = EXISTS (SELECT 1 FROM grids_gridhousehold gh "
        "JOIN grids_gridlayer l ON l.id = gh.layer_id "
        f"WHERE gh.household_id = {_ROW} AND l.slug = '{SERVICE_LAYER}'), "
        "paired_since = (SELECT MIN(p.started_on) FROM pairing_pairing p "
        f"WHERE p.household_id = {_ROW} AND p.ended_on IS NULL), "
        "last_visited_on = (SELECT MAX(v.visited_on) FROM visits_visit v "
        f"WHERE v.household_id = {_ROW}), "
        "interval_days = COALESCE("
        "(SELECT MIN(vp.interval_days) FROM visits_visitpolicy vp "
        "JOIN households_household_tags ht ON ht.tag_id = vp.tag_id "
        "JOIN households_household h ON h.id = ht.household_id "
        f"WHERE ht.household_id = {_ROW} AND vp.township_code = h.township_code), "
        "(SELECT vp.interval_days FROM visits_visitpolicy vp "
        "JOIN households_household h ON h.township_code = vp.township_code "
        f"WHERE h.id = {_ROW} AND vp.tag_id IS NULL ORDER BY vp.interval_days, vp.id LIMIT 1), "
        f"{FALLBACK_INTERVAL_DAYS}) "
        "WHERE household_id IN ({keys})",
        # From the columns just set.
        f"UPDATE {TABLE} SET due_on = CASE WHEN paired_since IS NULL THEN NULL "
        f"WHEN last_visited_on IS NULL THEN paired_since ELSE {_next_visit(vendor)} END "
        "WHERE household_id IN ({keys})",
    ]


def _by_household(table: str, update_of: tuple[str, ...]) -> Source:
    return Source(table, "SELECT household_id FROM {rows}", ("household_id",), update_of)


HOUSEHOLDS = Summary(
    "household",
    _refresh,
    [
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
