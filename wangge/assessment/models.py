"""Assessment (S11), the judgement layer: duty lists, scores computed from the service record,
admonishment below the threshold, the five-star rating and the public member page (三亮).

It reads the record (visits, requests, campaigns …); nothing in the record reads it.
"""

# --- duties, scores and admonishment (S11) ----------------------------------------------

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wangge.core.models import AreaScoped, Timestamped


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
