"""``wangge restore FILE``: fill the empty database WANGGE_DATABASE_URL names from a backup."""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from wangge.audit.services import anchor_path, audit_anchor_write, audit_verify
from wangge.core.backup import KEY_NOTICE, BackupError, restore


class Command(BaseCommand):
    help = "Restore FILE into the (empty) database; --force replaces a non-empty one."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument(
            "--force", action="store_true", help="Replace the contents of a non-empty database."
        )

    def handle(self, *args, file, force, **options):
        self.stdout.write(KEY_NOTICE)
        connection.close()
        try:
            restore(connection.settings_dict, file, force=force)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Restored {file} into the {connection.vendor} database.")
        # The old anchor describes the database before the restore: keep it for the record and
        # check the restored trail on its own, with this installation's key.
        anchor = anchor_path()
        if anchor.exists():
            kept = anchor.with_name(f"{anchor.stem}.before-restore-{timezone.now():%Y%m%d%H%M%S}")
            anchor.rename(kept.with_suffix(".json"))
            self.stdout.write(f"The previous audit anchor was kept as {kept.with_suffix('.json')}.")
        broken = audit_verify()
        if broken:
            raise CommandError(
                f"The restored audit chain does not verify at event {broken.event_id}: "
                f"{broken.reason}. Is WANGGE_DATA_KEY (or WANGGE_AUDIT_KEY) the one the backup "
                "was written with?"
            )
        audit_anchor_write()
        self.stdout.write("The restored audit chain is intact.")
