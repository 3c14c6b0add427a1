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
