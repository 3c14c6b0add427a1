"""Abstract bases shared by the domain apps."""

from django.db import models
from django.utils.translation import gettext_lazy as _


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
        self.township_code = area.code[:9]


class Timestamped(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Optimistic concurrency: every edit form carries the version it read.
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True
