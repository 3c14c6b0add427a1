"""Notices out, feedback back (S12): the township or a village sends a notice to chosen
members; members write feedback, to the township or their village, that staff answer.

Whether a notice reached people is kept per recipient (``Delivery``) so that the figures per
village and grid are exact, but no page or route ever lists who has not read it (principle 4).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wangge.core.models import AreaScoped


class NoticeKind(models.TextChoices):
    NOTICE = "notice", _("Notice")
    POLICY = "policy", _("Policy to spread")
    CAMPAIGN = "campaign", _("Campaign call")


class Topic(models.TextChoices):
    POLICY = "policy", _("Policy")
    ASSISTANCE = "assistance", _("Low-income support and assistance")
    SAFETY = "safety", _("Straw burning and fire prevention")
    GRID = "grid", _("Grid work")
    LIVELIHOOD = "livelihood", _("Roads, water and daily life")
    OTHER = "other", _("Other")


class Notice(AreaScoped):
    """``area`` is where the notice was sent from and over: a township or a village."""

    title = models.CharField(_("title"), max_length=100)
    body = models.TextField(_("text"))
    kind = models.CharField(
        _("kind"), max_length=20, choices=NoticeKind.choices, default=NoticeKind.NOTICE
    )
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices, default=Topic.OTHER)
    # Urgent: a notice of a declared emergency; its text messages ignore the quiet hours.
    urgent = models.BooleanField(_("urgent (declared emergency)"), default=False)
    by_sms = models.BooleanField(_("also by text message"), default=False)
    audience = models.JSONField(_("audience"), default=dict)
    audience_label = models.CharField(_("sent to"), max_length=300)
    recipient_count = models.PositiveIntegerField(_("recipients"), default=0)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        indexes = [
            models.Index(fields=["township_code", "-sent_at"], name="notice_township_sent_idx"),
        ]

    def __str__(self) -> str:
        return self.title


class Attachment(models.Model):
    """A PDF or a picture (re-encoded) attached to a notice; served only through a scoped view."""

    notice = models.ForeignKey(
        Notice, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("notice")
    )
    file = models.FileField(_("file"), upload_to="notices/%Y/%m/")
    name = models.CharField(_("file name"), max_length=120)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField(_("size"))

    class Meta:
        ordering = ["id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name

    @property
    def is_pdf(self) -> bool:
        return self.content_type == "application/pdf"


class SmsState(models.TextChoices):
    NONE = "", _("No text message")
    HELD = "held", _("Held for the end of the quiet hours")
    SENT = "sent", _("Sent")


class Delivery(models.Model):
    """One recipient of a notice: a member (with or without an account) or a user by role.

    ``area_code`` is the recipient's area and ``grid`` the chosen grid that reached them, for
    the figures per village and grid; nothing here is shown as a list of people.
    """

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="deliveries")
    member = models.ForeignKey(
        "party.Member", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    area_code = models.CharField(max_length=18)
    grid = models.ForeignKey(
        "grids.Grid", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    delivered_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    sms = models.CharField(
        max_length=10, choices=SmsState.choices, default=SmsState.NONE, blank=True
    )

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(member__isnull=False) | models.Q(user__isnull=False),
                name="delivery_has_recipient",
            ),
            models.UniqueConstraint(
                fields=["notice", "member"],
                condition=models.Q(member__isnull=False),
                name="delivery_one_per_member",
            ),
            models.UniqueConstraint(
                fields=["notice", "user"],
                condition=models.Q(member__isnull=True),
                name="delivery_one_per_user",
            ),
        ]
        indexes = [
            models.Index(fields=["notice", "area_code"], name="delivery_notice_area_idx"),
            models.Index(fields=["member", "notice"], name="delivery_member_idx"),
            models.Index(fields=["user", "notice"], name="delivery_user_idx"),
            models.Index(fields=["sms"], name="delivery_sms_idx", condition=models.Q(sms="held")),
        ]

    def __str__(self) -> str:
        return f"{self.notice_id} · {self.area_code}"


class Addressee(models.TextChoices):
    TOWNSHIP = "township", _("The township")
    VILLAGE = "village", _("My village")


class FeedbackState(models.TextChoices):
    OPEN = "open", _("Waiting for a reply")
    ANSWERED = "answered", _("Answered")
    CONVERTED = "converted", _("Turned into a request or an opinion")
    CLOSED = "closed", _("Closed")


class Feedback(AreaScoped):
    """A member's message to the township or their village, about a notice or on their own.

    ``area`` is the addressee's (the township or the village), so a village's staff do not read
    what was written to the township; ``origin_code`` is the writer's area, for the figures by
    village.
    """

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("written by"),
    )
    author_name = models.CharField(_("written by"), max_length=50)
    origin_code = models.CharField(_("from area"), max_length=18, db_index=True)
    village_code = models.CharField(_("village"), max_length=12, blank=True, db_index=True)
    notice = models.ForeignKey(
        Notice,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="feedback",
        verbose_name=_("about the notice"),
    )
    addressed_to = models.CharField(
        _("written to"), max_length=10, choices=Addressee.choices, default=Addressee.TOWNSHIP
    )
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices, default=Topic.OTHER)
    subject = models.CharField(_("subject"), max_length=100)
    text = models.TextField(_("text"))
    state = models.CharField(
        _("state"), max_length=10, choices=FeedbackState.choices, default=FeedbackState.OPEN
    )
    appeal = models.OneToOneField(
        "appeals.Appeal",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("request"),
    )
    opinion = models.OneToOneField(
        "campaigns.Opinion",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("opinion"),
    )
    converted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    converted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("written"), default=timezone.now)
    updated_at = models.DateTimeField(_("last message"), default=timezone.now)

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        indexes = [
            models.Index(fields=["township_code", "state"], name="feedback_township_state_idx"),
            models.Index(fields=["author", "-updated_at"], name="feedback_author_idx"),
        ]

    def __str__(self) -> str:
        return self.subject


class Reply(models.Model):
    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    author_name = models.CharField(_("written by"), max_length=50)
    from_staff = models.BooleanField(default=False)
    text = models.TextField(_("reply"))
    created_at = models.DateTimeField(_("written"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("reply")
        verbose_name_plural = _("replies")

    def __str__(self) -> str:
        return self.text[:40]
