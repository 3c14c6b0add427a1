"""``wangge audit verify | anchor | purge``: check, anchor and trim the audit trail."""

from django.core.management.base import BaseCommand, CommandError

from wangge.audit.services import (
    PurgeRefused,
    audit_anchor_write,
    audit_purge,
    audit_verify,
)


class Command(BaseCommand):
    help = "Verify the audit chain, write its head anchor, or purge events past retention."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="Exit 1 and name the first bad event if the chain broke.")
        sub.add_parser("anchor", help="Write the chain's head outside the database now.")
        purge = sub.add_parser("purge", help="Delete events older than --days (at least 183).")
        purge.add_argument("--days", type=int, required=True)

    def handle(self, *args, action, **options):
        if action == "verify":
            broken = audit_verify()
            if broken:
                raise CommandError(
                    f"The audit chain is broken at event {broken.event_id}: {broken.reason}."
                )
            self.stdout.write("The audit chain is intact.")
        elif action == "anchor":
            anchor = audit_anchor_write()
            self.stdout.write(f"Anchored event {anchor['id']}." if anchor else "No events yet.")
        else:
            try:
                event = audit_purge(actor=None, older_than_days=options["days"])
            except PurgeRefused as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(f"Purged {event.detail['count']} events (recorded as {event.id}).")
