"""Users and their role assignments: a role is held over an area (a code prefix)."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    TOWNSHIP_ADMIN = "township_admin", _("Township administrator (organisation office)")
    TOWNSHIP_LEADER = "township_leader", _("Township leader")
    VILLAGE_SECRETARY = "village_secretary", _("Village secretary")
    VILLAGE_COMMITTEE = "village_committee", _("Village two-committee member")
    GROUP_LEADER = "group_leader", _("Party-group leader")
    MEMBER = "member", _("Party member")
    DISCIPLINE = "discipline", _("Discipline committee")
    DATA_OFFICER = "data_officer", _("Agency data officer")
    SYSTEM_ADMIN = "system_admin", _("System administrator")
    SECURITY_ADMIN = "security_admin", _("Security administrator")
    AUDIT_ADMIN = "audit_admin", _("Audit administrator")


# Roles that may create and edit registry records (members, households) in their area.
REGISTRY_WRITERS = {Role.TOWNSHIP_ADMIN, Role.VILLAGE_SECRETARY, Role.VILLAGE_COMMITTEE}
# The three administrators (三员分立) run accounts, security settings and the audit log; their
# area bounds whom they administer and gives them no household, person or request.
ADMINISTRATORS = {Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN}
# An ordinary member sees only their own: their grids' and pairings' households, their requests.
ORDINARY = {Role.MEMBER}
# Office roles: see the personal data of their whole area and may export lists of it.
OFFICE_ROLES = set(Role) - ADMINISTRATORS - ORDINARY


class User(AbstractUser):
    display_name = models.CharField(_("display name"), max_length=50, blank=True)
    member = models.OneToOneField(
        "party.Member",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="user",
        verbose_name=_("Party member"),
    )
    large_text = models.BooleanField(_("large text"), default=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.username


class RoleAssignment(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    area = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("area")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "area"], name="role_assignment_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.area}"


class ApiToken(models.Model):
    """A bearer token for API clients. Only a hash is stored; the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    # The rules the token was issued under: a fingerprint of the password, and the authenticator
    # whose code was given (none when the user needed no second factor). A change of either
    # refuses the token (wangge.accounts.tokens.token_check).
    password_stamp = models.CharField(max_length=64, default="")
    otp_verified = models.BooleanField(default=False)
    otp_device = models.ForeignKey(
        "otp_totp.TOTPDevice", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"


class ActivationCode(models.Model):
    """A one-time code from the security administrator that lets its user set up the second
    login step. Only a hash is stored; the code is shown once, to the administrator."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="activation_codes")
    code_hash = models.CharField(max_length=64, unique=True)
    issued_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("activation code")
        verbose_name_plural = _("activation codes")

    def __str__(self) -> str:
        return f"{self.user} · {self.created_at:%Y-%m-%d %H:%M}"
