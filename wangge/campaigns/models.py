"""Campaigns (S10): time-boxed efforts over an area. The first kind is the thousand-members
visit (千名党员大走访), whose visits collect residents' opinions that staff categorise.

Other kinds (epidemic, flood, straw-burning, environment) add their own records pointing at
``Campaign``; the campaign itself only knows its area, period and kind.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wangge.core.models import AreaScoped


class CampaignKind(models.TextChoices):
    VISIT = "visit", _("Visit campaign")
    STRAW_BURNING = "straw_burning", _("Straw-burning ban")
    FOREST_FIRE = "forest_fire", _("Forest-fire prevention")


# Kinds whose grid members sign a responsibility letter and patrol (S10).
DUTY_KINDS = {CampaignKind.STRAW_BURNING, CampaignKind.FOREST_FIRE}


class Campaign(AreaScoped):
    """``area`` is the campaign's scope (a township or a village)."""

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(
        _("kind"), max_length=20, choices=CampaignKind.choices, default=CampaignKind.VISIT
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    collects_opinions = models.BooleanField(_("collects opinions during visits"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="campaign_ends_after_start",
            ),
        ]
        indexes = [
            models.Index(fields=["township_code", "ends_on"], name="campaign_township_end_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def running_on(self, day) -> bool:
        return self.starts_on <= day <= self.ends_on


class OpinionCategory(models.Model):
    """Categories staff sort opinions into; each township keeps its own list."""

    township_code = models.CharField(_("township code"), max_length=9, db_index=True)
    name = models.CharField(_("name"), max_length=40)
    sort = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["township_code", "sort", "name"]
        verbose_name = _("opinion category")
        verbose_name_plural = _("opinion categories")
        constraints = [
            models.UniqueConstraint(
                fields=["township_code", "name"], name="opinioncategory_unique_name"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Opinion(AreaScoped):
    """An opinion a resident gave during a campaign visit; ``area`` is the household's."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="opinions", verbose_name=_("campaign")
    )
    visit = models.OneToOneField(
        "visits.Visit",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="opinion",
        verbose_name=_("visit"),
    )
    household = models.ForeignKey(
        "households.Household",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("household"),
    )
    text = models.TextField(_("opinion"))
    category = models.ForeignKey(
        OpinionCategory,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="opinions",
        verbose_name=_("category"),
    )
    categorised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    categorised_at = models.DateTimeField(_("categorised"), null=True, blank=True)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("opinion")
        verbose_name_plural = _("opinions")
        indexes = [
            models.Index(fields=["campaign", "category"], name="opinion_campaign_cat_idx"),
        ]

    def __str__(self) -> str:
        return self.text[:40]
