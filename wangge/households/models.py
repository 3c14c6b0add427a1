"""Households, their residents and tags."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from wangge.core.crypto import EncryptedTextField
from wangge.core.models import AreaScoped, Timestamped


class TagKind(models.TextChoices):
    TYPE = "type", _("Household type")
    STATUS = "status", _("Status")


class Tag(models.Model):
    """Configurable household tags, seeded with the report's six types and status flags."""

    slug = models.SlugField(max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=40)
    name_en = models.CharField(_("English name"), max_length=60, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=TagKind.choices)
    # Status tags mark sensitive personal information (PIPL art. 28).
    sensitive = models.BooleanField(_("sensitive"), default=False)
    # Key tags: every such household must have a paired member.
    is_key = models.BooleanField(_("key household type"), default=False)
    sort = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["kind", "sort", "slug"]
        verbose_name = _("household tag")
        verbose_name_plural = _("household tags")

    def __str__(self) -> str:
        return self.name

    def label(self, language: str) -> str:
        return self.name_en if language == "en" and self.name_en else self.name


class Household(AreaScoped, Timestamped):
    head_name = models.CharField(_("head of household"), max_length=50)
    head_id_number = EncryptedTextField(_("head's ID number"))
    head_id_hash = models.CharField(max_length=40, unique=True, editable=False)
    head_id_masked = models.CharField(_("head's ID number"), max_length=18, editable=False)
    address = models.CharField(_("address"), max_length=200)
    phone = EncryptedTextField(_("phone"), blank=True, default="")
    phone_masked = models.CharField(_("phone"), max_length=20, blank=True, default="")
    size = models.PositiveSmallIntegerField(_("people"), default=1)
    tags = models.ManyToManyField(
        Tag, blank=True, related_name="households", verbose_name=_("tags")
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["area_code", "head_name", "id"]
        verbose_name = _("household")
        verbose_name_plural = _("households")
        indexes = [
            models.Index(fields=["township_code", "area_code"], name="household_township_area_idx"),
            models.Index(fields=["head_name", "address"], name="household_head_address_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.head_name} ({self.address})"


class Resident(Timestamped):
    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="residents", verbose_name=_("household")
    )
    name = models.CharField(_("name"), max_length=50)
    relation = models.CharField(_("relation to head"), max_length=20)
    id_number = EncryptedTextField(_("ID number"), blank=True, default="")
    id_hash = models.CharField(max_length=40, null=True, blank=True, unique=True, editable=False)
    id_masked = models.CharField(_("ID number"), max_length=18, blank=True, editable=False)

    class Meta:
        ordering = ["household", "id"]
        verbose_name = _("resident")
        verbose_name_plural = _("residents")

    def __str__(self) -> str:
        return self.name
