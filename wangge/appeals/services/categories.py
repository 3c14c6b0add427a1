"""Categories and their time limits: the township office sets them."""

import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from wangge.accounts.models import Role
from wangge.accounts.scope import area_prefixes
from wangge.appeals.models import Category
from wangge.audit.services import audit_record


def can_set_categories(user, township_code: str) -> bool:
    return any(township_code.startswith(p) for p in area_prefixes(user, {Role.TOWNSHIP_ADMIN}))


def require_category_write(user, township_code: str) -> None:
    if not can_set_categories(user, township_code):
        raise PermissionDenied(_("Only the township office sets request categories and limits."))


def category_save(
    *,
    actor,
    township_code: str,
    category: Category | None,
    name: str,
    accept_hours: int,
    resolve_working_days: int,
    urgent: bool,
    active: bool = True,
) -> Category:
    """Change a category's name and time limits, or add one (``category`` None)."""
    require_category_write(actor, township_code)
    errors = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = _("Give the category a name.")
    if not 1 <= accept_hours <= 720:
        errors["accept_hours"] = _("Accept within 1 to 720 hours.")
    if not 1 <= resolve_working_days <= 90:
        errors["resolve_working_days"] = _("Resolve within 1 to 90 working days.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if category is None:
            slug = f"c{secrets.token_hex(4)}"
            category = Category.objects.create(
                township_id=township_code,
                slug=slug,
                name=name[:50],
                accept_hours=accept_hours,
                resolve_working_days=resolve_working_days,
                urgent=urgent,
                active=active,
                sort=100,
            )
        else:
            category.name = name[:50]
            category.accept_hours = accept_hours
            category.resolve_working_days = resolve_working_days
            category.urgent = urgent
            category.active = active
            category.save(
                update_fields=["name", "accept_hours", "resolve_working_days", "urgent", "active"]
            )
        audit_record(
            actor=actor,
            action="appeals.category_save",
            object_type="appeals.category",
            object_id=str(category.pk),
            area_code=township_code,
            detail={
                "accept_hours": accept_hours,
                "resolve_working_days": resolve_working_days,
                "urgent": urgent,
                "active": active,
            },
        )
    return category
