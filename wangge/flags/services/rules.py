"""The agency sources and the townships' rules: seeded, then edited as new versions."""

import json

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from wangge.audit.services import audit_record
from wangge.flags.models import AgencySource, Rule, RuleVersion
from wangge.flags.rules import SEED_RULES, conditions_validate
from wangge.flags.services.base import require_rule_edit

# The same five sources the data migration creates; re-created here after a flush (demo reset).
SOURCE_NAMES = {
    "medical_insurance": "医保结算",
    "civil_affairs_dibao": "民政低保",
    "civil_affairs_tekun": "民政特困",
    "disability": "残联",
    "monitoring": "防返贫监测",
}


def sources_seed() -> None:
    for kind, name in SOURCE_NAMES.items():
        AgencySource.objects.get_or_create(kind=kind, defaults={"name": name})


def rules_seed(*, township_code: str, actor=None) -> list[Rule]:
    """Create the report's three rules for a township if it has none of them yet (idempotent)."""
    out = []
    with transaction.atomic():
        for spec in SEED_RULES:
            rule, created = Rule.objects.get_or_create(
                township_code=township_code,
                slug=spec["slug"],
                defaults={
                    "name": spec["name"],
                    "description": spec["description"],
                    "tag_slug": spec["tag_slug"],
                },
            )
            if created:
                version = RuleVersion.objects.create(
                    rule=rule, number=1, conditions=spec["conditions"], created_by=actor
                )
                rule.current = version
                rule.save(update_fields=["current"])
            out.append(rule)
    return out


def rule_update(
    *,
    actor,
    rule: Rule,
    conditions,
    name: str | None = None,
    description: str | None = None,
    note: str = "",
    active: bool | None = None,
) -> RuleVersion:
    """Save edited conditions as the rule's next version (earlier versions stay for old flags)."""
    require_rule_edit(actor, rule.township_code)
    if isinstance(conditions, str):
        try:
            conditions = json.loads(conditions)
        except json.JSONDecodeError as exc:
            raise ValidationError(
                {"conditions": _("The conditions are not valid JSON: %(e)s.") % {"e": exc.msg}}
            ) from exc
    conditions_validate(conditions)
    if name is not None and not name.strip():
        raise ValidationError({"name": _("Give the rule a name.")})
    with transaction.atomic():
        locked = Rule.objects.select_for_update().get(pk=rule.pk)
        number = (locked.versions.aggregate(n=Max("number"))["n"] or 0) + 1
        version = RuleVersion.objects.create(
            rule=locked, number=number, conditions=conditions, created_by=actor, note=note[:200]
        )
        locked.current = version
        fields = ["current"]
        if name is not None:
            locked.name = name.strip()[:60]
            fields.append("name")
        if description is not None:
            locked.description = description
            fields.append("description")
        if active is not None:
            locked.active = active
            fields.append("active")
        locked.save(update_fields=fields)
        audit_record(
            actor=actor,
            action="flags.rule_update",
            obj=locked,
            area_code=locked.township_code,
            detail={"version": number, "conditions": conditions},
        )
    rule.refresh_from_db()
    return version
