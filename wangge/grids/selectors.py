"""Reads of grids and their coverage, always through the user's scope."""

from dataclasses import dataclass

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404

from wangge.accounts.scope import (
    own_households,
    own_households_source,
    own_member,
    personal,
    personal_or_404,
    prefix_q,
)
from wangge.grids.models import Grid, GridHousehold, GridLayer, GridMember, Person
from wangge.households.models import Household
from wangge.households.selectors import SENSITIVE
from wangge.party.models import Member
from wangge.regions.codes import village_of


def layers(user) -> QuerySet:
    """The grid layers: one national list, the same for everyone signed in."""
    if not getattr(user, "is_authenticated", False):
        return GridLayer.objects.none()
    return GridLayer.objects.order_by("sort", "slug")


def layer_for_user(user, slug: str) -> GridLayer:
    """A layer by its slug, or 404."""
    layer = layers(user).filter(slug=slug).first()
    if layer is None:
        raise Http404
    return layer


def grid_list(user, *, layer: GridLayer | None = None, area_code: str = "") -> QuerySet:
    qs = (
        personal(Grid.objects.all(), user, own=own_grids)
        .select_related("layer", "responsible", "area")
        .defer("responsible__id_number", "responsible__phone")  # decrypted for nothing
    )
    if layer is not None:
        qs = qs.filter(layer=layer)
    if area_code:
        qs = qs.filter(prefix_q("area_code", area_code))
    # Two counted subqueries, not two joins: joining a grid's households and its members
    # multiplies the rows (30 households × 5 members = 150 per grid) before counting.
    return qs.annotate(
        household_count=_count_of(GridHousehold),
        member_count=_count_of(GridMember),
    ).order_by("area_code", "level", "name", "id")


def _count_of(model) -> Coalesce:
    rows = (
        model.objects.filter(grid=OuterRef("pk"))
        .order_by()
        .values("grid")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def grid_for_user(user, pk: int) -> Grid:
    return personal_or_404(
        Grid.objects.select_related("layer", "responsible", "area", "parent"),
        user,
        own=own_grids,
        pk=pk,
    )


def _member_grid_ids(member_id: int) -> QuerySet:
    """The grids a member leads or serves in, and the grids below those."""
    theirs = Grid.objects.filter(
        Q(responsible_id=member_id)
        | Q(pk__in=GridMember.objects.filter(member_id=member_id).values("grid_id"))
    ).values("pk")
    return Grid.objects.filter(Q(pk__in=theirs) | Q(parent_id__in=theirs)).values("pk")


def own_grids(user) -> Q:
    """An ordinary member's own grids (see ``accounts.scope.personal``)."""
    member_id = getattr(user, "member_id", None)
    return Q(pk__in=_member_grid_ids(member_id)) if member_id else Q(pk__in=[])


@own_households_source
def households_of_member_grids(member_id: int) -> QuerySet:
    """The households of the member's own grids: theirs to see."""
    return GridHousehold.objects.filter(grid_id__in=_member_grid_ids(member_id)).values(
        "household_id"
    )


def _grid_chain(grid: Grid) -> list[Grid]:
    """The grids above this one, nearest first, with who is responsible at each level.

    Above the caller's scope on purpose: a village's page names the township's leaders."""
    chain = []
    seen = {grid.pk}
    current = grid.parent
    while current is not None and current.pk not in seen:
        seen.add(current.pk)
        chain.append(current)
        current = (
            Grid.objects.select_related("responsible", "parent")
            .filter(pk=current.parent_id)
            .first()
            if current.parent_id
            else None
        )
    return chain


def _grid_households(grid: Grid) -> QuerySet:
    """The households of a grid the caller has already fetched for the user."""
    return (
        Household.objects.defer(*SENSITIVE)
        .filter(grid_assignments__grid=grid)
        .order_by("area_code", "head_name")
    )


def _grid_people(grid: Grid) -> QuerySet:
    """The members of a grid the caller has already fetched for the user."""
    return (
        GridMember.objects.filter(grid=grid)
        .select_related("member", "member__organisation")
        .order_by("member__name")
    )


def households_for_grid(user, grid: Grid) -> QuerySet:
    """Households the user sees in the grid's village (or township), to move into the grid."""
    village = village_of(grid.area_code) or grid.area_code
    households = Household.objects.filter(prefix_q("area_code", village))
    return personal(households, user, own=own_households)


@dataclass
class Coverage:
    layer: GridLayer
    households: QuerySet  # every household in scope (counted only where a page shows it)
    households_without_grid: QuerySet
    grids_without_responsible: QuerySet
    members_without_grid: QuerySet
    grids_too_large: QuerySet
    grids_too_small: QuerySet

    @property
    def households_total(self) -> int:
        return self.households.count()


def coverage(user, layer: GridLayer, *, area_code: str = "") -> Coverage:
    """Gaps in one layer within the user's scope (querysets, so pages can count or page them)."""
    households = personal(Household.objects.all(), user, own=own_households)
    members = personal(Member.objects.all(), user, own=own_member)
    grids = grid_list(user, layer=layer)
    if area_code:
        households = households.filter(prefix_q("area_code", area_code))
        members = members.filter(prefix_q("area_code", area_code))
        grids = grids.filter(prefix_q("area_code", area_code))
    in_layer = GridHousehold.objects.filter(layer=layer, household=OuterRef("pk"))
    # The layer's leaders and members, each read once (a correlated NOT EXISTS per member
    # made SQLite scan the layer's every grid for each member: 1,800 × 300 rows in the demo).
    leads = Grid.objects.filter(layer=layer, responsible__isnull=False).values("responsible_id")
    belongs = GridMember.objects.filter(grid__layer=layer).values("member_id")
    sized = grids.filter(level=4) if layer.has_levels else grids
    return Coverage(
        layer=layer,
        households=households,
        households_without_grid=households.filter(~Exists(in_layer))
        .defer(*SENSITIVE)
        .order_by("area_code", "id"),
        grids_without_responsible=grids.filter(responsible__isnull=True),
        members_without_grid=members.exclude(pk__in=leads)
        .exclude(pk__in=belongs)
        .only("name", "area_code", "is_mobile", "area__name")
        .select_related("area")
        .order_by("area_code", "name"),
        grids_too_large=sized.filter(household_count__gt=layer.target_size * 2),
        grids_too_small=sized.filter(household_count__lt=max(1, layer.target_size // 2)),
    )


def person_list(user, *, area_code: str = "") -> QuerySet:
    """People who serve, in the user's scope; the phone stays encrypted (masked copy shown)."""
    qs = personal(Person.objects.all(), user).select_related("area", "member", "household")
    if area_code:
        qs = qs.filter(prefix_q("area_code", area_code))
    return qs.defer("phone", "household__head_id_number", "household__phone").order_by(
        "area_code", "name", "id"
    )


def person_for_user(user, pk: int) -> Person:
    return personal_or_404(Person.objects.select_related("area"), user, pk=pk)
