"""Campaigns (S10): time-boxed efforts over an area. The first kind is the thousand-members
visit (千名党员大走访), whose visits collect residents' opinions that staff categorise.

Other kinds (epidemic, flood, straw-burning, environment) add their own records pointing at
``Campaign``; the campaign itself only knows its area, period and kind.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wangge.core.crypto import EncryptedTextField
from wangge.core.models import AreaScoped, Timestamped


class CampaignKind(models.TextChoices):
    VISIT = "visit", _("Visit campaign")
    STRAW_BURNING = "straw_burning", _("Straw-burning ban")
    FOREST_FIRE = "forest_fire", _("Forest-fire prevention")
    FLOOD = "flood", _("Flood control")
    EPIDEMIC = "epidemic", _("Epidemic control")
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


# --- The campaign engine: emergencies, teams, tasks and turn-outs (any kind may use them; which
# kinds do is data in ``wangge.campaigns.engine.KIND_FEATURES``). Flood adds dike sections. ---


class Emergency(models.Model):
    """A declared emergency over a campaign: the only time check-ins and turn-outs are taken
    (SPEC principle 3). Time-boxed by its own first and last day, declared by a named user and
    audited."""

    campaign = models.OneToOneField(
        Campaign, on_delete=models.CASCADE, related_name="emergency", verbose_name=_("campaign")
    )
    starts_on = models.DateField(_("emergency from"))
    ends_on = models.DateField(_("emergency until"))
    reason = models.CharField(_("reason"), max_length=200)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    declared_at = models.DateTimeField(_("declared"))

    class Meta:
        verbose_name = _("declared emergency")
        verbose_name_plural = _("declared emergencies")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="emergency_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} {self.starts_on}–{self.ends_on}"

    def covers(self, day) -> bool:
        return self.starts_on <= day <= self.ends_on


class TeamKind(models.TextChoices):
    COMMANDO = "commando", _("Commando team (突击队)")
    VANGUARD = "vanguard", _("Vanguard team (先锋队)")
    VOLUNTEER = "volunteer", _("Volunteer team")


class Team(AreaScoped):
    """A team of a campaign; ``area`` is its home village, ``serves`` the village it works in
    (a back-line village sends a team to a front-line one)."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="teams", verbose_name=_("campaign")
    )
    name = models.CharField(_("name"), max_length=60)
    kind = models.CharField(_("kind"), max_length=12, choices=TeamKind.choices)
    serves = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("village it serves"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["campaign", "area_code", "name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "name"], name="team_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class TeamMember(models.Model):
    """A Party member or a person on a team; one team per member or person in a campaign."""

    team = models.ForeignKey(
        Team, on_delete=models.CASCADE, related_name="members", verbose_name=_("team")
    )
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(
        "party.Member",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Party member"),
    )
    person = models.ForeignKey(
        "grids.Person",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("person"),
    )
    is_leader = models.BooleanField(_("team leader"), default=False)

    class Meta:
        ordering = ["team", "-is_leader", "id"]
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(member__isnull=True) ^ models.Q(person__isnull=True),
                name="teammember_member_or_person",
            ),
            models.UniqueConstraint(
                fields=["campaign", "member"],
                condition=models.Q(member__isnull=False),
                name="teammember_member_once",
            ),
            models.UniqueConstraint(
                fields=["campaign", "person"],
                condition=models.Q(person__isnull=False),
                name="teammember_person_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.team} · {self.member_id or self.person_id}"


class DikeSection(AreaScoped):
    """A stretch of dike (堤段) in a village, held by one branch ("one branch, one stretch")."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="sections", verbose_name=_("campaign")
    )
    name = models.CharField(_("name"), max_length=60)
    place = models.CharField(_("length and place"), max_length=200, blank=True)
    organisation = models.ForeignKey(
        "party.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("branch"),
    )

    class Meta:
        ordering = ["campaign", "area_code", "name"]
        verbose_name = _("dike section")
        verbose_name_plural = _("dike sections")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "name"], name="section_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Shift(models.TextChoices):
    DAY = "day", _("Day shift")
    NIGHT = "night", _("Night shift")


class DutyShift(models.Model):
    """Which team holds a section on a day or a night."""

    section = models.ForeignKey(
        DikeSection, on_delete=models.CASCADE, related_name="shifts", verbose_name=_("section")
    )
    day = models.DateField(_("day"))
    shift = models.CharField(_("shift"), max_length=5, choices=Shift.choices)
    team = models.ForeignKey(
        Team, on_delete=models.CASCADE, related_name="shifts", verbose_name=_("team")
    )

    class Meta:
        ordering = ["day", "section", "shift"]
        verbose_name = _("duty shift")
        verbose_name_plural = _("duty shifts")
        constraints = [
            models.UniqueConstraint(fields=["section", "day", "shift"], name="shift_once"),
        ]

    def __str__(self) -> str:
        return f"{self.section} {self.day} {self.shift}"


class CampaignTask(AreaScoped):
    """A task of a campaign for a grid or for one member or person, with a due day."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("campaign")
    )
    grid = models.ForeignKey(
        "grids.Grid",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("grid"),
    )
    member = models.ForeignKey(
        "party.Member",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Party member"),
    )
    person = models.ForeignKey(
        "grids.Person",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("person"),
    )
    text = models.CharField(_("task"), max_length=300)
    due_on = models.DateField(_("due"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # Marked done by the member it was given to (or one of the grid's), or by staff.
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_note = models.CharField(_("what was done"), max_length=500, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("campaign task")
        verbose_name_plural = _("campaign tasks")
        indexes = [
            models.Index(fields=["member", "done_at"], name="campaigntask_member_idx"),
            models.Index(fields=["grid", "done_at"], name="campaigntask_grid_idx"),
        ]

    def __str__(self) -> str:
        return self.text[:40]


class Turnout(AreaScoped):
    """One turn-out (出勤): who served (a member or a person), on which day, how long, in which
    team and on which section. ``area`` is where the work was (the section's village, else the
    team's front-line village, else the worker's own); ``home_code`` is the worker's village.
    Stored once per worker, day and section."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="turnouts", verbose_name=_("campaign")
    )
    member = models.ForeignKey(
        "party.Member",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Party member"),
    )
    person = models.ForeignKey(
        "grids.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("person"),
    )
    home_code = models.CharField(_("home village"), max_length=12, db_index=True)
    team = models.ForeignKey(
        Team,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="turnouts",
        verbose_name=_("team"),
    )
    section = models.ForeignKey(
        DikeSection,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="turnouts",
        verbose_name=_("section"),
    )
    day = models.DateField(_("day"))
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=1)
    task = models.CharField(_("task"), max_length=200, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    self_reported = models.BooleanField(_("recorded by the worker"), default=False)
    # Optimistic lock: a correction names the version it read; a stale one is refused.
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["-day", "-id"]
        verbose_name = _("turn-out")
        verbose_name_plural = _("turn-outs")
        indexes = [
            models.Index(fields=["campaign", "area_code", "day"], name="turnout_campaign_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(member__isnull=True) ^ models.Q(person__isnull=True),
                name="turnout_member_or_person",
            ),
            models.CheckConstraint(
                condition=models.Q(hours__gt=0, hours__lte=24), name="turnout_hours_in_day"
            ),
            models.UniqueConstraint(
                fields=["campaign", "member", "day", "section"],
                condition=models.Q(member__isnull=False, section__isnull=False),
                name="turnout_member_day_section",
            ),
            models.UniqueConstraint(
                fields=["campaign", "member", "day"],
                condition=models.Q(member__isnull=False, section__isnull=True),
                name="turnout_member_day",
            ),
            models.UniqueConstraint(
                fields=["campaign", "person", "day", "section"],
                condition=models.Q(person__isnull=False, section__isnull=False),
                name="turnout_person_day_section",
            ),
            models.UniqueConstraint(
                fields=["campaign", "person", "day"],
                condition=models.Q(person__isnull=False, section__isnull=True),
                name="turnout_person_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.member_id or self.person_id}"

    @property
    def worker(self):
        return self.member if self.member_id else self.person


# Kinds whose members log patrols and incidents (the duty kinds, and flood's incidents).
LOG_KINDS = frozenset({*DUTY_KINDS, CampaignKind.FLOOD})


# --- Epidemic control (S10): returnees, their tests, quarantines and daily follow-ups ---------


class RiskLevel(models.TextChoices):
    LOW = "low", _("Low risk")
    MEDIUM = "medium", _("Medium risk")
    HIGH = "high", _("High risk")


class ReturneeChannel(models.TextChoices):
    MEMBER = "member", _("Registered by a grid member")
    PUBLIC_QR = "public_qr", _("Registered by the resident (QR form)")


class Returnee(AreaScoped, Timestamped):
    """A person back from elsewhere during an epidemic campaign (返乡人员); ``area`` is the
    grid's. The phone is encrypted like households'; lists show the masked form."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="returnees", verbose_name=_("campaign")
    )
    grid = models.ForeignKey(
        "grids.Grid", on_delete=models.PROTECT, related_name="+", verbose_name=_("grid")
    )
    name = models.CharField(_("name"), max_length=50)
    phone = EncryptedTextField(_("phone"), blank=True, default="")
    phone_masked = models.CharField(_("phone"), max_length=20, blank=True, default="")
    origin = models.CharField(_("coming from"), max_length=100)
    risk = models.CharField(_("risk level of the origin"), max_length=10, choices=RiskLevel.choices)
    arrived_on = models.DateField(_("arrival date"))
    household = models.ForeignKey(
        "households.Household",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("household"),
    )
    channel = models.CharField(
        _("registered by"),
        max_length=10,
        choices=ReturneeChannel.choices,
        default=ReturneeChannel.MEMBER,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-arrived_on", "-id"]
        verbose_name = _("returnee")
        verbose_name_plural = _("returnees")
        indexes = [
            models.Index(fields=["campaign", "grid", "arrived_on"], name="returnee_grid_day_idx"),
        ]

    def __str__(self) -> str:
        return self.name


class LabOutcome(models.TextChoices):
    PENDING = "pending", _("Awaiting result")
    NEGATIVE = "negative", _("Negative")
    POSITIVE = "positive", _("Positive")


class LabResult(models.Model):
    """A nucleic-acid test of a returnee (核酸检测)."""

    returnee = models.ForeignKey(
        Returnee, on_delete=models.CASCADE, related_name="tests", verbose_name=_("returnee")
    )
    tested_on = models.DateField(_("test date"))
    result = models.CharField(_("result"), max_length=10, choices=LabOutcome.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["-tested_on", "-id"]
        verbose_name = _("test result")
        verbose_name_plural = _("test results")
        indexes = [models.Index(fields=["result", "tested_on"], name="labresult_result_idx")]

    def __str__(self) -> str:
        return f"{self.tested_on} {self.get_result_display()}"


class QuarantineKind(models.TextChoices):
    HOME = "home", _("Home quarantine")
    MEDICAL = "medical", _("Medical observation")


class Quarantine(models.Model):
    """Home quarantine or medical observation (居家隔离/医学观察): a follow-up is due each day
    from the first to the last day."""

    returnee = models.ForeignKey(
        Returnee, on_delete=models.CASCADE, related_name="quarantines", verbose_name=_("returnee")
    )
    kind = models.CharField(
        _("kind"), max_length=10, choices=QuarantineKind.choices, default=QuarantineKind.HOME
    )
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("quarantine")
        verbose_name_plural = _("quarantines")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="quarantine_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["starts_on", "ends_on"], name="quarantine_period_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.starts_on}–{self.ends_on}"


class FollowUp(models.Model):
    """The day's follow-up of someone in quarantine (随访): temperature and how they are."""

    quarantine = models.ForeignKey(
        Quarantine,
        on_delete=models.CASCADE,
        related_name="follow_ups",
        verbose_name=_("quarantine"),
    )
    day = models.DateField(_("day"))
    temperature = models.DecimalField(
        _("temperature (°C)"), max_digits=3, decimal_places=1, null=True, blank=True
    )
    condition = models.CharField(_("condition"), max_length=200, blank=True)
    member = models.ForeignKey(
        "party.Member",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["-day", "-id"]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        constraints = [
            models.UniqueConstraint(fields=["quarantine", "day"], name="followup_once_a_day"),
        ]
        indexes = [models.Index(fields=["day", "quarantine"], name="followup_day_idx")]

    def __str__(self) -> str:
        return f"{self.quarantine_id} {self.day}"


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
