"""Party organisations, members and their positions."""

import datetime

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wangge.core.crypto import EncryptedTextField
from wangge.core.identity import age_on
from wangge.core.models import AreaScoped, Timestamped


class OrgKind(models.TextChoices):
    COMMITTEE = "committee", _("Township Party committee")
    GENERAL_BRANCH = "general_branch", _("General branch")
    BRANCH = "branch", _("Branch")
    PARTY_GROUP = "party_group", _("Party group")
    COUNCIL = "council", _("Council")


class OrgCategory(models.TextChoices):
    VILLAGE = "village", _("Village")
    TOWNSHIP_ORGAN = "township_organ", _("Township organ")
    OTHER = "other", _("Other")


class Organisation(AreaScoped):
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=OrgKind.choices)
    category = models.CharField(
        _("category"), max_length=20, choices=OrgCategory.choices, default=OrgCategory.VILLAGE
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent organisation"),
    )

    class Meta:
        ordering = ["area_code", "name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(
                fields=["area", "name"], name="organisation_unique_name_in_area"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Gender(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class Member(AreaScoped, Timestamped):
    """A Party member. ``area`` is the home area; the organisation is the branch."""

    name = models.CharField(_("name"), max_length=50)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    birth_date = models.DateField(_("birth date"))
    id_number = EncryptedTextField(_("ID number"))
    id_hash = models.CharField(max_length=40, unique=True, editable=False)
    id_masked = models.CharField(_("ID number"), max_length=18, editable=False)
    phone = EncryptedTextField(_("phone"), blank=True, default="")
    phone_masked = models.CharField(_("phone"), max_length=20, blank=True, default="")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="members", verbose_name=_("branch")
    )
    joined_on = models.DateField(_("joined the Party"), null=True, blank=True)
    is_mobile = models.BooleanField(_("mobile (floating) member"), default=False)
    mobile_whereabouts = models.CharField(_("where they are now"), max_length=100, blank=True)

    class Meta:
        ordering = ["area_code", "name", "id"]
        verbose_name = _("Party member")
        verbose_name_plural = _("Party members")
        indexes = [
            models.Index(fields=["organisation", "name"], name="member_org_name_idx"),
            models.Index(fields=["township_code", "birth_date"], name="member_township_birth_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def age(self, on: datetime.date | None = None) -> int:
        return age_on(self.birth_date, on or timezone.localdate())


class Position(models.Model):
    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="positions", verbose_name=_("member")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="positions",
        verbose_name=_("organisation"),
    )
    title = models.CharField(_("position"), max_length=50)

    class Meta:
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "organisation", "title"], name="position_unique"
            )
        ]

    def __str__(self) -> str:
        return self.title
