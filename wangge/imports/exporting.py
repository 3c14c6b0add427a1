"""Export filtered registry lists and the blank import templates as XLSX."""

from django.utils.translation import gettext as _

from wangge.audit.services import audit_record
from wangge.imports.kinds import ImportKind
from wangge.imports.spreadsheets import write_workbook


def template_workbook(kind: ImportKind, target) -> None:
    write_workbook(
        target,
        kind.template_columns(),
        [],
        sheet_name=_("Data"),
        notes_title=_("Notes"),
    )


def export_workbook(kind: ImportKind, target, *, user, params, unmasked: bool = False) -> int:
    """Write the filtered list to ``target``; record the export in the audit log."""
    queryset, filters = kind.export_queryset(user=user, params=params)
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
