"""Export filtered registry lists and the blank import templates as XLSX.

An export masks ID numbers and phones and carries each record's system number, so the file can
be edited and imported back. The full-value export (for editing the numbers themselves) is for
the people who may reveal them: only records in the areas where they edit the registry, with a
purpose, recorded in the audit log like a reveal, and marked in the sheet's name.
"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from wangge.accounts.scope import in_areas, may_export
from wangge.audit.services import audit_record
from wangge.imports.kinds import ImportKind
from wangge.imports.pipeline import writer_prefixes
from wangge.imports.spreadsheets import write_workbook


def template_workbook(kind: ImportKind, target) -> None:
    write_workbook(
        target,
        kind.template_columns(),
        [],
        sheet_name=_("Data"),
        notes_title=_("Notes"),
    )


def full_sheet_name() -> str:
    """The sheet name that marks a file with full ID numbers and phones."""
    return _("Full numbers - confidential")[:31]


def can_export(user) -> bool:
    """Whether ``user`` may export lists at all: an office role (``accounts.scope.may_export``);
    each export is then scoped to what its list page shows them. List pages show their export
    link by it."""
    return may_export(user)


def can_export_full(user) -> bool:
    """Whether ``user`` may export full numbers: the registry writers, in their own areas."""
    return bool(writer_prefixes(user))


def export_workbook(
    kind: ImportKind,
    target,
    *,
    user,
    params,
    unmasked: bool = False,
    purpose: str = "",
    reason: str = "",
) -> int:
    """Write the filtered list to ``target``; record the export in the audit log.

    ``unmasked`` writes the full numbers of the records the user may edit (the caller checks
    ``can_export_full`` and asks for ``purpose`` and ``reason``); the audit row names the fields,
    the purpose and the reason.
    """
    if not may_export(user):
        raise PermissionDenied(_("Only office roles may export lists."))
    queryset, filters = kind.export_queryset(user=user, params=params)
    if unmasked:
        queryset = in_areas(queryset, writer_prefixes(user))
    count = queryset.count()
    write_workbook(
        target,
        kind.export_columns(),
        kind.export_rows(queryset, unmasked=unmasked),
        sheet_name=full_sheet_name() if unmasked else _("Data"),
        properties={"title": full_sheet_name(), "comments": f"{purpose}: {reason}"}
        if unmasked
        else None,
        extra_sheets=kind.extra_sheets(queryset),
    )
    detail = {
        "kind": kind.name,
        "rows": count,
        "unmasked": unmasked,
        "filters": {k: v for k, v in vars(filters).items() if v not in ("", None)},
    }
    if unmasked:
        detail.update(fields=sorted(kind.masked), purpose=purpose, reason=reason)
    audit_record(
        actor=user,
        action="export",
        object_type=kind.object_type,
        area_code=getattr(filters, "area_code", ""),
        detail=detail,
    )
    return count
