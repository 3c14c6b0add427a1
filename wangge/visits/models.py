"""Visits (走访常态化): visit policies by household tag and the visit log."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wangge.core.models import AreaScoped

# Interval for households no policy covers, when a township has no default policy either.
FALLBACK_INTERVAL_DAYS = 90


class VisitPolicy(models.Model):
    """How often a paired household should be visited, per tag, per township.

    The row without a tag is the township's default (untagged households and tags without a
    policy). A household with several tags takes the shortest interval among them.
    """

    township_code = models.CharField(_("township code"), max_length=9, db_index=True)
    tag = models.ForeignKey(
        "households.Tag",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="visit_policies",
        verbose_name=_("tag"),
    )
    interval_days = models.PositiveSmallIntegerField(_("visit every (days)"))
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["township_code", "interval_days", "id"]
        verbose_name = _("visit policy")
        verbose_name_plural = _("visit policies")
        constraints = [
            models.UniqueConstraint(
                fields=["township_code", "tag"],
                condition=models.Q(tag__isnull=False),
                name="visitpolicy_one_per_tag",
            ),
            models.UniqueConstraint(
                fields=["township_code"],
                condition=models.Q(tag__isnull=True),
                name="visitpolicy_one_default",
            ),
            models.CheckConstraint(
                condition=models.Q(interval_days__gte=1, interval_days__lte=366),
                name="visitpolicy_interval_1_to_366",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tag or '—'} · {self.interval_days}"


class VisitKind(models.TextChoices):
    FIRST = "first", _("First visit (上门认亲)")
    ROUTINE = "routine", _("Routine visit (定期访亲)")
    HELP = "help", _("Help visit (真心帮亲)")


class Visit(AreaScoped):
    """One visit to a household. ``area`` is the household's area, so visits scope like it."""

    household = models.ForeignKey(
        "households.Household",
        on_delete=models.CASCADE,
        related_name="visits",
        verbose_name=_("household"),
    )
    member = models.ForeignKey(
        "party.Member",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="visits",
        verbose_name=_("visited by"),
    )
    visited_on = models.DateField(_("visit date"))
    kind = models.CharField(
        _("kind"), max_length=10, choices=VisitKind.choices, default=VisitKind.ROUTINE
    )
    found = models.TextField(_("what was found"), blank=True)
    needs = models.TextField(_("needs raised"), blank=True)
    # The resident request a need became (S7); an id, so visits do not depend on that app.
    need_request_id = models.PositiveBigIntegerField(_("request"), null=True, blank=True)
    # Storage name of the cleaned photo; served only through the scoped photo view.
    photo = models.CharField(_("photo"), max_length=200, blank=True)
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="visits",
        verbose_name=_("campaign"),
    )
    # Set by the form (or API client) once per visit being entered: a resubmission finds it.
    client_key = models.CharField(max_length=64, blank=True, default="", editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    created_at = models.DateTimeField(_("entered"), auto_now_add=True)

    class Meta:
        ordering = ["-visited_on", "-id"]
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        constraints = [
            models.UniqueConstraint(
                fields=["created_by", "client_key"],
                condition=~models.Q(client_key=""),
                name="visit_client_key_once",
            ),
        ]
        indexes = [
            # The last visit of a household: one index probe (due dates, roll-ups).
            models.Index(fields=["household", "-visited_on"], name="visit_household_last_idx"),
            models.Index(fields=["township_code", "visited_on"], name="visit_township_date_idx"),
            # Visits under an area in a date range, from the index alone (the dashboard's
            # visits in the last 30 days; the area filter is a range of codes).
            models.Index(fields=["area_code", "visited_on"], name="visit_area_date_idx"),
            models.Index(fields=["member", "-visited_on"], name="visit_member_date_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.household_id} · {self.visited_on}"


class HouseholdSummary(models.Model):
    """What the dashboards count about a household, one row each, kept by the database.

    Whether it is a key household, in a service grid, paired (since when), its last visit,
    its visit interval and the day its next visit falls due: each worked out from the record
    (tags, grid places, pairings, visits, policies) by triggers in the statement that writes
    the record (``visits.summary``), whoever writes it. Counting a township's households is
    then a scan of these rows instead of four or five probes per household. Nothing in the
    application writes them; a household's row appears with the household and goes with it.
    """

    household = models.OneToOneField(
        "households.Household",
        primary_key=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="visit_summary",
    )
    area_code = models.CharField(max_length=18, editable=False)
    township_code = models.CharField(max_length=9, editable=False)
    is_key = models.BooleanField(default=False, editable=False)
    in_service_grid = models.BooleanField(default=False, editable=False)
    # The earliest start among the household's current pairings; empty when it has none.
    paired_since = models.DateField(null=True, editable=False)
    last_visited_on = models.DateField(null=True, editable=False)
    interval_days = models.PositiveSmallIntegerField(default=FALLBACK_INTERVAL_DAYS, editable=False)
    # Paired households only: the last visit plus the interval, or the day it was paired.
    due_on = models.DateField(null=True, editable=False)

    class Meta:
        verbose_name = _("household summary")
        verbose_name_plural = _("household summaries")
        # Every column the counts read, so a township's rows are counted from the index.
        indexes = [
            models.Index(
                fields=[
                    "area_code",
                    "is_key",
                    "in_service_grid",
                    "paired_since",
                    "due_on",
                    "household",
                ],
                name="householdsummary_area_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.household_id} · {self.due_on}"
