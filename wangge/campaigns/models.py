"""Campaigns (S10): time-boxed efforts over an area. The first kind is the thousand-members
visit (千名党员大走访), whose visits collect residents' opinions that staff categorise.

Other kinds (epidemic, flood, straw-burning, environment) add their own records pointing at
``Campaign``; the campaign itself only knows its area, period and kind.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wangge.core.models import AreaScoped, Timestamped


class CampaignKind(models.TextChoices):
    VISIT = "visit", _("Visit campaign")
    STRAW_BURNING = "straw_burning", _("Straw-burning ban")
    FOREST_FIRE = "forest_fire", _("Forest-fire prevention")
    ASSISTANCE = "assistance", _("Concentrated assistance drive")


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
    # Given by a Party member consulted about the grid scheme (the thousand-members visit).
    consultation = models.ForeignKey(
        "campaigns.Consultation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="opinions",
        verbose_name=_("consultation"),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("opinion")
        verbose_name_plural = _("opinions")
        indexes = [
            models.Index(fields=["campaign", "category"], name="opinion_campaign_cat_idx"),
        ]

    def __str__(self) -> str:
        return self.text[:40]


class Pledge(models.Model):
    """One version of a campaign's responsibility letter (责任承诺书); a new version asks every
    grid member of the campaign's scope again."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="pledges", verbose_name=_("campaign")
    )
    version = models.PositiveSmallIntegerField(_("version"))
    text = models.TextField(_("text of the letter"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["campaign", "-version"]
        verbose_name = _("responsibility letter")
        verbose_name_plural = _("responsibility letters")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "version"], name="pledge_unique_version"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} v{self.version}"


class PledgeAck(AreaScoped):
    """Who acknowledged which version, and when; ``area`` is the member's."""

    pledge = models.ForeignKey(
        Pledge, on_delete=models.CASCADE, related_name="acks", verbose_name=_("letter")
    )
    member = models.ForeignKey(
        "party.Member", on_delete=models.CASCADE, related_name="+", verbose_name=_("member")
    )
    acknowledged_at = models.DateTimeField(_("acknowledged"))

    class Meta:
        ordering = ["-acknowledged_at", "-id"]
        verbose_name = _("acknowledgement")
        verbose_name_plural = _("acknowledgements")
        constraints = [
            models.UniqueConstraint(fields=["pledge", "member"], name="pledgeack_once"),
        ]

    def __str__(self) -> str:
        return f"{self.pledge} · {self.member_id}"


class DutyLogKind(models.TextChoices):
    PATROL = "patrol", _("Patrol")
    INCIDENT = "incident", _("Incident")


class DutyLog(AreaScoped):
    """A patrol or an incident recorded by a member during a duty campaign; ``area`` is the
    writer's. The place is plain text: no GPS (SPEC principle 3)."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="duty_logs", verbose_name=_("campaign")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=DutyLogKind.choices)
    day = models.DateField(_("day"))
    place = models.CharField(_("place"), max_length=200)
    text = models.TextField(_("what was seen and done"))
    # Storage name of the cleaned photo (optional); served only through the scoped view.
    photo = models.CharField(_("photo"), max_length=200, blank=True)
    member = models.ForeignKey(
        "party.Member",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("member"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["-day", "-id"]
        verbose_name = _("patrol or incident")
        verbose_name_plural = _("patrols and incidents")
        indexes = [models.Index(fields=["campaign", "kind", "day"], name="dutylog_campaign_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.day}"


class RosterEntry(models.Model):
    """A person on a campaign's roster (members and people who are not Party members alike)."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="roster", verbose_name=_("campaign")
    )
    person = models.ForeignKey(
        "grids.Person", on_delete=models.CASCADE, related_name="+", verbose_name=_("person")
    )
    duty = models.CharField(_("duty"), max_length=50, blank=True)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        ordering = ["campaign", "id"]
        verbose_name = _("roster entry")
        verbose_name_plural = _("roster entries")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "person"], name="roster_person_once"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.person_id}"


class AccountabilityStatus(models.TextChoices):
    OPEN = "open", _("Open")
    REVIEWING = "reviewing", _("Under review")
    DECIDED = "decided", _("Decided")


class Accountability(AreaScoped, Timestamped):
    """A failure of duty (追责) routed to the discipline committee, tracked to a decision."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, related_name="accountabilities"
    )
    member = models.ForeignKey(
        "party.Member",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("member"),
    )
    person = models.ForeignKey(
        "grids.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("person"),
    )
    failure = models.TextField(_("failure of duty"))
    evidence = models.TextField(_("evidence"), blank=True)
    duty_log = models.ForeignKey(
        DutyLog,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("incident"),
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=AccountabilityStatus.choices,
        default=AccountabilityStatus.OPEN,
    )
    decision = models.TextField(_("decision"), blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["status", "-created_at", "-id"]
        verbose_name = _("accountability record")
        verbose_name_plural = _("accountability records")
        indexes = [
            models.Index(fields=["township_code", "status"], name="accountability_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="decided") | models.Q(decided_at__isnull=False),
                name="accountability_decided_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.failure[:40]


# --- environment: inspections of hamlets by the councils (S10) ---------------------------


class InspectionItem(models.Model):
    """One thing inspectors score in a hamlet (庭院整洁, 垃圾分类 …); a list per township."""

    township_code = models.CharField(_("township code"), max_length=9, db_index=True)
    name = models.CharField(_("name"), max_length=40)
    max_points = models.PositiveSmallIntegerField(_("most points"))
    sort = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["township_code", "sort", "name"]
        verbose_name = _("inspection item")
        verbose_name_plural = _("inspection items")
        constraints = [
            models.UniqueConstraint(
                fields=["township_code", "name"], name="inspectionitem_unique_name"
            ),
            models.CheckConstraint(
                condition=models.Q(max_points__gte=1), name="inspectionitem_max_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class EnvironmentSetting(models.Model):
    """A township's choices for the environment work: whether villages are compared (三看三比)."""

    township_code = models.CharField(_("township code"), max_length=9, unique=True)
    comparison_on = models.BooleanField(_("compare villages (三看三比)"), default=True)

    class Meta:
        verbose_name = _("environment setting")
        verbose_name_plural = _("environment settings")

    def __str__(self) -> str:
        return self.township_code


class Inspection(AreaScoped):
    """A council's (or the five elders') inspection of a hamlet on a day; ``area`` is the
    hamlet. The scores are rows, one per item."""

    council = models.ForeignKey(
        "party.Organisation",
        on_delete=models.PROTECT,
        related_name="inspections",
        verbose_name=_("council"),
    )
    day = models.DateField(_("day"))
    total = models.PositiveIntegerField(_("points"))
    max_total = models.PositiveIntegerField(_("most points"))
    note = models.TextField(_("what was found"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["-day", "-id"]
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        indexes = [
            models.Index(fields=["township_code", "area_code", "day"], name="inspection_area_idx")
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(total__lte=models.F("max_total")),
                name="inspection_total_within_max",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.area_code} {self.day}"

    @property
    def percent(self) -> int:
        return round(100 * self.total / self.max_total) if self.max_total else 0


class InspectionScore(models.Model):
    inspection = models.ForeignKey(
        Inspection, on_delete=models.CASCADE, related_name="scores", verbose_name=_("inspection")
    )
    item = models.ForeignKey(
        InspectionItem, on_delete=models.PROTECT, related_name="+", verbose_name=_("item")
    )
    points = models.PositiveSmallIntegerField(_("points"))

    class Meta:
        ordering = ["inspection", "item__sort"]
        verbose_name = _("inspection score")
        verbose_name_plural = _("inspection scores")
        constraints = [
            models.UniqueConstraint(fields=["inspection", "item"], name="inspectionscore_once"),
        ]

    def __str__(self) -> str:
        return f"{self.item} {self.points}"


# --- concentrated assistance (集中帮扶): one task per household, to its paired member -------


class DriveTask(AreaScoped):
    """A household to call on during a concentrated-assistance drive; ``area`` is the
    household's. Generated when the drive is created; the member marks it done with a note."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="drive_tasks", verbose_name=_("campaign")
    )
    household = models.ForeignKey(
        "households.Household",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("household"),
    )
    member = models.ForeignKey(
        "party.Member",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("member"),
    )
    reason = models.CharField(_("why"), max_length=100)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_note = models.TextField(_("what was done"), blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["area_code", "id"]
        verbose_name = _("drive task")
        verbose_name_plural = _("drive tasks")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "household"], name="drivetask_once"),
        ]
        indexes = [models.Index(fields=["member", "done_at"], name="drivetask_member_idx")]

    def __str__(self) -> str:
        return f"{self.campaign_id} · {self.household_id}"


# --- the thousand-members visit: members consulted about the grid scheme -------------------


class Consultation(AreaScoped):
    """A Party member asked about grid management during a visit campaign (千名党员大走访: the
    members were the ones visited); ``area`` is the member's. Their opinions are ``Opinion``
    rows pointing here, categorised like any other."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="consultations", verbose_name=_("campaign")
    )
    member = models.ForeignKey(
        "party.Member",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("member consulted"),
    )
    consulted_by = models.ForeignKey(
        "party.Member",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("consulted by"),
    )
    day = models.DateField(_("day"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["-day", "-id"]
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "member"], name="consultation_once"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id} · {self.member_id}"
