"""``wangge stats``: final stars per kind, and the public member pages shown and hidden."""

from django.db.models import Count, Q

from wangge.accounts.scope import prefix_q
from wangge.assessment.models import STAR_KINDS, PublicPage, StarAward, StarStep, Visibility
from wangge.core.stats import stat_provider
from wangge.party.models import Member


@stat_provider
def star_stats(area_code, today) -> dict:
    awards = StarAward.objects.filter(round__step=StarStep.FINAL)
    members = Member.objects.all()
    if area_code:
        awards = awards.filter(prefix_q("round__area_code", area_code))
        members = members.filter(prefix_q("area_code", area_code))
    counts = dict(awards.values_list("kind").annotate(n=Count("id")).order_by())
    hidden = members.filter(
        Q(public_page__visibility=Visibility.HIDDEN)
        | Q(is_mobile=True) & ~Q(public_page__visibility=Visibility.SHOWN)
    ).count()
    pages = PublicPage.objects.filter(member__in=members).count()
    total = members.count()
    return {
        "stars_by_kind": {kind: counts.get(kind, 0) for kind in STAR_KINDS},
        "public_member_pages": {"shown": total - hidden, "hidden": hidden, "made": pages},
    }
