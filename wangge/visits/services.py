"""Writes for visits and visit policies."""

import datetime
import re
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts.models import Role
from wangge.accounts.scope import area_prefixes
from wangge.audit.services import audit_record
from wangge.core.errors import ConflictError, DomainError
from wangge.core.images import photo_clean
from wangge.households.models import Tag
from wangge.visits.hooks import bound_extensions
from wangge.visits.models import Visit, VisitKind, VisitPolicy

# How far back a visit may be entered: the ledger is kept current, not rewritten.
MAX_BACKDATE_DAYS = 366
CLIENT_KEY = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


def _today() -> datetime.date:
    return timezone.localdate()


def require_policy_write(user, township_code: str) -> None:
    if not any(township_code.startswith(p) for p in area_prefixes(user, {Role.TOWNSHIP_ADMIN})):
        raise PermissionDenied(
            _("Only the township's organisation office may change visit policies.")
        )


def policy_set(
    *, actor, township_code: str, tag=None, interval_days: int, expected_version: int | None = None
) -> VisitPolicy:
    """Create or change the policy for a tag (``tag=None``: the township default)."""
    require_policy_write(actor, township_code)
    if not isinstance(interval_days, int) or not 1 <= interval_days <= 366:
        raise ValidationError({"interval_days": _("Enter a number of days from 1 to 366.")})
    with transaction.atomic():
        policy = VisitPolicy.objects.filter(township_code=township_code, tag=tag).first()
        if policy is None:
            try:
                with transaction.atomic():
                    policy = VisitPolicy.objects.create(
                        township_code=township_code,
                        tag=tag,
                        interval_days=interval_days,
                        updated_by=actor,
                    )
            except IntegrityError:
                raise ConflictError(
                    _("Someone else set this policy at the same time; reload and try again.")
                ) from None
        else:
            version = policy.version if expected_version is None else expected_version
            changed = VisitPolicy.objects.filter(pk=policy.pk, version=version).update(
                interval_days=interval_days,
                version=F("version") + 1,
                updated_by=actor,
                updated_at=timezone.now(),
            )
            if not changed:
                raise ConflictError(
                    _("Someone else changed this policy meanwhile; reload and try again.")
                )
            policy.refresh_from_db()
        audit_record(
            actor=actor,
            action="visits.policy_set",
            obj=policy,
            area_code=township_code,
            detail={"tag": getattr(tag, "slug", None), "interval_days": interval_days},
        )
    return policy


def policy_remove(*, actor, policy: VisitPolicy) -> None:
    """Drop a tag's policy: its households fall back to the default."""
    require_policy_write(actor, policy.township_code)
    if policy.tag_id is None:
        raise DomainError(_("The default policy cannot be removed; change its interval instead."))
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="visits.policy_remove",
            obj=policy,
            area_code=policy.township_code,
            detail={"tag": policy.tag.slug},
        )
        policy.delete()


# Seeded as the report describes: hardship monthly, petitions fortnightly, low-income monthly.
DEFAULT_POLICIES = {"hardship": 30, "dispute": 14, "low_income": 30, None: 90}


def policies_seed(township_code: str) -> list[VisitPolicy]:
    """The default policies for a township, created where missing (demo, fresh installs)."""
    tags = {t.slug: t for t in Tag.objects.filter(slug__in=[k for k in DEFAULT_POLICIES if k])}
    out = []
    for slug, days in DEFAULT_POLICIES.items():
        tag = tags.get(slug) if slug else None
        if slug and tag is None:
            continue
        policy, _created = VisitPolicy.objects.get_or_create(
            township_code=township_code, tag=tag, defaults={"interval_days": days}
        )
        out.append(policy)
    return out


def _visit_check(*, visited_on: datetime.date, kind: str, today: datetime.date) -> None:
    errors = {}
    if visited_on > today:
        errors["visited_on"] = _("The visit date is in the future. Enter the day of the visit.")
    elif visited_on < today - datetime.timedelta(days=MAX_BACKDATE_DAYS):
        errors["visited_on"] = _("Visits more than a year ago cannot be entered.")
    if kind not in VisitKind.values:
        errors["kind"] = _("Choose first visit, routine visit or help visit.")
    if errors:
        raise ValidationError(errors)


def visit_log(
    *,
    actor,
    household,
    visited_on: datetime.date,
    kind: str = VisitKind.ROUTINE,
    found: str = "",
    needs: str = "",
    photo=None,
    extra: Mapping[str, Any] | None = None,
    client_key: str = "",
    today: datetime.date | None = None,
) -> tuple[Visit, bool]:
    """Record a visit; returns ``(visit, created)``.

    ``household`` comes from ``selectors.household_for_visit`` (which gives 404 outside the
    user's households). A ``client_key`` seen before from the same user returns the visit
    stored then, so a form sent twice records one visit. ``extra`` holds the values of the
    fields that apps above visits add to the log (``visits.hooks``), e.g. a campaign opinion.
    """
    today = today or _today()
    client_key = (client_key or "").strip()
    if client_key and not CLIENT_KEY.match(client_key):
        raise ValidationError({"client_key": _("The form's key is damaged; reload the form.")})
    if client_key:
        earlier = Visit.objects.filter(created_by=actor, client_key=client_key).first()
        if earlier is not None:
            return earlier, False
    _visit_check(visited_on=visited_on, kind=kind, today=today)
    # Checked before anything is written: a bad photo stores nothing.
    cleaned = photo_clean(photo) if photo else None
    extensions = bound_extensions(household, visited_on)
    stored_name = ""
    try:
        with transaction.atomic():
            if cleaned is not None:
                stored_name = default_storage.save(
                    f"visits/{household.township_code}/{cleaned.name}", cleaned
                )
            visit = Visit(
                household=household,
                member=getattr(actor, "member", None),
                visited_on=visited_on,
                kind=kind,
                found=(found or "").strip()[:5000],
                needs=(needs or "").strip()[:5000],
                photo=stored_name,
                client_key=client_key,
                created_by=actor,
            )
            visit.set_area(household.area)
            for ext, bound in extensions:
                ext.before_save(bound, visit)
            visit.save()
            for ext, bound in extensions:
                ext.after_save(bound, actor=actor, visit=visit, data=extra or {})
            audit_record(
                actor=actor,
                action="visits.visit_log",
                obj=visit,
                detail={"household": household.pk, "kind": kind},
            )
    except IntegrityError:
        if stored_name:
            default_storage.delete(stored_name)
        earlier = Visit.objects.filter(created_by=actor, client_key=client_key).first()
        if client_key and earlier is not None:
            return earlier, False
        raise
    except BaseException:
        if stored_name:
            default_storage.delete(stored_name)
        raise
    return visit, True


def visit_photo_attach(*, actor, visit: Visit, photo) -> Visit:
    """Add the optional photo to a visit its writer logged without one (the field app sends the
    visit first and the picture after, on a slow network)."""
    if visit.created_by_id != getattr(actor, "pk", None):
        raise PermissionDenied(_("Only the person who logged the visit may add its photo."))
    if visit.photo:
        raise ConflictError(_("This visit already has a photo."))
    cleaned = photo_clean(photo)
    stored_name = default_storage.save(f"visits/{visit.township_code}/{cleaned.name}", cleaned)
    try:
        with transaction.atomic():
            changed = Visit.objects.filter(pk=visit.pk, photo="").update(photo=stored_name)
            if not changed:
                raise ConflictError(_("This visit already has a photo."))
            audit_record(actor=actor, action="visits.photo_attach", obj=visit)
    except BaseException:
        default_storage.delete(stored_name)
        raise
    visit.photo = stored_name
    return visit


def visit_need_link(*, actor, visit: Visit, request_id: int) -> Visit:
    """Record which resident request (S7) a visit's needs became.

    The requests app calls this after creating the request from ``visit.needs``; a need turns
    into one request only, so a second link is refused.
    """
    if not visit.needs:
        raise DomainError(_("This visit recorded no needs to turn into a request."))
    with transaction.atomic():
        changed = Visit.objects.filter(pk=visit.pk, need_request_id__isnull=True).update(
            need_request_id=request_id
        )
        if not changed:
            raise ConflictError(_("These needs have already been turned into a request."))
        visit.need_request_id = request_id
        audit_record(
            actor=actor, action="visits.need_link", obj=visit, detail={"request": request_id}
        )
    return visit
