"""Agency data (uploaded exports matched to households), rules as data, and the flags they raise."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wangge.core.crypto import EncryptedTextField


class SourceKind(models.TextChoices):
    MEDICAL_INSURANCE = "medical_insurance", _("Medical insurance settlements")
    CIVIL_AFFAIRS_DIBAO = "civil_affairs_dibao", _("Civil affairs: low-income (dibao) list")
    CIVIL_AFFAIRS_TEKUN = "civil_affairs_tekun", _("Civil affairs: extreme hardship list")
    DISABILITY = "disability", _("Disabled persons' federation")
    MONITORING = "monitoring", _("Rural revitalisation: monitored households")


class AgencySource(models.Model):
    """One agency export kind; remembers the column mapping last used for it."""

    kind = models.CharField(_("kind"), max_length=30, choices=SourceKind.choices, unique=True)
    name = models.CharField(_("name"), max_length=60)
    # {target field: header in the file}, saved on each commit.
    column_mapping = models.JSONField(_("column mapping"), default=dict, blank=True)

    class Meta:
        ordering = ["kind"]
        verbose_name = _("agency source")
        verbose_name_plural = _("agency sources")

    def __str__(self) -> str:
        return self.name


class BatchStatus(models.TextChoices):
    COMMITTED = "committed", _("Committed")
    ROLLED_BACK = "rolled_back", _("Rolled back")


class AgencyBatch(models.Model):
    """One uploaded file, kept with who, when and how many rows, so that it can be rolled back."""

    source = models.ForeignKey(AgencySource, on_delete=models.PROTECT, related_name="batches")
    # The area the upload was made for; matching only looks at households inside it.
    area_code = models.CharField(_("area code"), max_length=18, db_index=True)
    township_code = models.CharField(_("township code"), max_length=9, db_index=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    file_name = models.CharField(_("file name"), max_length=200)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    matched_count = models.PositiveIntegerField(_("matched"), default=0)
    unmatched_count = models.PositiveIntegerField(_("unmatched"), default=0)
    ambiguous_count = models.PositiveIntegerField(_("ambiguous"), default=0)
    status = models.CharField(
        _("status"), max_length=12, choices=BatchStatus.choices, default=BatchStatus.COMMITTED
    )
    rolled_back_at = models.DateTimeField(null=True, blank=True)
    rolled_back_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("agency batch")
        verbose_name_plural = _("agency batches")

    def __str__(self) -> str:
        return f"{self.source} · {self.file_name}"


class MatchStatus(models.TextChoices):
    MATCHED = "matched", _("Matched")
    UNMATCHED = "unmatched", _("No household with this ID number")
    AMBIGUOUS = "ambiguous", _("ID number found in more than one household")


class AgencyRecord(models.Model):
    """One row of an agency file. The typed values live in ``values``; the few a rule aggregates
    over are copied into columns so that sums and counts run in SQL."""

    batch = models.ForeignKey(AgencyBatch, on_delete=models.CASCADE, related_name="records")
    kind = models.CharField(max_length=30, choices=SourceKind.choices)
    row_number = models.PositiveIntegerField(_("row"))
    person_id_hash = models.CharField(max_length=40, db_index=True)
    person_id_number = EncryptedTextField(_("ID number"))
    person_id_masked = models.CharField(_("ID number"), max_length=18)
    person_name = models.CharField(_("name"), max_length=50, blank=True)
    household = models.ForeignKey(
        "households.Household",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agency_records",
    )
    match_status = models.CharField(_("match"), max_length=10, choices=MatchStatus.choices)
    values = models.JSONField(_("values"), default=dict)
    amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    record_date = models.DateField(null=True, blank=True)
    category = models.CharField(max_length=20, blank=True)
    # False once the batch is rolled back: kept as evidence history, ignored by rules.
    active = models.BooleanField(default=True)
    area_code = models.CharField(_("area code"), max_length=18, db_index=True)
    township_code = models.CharField(_("township code"), max_length=9)

    class Meta:
        ordering = ["batch", "row_number"]
        verbose_name = _("agency record")
        verbose_name_plural = _("agency records")
        indexes = [
            models.Index(
                fields=["township_code", "kind", "household"], name="agency_record_rule_idx"
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["batch", "row_number"], name="agency_record_row_unique")
        ]

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.row_number}"


class Rule(models.Model):
    """A named risk rule of a township; its conditions live in versions (each edit adds one)."""

    township_code = models.CharField(_("township code"), max_length=9, db_index=True)
    slug = models.SlugField(max_length=40)
    name = models.CharField(_("name"), max_length=60)
    description = models.TextField(_("description"), blank=True)
    # The household tag a flag of this rule stands for (e.g. severe_illness).
    tag_slug = models.SlugField(_("tag"), max_length=40, blank=True)
    active = models.BooleanField(_("active"), default=True)
    current = models.ForeignKey(
        "RuleVersion", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["township_code", "slug"]
        verbose_name = _("rule")
        verbose_name_plural = _("rules")
        constraints = [
            models.UniqueConstraint(fields=["township_code", "slug"], name="rule_township_slug")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def area_code(self) -> str:
        return self.township_code


class RuleVersion(models.Model):
    rule = models.ForeignKey(Rule, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    conditions = models.JSONField(_("conditions"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["rule", "-number"]
        verbose_name = _("rule version")
        verbose_name_plural = _("rule versions")
        constraints = [
            models.UniqueConstraint(fields=["rule", "number"], name="rule_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.rule} v{self.number}"


class FlagStatus(models.TextChoices):
    RAISED = "raised", _("Raised")
    ACCEPTED = "accepted", _("Accepted")
    DISMISSED = "dismissed", _("Dismissed")
    LAPSED = "lapsed", _("Lapsed (evidence gone)")


OPEN_FLAG_STATUSES = (FlagStatus.RAISED, FlagStatus.ACCEPTED)


class Flag(models.Model):
    """A rule's finding on a household, with the exact agency rows that raised it."""

    household = models.ForeignKey(
        "households.Household", on_delete=models.CASCADE, related_name="flags"
    )
    rule = models.ForeignKey(Rule, on_delete=models.PROTECT, related_name="flags")
    rule_version = models.ForeignKey(RuleVersion, on_delete=models.PROTECT, related_name="flags")
    status = models.CharField(
        _("status"), max_length=10, choices=FlagStatus.choices, default=FlagStatus.RAISED
    )
    # Sorted AgencyRecord ids; an empty list means the rule held on tags alone.
    evidence = models.JSONField(_("evidence"), default=list)
    area_code = models.CharField(_("area code"), max_length=18, db_index=True)
    township_code = models.CharField(_("township code"), max_length=9, db_index=True)
    raised_at = models.DateTimeField(_("raised"), auto_now_add=True)
    evaluated_at = models.DateTimeField(_("last evaluated"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(_("reason"), blank=True)
    lapsed_at = models.DateTimeField(_("lapsed"), null=True, blank=True)

    class Meta:
        ordering = ["-raised_at", "-id"]
        verbose_name = _("flag")
        verbose_name_plural = _("flags")
        indexes = [
            models.Index(fields=["township_code", "status"], name="flag_township_status_idx"),
            # Flags per status under an area, from the index alone (the dashboards).
            models.Index(fields=["area_code", "status"], name="flag_area_status_idx"),
        ]
        constraints = [
            # At most one open flag per household and rule: re-evaluation updates it.
            models.UniqueConstraint(
                fields=["household", "rule"],
                condition=Q(status__in=["raised", "accepted"]),
                name="flag_one_open_per_rule",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rule} · {self.household_id}"
