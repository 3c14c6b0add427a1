"""What campaigns add to the bulletins and dashboards (through ``core.reporting``): campaigns
that ran in the period, opinions collected, responsibility letters acknowledged and
accountability records — what the record already holds. Turn-outs (flood, epidemic) and
councils add their lines here when they exist."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from wangge.accounts.scope import area_prefixes, in_areas, prefix_q
from wangge.campaigns.models import (
    Accountability,
    AccountabilityStatus,
    Campaign,
    CampaignKind,
    Opinion,
    PledgeAck,
)
from wangge.campaigns.selectors import ACCOUNTABILITY_READERS, campaign_list
from wangge.core.reporting import Figure, ReportSection, dashboard_figures, report_section


@report_section(order=60)
def campaign_section(user, area_code: str, period, as_of) -> ReportSection:
    campaigns = Campaign.objects.filter(starts_on__lt=period.end, ends_on__gte=period.start).filter(
        # Campaigns of the area and of the township or village around it.
        Q(prefix_q("area_code", area_code)) | Q(area_code__in=_ancestors(area_code))
    )
    by_kind = dict(campaigns.values_list("kind").annotate(n=Count("id")).order_by())
    in_period = {"created_at__gte": period.start_at, "created_at__lt": period.end_at}
    opinions = Opinion.objects.filter(prefix_q("area_code", area_code), **in_period)
    acks = PledgeAck.objects.filter(
        prefix_q("area_code", area_code),
        acknowledged_at__gte=period.start_at,
        acknowledged_at__lt=period.end_at,
    )
    records = Accountability.objects.filter(prefix_q("area_code", area_code), **in_period)
    decided = records.filter(status=AccountabilityStatus.DECIDED).count()
    section = ReportSection(_("Campaigns"))
    section.lines += [
        (_("Campaigns in the period"), str(sum(by_kind.values()))),
        (_("Opinions collected in visit campaigns"), str(opinions.count())),
        (_("Responsibility letters acknowledged"), str(acks.count())),
        (_("Accountability records opened / decided"), f"{records.count()} / {decided}"),
    ]
    if by_kind:
        section.headers = [_("Kind of campaign"), _("Campaigns")]
        section.rows = [
            [label, str(by_kind[kind])] for kind, label in CampaignKind.choices if kind in by_kind
        ]
    return section


def _ancestors(code: str) -> list[str]:
    return [code[:n] for n in (9, 12) if n < len(code)]


@dashboard_figures(order=60)
def campaign_figures(user, prefixes: list[str], today) -> list[Figure]:
    # Querysets, not counts: the dashboard counts them with its own, in one statement.
    running = campaign_list(user).filter(
        _any_prefix(prefixes), starts_on__lte=today, ends_on__gte=today
    )
    figures = [
        Figure(
            "campaigns_running",
            _("Campaigns running"),
            running,
            reverse("campaigns:campaign_list"),
        ),
        Figure(
            "opinions",
            _("Opinions collected"),
            in_areas(Opinion.objects.all(), prefixes),
            reverse("campaigns:campaign_list"),
        ),
    ]
    if area_prefixes(user, ACCOUNTABILITY_READERS):
        open_records = in_areas(Accountability.objects.all(), prefixes).exclude(
            status=AccountabilityStatus.DECIDED
        )
        figures.append(
            Figure(
                "accountability_open",
                _("Accountability records not yet decided"),
                open_records,
                reverse("campaigns:accountability_list"),
            )
        )
    return figures


def _any_prefix(prefixes: list[str]) -> Q:
    q = Q(pk__in=[])
    for prefix in prefixes:
        q |= prefix_q("area_code", prefix) | Q(area_code__in=_ancestors(prefix))
    return q
