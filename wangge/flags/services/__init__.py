"""Writes for agency data, rules and flags: upload, preview, commit, rollback, evaluate, review.

One module per step; the names are re-exported here so callers import from
``wangge.flags.services`` whatever module a function lives in.
"""

from wangge.flags.services.base import (
    UPLOADERS,
    require_review,
    require_rule_edit,
    require_upload,
    upload_areas,
)
from wangge.flags.services.commit import agency_batch_commit, agency_batch_rollback
from wangge.flags.services.evaluate import Evaluation, flags_evaluate
from wangge.flags.services.parse import (
    AgencyFileError,
    ParsedRow,
    Preview,
    RowError,
    agency_parse,
    mapping_check,
)
from wangge.flags.services.review import flag_accept, flag_dismiss
from wangge.flags.services.rules import SOURCE_NAMES, rule_update, rules_seed, sources_seed

__all__ = [
    "SOURCE_NAMES",
    "UPLOADERS",
    "AgencyFileError",
    "Evaluation",
    "ParsedRow",
    "Preview",
    "RowError",
    "agency_batch_commit",
    "agency_batch_rollback",
    "agency_parse",
    "flag_accept",
    "flag_dismiss",
    "flags_evaluate",
    "mapping_check",
    "require_review",
    "require_rule_edit",
    "require_upload",
    "rule_update",
    "rules_seed",
    "sources_seed",
    "upload_areas",
]
