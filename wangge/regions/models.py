"""The administrative tree. A region's code is its scope path: a subtree is a code prefix."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    COUNTY = "county", _("County")
    TOWNSHIP = "township", _("Township")
    VILLAGE = "village", _("Village")
    HAMLET = "hamlet", _("Hamlet")
    GROUP = "group", _("Villager group")


LEVEL_ORDER = {level.value: depth for depth, level in enumerate(Level)}
# Code length of each level: national codes down to the village, 3 digits per level below.
LEVEL_CODE_LENGTH = {
    Level.PROVINCE: 2,
    Level.CITY: 4,
    Level.COUNTY: 6,
    Level.TOWNSHIP: 9,
    Level.VILLAGE: 12,
    Level.HAMLET: 15,
    Level.GROUP: 18,
}


class Region(models.Model):
    code = models.CharField(_("code"), max_length=18, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
    )
    # The land area, shown on the township's overview (凉泉乡: 138.52 km²).
    area_km2 = models.DecimalField(
        _("area (km²)"), max_digits=9, decimal_places=2, null=True, blank=True
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        indexes = [
            models.Index(fields=["level", "code"], name="region_level_code_idx"),
            models.Index(fields=["parent", "code"], name="region_parent_code_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def _ancestor_code(self, level: Level) -> str:
        # regions.codes imports this module: the same cut, written against the same table.
        length = LEVEL_CODE_LENGTH[level]
        return self.code[:length] if len(self.code) >= length else ""

    @property
    def township_code(self) -> str:
        return self._ancestor_code(Level.TOWNSHIP)

    @property
    def village_code(self) -> str:
        return self._ancestor_code(Level.VILLAGE)
