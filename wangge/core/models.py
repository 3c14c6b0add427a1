"""Abstract bases shared by the domain apps."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from wangge.regions.codes import TOWNSHIP_LENGTH


class AreaScoped(models.Model):
    """A record that lives in an area: ``area_code`` is the scope path, indexed for prefixes."""

    area = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("area")
    )
    # Denormalised from area for one-column prefix filters; the township code is the
    # future distribution key (Citus).
    area_code = models.CharField(_("area code"), max_length=18, db_index=True, editable=False)
    township_code = models.CharField(
        _("township code"), max_length=9, db_index=True, editable=False
    )

    class Meta:
        abstract = True

    def set_area(self, area) -> None:
        self.area = area
        self.area_code = area.code
        self.township_code = area.code[:TOWNSHIP_LENGTH]


class Timestamped(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Optimistic concurrency: every edit form carries the version it read.
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True


class Notification(models.Model):
    """A message to a user's in-app inbox, written by ``wangge.core.notify`` (any app may send).

    ``phone_masked`` records that a message also went to a phone (a resident), never the number.
    """

    user = models.ForeignKey(
        "accounts.User",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("user"),
    )
    member = models.ForeignKey(
        "party.Member",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("Party member"),
    )
    phone_masked = models.CharField(_("phone"), max_length=20, blank=True)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    backend = models.CharField(_("sent by"), max_length=40, blank=True)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["user", "read_at", "-created_at"], name="notification_user_idx"),
            models.Index(fields=["member", "-created_at"], name="notification_member_idx"),
        ]

    def __str__(self) -> str:
        return self.subject


class RevealPurpose(models.Model):
    """A reason a township accepts for looking at a full ID number or phone (办理低保, …).

    Each township keeps its own list, seeded with common purposes on first use; the township
    office adds and retires entries. ``code`` marks the seeded ones the product itself uses
    (``contact``: the paired member's tap to call).
    """

    township_code = models.CharField(_("township code"), max_length=9, db_index=True)
    name = models.CharField(_("purpose"), max_length=40)
    code = models.CharField(max_length=20, blank=True, editable=False)
    active = models.BooleanField(_("in use"), default=True)
    sort = models.PositiveSmallIntegerField(default=100)

    class Meta:
        verbose_name = _("reveal purpose")
        verbose_name_plural = _("reveal purposes")
        ordering = ["township_code", "sort", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["township_code", "name"], name="reveal_purpose_unique_name"
            )
        ]

    def __str__(self) -> str:
        return self.name
