"""``wangge demo``: migrate, write local keys, load the Liangquan demo and print the logins."""

import datetime
import logging
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connections, transaction
from django.utils.translation import gettext as _

from wangge.accounts.models import User
from wangge.core.crypto import DecryptionError
from wangge.demo import vocabulary as V
from wangge.demo.appeals import build_demo_requests
from wangge.demo.assessment import assessment_demo_load
from wangge.demo.assistance import assistance_demo_load
from wangge.demo.build import build_demo, demo_loaded
from wangge.demo.campaigns import NAME, campaign_demo_load
from wangge.demo.councils import rosters_demo_load
from wangge.demo.drive import drive_demo_load
from wangge.demo.duty import duty_demo_load
from wangge.demo.environment import environment_demo_load
from wangge.demo.epidemic import epidemic_demo_load
from wangge.demo.flags import Person, agency_demo_load
from wangge.demo.flood import flood_demo_load
from wangge.demo.grids import build_demo_grids
from wangge.demo.keys import ensure_local_keys
from wangge.demo.notices import notices_demo_load
from wangge.demo.pairing import pairing_demo_load
from wangge.demo.served import bohu_served_demo_load
from wangge.demo.stars import stars_demo_load
from wangge.demo.users import create_demo_users, demo_activation_codes, demo_logins
from wangge.demo.visits import visits_demo_load
from wangge.households.models import Household
from wangge.party.models import Member, Organisation, OrgKind
from wangge.regions.models import Region

URL = "http://127.0.0.1:8000"


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(_("Give the date as YYYY-MM-DD, e.g. 2026-06-30.")) from exc


class Command(BaseCommand):
    help = _("Create the Liangquan demo database with its local keys and one login per role.")

    def add_arguments(self, parser):
        parser.add_argument(
            "--seed", type=int, default=2026, help=_("Same seed, same data (default 2026).")
        )
        parser.add_argument(
            "--reset", action="store_true", help=_("Delete the demo database and build it anew.")
        )
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help=_("Share of the members and households to make (0.1 for a quick trial)."),
        )
        parser.add_argument(
            "--today",
            type=_date,
            default=None,
            help=_("Reference date for ages (YYYY-MM-DD, default today)."),
        )

    def handle(self, *args, seed, reset, scale, today, **options):
        if settings.PRODUCTION:
            raise CommandError(
                _(
                    "The demo does not run with WANGGE_PRODUCTION=1: it creates logins that "
                    "share a published password. Use a separate demo installation."
                )
            )
        if not settings.DEMO_PASSWORD:
            raise CommandError(_("WANGGE_DEMO_PASSWORD is empty: set a password for the demo."))
        if not 0 < scale <= 1:
            raise CommandError(_("--scale must be more than 0 and at most 1."))
        Path(settings.VAR_DIR).mkdir(parents=True, exist_ok=True)
        key_path, created = ensure_local_keys()
        if created:
            self.stdout.write(_("Wrote new local keys to %(path)s.") % {"path": key_path})
        if reset:
            self._wipe()
        call_command("migrate", interactive=False, verbosity=0)

        if demo_loaded():
            self._already_loaded()
            return
        # The paired members' notices of the demo review land in their inboxes on commit; the
        # console is spared one log line for each.
        notices = logging.getLogger("wangge.notify")
        level = notices.level
        notices.setLevel(logging.WARNING)
        try:
            self._build(seed, scale, today)
        finally:
            notices.setLevel(level)

    def _build(self, seed: int, scale: float, today) -> None:
        started = time.perf_counter()
        with transaction.atomic():
            result = build_demo(seed=seed, scale=scale, today=today)
            result.counts["grids"] = build_demo_grids(seed)
            users = create_demo_users(result)
            result.counts["agency_batches"] = self._agency_data(seed)
            result.counts["pairing"] = pairing_demo_load(
                actor=User.objects.get(username="township-admin"),
                township_code=V.TOWNSHIP[0],
                seed=seed,
            )
            result.counts["visits"] = self._visit_data(seed, result.today, scale)
            result.counts["assistance"] = assistance_demo_load(
                township_code=V.TOWNSHIP[0], seed=seed
            )
            result.counts["requests"] = build_demo_requests(seed, today=today)
            result.counts["bohu_served"] = bohu_served_demo_load(seed=seed, scale=scale)
            result.counts["notices"] = notices_demo_load(seed=seed, today=result.today)
            result.counts["councils"] = rosters_demo_load(seed=seed)
            result.counts["duty"] = duty_demo_load(
                seed=seed, township_admin=User.objects.get(username="township-admin")
            )
            result.counts["flood"] = flood_demo_load(
                seed=seed, township_admin=User.objects.get(username="township-admin")
            )
            result.counts["stars"] = stars_demo_load(seed=seed)
            result.counts["epidemic"] = epidemic_demo_load(
                seed=seed, township_admin=User.objects.get(username="township-admin")
            )
            result.counts["assessment"] = assessment_demo_load(seed=seed)
            result.counts["environment"] = environment_demo_load(seed=seed)
            result.counts["drive"] = drive_demo_load(seed=seed)
        elapsed = time.perf_counter() - started
        self._summary(result.counts, len(users), elapsed, seed)
        self._logins()

    def _agency_data(self, seed: int) -> int:
        """The agencies' 2021 files, uploaded as the data officer would: they reproduce the
        report's figures (165 hardship families, 9 newly low-income, 1 raised)."""
        officer = User.objects.get(username="data-officer")
        people = [
            Person(name, id_number)
            for name, id_number in Household.objects.filter(
                township_code=V.TOWNSHIP[0]
            ).values_list("head_name", "head_id_number")
        ]
        batches = agency_demo_load(
            actor=officer,
            area_code=V.TOWNSHIP[0],
            households=people,
            seed=seed,
            dismissed=7,
            monitored=15,
        )
        return len(batches)

    def _visit_data(self, seed: int, today: datetime.date, scale: float) -> dict:
        """A year of visits to the paired households, and the thousand-members visit."""
        township = Region.objects.get(code=V.TOWNSHIP[0])
        history = visits_demo_load(township_code=township.code, seed=seed, today=today)
        campaign = campaign_demo_load(township=township, seed=seed, today=today, scale=scale)
        return {"history": history, **campaign}

    def _wipe(self) -> None:
        connection = connections["default"]
        name = str(connection.settings_dict["NAME"] or "")
        is_file = (
            connection.vendor == "sqlite"
            and not settings.TESTING
            and name not in ("", ":memory:")
            and not name.startswith("file:")
        )
        if is_file:
            # Deleting the file also recovers from a schema that no longer matches the code.
            connection.close()
            for suffix in ("", "-wal", "-shm"):
                Path(name + suffix).unlink(missing_ok=True)
            self.stdout.write(_("Deleted %(path)s.") % {"path": name})
        else:
            call_command("migrate", interactive=False, verbosity=0)
            call_command("flush", interactive=False, verbosity=0)
            self.stdout.write(_("Emptied the database."))

    def _already_loaded(self) -> None:
        try:
            Member.objects.first()
            Household.objects.first()
        except DecryptionError as exc:
            raise CommandError(
                _(
                    "The database holds data encrypted with another data key (was var/local.env "
                    "deleted or WANGGE_DATA_KEY changed?). Run `wangge demo --reset` to rebuild."
                )
            ) from exc
        if not User.objects.filter(username="township-admin").exists():
            raise CommandError(
                _(
                    "The database already holds organisations, members or households, so the "
                    "demo was not loaded. Run `wangge demo --reset` to replace them with the demo."
                )
            )
        self.stdout.write(
            _("The demo data is already loaded; `wangge demo --reset` rebuilds it from scratch.")
        )
        self._logins()

    def _summary(self, counts: dict, n_users: int, elapsed: float, seed: int) -> None:
        levels = {
            level: Region.objects.filter(level=level, code__startswith=V.TOWNSHIP[0]).count()
            for level in ("village", "hamlet", "group")
        }
        branches = Organisation.objects.filter(
            parent__kind=OrgKind.COMMITTEE,
            kind__in=[OrgKind.BRANCH, OrgKind.GENERAL_BRANCH],
        ).count()
        members = counts["members"]
        share = counts["members_over_60"] / members if members else 0
        lines = [
            _("Loaded the Liangquan demo (seed %(seed)s) in %(s).1f s:")
            % {"seed": seed, "s": elapsed},
            _("  %(v)d villages, %(h)d hamlets, %(g)d villager groups")
            % {"v": levels["village"], "h": levels["hamlet"], "g": levels["group"]},
            _("  %(b)d branches under the township committee, %(o)d organisations in all")
            % {"b": branches, "o": counts["organisations"]},
            _("  %(m)s Party members: %(old)s over 60 (%(share).1f%%), %(mobile)s mobile")
            % {
                "m": f"{members:,}",
                "old": f"{counts['members_over_60']:,}",
                "share": share * 100,
                "mobile": f"{counts['members_mobile']:,}",
            },
            _("  %(h)s households, %(k)s of them of a key type")
            % {"h": f"{counts['households']:,}", "k": f"{counts['households_key']:,}"},
            _("  grids: %(s)d service (four levels), %(e)d epidemic, %(g)d governance")
            % {
                "s": counts["grids"]["service"],
                "e": counts["grids"]["epidemic"],
                "g": counts["grids"]["governance"],
            },
            _("  %(b)d agency data files (2021) uploaded and evaluated")
            % {"b": counts["agency_batches"]},
            _("  %(p)s households paired with members (%(k)s key households, %(n)s uncovered)")
            % {
                "p": f"{counts['pairing']['paired_households']:,}",
                "k": f"{counts['pairing']['key_households']:,}",
                "n": f"{counts['pairing']['uncovered']:,}",
            },
            _("  %(v)s visits in the past year; %(c)s: %(m)s members consulted, %(o)s opinions")
            % {
                "v": f"{counts['visits']['history']:,}",
                "c": NAME,
                "m": f"{counts['visits']['members_consulted']:,}",
                "o": f"{counts['visits']['opinions']:,}",
            },
            _("  %(r)s resident requests over the past year") % {"r": f"{counts['requests']:,}"},
            _("  %(v)s: %(m)d Party members serving %(r)d residents (its five-star round page)")
            % {
                "v": {c: short for c, _n, short, *_r in V.VILLAGES}[V.BOHU],
                "m": counts["bohu_served"]["members_serving"],
                "r": counts["bohu_served"]["residents"],
            },
            _("  %(n)d notices sent, %(f)d feedback threads from members")
            % {"n": counts["notices"]["notices"], "f": counts["notices"]["feedback"]},
            _(
                "  flags reviewed: %(a)d accepted, %(d)d dismissed; assistance plans: %(c)d "
                "closed with an outcome, %(o)d open with steps due"
            )
            % {
                "a": counts["assistance"]["accepted"],
                "d": counts["assistance"]["dismissed"],
                "c": counts["assistance"]["closed"],
                "o": counts["assistance"]["open"],
            },
            _(
                "  epidemic 2020: %(r)d returnees over %(g)d grids, %(q)d quarantines with "
                "%(f)d daily follow-ups"
            )
            % {
                "r": counts["epidemic"]["returnees"],
                "g": counts["epidemic"]["grids_with_returnees"],
                "q": counts["epidemic"]["quarantines"],
                "f": counts["epidemic"]["follow_ups"],
            },
            _(
                "  rosters: %(l)d villager-group leaders on level-3 grids; %(c)d environment "
                "councils and the five elders, %(s)d people on them"
            )
            % {
                "l": counts["councils"]["villager_group_leaders"],
                "c": counts["councils"]["environment_councils"],
                "s": counts["councils"]["council_seats"],
            },
            _("  %(i)d environment inspections of hamlets in 2021")
            % {"i": counts["environment"]["inspections"]},
            _("  concentrated assistance drive: %(t)d flagged households, %(d)d done")
            % {"t": counts["drive"]["tasks"], "d": counts["drive"]["done"]},
            _("  %(u)d demo logins") % {"u": n_users},
        ]
        if "stars" in counts:
            lines.insert(
                -1,
                _(
                    "  five-star rating 2021: %(r)d branch rounds final, %(f)d five-star "
                    "members; %(p)d public member pages"
                )
                % {
                    "r": counts["stars"]["rounds"],
                    "f": counts["stars"]["five_star_members"],
                    "p": counts["stars"]["pages"],
                },
            )
        self.stdout.write("\n".join(lines))

    def _logins(self) -> None:
        example = V.HUBIN
        seen_roles, rows = set(), []
        for login in demo_logins():
            # One line per role; village logins shown for Hubin.
            if login.role in seen_roles or (len(login.area) == 12 and login.area != example):
                continue
            seen_roles.add(login.role)
            rows.append((str(login.role.label), login.username))
        width = max(len(label) for label, _u in rows) + 2
        out = [
            "",
            _("Open %(url)s and log in; every demo login has the password %(pw)s")
            % {"url": URL, "pw": settings.DEMO_PASSWORD},
            "",
            f"{_('Role'):<{width}}{_('Username')}",
        ]
        out += [f"{label:<{width}}{username}" for label, username in rows]
        out += [
            "",
            _(
                "township-admin, sysadmin, secadmin and auditadmin have a second login step: at "
                "the first login they enter their activation code below, then scan a QR code "
                "with an authenticator app (TOTP). New codes are printed on every run."
            ),
        ]
        out += [f"  {username}: {code}" for username, code in demo_activation_codes()]
        out += [
            "",
            _(
                "leader-, secretary- and member-<village code>-1..3 exist for every village "
                "(%(example)s is Hubin):"
            )
            % {"example": example},
        ]
        out += [f"  {code}  {name}" for code, name, *_rest in V.VILLAGES]
        self.stdout.write("\n".join(out))
