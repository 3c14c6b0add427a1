"""Choosing a member or a person on a staff form from a phone: the assistance forms' search
(``member_q``, a name or part of one) narrows the lists, and each entry reads "name · branch ·
grid · phone tail" so two people of one name are told apart. Without a search the lists hold
the first few only; the one already chosen always stays."""

from django.db.models import Q, QuerySet

from wangge.assistance.selectors import member_label

# Entries a <select> holds without a search, and at most with one.
FIRST = 50
FOUND = 200


def search_text(request) -> str:
    return (request.GET.get("member_q") or "").strip()[:20]


def _narrowed(request, queryset: QuerySet, keep) -> list:
    query = search_text(request)
    rows = list(queryset.filter(name__contains=query)[:FOUND] if query else queryset[:FIRST])
    keep = str(keep or "")
    if keep.isdigit() and all(str(row.pk) != keep for row in rows):
        rows += list(queryset.filter(Q(pk=int(keep))))
    return rows


def member_choices(request, members: QuerySet, *, keep=None) -> list[tuple[int, str]]:
    members = (
        members.defer("id_number", "phone")
        .select_related("organisation")
        .prefetch_related("grid_memberships__grid")
        .order_by("area_code", "name", "id")
    )
    return [(m.pk, member_label(m)) for m in _narrowed(request, members, keep)]


def person_label(person) -> str:
    parts = [person.name, person.area.name, person.phone_masked]
    return " · ".join(p for p in parts if p)


def person_choices(request, persons: QuerySet, *, keep=None) -> list[tuple[int, str]]:
    persons = persons.defer("phone").select_related("area").order_by("area_code", "name", "id")
    return [(p.pk, person_label(p)) for p in _narrowed(request, persons, keep)]
