"""Two-factor login (TOTP) for the administrator roles and the township administrator."""

import io

import qrcode
import qrcode.image.svg
from django.db import transaction
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from wangge.accounts.models import Role
from wangge.accounts.scope import has_role
from wangge.audit.services import audit_record

TWO_FACTOR_ROLES = {
    Role.TOWNSHIP_ADMIN,
    Role.SYSTEM_ADMIN,
    Role.SECURITY_ADMIN,
    Role.AUDIT_ADMIN,
}


def needs_two_factor(user) -> bool:
    # The user's role assignments are read once per request and shared with the scope checks
    # and the menu (``wangge.accounts.scope``), so this costs no query of its own.
    return has_role(user, *TWO_FACTOR_ROLES)


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def enrolment_device(user) -> TOTPDevice:
    """The unconfirmed device being set up (made on first call, reused until confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


def qr_svg(device: TOTPDevice) -> str:
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    out = io.BytesIO()
    image.save(out)
    return out.getvalue().decode()


@transaction.atomic
def two_factor_confirm(*, user, device: TOTPDevice, token: str) -> bool:
    if not device.verify_token((token or "").strip()):
        return False
    TOTPDevice.objects.filter(user=user, confirmed=False).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit_record(actor=user, action="2fa.enrol", obj=user)
    return True


def two_factor_check(user, token: str) -> TOTPDevice | None:
    return match_token(user, (token or "").strip())
