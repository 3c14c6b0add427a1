"""Shared by the import and export commands: who the command acts as."""

from django.core.management.base import CommandError

from wangge.accounts.models import User
from wangge.imports.pipeline import SYSTEM


def actor_for(username: str | None):
    if not username:
        return SYSTEM
    try:
        return User.objects.get(username=username)
    except User.DoesNotExist as exc:
        raise CommandError(f"There is no user named {username!r}.") from exc
