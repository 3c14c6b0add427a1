"""``wangge activation-code USERNAME [--reset]``: a one-time code to set up the second login
step, for the operator (e.g. the first security administrator, who has nobody to ask)."""

from django.core.management.base import BaseCommand, CommandError

from wangge.accounts.models import User
from wangge.accounts.twofactor import ACTIVATION_LIFETIME, activation_code_issue


class Command(BaseCommand):
    help = "Issue a one-time activation code with which USERNAME sets up an authenticator app."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Remove the user's current authenticator first (lost or replaced phone).",
        )

    def handle(self, *args, username, reset, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        code = activation_code_issue(actor=None, user=user, reset=reset)
        hours = int(ACTIVATION_LIFETIME.total_seconds() // 3600)
        self.stdout.write(f"{username}: {code}  (one use, valid {hours} hours; recorded)")
