"""Assessment (S11), the judgement layer: duty lists, scores computed from the service record,
admonishment below the threshold, the five-star rating and the public member page (三亮).

It reads the record (visits, requests, campaigns …); nothing in the record reads it.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wangge.core.models import AreaScoped, Timestamped

# --- Five-star rating (五星创评) and the public member page (三亮) ------------------------------


class StarKind(models.TextChoices):
    STUDY = "study", _("Study star")
    PERFORMANCE = "performance", _("Performance star")
    SERVICE = "service", _("Service star")
    DISCIPLINE = "discipline", _("Discipline star")
    INTEGRITY = "integrity", _("Integrity star")


STAR_KINDS = [k.value for k in StarKind]


class StarStep(models.TextChoices):
    SELF = "self", _("Self-evaluation")
    PEER = "peer", _("Peer evaluation")
    PUBLIC = "public", _("Public evaluation")
    PROPOSAL = "proposal", _("Branch proposal")
    APPROVAL = "approval", _("Superior approval")
    NOTICE = "notice", _("Public notice")
    FINAL = "final", _("Final")


STEP_ORDER = [s.value for s in StarStep]


class StarCriterion(models.Model):
    """What earns one star in one township's year, written by the township office."""

    township = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("township")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("star"), max_length=20, choices=StarKind.choices)
    text = models.TextField(_("criteria"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("star criteria")
        verbose_name_plural = _("star criteria")
        constraints = [
            models.UniqueConstraint(
                fields=["township", "year", "kind"], name="star_criterion_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.kind}"


class StarRound(AreaScoped):
    """One branch's five-star round in one year; ``step`` moves forward one step at a time."""

    organisation = models.ForeignKey(
        "party.Organisation",
        on_delete=models.PROTECT,
        related_name="star_rounds",
        verbose_name=_("branch"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    step = models.CharField(
        _("step"), max_length=20, choices=StarStep.choices, default=StarStep.SELF
    )
    quorum_percent = models.PositiveSmallIntegerField(
        _("peer quorum (per cent of the branch)"), default=50
    )
    notice_days = models.PositiveSmallIntegerField(_("days of public notice"), default=5)
    notice_ends = models.DateTimeField(_("public notice ends"), null=True, blank=True)
    peer_ballots = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-year", "area_code", "organisation__name"]
        verbose_name = _("five-star round")
        verbose_name_plural = _("five-star rounds")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="star_round_unique"),
            models.CheckConstraint(
                condition=models.Q(quorum_percent__gte=1, quorum_percent__lte=100),
                name="star_round_quorum_1_100",
            ),
        ]
        indexes = [models.Index(fields=["township_code", "year"], name="star_round_year_idx")]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.year}"


class StarRoundEvent(models.Model):
    """A timeline row of a round. Peer ballots never appear here (they are anonymous)."""

    round = models.ForeignKey(StarRound, on_delete=models.CASCADE, related_name="events")
    step = models.CharField(_("step"), max_length=20, choices=StarStep.choices)
    at = models.DateTimeField(_("when"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("round step")
        verbose_name_plural = _("round steps")

    def __str__(self) -> str:
        return f"{self.round_id} · {self.step}"


class StarSelf(models.Model):
    """A member's self-evaluation: the stars they tick and a short reason."""

    round = models.ForeignKey(StarRound, on_delete=models.CASCADE, related_name="self_evaluations")
    member = models.ForeignKey("party.Member", on_delete=models.CASCADE, related_name="+")
    kinds = models.JSONField(_("stars"), default=list)
    reason = models.CharField(_("reason"), max_length=500)
    at = models.DateTimeField(_("when"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "member"], name="star_self_unique")]

    def __str__(self) -> str:
        return f"{self.round_id} · {self.member_id}"


class StarPeerBallot(models.Model):
    """That someone voted in a round, and nothing else: the voter is a keyed hash (for the one
    ballot rule) and no column ties the ballot to the counts it added to, nor carries a time."""

    round = models.ForeignKey(StarRound, on_delete=models.CASCADE, related_name="+")
    voter_hash = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "voter_hash"], name="star_peer_one_ballot")
        ]

    def __str__(self) -> str:
        return f"{self.round_id} · ballot"


class StarPeerTally(models.Model):
    """Aggregate peer votes for one member's star: counts only."""

    round = models.ForeignKey(StarRound, on_delete=models.CASCADE, related_name="peer_tallies")
    member = models.ForeignKey("party.Member", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=StarKind.choices)
    votes = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["round", "member", "kind"], name="star_peer_tally_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.round_id} · {self.kind} · {self.votes}"


class PublicRating(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    BASIC = "basic", _("Fairly satisfied")
    UNSATISFIED = "unsatisfied", _("Not satisfied")


class StarPublicVote(models.Model):
    """A resident's rating from the member's public page: the phone only as a keyed hash."""

    round = models.ForeignKey(StarRound, on_delete=models.CASCADE, related_name="public_votes")
    member = models.ForeignKey("party.Member", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    phone_hash = models.CharField(max_length=64)
    rating = models.CharField(_("rating"), max_length=20, choices=PublicRating.choices)
    at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["member", "year", "phone_hash"], name="star_public_one_vote_per_phone"
            )
        ]

    def __str__(self) -> str:
        return f"{self.round_id} · {self.rating}"


class StarAward(models.Model):
    """A star the branch proposed for a member; it counts once the round is final."""

    round = models.ForeignKey(StarRound, on_delete=models.CASCADE, related_name="awards")
    member = models.ForeignKey("party.Member", on_delete=models.CASCADE, related_name="star_awards")
    year = models.PositiveSmallIntegerField()
    kind = models.CharField(_("star"), max_length=20, choices=StarKind.choices)

    class Meta:
        ordering = ["year", "member_id", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["round", "member", "kind"], name="star_award_unique")
        ]

    def __str__(self) -> str:
        return f"{self.year} · {self.member_id} · {self.kind}"


class StarObjection(models.Model):
    """An objection raised during the public notice; the round is final only once all are
    answered. The objector's phone is kept only as a keyed hash."""

    round = models.ForeignKey(StarRound, on_delete=models.CASCADE, related_name="objections")
    member = models.ForeignKey(
        "party.Member", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    text = models.TextField(_("objection"))
    phone_hash = models.CharField(max_length=64, blank=True)
    at = models.DateTimeField(_("raised"))
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.round_id} · {self.at:%Y-%m-%d}"


class Visibility(models.TextChoices):
    AUTO = "auto", _("Shown (hidden while a mobile member)")
    SHOWN = "shown", _("Shown")
    HIDDEN = "hidden", _("Hidden")


class PublicPage(models.Model):
    """A member's public page (三亮): an unguessable token, the member's own commitments and
    whether it is shown. Mobile members' pages are hidden unless they choose to show them."""

    member = models.OneToOneField(
        "party.Member", on_delete=models.CASCADE, related_name="public_page"
    )
    token = models.CharField(max_length=32, unique=True)
    visibility = models.CharField(
        _("public page"), max_length=10, choices=Visibility.choices, default=Visibility.AUTO
    )
    commitments = models.TextField(_("my commitments"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("public member page")
        verbose_name_plural = _("public member pages")

    def __str__(self) -> str:
        return f"{self.member_id} · {self.visibility}"

    def is_shown(self, member=None) -> bool:
        member = member or self.member
        if self.visibility == Visibility.AUTO:
            return not member.is_mobile
        return self.visibility == Visibility.SHOWN


# --- Duties, scores and admonishment (S11) -----------------------------------------------


class DutyList(models.Model):
    """One version of the written duties of a grid level (L1 township … L4 group) in a
    township; an edit adds a version, old versions stay."""

    township_code = models.CharField(_("township code"), max_length=9)
    level = models.PositiveSmallIntegerField(_("grid level"))
    version = models.PositiveIntegerField(_("version"))
    items = models.JSONField(_("duties"), default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["township_code", "level", "-version"]
        verbose_name = _("duty list")
        verbose_name_plural = _("duty lists")
        constraints = [
            models.UniqueConstraint(
                fields=["township_code", "level", "version"], name="dutylist_unique_version"
            ),
            models.CheckConstraint(
                condition=models.Q(level__gte=1, level__lte=4), name="dutylist_level_1_4"
            ),
        ]

    def __str__(self) -> str:
        return f"L{self.level} v{self.version}"


class Scheme(models.Model):
    """One version of a township's scoring scheme (量化考核细则): indicators with weights that
    sum to 100, the threshold below which a talk opens, and the rules around it."""

    township_code = models.CharField(_("township code"), max_length=9)
    version = models.PositiveIntegerField(_("version"))
    threshold = models.DecimalField(_("talk below"), max_digits=5, decimal_places=1, default=80)
    repeat_days = models.PositiveSmallIntegerField(
        _("a second talk within (days) is an admonition talk"), default=365
    )
    commended_size = models.PositiveSmallIntegerField(_("size of the commended list"), default=10)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["township_code", "-version"]
        verbose_name = _("scoring scheme")
        verbose_name_plural = _("scoring schemes")
        constraints = [
            models.UniqueConstraint(
                fields=["township_code", "version"], name="scheme_unique_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.township_code} v{self.version}"


class Indicator(models.Model):
    """An indicator of a scheme version: ``key`` names a function of the registry
    (``wangge.assessment.scoring``) or one of the inspectors' entered indicators."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="indicators")
    key = models.CharField(_("indicator"), max_length=40)
    weight = models.PositiveSmallIntegerField(_("weight"))
    sort = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["scheme", "sort", "id"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.UniqueConstraint(fields=["scheme", "key"], name="indicator_once_per_scheme")
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.weight}"


class SubjectKind(models.TextChoices):
    MEMBER = "member", _("Grid worker")
    GRID = "grid", _("Grid")


class Score(AreaScoped):
    """A period's score of a grid worker or of a grid, with the scheme version it was computed
    with; ``lines`` holds each indicator's value, points and counts (the drill-down reads the
    records again from the registry)."""

    period_key = models.CharField(_("period"), max_length=10)
    period_kind = models.CharField(_("period kind"), max_length=10)
    subject_kind = models.CharField(_("subject"), max_length=10, choices=SubjectKind.choices)
    member = models.ForeignKey(
        "party.Member", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    grid = models.ForeignKey(
        "grids.Grid", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="+")
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=1)
    below_threshold = models.BooleanField(_("below the threshold"), default=False)
    lines = models.JSONField(default=list)
    computed_at = models.DateTimeField(_("computed"))

    class Meta:
        ordering = ["period_key", "area_code", "id"]
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(
                fields=["period_key", "member"],
                condition=models.Q(member__isnull=False),
                name="score_member_once",
            ),
            models.UniqueConstraint(
                fields=["period_key", "grid"],
                condition=models.Q(grid__isnull=False),
                name="score_grid_once",
            ),
        ]
        indexes = [
            models.Index(fields=["township_code", "period_key"], name="score_township_period_idx")
        ]

    def __str__(self) -> str:
        return f"{self.period_key} {self.score}"


class ScoreApproval(AreaScoped):
    """A village's (then the township's) approval of a period's scores: it locks them."""

    period_key = models.CharField(_("period"), max_length=10)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved"))

    class Meta:
        ordering = ["period_key", "area_code"]
        verbose_name = _("approval of scores")
        verbose_name_plural = _("approvals of scores")
        constraints = [models.UniqueConstraint(fields=["period_key", "area"], name="approval_once")]

    def __str__(self) -> str:
        return f"{self.period_key} {self.area_code}"


class InspectorEntry(AreaScoped):
    """An inspector's mark (0–100) on an entered indicator for a member and period, with a
    note of what was heard or checked; ``area`` is the member's."""

    member = models.ForeignKey("party.Member", on_delete=models.CASCADE, related_name="+")
    period_key = models.CharField(_("period"), max_length=10)
    key = models.CharField(_("indicator"), max_length=40)
    mark = models.PositiveSmallIntegerField(_("mark (0–100)"))
    note = models.TextField(_("note"))
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    entered_at = models.DateTimeField(_("entered"))

    class Meta:
        ordering = ["period_key", "member", "key"]
        verbose_name = _("inspector's mark")
        verbose_name_plural = _("inspectors' marks")
        constraints = [
            models.UniqueConstraint(fields=["member", "period_key", "key"], name="entry_once"),
            models.CheckConstraint(condition=models.Q(mark__lte=100), name="entry_mark_max_100"),
        ]

    def __str__(self) -> str:
        return f"{self.period_key} {self.key} {self.mark}"


class TalkKind(models.TextChoices):
    TALK = "talk", _("Talk (约谈)")
    ADMONITION = "admonition", _("Admonition talk (诫勉谈话)")


class TalkStatus(models.TextChoices):
    OPEN = "open", _("To hold")
    DONE = "done", _("Done")


class Talk(AreaScoped, Timestamped):
    """A talk with a member whose score fell under the threshold, in the discipline
    committee's queue; tracked to done with the date, who held it, notes and the outcome."""

    member = models.ForeignKey("party.Member", on_delete=models.CASCADE, related_name="+")
    # The computation unlinks a talk before it replaces the period's scores (so that they can
    # be deleted in one statement); the talk keeps the score's value.
    score = models.OneToOneField(
        Score, on_delete=models.DO_NOTHING, null=True, blank=True, related_name="talk"
    )
    period_key = models.CharField(_("period"), max_length=10)
    score_value = models.DecimalField(_("score"), max_digits=5, decimal_places=1)
    kind = models.CharField(_("kind"), max_length=12, choices=TalkKind.choices)
    status = models.CharField(
        _("status"), max_length=8, choices=TalkStatus.choices, default=TalkStatus.OPEN
    )
    held_on = models.DateField(_("held on"), null=True, blank=True)
    held_by = models.CharField(_("held by"), max_length=100, blank=True)
    notes = models.TextField(_("internal notes"), blank=True)
    outcome = models.TextField(_("outcome of the talk"), blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["status", "-created_at", "-id"]
        verbose_name = _("talk")
        verbose_name_plural = _("talks")
        constraints = [
            models.UniqueConstraint(fields=["member", "period_key"], name="talk_once_per_period"),
            models.CheckConstraint(
                condition=~models.Q(status="done") | ~models.Q(outcome=""),
                name="talk_done_has_outcome",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.period_key}"
