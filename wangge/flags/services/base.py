"""What the parts of the flags services share: who may upload, review and edit rules, and the
size of the chunks that keep an ``IN`` list short."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from wangge.accounts.models import REGISTRY_WRITERS, Role
from wangge.accounts.scope import area_prefixes

UPLOADERS = {Role.DATA_OFFICER, Role.TOWNSHIP_ADMIN}
# Ids per IN list: SQLite allows at most 32,766 parameters in one query.
CHUNK = 5000


def upload_areas(user) -> list[str]:
    """Area codes the user may upload agency data for (township level or a prefix of one)."""
    return area_prefixes(user, UPLOADERS)


def require_upload(user, area_code: str) -> None:
    if not any(area_code.startswith(p) for p in upload_areas(user)):
        raise PermissionDenied(_("Only agency data officers of this area may upload or roll back."))


def require_review(user, area_code: str) -> None:
    if not any(area_code.startswith(p) for p in area_prefixes(user, REGISTRY_WRITERS)):
        raise PermissionDenied(_("Your role may read this flag but not decide on it."))


def require_rule_edit(user, township_code: str) -> None:
    prefixes = area_prefixes(user, {Role.TOWNSHIP_ADMIN})
    if not any(township_code.startswith(p) for p in prefixes):
        raise PermissionDenied(_("Only the township administrator may edit its rules."))
