"""Account administration, split between three administrators who cannot do each other's work:
the system administrator manages accounts, the security administrator grants roles, the
audit administrator reads the audit log (S13)."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from wangge.accounts.models import Role, RoleAssignment, User
from wangge.accounts.scope import area_prefixes, has_role
from wangge.audit.services import audit_record
from wangge.regions.models import Region


def require_role(user, role: Role) -> None:
    if not has_role(user, role):
        raise PermissionDenied(_("Only the %(role)s may do this.") % {"role": role.label})


@transaction.atomic
def user_create(*, actor, username: str, display_name: str, password: str) -> User:
    require_role(actor, Role.SYSTEM_ADMIN)
    username = (username or "").strip()
    errors = {}
    if not username:
        errors["username"] = _("Enter a user name.")
    elif User.objects.filter(username=username).exists():
        errors["username"] = _("This user name is taken; choose another.")
    candidate = User(username=username, display_name=display_name)
    try:
        validate_password(password, user=candidate)
    except ValidationError as exc:
        errors["password"] = " ".join(exc.messages)
    if errors:
        raise ValidationError(errors)
    user = User.objects.create_user(username=username, password=password, display_name=display_name)
    audit_record(actor=actor, action="user.create", obj=user)
    return user


@transaction.atomic
def user_set_active(*, actor, user: User, active: bool) -> None:
    require_role(actor, Role.SYSTEM_ADMIN)
    if user.pk == actor.pk:
        raise ValidationError(_("You cannot disable your own account."))
    User.objects.filter(pk=user.pk).update(is_active=active)
    audit_record(actor=actor, action="user.enable" if active else "user.disable", obj=user)


@transaction.atomic
def role_grant(*, actor, user: User, role: str, area: Region) -> RoleAssignment:
    require_role(actor, Role.SECURITY_ADMIN)
    if role not in Role.values:
        raise ValidationError({"role": _("Choose a role from the list.")})
    if not any(area.code.startswith(p) for p in area_prefixes(actor, {Role.SECURITY_ADMIN})):
        raise ValidationError({"area": _("You may grant roles only inside your own area.")})
    if user.pk == actor.pk:
        raise ValidationError({"user": _("Administrators cannot grant roles to themselves.")})
    assignment, created = RoleAssignment.objects.get_or_create(user=user, role=role, area=area)
    if created:
        audit_record(
            actor=actor,
            action="role.grant",
            obj=user,
            area_code=area.code,
            detail={"role": role, "area": area.code},
        )
    return assignment


@transaction.atomic
def role_revoke(*, actor, assignment: RoleAssignment) -> None:
    require_role(actor, Role.SECURITY_ADMIN)
    if assignment.user_id == actor.pk:
        raise ValidationError(_("Administrators cannot change their own roles."))
    audit_record(
        actor=actor,
        action="role.revoke",
        obj=assignment.user,
        area_code=assignment.area_id,
        detail={"role": assignment.role, "area": assignment.area_id},
    )
    assignment.delete()
