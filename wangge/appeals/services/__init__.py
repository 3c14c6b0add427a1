"""Writes for residents' requests (appeals), by section: intake, the state machine
(``transitions.ACTIONS``), escalation and the time-limit jobs, categories, from a visit.

Callers import from here; the sections are modules of this package.
"""

from wangge.appeals.services.categories import (
    can_set_categories,
    category_save,
    require_category_write,
)
from wangge.appeals.services.escalation import (
    JOB_BATCH,
    UNRATED_CLOSE_DAYS,
    appeals_close_unrated,
    appeals_escalate_overdue,
)
from wangge.appeals.services.from_visit import appeal_from_visit
from wangge.appeals.services.intake import (
    MAX_TEXT,
    TICKET_ALPHABET,
    appeal_create,
    appeal_input_errors,
    phone_index,
)
from wangge.appeals.services.permissions import (
    HANDLERS,
    PHONE_LINE_STAFF,
    can_handle,
    can_take_phone_calls,
    did_the_work,
    is_assignee,
    require_handle,
    require_independent,
)
from wangge.appeals.services.recovery import appeal_recovery_check, appeal_recovery_start
from wangge.appeals.services.routing import Route, route_for_household, route_from_grid
from wangge.appeals.services.transitions import (
    ACTIONS,
    Action,
    actions_for,
    appeal_accept,
    appeal_act,
    appeal_add_note,
    appeal_close,
    appeal_escalate,
    appeal_rate,
    appeal_resolve,
    appeal_start,
    require_may,
)

__all__ = [
    "ACTIONS",
    "HANDLERS",
    "JOB_BATCH",
    "MAX_TEXT",
    "PHONE_LINE_STAFF",
    "TICKET_ALPHABET",
    "UNRATED_CLOSE_DAYS",
    "Action",
    "Route",
    "actions_for",
    "appeal_accept",
    "appeal_act",
    "appeal_add_note",
    "appeal_close",
    "appeal_create",
    "appeal_escalate",
    "appeal_from_visit",
    "appeal_input_errors",
    "appeal_rate",
    "appeal_recovery_check",
    "appeal_recovery_start",
    "appeal_resolve",
    "appeal_start",
    "appeals_close_unrated",
    "appeals_escalate_overdue",
    "can_handle",
    "can_set_categories",
    "can_take_phone_calls",
    "category_save",
    "did_the_work",
    "is_assignee",
    "phone_index",
    "require_category_write",
    "require_handle",
    "require_independent",
    "require_may",
    "route_for_household",
    "route_from_grid",
]
