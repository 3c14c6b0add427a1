"""Import jobs: one uploaded registry file and what importing it did."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportJob(models.Model):
    """One uploaded registry file and what importing it did; progress is written as it runs."""

    class Kind(models.TextChoices):
        MEMBERS = "members", _("Party members")
        HOUSEHOLDS = "households", _("Households")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        VALIDATING = "validating", _("Checking rows")
        COMMITTING = "committing", _("Saving")
        DONE = "done", _("Finished")
        FAILED = "failed", _("Failed")

    MAX_STORED_ERRORS = 1000

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    file = models.CharField(_("stored file"), max_length=255)
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    user = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.QUEUED
    )
    partial = models.BooleanField(_("import only the good rows"), default=False)
    committed = models.BooleanField(_("imported"), default=False)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows checked"), default=0)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    error_rows = models.PositiveIntegerField(_("rows with errors"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    message = models.TextField(_("message"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    # Written with each progress step: a running job whose heartbeat is old lost its worker
    # (killed, machine restarted) and is run again (``import_jobs_resume``).
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        # Created by the core app's first migration; moved here without touching the table.
        db_table = "core_importjob"
        ordering = ["-created_at", "-id"]
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        indexes = [models.Index(fields=["user", "-created_at"], name="importjob_user_created_idx")]

    def __str__(self) -> str:
        return f"{self.kind} {self.original_name} ({self.status})"

    @property
    def running(self) -> bool:
        return self.status in {self.Status.QUEUED, self.Status.VALIDATING, self.Status.COMMITTING}

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 0
        return min(100, round(100 * self.processed_rows / self.total_rows))

    @property
    def good_rows(self) -> int:
        return max(0, self.total_rows - self.error_rows)
