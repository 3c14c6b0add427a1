"""Residents' requests (群众诉求, S7): a request, its categories and its timeline.

The timeline (``AppealEvent``) is the record: every intake, transition, rating, reopening,
escalation and supervision notice is one row with who, when, the states before and after,
the grid level after it and the deadline that applied. Metrics (response, resolution and
satisfaction rates, time to resolve, escalation share) are computed from these rows; the
columns on ``Appeal`` (``accepted_at``, ``rating``…) are a denormalised copy for lists.

Reading the timeline for metrics:

- first receiver (首接): the ``created`` row's ``grid`` and ``assignee_member``;
- responded in time (响应): the first ``accepted`` row's ``at`` ≤ the ``created`` row's
  ``due_at`` (the same value as ``Appeal.accept_due_at``);
- resolved (解决), in time: a ``resolved`` row; ``at`` ≤ that row's ``due_at``;
- satisfaction (满意): ``rated`` rows' ``rating`` (the last one per request is the verdict;
  an ``unsatisfied`` first rating is followed by ``reopened`` and usually ``escalated``);
- escalations (上报): ``escalated`` rows, ``automatic`` when the time limit passed (or the
  resident's rating caused it), with the ``level`` reached; ``supervision`` rows are the
  top-level overdue notices;
- time to resolve: first ``resolved`` row's ``at`` − ``created`` row's ``at``.

Every row carries ``area_code``/``township_code`` for scoped counts and ``actor``/
``actor_kind`` (user, resident or system) for who did it.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wangge.core.crypto import EncryptedTextField
from wangge.core.models import AreaScoped


class Channel(models.TextChoices):
    MEMBER = "member", _("Recorded by a Party member")
    PUBLIC_QR = "public_qr", _("Grid QR code")
    PHONE_LINE = "phone_line", _("Township phone line")
    VISIT = "visit", _("During a visit")


class State(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    IN_PROGRESS = "in_progress", _("In progress")
    RESOLVED = "resolved", _("Resolved")
    RATED = "rated", _("Rated")
    CLOSED = "closed", _("Closed")


# States in which the request is still someone's work (a deadline runs).
OPEN_STATES = (State.SUBMITTED, State.ACCEPTED, State.IN_PROGRESS)


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    BASICALLY = "basically", _("Basically satisfied")
    UNSATISFIED = "unsatisfied", _("Unsatisfied")


class EventKind(models.TextChoices):
    CREATED = "created", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    STARTED = "started", _("Work started")
    RESOLVED = "resolved", _("Resolved")
    RATED = "rated", _("Rated")
    REOPENED = "reopened", _("Reopened")
    ESCALATED = "escalated", _("Escalated")
    SUPERVISION = "supervision", _("Supervision notice")
    CLOSED = "closed", _("Closed")
    NOTE = "note", _("Note")


class ActorKind(models.TextChoices):
    USER = "user", _("Staff or member")
    RESIDENT = "resident", _("Resident")
    SYSTEM = "system", _("System")


class Category(models.Model):
    """A kind of request with its time limits, per township (each township edits its own).

    Deadlines: ``accept_hours`` counts working time (Monday–Friday, around the clock) unless
    the category is urgent, when it counts every hour; ``resolve_working_days`` counts
    Monday–Friday days from intake. Public holidays are not modelled (kept simple on purpose).
    """

    township = models.ForeignKey(
        "regions.Region", on_delete=models.CASCADE, related_name="+", verbose_name=_("township")
    )
    slug = models.SlugField(max_length=40)
    name = models.CharField(_("name"), max_length=50)
    name_en = models.CharField(_("English name"), max_length=80, blank=True)
    accept_hours = models.PositiveSmallIntegerField(_("accept within (hours)"), default=24)
    resolve_working_days = models.PositiveSmallIntegerField(
        _("resolve within (working days)"), default=5
    )
    urgent = models.BooleanField(_("urgent"), default=False)
    active = models.BooleanField(_("in use"), default=True)
    sort = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["township", "sort", "slug"]
        verbose_name = _("request category")
        verbose_name_plural = _("request categories")
        constraints = [
            models.UniqueConstraint(fields=["township", "slug"], name="category_slug_per_township"),
            models.CheckConstraint(
                condition=models.Q(accept_hours__gte=1) & models.Q(resolve_working_days__gte=1),
                name="category_limits_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def label(self, language: str) -> str:
        return self.name_en if language == "en" and self.name_en else self.name


class Appeal(AreaScoped):
    """One resident's request. ``area`` is the household's area, or the grid's for the public."""

    ticket = models.CharField(_("ticket number"), max_length=16, unique=True, editable=False)
    household = models.ForeignKey(
        "households.Household",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="requests",
        verbose_name=_("household"),
    )
    # The grid handling it now; escalation moves it up the chain (level follows).
    grid = models.ForeignKey(
        "grids.Grid",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="requests",
        verbose_name=_("grid"),
    )
    level = models.PositiveSmallIntegerField(_("grid level"), null=True, blank=True)
    origin_level = models.PositiveSmallIntegerField(_("first grid level"), null=True, blank=True)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="requests", verbose_name=_("category")
    )
    text = models.TextField(_("request"), max_length=2000)
    address = models.CharField(_("address or villager group"), max_length=200, blank=True)
    contact_name = models.CharField(_("contact name"), max_length=50)
    contact_phone = EncryptedTextField(_("contact phone"), blank=True, default="")
    contact_phone_masked = models.CharField(
        _("contact phone"), max_length=20, blank=True, default=""
    )
    # Keyed hash of the phone: the public tracking page matches ticket + phone through it.
    blind_index = models.CharField(max_length=40, blank=True, default="", editable=False)
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    state = models.CharField(
        _("state"), max_length=12, choices=State.choices, default=State.SUBMITTED
    )
    urgent = models.BooleanField(_("urgent"), default=False)
    assignee_member = models.ForeignKey(
        "party.Member",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_requests",
        verbose_name=_("responsible member"),
    )
    assignee_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_requests",
        verbose_name=_("responsible user"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    # Deadlines set at intake (kept for metrics), and the one the escalation job watches now
    # (null when no deadline runs: settled, or overdue at the top level and already noticed).
    accept_due_at = models.DateTimeField(_("accept by"))
    resolve_due_at = models.DateTimeField(_("resolve by"))
    due_at = models.DateTimeField(_("current deadline"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    rated_at = models.DateTimeField(_("rated"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    rating = models.CharField(_("rating"), max_length=12, choices=Rating.choices, blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    escalation_count = models.PositiveSmallIntegerField(_("times escalated"), default=0)
    idempotency_key = models.CharField(
        max_length=64, null=True, blank=True, unique=True, editable=False
    )
    photo = models.FileField(_("photo"), upload_to="appeals/%Y/%m/", blank=True)
    created_at = models.DateTimeField(_("submitted"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("resident request")
        verbose_name_plural = _("resident requests")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level__isnull=True) | models.Q(level__gte=1, level__lte=4),
                name="request_level_1_to_4",
            ),
            models.CheckConstraint(
                condition=models.Q(reopen_count__lte=1), name="request_reopened_at_most_once"
            ),
        ]
        indexes = [
            models.Index(fields=["township_code", "-created_at"], name="request_township_idx"),
            # The dashboard's counts per state and this year's: read from the index alone.
            models.Index(
                fields=["area_code", "state", "created_at"], name="request_area_state_at_idx"
            ),
            models.Index(fields=["assignee_member", "state"], name="request_assignee_idx"),
            models.Index(fields=["assignee_user", "state"], name="request_assignee_user_idx"),
            models.Index(fields=["state", "due_at"], name="request_due_idx"),
            models.Index(fields=["grid", "state"], name="request_grid_state_idx"),
            models.Index(fields=["blind_index"], name="request_blind_index_idx"),
        ]

    def __str__(self) -> str:
        return self.ticket

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


class AppealEvent(models.Model):
    """One row of a request's timeline; never edited. Area codes are copied for scoped counts."""

    appeal = models.ForeignKey(
        Appeal, on_delete=models.CASCADE, related_name="events", verbose_name=_("request")
    )
    kind = models.CharField(_("what"), max_length=12, choices=EventKind.choices)
    from_state = models.CharField(_("from"), max_length=12, choices=State.choices, blank=True)
    to_state = models.CharField(_("to"), max_length=12, choices=State.choices, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    actor_kind = models.CharField(
        _("who"), max_length=10, choices=ActorKind.choices, default=ActorKind.USER
    )
    at = models.DateTimeField(_("when"))
    note = models.TextField(_("note"), blank=True)
    # Grid level and grid after the event (escalations change them).
    level = models.PositiveSmallIntegerField(_("grid level"), null=True, blank=True)
    grid = models.ForeignKey(
        "grids.Grid", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    assignee_member = models.ForeignKey(
        "party.Member", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The deadline that applied to this step (created: accept by; accepted: resolve by).
    due_at = models.DateTimeField(_("deadline"), null=True, blank=True)
    rating = models.CharField(_("rating"), max_length=12, choices=Rating.choices, blank=True)
    automatic = models.BooleanField(_("automatic"), default=False)
    area_code = models.CharField(max_length=18, db_index=True, editable=False)
    township_code = models.CharField(max_length=9, editable=False)
    # The rates' per-row tests, stored: kept by database triggers from the request's other rows
    # (``appeals/summary.py``), never written by the app. ``db_default`` lets plain SQL insert
    # rows without naming them; the trigger fills them in the same statement.
    # On ``created`` rows: the request has an ``accepted`` row at or before this row's due_at.
    accepted_in_time = models.BooleanField(default=False, db_default=False, editable=False)
    # On ``created`` rows: the request has an ``escalated`` row.
    escalated = models.BooleanField(default=False, db_default=False, editable=False)
    # On ``rated`` rows: no later ``rated`` row of the request (by at, then id): the rating
    # that stands.
    standing = models.BooleanField(default=False, db_default=False, editable=False)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("request event")
        verbose_name_plural = _("request events")
        indexes = [
            models.Index(fields=["appeal", "at"], name="requestevent_request_at_idx"),
            # A request's events of one kind (accepted in time, escalated, a later rating):
            # the rates' per-row tests answered from the index alone.
            models.Index(
                fields=["appeal", "kind", "at", "id"], name="requestevent_request_kind_idx"
            ),
            # One kind's events under an area in a period (the rates' row sets), with the
            # stored answers the rates count, so they are counted from the index alone.
            models.Index(
                fields=[
                    "kind",
                    "area_code",
                    "at",
                    "accepted_in_time",
                    "escalated",
                    "standing",
                    "rating",
                ],
                name="requestevent_kind_area_rates",
            ),
            models.Index(
                fields=["township_code", "kind", "at"], name="requestevent_township_kind_idx"
            ),
            models.Index(fields=["actor", "kind", "at"], name="requestevent_actor_kind_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.appeal_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"
