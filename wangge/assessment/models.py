"""Assessment (S11), the judgement layer: duty lists, scores computed from the service record,
admonishment below the threshold, the five-star rating and the public member page (三亮).

It reads the record (visits, requests, campaigns …); nothing in the record reads it.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wangge.core.models import AreaScoped

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
