"""Export filtered registry lists and the blank import templates as XLSX."""

from django.utils.translation import gettext as _

from wangge.audit.services import audit_record
from wangge.core.import_kinds import ImportKind
from wangge.core.spreadsheets import write_workbook
from wangge.households.selectors import HouseholdFilters, household_list
from wangge.party.selectors import MemberFilters, member_list


def template_workbook(kind: ImportKind, target) -> None:
    write_workbook(
        target,
        kind.template_columns(),
        [],
        sheet_name=_("Data"),
        notes_title=_("Notes"),
    )


def export_queryset(kind: ImportKind, *, user, params):
    """The list exactly as the list page shows it for these filter parameters."""
    if kind.name == "members":
        filters = MemberFilters.from_params(params)
        return member_list(user, filters), filters
    filters = HouseholdFilters.from_params(params)
    return household_list(user, filters), filters


def export_workbook(kind: ImportKind, target, *, user, params, unmasked: bool = False) -> int:
    """Write the filtered list to ``target``; record the export in the audit log."""
    queryset, filters = export_queryset(kind, user=user, params=params)
    count = queryset.count()
    write_workbook(
        target,
        kind.template_columns(),
        kind.export_rows(queryset, unmasked=unmasked),
        sheet_name=_("Data"),
    )
    audit_record(
        actor=user,
        action="export",
        object_type=kind.object_type,
        area_code=getattr(filters, "area_code", ""),
        detail={
            "kind": kind.name,
            "rows": count,
            "unmasked": unmasked,
            "filters": {k: v for k, v in vars(filters).items() if v not in ("", None)},
        },
    )
    return count
