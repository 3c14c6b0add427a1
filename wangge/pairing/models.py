"""Pairings (党员挂户): a member linked to a household for long-term contact, with history."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wangge.core.models import AreaScoped


class PairingSource(models.TextChoices):
    MANUAL = "manual", _("By hand")
    OPTIMISER = "optimiser", _("Proposed by the optimiser")
    IMPORT = "import", _("Imported")


class Pairing(AreaScoped):
    """Ended pairings are kept (``ended_on`` set), never deleted or overwritten.

    ``area`` is the household's area, so pairings are scoped like households.
    """

    member = models.ForeignKey(
        "party.Member", on_delete=models.PROTECT, related_name="pairings", verbose_name=_("member")
    )
    household = models.ForeignKey(
        "households.Household",
        on_delete=models.CASCADE,
        related_name="pairings",
        verbose_name=_("household"),
    )
    started_on = models.DateField(_("paired since"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    source = models.CharField(
        _("source"), max_length=10, choices=PairingSource.choices, default=PairingSource.MANUAL
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("paired by"),
    )
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ended by"),
    )
    end_reason = models.CharField(_("reason for ending"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["area_code", "household_id", "-started_on", "id"]
        verbose_name = _("pairing")
        verbose_name_plural = _("pairings")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "household"],
                condition=models.Q(ended_on__isnull=True),
                name="pairing_one_active_per_pair",
            ),
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True)
                | models.Q(ended_on__gte=models.F("started_on")),
                name="pairing_ends_after_start",
            ),
        ]
        indexes = [
            models.Index(fields=["member", "ended_on"], name="pairing_member_active_idx"),
            models.Index(fields=["household", "ended_on"], name="pairing_household_active_idx"),
            models.Index(fields=["township_code", "ended_on"], name="pairing_township_active_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.member} ↔ {self.household}"

    @property
    def active(self) -> bool:
        return self.ended_on is None


class PairingRules(models.Model):
    """A township's pairing rules: caps by age and status, costs by distance. One per township."""

    township_code = models.CharField(_("township code"), max_length=9, unique=True)
    cap_default = models.PositiveSmallIntegerField(_("households per member"), default=5)
    older_age = models.PositiveSmallIntegerField(_("older members from age"), default=70)
    cap_older = models.PositiveSmallIntegerField(_("households per older member"), default=2)
    oldest_age = models.PositiveSmallIntegerField(_("oldest members from age"), default=80)
    cap_oldest = models.PositiveSmallIntegerField(_("households per oldest member"), default=1)
    cap_mobile = models.PositiveSmallIntegerField(_("households per mobile member"), default=0)
    cost_group = models.PositiveSmallIntegerField(_("cost: same villager group"), default=1)
    cost_hamlet = models.PositiveSmallIntegerField(_("cost: same hamlet"), default=2)
    cost_village = models.PositiveSmallIntegerField(_("cost: same village"), default=4)
    cost_other_village = models.PositiveSmallIntegerField(_("cost: another village"), default=10)
    allow_other_village = models.BooleanField(
        _("pair across villages when a village lacks members"), default=True
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("pairing rules")
        verbose_name_plural = _("pairing rules")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(cost_group__gte=1)
                & models.Q(cost_hamlet__gte=models.F("cost_group"))
                & models.Q(cost_village__gte=models.F("cost_hamlet"))
                & models.Q(cost_other_village__gte=models.F("cost_village")),
                name="pairing_rules_costs_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(oldest_age__gte=models.F("older_age")),
                name="pairing_rules_age_bands_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.township_code

    def cap_for(self, *, age: int, is_mobile: bool) -> int:
        if is_mobile:
            return self.cap_mobile
        if age >= self.oldest_age:
            return self.cap_oldest
        if age >= self.older_age:
            return self.cap_older
        return self.cap_default


class MemberCap(models.Model):
    """A member's own cap (e.g. ill health: 0 or 1), overriding the township's rules."""

    member = models.OneToOneField(
        "party.Member", on_delete=models.CASCADE, related_name="pairing_cap"
    )
    cap = models.PositiveSmallIntegerField(_("households at most"))
    reason = models.CharField(_("reason"), max_length=200)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    set_at = models.DateTimeField(_("set"), auto_now=True)

    class Meta:
        verbose_name = _("member's own cap")
        verbose_name_plural = _("members' own caps")

    def __str__(self) -> str:
        return f"{self.member_id}: {self.cap}"


class ProposalStatus(models.TextChoices):
    OPEN = "open", _("Waiting for confirmation")
    APPLIED = "applied", _("Applied")
    STALE = "stale", _("Out of date")


class PairingProposal(AreaScoped):
    """An optimiser run for a village or township: the diff, kept until applied.

    ``fingerprint`` hashes the active pairings the run read; applying refuses when they differ.
    """

    status = models.CharField(
        _("status"), max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.OPEN
    )
    fingerprint = models.CharField(max_length=64)
    # {"add": [[member_id, household_id], ...], "end": [[pairing_id, reason_code], ...],
    #  "keep": [pairing_id, ...], "uncovered": [household_id, ...], "shortfalls": [...]}
    plan = models.JSONField(default=dict)
    adds = models.PositiveIntegerField(_("to pair"), default=0)
    ends = models.PositiveIntegerField(_("to end"), default=0)
    keeps = models.PositiveIntegerField(_("kept"), default=0)
    uncovered = models.PositiveIntegerField(_("not covered"), default=0)
    cost = models.BigIntegerField(_("total distance cost"), default=0)
    seconds = models.FloatField(_("seconds to solve"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    applied_at = models.DateTimeField(_("applied"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("pairing proposal")
        verbose_name_plural = _("pairing proposals")

    def __str__(self) -> str:
        return f"{self.area_code} {self.created_at:%Y-%m-%d %H:%M}"
