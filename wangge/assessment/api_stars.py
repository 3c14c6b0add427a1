"""``/api/v1/star-ratings?year=2021``: each member's round step and stars in a year, scoped
like the member list. Peer ballots are never listed: only the counts exist."""

from django.db.models import OuterRef, Prefetch, Subquery
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from wangge.accounts.scope import own_member, personal, prefix_q
from wangge.assessment.models import StarAward, StarRound, StarStep
from wangge.core.api_helpers import READ_ERRORS, Page
from wangge.party.hooks import annotate_for_api, api_field
from wangge.party.models import Member

star_ratings_router = Router(tags=["star ratings"])


class StarRatingOut(Schema):
    member_id: int
    name: str
    organisation_id: int
    area_code: str
    year: int
    round_id: int
    step: StarStep
    final: bool
    stars: list[str] = Field(description="The final stars (empty until the round is final).")
    proposed_stars: list[str] = Field(description="The stars the branch proposed.")
    public_url: str | None = None


class StarRatingQuery(Schema):
    year: int = Field(..., ge=2000, le=2100)
    area_code: str | None = Field(None, max_length=18)


@star_ratings_router.get("", response={200: list[StarRatingOut], **READ_ERRORS})
@paginate(Page)
def star_rating_list(request, query: Query[StarRatingQuery]):
    rounds = StarRound.objects.filter(organisation_id=OuterRef("organisation_id"), year=query.year)
    members = (
        personal(Member.objects.defer("id_number", "phone"), request.user, own=own_member)
        .annotate(
            round_id=Subquery(rounds.values("pk")[:1]),
            round_step=Subquery(rounds.values("step")[:1]),
        )
        .filter(round_id__isnull=False)
        .prefetch_related(
            Prefetch(
                "star_awards",
                queryset=StarAward.objects.filter(year=query.year),
                to_attr="year_awards",
            )
        )
        .order_by("area_code", "name", "pk")
    )
    if query.area_code:
        members = members.filter(prefix_q("area_code", query.area_code))
    members = annotate_for_api(members)

    class Items:
        """Turns the members of one page into items (after the paginator's slice)."""

        def __init__(self, qs):
            self.qs = qs

        def count(self):
            return self.qs.count()

        def __len__(self):
            return self.count()

        def __getitem__(self, index):
            return [_item(m, query.year, request) for m in self.qs[index]]

    return Items(members)


def _item(member: Member, year: int, request) -> dict:
    proposed = sorted(a.kind for a in member.year_awards)
    final = member.round_step == StarStep.FINAL
    return {
        "member_id": member.pk,
        "name": member.name,
        "organisation_id": member.organisation_id,
        "area_code": member.area_code,
        "year": year,
        "round_id": member.round_id,
        "step": member.round_step,
        "final": final,
        "stars": proposed if final else [],
        "proposed_stars": proposed,
        "public_url": api_field("public_url", member, request),
    }
