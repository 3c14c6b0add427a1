"""Grid layers: each a partition of the territory for one purpose (S4)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from wangge.core.crypto import EncryptedTextField
from wangge.core.models import AreaScoped, Timestamped


class GridLayer(models.Model):
    slug = models.SlugField(max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=50)
    name_en = models.CharField(_("English name"), max_length=80, blank=True)
    # Households per grid the layer aims at; coverage flags grids far from it.
    target_size = models.PositiveIntegerField(_("target households per grid"), default=30)
    has_levels = models.BooleanField(_("four-level service grid"), default=False)
    sort = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort", "slug"]
        verbose_name = _("grid layer")
        verbose_name_plural = _("grid layers")

    def __str__(self) -> str:
        return self.name

    def label(self, language: str) -> str:
        return self.name_en if language == "en" and self.name_en else self.name


class Grid(AreaScoped, Timestamped):
    """One grid. ``area`` is the unit it lives in (village, hamlet or group); it may span more."""

    layer = models.ForeignKey(
        GridLayer, on_delete=models.PROTECT, related_name="grids", verbose_name=_("layer")
    )
    name = models.CharField(_("name"), max_length=100)
    level = models.PositiveSmallIntegerField(_("level"), null=True, blank=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("grid above"),
    )
    responsible = models.ForeignKey(
        "party.Member",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="grids_responsible",
        verbose_name=_("first responsible person"),
    )
    extra_areas = models.ManyToManyField(
        "regions.Region", blank=True, related_name="+", verbose_name=_("further areas")
    )
    qr_key = models.CharField(max_length=24, unique=True, null=True, blank=True, editable=False)

    class Meta:
        ordering = ["layer__sort", "area_code", "level", "name"]
        verbose_name = _("grid")
        verbose_name_plural = _("grids")
        indexes = [
            models.Index(fields=["layer", "area_code"], name="grid_layer_area_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level__isnull=True) | models.Q(level__gte=1, level__lte=4),
                name="grid_level_1_to_4",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class GridMember(models.Model):
    grid = models.ForeignKey(Grid, on_delete=models.CASCADE, related_name="memberships")
    member = models.ForeignKey(
        "party.Member", on_delete=models.CASCADE, related_name="grid_memberships"
    )
    duty = models.CharField(_("duty"), max_length=50, blank=True)
    # Level 1 only: the member sits on the township's leadership (班子成员).
    township_leader = models.BooleanField(_("township leadership (班子成员)"), default=False)

    class Meta:
        verbose_name = _("grid member")
        verbose_name_plural = _("grid members")
        constraints = [
            models.UniqueConstraint(fields=["grid", "member"], name="grid_member_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.grid} · {self.member}"


class GridHousehold(models.Model):
    """A household's place in one layer: the constraint makes it exactly one grid per layer."""

    layer = models.ForeignKey(GridLayer, on_delete=models.CASCADE, related_name="+")
    grid = models.ForeignKey(Grid, on_delete=models.CASCADE, related_name="assignments")
    household = models.ForeignKey(
        "households.Household", on_delete=models.CASCADE, related_name="grid_assignments"
    )

    class Meta:
        verbose_name = _("household in grid")
        verbose_name_plural = _("households in grids")
        constraints = [
            models.UniqueConstraint(
                fields=["layer", "household"], name="household_one_grid_per_layer"
            ),
        ]
        indexes = [models.Index(fields=["grid", "household"], name="gridhousehold_grid_idx")]

    def __str__(self) -> str:
        return f"{self.grid} · {self.household_id}"


class Person(AreaScoped, Timestamped):
    """Someone who serves without being (or as well as being) a Party member: grid rosters,
    councils, teams and campaign rosters name them. No ID number: no duty here needs one."""

    name = models.CharField(_("name"), max_length=50)
    phone = EncryptedTextField(_("phone"), blank=True, default="")
    phone_masked = models.CharField(_("phone"), max_length=20, blank=True, default="")
    household = models.ForeignKey(
        "households.Household",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("household"),
    )
    member = models.ForeignKey(
        "party.Member",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Party member"),
    )
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["area_code", "name", "id"]
        verbose_name = _("person who serves")
        verbose_name_plural = _("people who serve")
        indexes = [models.Index(fields=["township_code", "area_code"], name="person_area_idx")]

    def __str__(self) -> str:
        return self.name


class GridPerson(models.Model):
    """A person who is not (or not only) recorded as a member, on a grid's roster with a duty:
    the villager-group leader (村民组长) on a level-3 grid, a volunteer, a cleaner."""

    grid = models.ForeignKey(Grid, on_delete=models.CASCADE, related_name="person_roles")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="grid_roles")
    duty = models.CharField(_("duty"), max_length=50, blank=True)

    class Meta:
        ordering = ["grid", "id"]
        verbose_name = _("person on a grid")
        verbose_name_plural = _("people on grids")
        constraints = [
            models.UniqueConstraint(fields=["grid", "person"], name="grid_person_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.grid} · {self.person_id}"


class CouncilSeat(models.Model):
    """One seat on a council's roster (环境理事会, 五老议事会): a person or a member, with a role.
    The council is a ``party.Organisation`` of kind council; its area scopes the seat."""

    council = models.ForeignKey(
        "party.Organisation",
        on_delete=models.CASCADE,
        related_name="seats",
        verbose_name=_("council"),
    )
    person = models.ForeignKey(
        Person,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="council_seats",
        verbose_name=_("person"),
    )
    member = models.ForeignKey(
        "party.Member",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="council_seats",
        verbose_name=_("Party member"),
    )
    role = models.CharField(_("role"), max_length=30)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        ordering = ["council", "id"]
        verbose_name = _("council seat")
        verbose_name_plural = _("council seats")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(person__isnull=True, member__isnull=False)
                | models.Q(person__isnull=False, member__isnull=True),
                name="councilseat_person_or_member",
            ),
            models.UniqueConstraint(fields=["council", "person"], name="councilseat_person_once"),
            models.UniqueConstraint(fields=["council", "member"], name="councilseat_member_once"),
        ]

    def __str__(self) -> str:
        return f"{self.council_id} · {self.role}"

    @property
    def name(self) -> str:
        return (self.person or self.member).name
