"""The township and village dashboards at county scale, against hand-written SQL, same run.

Builds Wangjiang County (the 14 townships and 136 village-level units of shared/data, five
hamlets under each village, one service grid per hamlet) in a throwaway PostgreSQL database with
``generate_series`` SQL, at ``--scale`` of the issue's county (1.0 = 300,000 households, 50,000
members, 3 million visits, 300,000 requests with their events, 100,000 flags; a third of the
households key households, all of those paired; 95% of households in a service grid; 5,000
assistance plans). Then, interleaved for ``--rounds`` rounds, it times

* the township dashboard (``GET /`` as Liangquan's township administrator) and a village
  dashboard (``GET /?area=VILLAGE``) through the Django test client — the whole page: figures,
  charts, template — and
* the best hand-written SQL the author could write for the same figures (one statement per
  group of figures, run on the same connection),

checks that both give the same numbers, and prints p50/p95 and the ratios (targets: p95 < 150 ms,
≤ 1.5× the SQL).

    .venv/bin/python bench/dashboard.py [--scale 0.1] [--rounds 30] [--reuse]
        [--database-url postgres://postgres@127.0.0.1:5432/wangge_bench_dash]
"""

import argparse
import csv
import datetime
import json
import re
import sys

from _setup import ROOT, Timer, django_on, fresh_postgres, percentile

TODAY = datetime.datetime.now(datetime.UTC).date()  # the local date once Django is set up
TOWNSHIP = "340827200"  # Liangquan


def _sql(statement: str, params=None) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def build(scale: float) -> None:
    from django.db import connection

    from wangge.accounts.models import Role, RoleAssignment, User
    from wangge.grids.services import grid_layers_seed
    from wangge.households.seed import seed_tags
    from wangge.party.models import Organisation, OrgCategory, OrgKind
    from wangge.regions.models import Region
    from wangge.visits.services import policies_seed

    divisions = ROOT.parent / "shared" / "data" / "wangjiang-divisions.csv"
    with divisions.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    regions = []
    for r in rows:
        parent = r["parent_code"] if r["level"] != "county" else None
        regions.append(Region(code=r["code"], name=r["name"], level=r["level"], parent_id=parent))
    villages = [r["code"] for r in rows if r["level"] == "village"]
    for village in villages:
        for h in range(1, 6):
            regions.append(
                Region(code=f"{village}{h:03d}", name=f"屋场{h}", level="hamlet", parent_id=village)
            )
    Region.objects.bulk_create(regions, batch_size=2000)
    Region.objects.filter(code=TOWNSHIP).update(area_km2="138.52")
    seed_tags()
    grid_layers_seed()
    for township in sorted({v[:9] for v in villages}):
        policies_seed(township)
    Organisation.objects.bulk_create(
        Organisation(
            name=f"{v}党支部", kind=OrgKind.BRANCH, category=OrgCategory.VILLAGE,
            area_id=v, area_code=v, township_code=v[:9],
        )
        for v in villages
    )  # fmt: skip
    admin = User.objects.create_user("bench-admin", password="x")
    RoleAssignment.objects.create(user=admin, role=Role.TOWNSHIP_ADMIN, area_id=TOWNSHIP)
    village_code = next(v for v in villages if v.startswith(TOWNSHIP))
    n = {
        "members": int(50_000 * scale),
        "households": int(300_000 * scale),
        "visits": int(3_000_000 * scale),
        "requests": int(300_000 * scale),
        "flags": int(100_000 * scale),
        "plans": int(50_000 * scale),
    }
    _sql("CREATE TEMP TABLE v AS SELECT row_number() OVER (ORDER BY code) - 1 AS i, code "
         "FROM regions_region WHERE level = 'village'")  # fmt: skip
    _sql("CREATE INDEX ON v (i)")
    nv = len(villages)
    # Members: spread over the villages' hamlets, ages 22-90, one in ten mobile.
    _sql(f"""
        INSERT INTO party_member (area_code, township_code, created_at, updated_at, version, name,
            gender, birth_date, id_number, id_hash, id_masked, phone, phone_masked, is_mobile,
            mobile_whereabouts, area_id, organisation_id)
        SELECT a, substr(a, 1, 9), now(), now(), 1, '党员' || g, CASE WHEN g % 3 = 0 THEN 'F'
            ELSE 'M' END, DATE '{TODAY}' - ((22 + (g * 7919) % 69) * 365 + g % 365)::int,
            '', md5('m' || g), '', '', '', g % 10 = 0, '', a,
            (SELECT id FROM party_organisation o WHERE o.area_code = substr(a, 1, 12))
        FROM (SELECT g, (SELECT code FROM v WHERE i = g % {nv}) || lpad((1 + g % 5)::text, 3, '0')
              AS a FROM generate_series(1::bigint, {n["members"]}) g) s
    """)
    _sql(f"""
        INSERT INTO households_household (area_code, township_code, created_at, updated_at,
            version, head_name, head_id_number, head_id_hash, head_id_masked, address, phone,
            phone_masked, size, note, area_id)
        SELECT a, substr(a, 1, 9), now(), now(), 1, '户主' || g, '', md5('h' || g), '', '', '',
            '', 1 + g % 6, '', a
        FROM (SELECT g, (SELECT code FROM v WHERE i = g % {nv}) || lpad((1 + g % 5)::text, 3, '0')
              AS a FROM generate_series(1::bigint, {n["households"]}) g) s
    """)
    # A third of the households carry a key tag (hardship), a tenth low-income too.
    _sql("""
        INSERT INTO households_household_tags (household_id, tag_id)
        SELECT h.id, t.id FROM households_household h, households_tag t
        WHERE (t.slug = 'hardship' AND h.id % 3 = 0) OR (t.slug = 'low-income' AND h.id % 10 = 0)
    """)
    # One service grid per hamlet led by a member of its village; 95% of households in it.
    _sql("""
        INSERT INTO grids_grid (area_code, township_code, created_at, updated_at, version, name,
            area_id, layer_id, level, responsible_id)
        SELECT r.code, substr(r.code, 1, 9), now(), now(), 1, r.name || '网格', r.code, l.id, 4,
            (SELECT m.id FROM party_member m WHERE m.area_code = r.code ORDER BY m.id LIMIT 1)
        FROM regions_region r, grids_gridlayer l WHERE r.level = 'hamlet' AND l.slug = 'service'
    """)
    _sql("""
        INSERT INTO grids_gridhousehold (grid_id, household_id, layer_id)
        SELECT g.id, h.id, g.layer_id FROM households_household h
        JOIN grids_grid g ON g.area_code = h.area_code WHERE h.id % 20 <> 0
    """)
    _sql("""
        INSERT INTO grids_gridmember (grid_id, member_id, duty, township_leader)
        SELECT g.id, m.id, '', false FROM party_member m
        JOIN grids_grid g ON g.area_code = m.area_code
        WHERE m.id % 4 = 0 AND m.id <> g.responsible_id
    """)
    # Every key household but one in 20 paired with a member of its hamlet, a year ago.
    _sql(f"""
        INSERT INTO pairing_pairing (area_code, township_code, started_on, source, end_reason,
            created_at, area_id, household_id, member_id)
        SELECT h.area_code, h.township_code, DATE '{TODAY}' - 400, 'manual', '', now(),
            h.area_id, h.id, g.responsible_id
        FROM households_household h JOIN grids_grid g ON g.area_code = h.area_code
        WHERE h.id % 3 = 0 AND h.id % 60 <> 0 AND g.responsible_id IS NOT NULL
    """)
    # Visits over the past year, to paired households mostly.
    _sql("CREATE TEMP TABLE ph AS SELECT row_number() OVER () - 1 AS i, household_id AS id, "
         "area_code FROM pairing_pairing")  # fmt: skip
    _sql("CREATE INDEX ON ph (i)")
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM ph")
        paired = cursor.fetchone()[0]
    _sql(f"""
        INSERT INTO visits_visit (area_code, township_code, visited_on, kind, found, needs, photo,
            client_key, created_at, area_id, household_id)
        SELECT ph.area_code, substr(ph.area_code, 1, 9), DATE '{TODAY}' - ((g * 7) % 365)::int,
            'routine', '', '', '', md5('v' || g), now(), ph.area_code, ph.id
        FROM generate_series(1::bigint, {n["visits"]}) g JOIN ph ON ph.i = (g * 104729) % {paired}
    """)
    # Requests over the past year and their events: created, accepted (most on time),
    # resolved (80%), rated (60%; four in five satisfied).
    _sql("""
        INSERT INTO appeals_category (slug, name, name_en, accept_hours, resolve_working_days,
            urgent, active, sort, township_id)
        SELECT 'other-' || code, '其他', 'Other', 24, 5, false, true, 0, code
        FROM regions_region WHERE level = 'township'
    """)
    _sql(f"""
        INSERT INTO appeals_appeal (area_code, township_code, ticket, text, address, contact_name,
            contact_phone, contact_phone_masked, blind_index, channel, state, urgent,
            accept_due_at, resolve_due_at, rating, reopen_count, escalation_count, photo,
            created_at, updated_at, area_id, category_id, household_id)
        SELECT h.area_code, h.township_code, 'B' || g, '', '', '', '', '', '', 'member',
            CASE WHEN g % 10 < 1 THEN 'submitted' WHEN g % 10 < 2 THEN 'in_progress'
                 WHEN g % 10 < 4 THEN 'resolved' ELSE 'rated' END,
            false, t + interval '1 day', t + interval '7 days',
            CASE WHEN g % 10 >= 4 THEN (CASE WHEN g % 5 = 0 THEN 'unsatisfied' ELSE 'satisfied'
                 END) ELSE '' END, 0, 0, '', t, t, h.area_code,
            (SELECT id FROM appeals_category c WHERE c.township_id = h.township_code), h.id
        FROM (SELECT g, TIMESTAMPTZ '{TODAY}' - ((g * 37) % 360) * interval '1 day' AS t
              FROM generate_series(1::bigint, {n["requests"]}) g) s
        JOIN households_household h ON h.id = 1 + (g * 7919) % {n["households"]}
    """)
    events = [
        ("created", "", "submitted", "0", "true", "a.created_at + interval '1 day'"),
        ("accepted", "submitted", "accepted", "2 hours", "a.state <> 'submitted'", "NULL"),
        ("resolved", "in_progress", "resolved", "3 days", "a.state IN ('resolved', 'rated')",
         "NULL"),
        ("rated", "resolved", "rated", "4 days", "a.state = 'rated'", "NULL"),
    ]  # fmt: skip
    for kind, before, after, delay, where, due in events:
        _sql(f"""
            INSERT INTO appeals_appealevent (kind, from_state, to_state, actor_kind, at, note,
                due_at, rating, automatic, area_code, township_code, appeal_id, level)
            SELECT '{kind}', '{before}', '{after}', 'user', a.created_at + interval '{delay}',
                '', {due}, CASE WHEN '{kind}' = 'rated' THEN a.rating ELSE '' END, false,
                a.area_code, a.township_code, a.id, 3
            FROM appeals_appeal a WHERE {where}
        """)
    _sql("""
        INSERT INTO flags_rule (township_code, slug, name, description, tag_slug, active)
        SELECT code, 'bench', '大病', '', 'hardship', true FROM regions_region
        WHERE level = 'township'
    """)
    _sql("""
        INSERT INTO flags_ruleversion (number, conditions, created_at, note, rule_id)
        SELECT 1, '{}'::jsonb, now(), '', id FROM flags_rule
    """)
    _sql(f"""
        INSERT INTO flags_flag (status, evidence, area_code, township_code, raised_at, reason,
            household_id, rule_id, rule_version_id)
        SELECT CASE WHEN g % 4 = 0 THEN 'raised' WHEN g % 4 = 1 THEN 'accepted'
                    ELSE 'dismissed' END,
            '[]'::jsonb, h.area_code, h.township_code, now() - (g % 300) * interval '1 day', '',
            h.id, r.id, rv.id
        FROM generate_series(1::bigint, {n["flags"]}) g
        JOIN households_household h ON h.id = 1 + (g * 15485863) % {n["households"]}
        JOIN flags_rule r ON r.township_code = h.township_code
        JOIN flags_ruleversion rv ON rv.rule_id = r.id
    """)
    _sql(f"""
        INSERT INTO assistance_plan (needs, measures, status, outcome, area_code, township_code,
            created_at, updated_at, version, household_id, outcome_kind, source)
        SELECT '', '[]'::jsonb, CASE WHEN g % 3 = 0 THEN 'closed' ELSE 'open' END, '',
            h.area_code, h.township_code, now(), now(), 1, h.id, '', 'household'
        FROM generate_series(1::bigint, {n["plans"]}) g
        JOIN households_household h ON h.id = 1 + (g * 7919) % {n["households"]}
    """)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM visits_visit")
        print(f"built: {n} ({paired} paired households); first village {village_code}")


# --- the hand-written SQL for the same figures ------------------------------------------

# The age bands of the page's chart, as parameter names of the hand-written SQL.
BANDS = {"lt40": "lt40", "b40": "40-59", "b60": "60-69", "b70": "70-79", "b80": "80plus"}
HAND_SQL = {
    "members": """
        SELECT count(*),
               count(*) FILTER (WHERE birth_date <= %(born_60)s),
               count(*) FILTER (WHERE is_mobile),
               count(*) FILTER (WHERE EXISTS (SELECT 1 FROM grids_gridmember gm JOIN grids_grid g
                   ON g.id = gm.grid_id JOIN grids_gridlayer l ON l.id = g.layer_id
                   WHERE gm.member_id = m.id AND l.slug = 'service')
                 OR EXISTS (SELECT 1 FROM grids_grid g JOIN grids_gridlayer l ON l.id = g.layer_id
                   WHERE g.responsible_id = m.id AND l.slug = 'service')),
               count(*) FILTER (WHERE birth_date BETWEEN %(lt40_from)s AND %(lt40_to)s),
               count(*) FILTER (WHERE birth_date BETWEEN %(b40_from)s AND %(b40_to)s),
               count(*) FILTER (WHERE birth_date BETWEEN %(b60_from)s AND %(b60_to)s),
               count(*) FILTER (WHERE birth_date BETWEEN %(b70_from)s AND %(b70_to)s),
               count(*) FILTER (WHERE birth_date BETWEEN %(b80_from)s AND %(b80_to)s)
        FROM party_member m WHERE m.area_code >= %(lo)s AND m.area_code < %(hi)s""",
    # Households from their summaries (visits.HouseholdSummary, kept by the database with
    # the record): the same rows the page counts, read from the same index.
    "households": """
        SELECT count(*), count(*) FILTER (WHERE in_service_grid),
          count(*) FILTER (WHERE is_key), count(*) FILTER (WHERE is_key AND paired_since IS NULL),
          count(*) FILTER (WHERE paired_since IS NOT NULL),
          count(*) FILTER (WHERE due_on < %(today)s),
          count(*) FILTER (WHERE due_on >= %(today)s AND due_on < %(week)s),
          (SELECT count(*) FROM visits_visit WHERE area_code >= %(lo)s AND area_code < %(hi)s
             AND visited_on > %(today)s::date - 30 AND visited_on <= %(today)s),
          (SELECT count(*) FROM grids_grid g JOIN grids_gridlayer l ON l.id = g.layer_id
             WHERE l.slug = 'service' AND g.responsible_id IS NULL
               AND g.area_code >= %(lo)s AND g.area_code < %(hi)s)
        FROM visits_householdsummary WHERE area_code >= %(lo)s AND area_code < %(hi)s""",
    # The rates from the timeline's stored columns (kept by the database with each event).
    "requests": """
        SELECT
          (SELECT json_build_array(count(*) FILTER (WHERE state = 'submitted'),
             count(*) FILTER (WHERE state IN ('accepted', 'in_progress')),
             count(*) FILTER (WHERE state = 'resolved'),
             count(*) FILTER (WHERE state IN ('rated', 'closed')),
             count(*) FILTER (WHERE created_at >= %(year)s))
           FROM appeals_appeal WHERE area_code >= %(lo)s AND area_code < %(hi)s),
          (SELECT count(*) FILTER (WHERE accepted_in_time) * 1.0 / nullif(count(*), 0)
           FROM appeals_appealevent e WHERE e.kind = 'created' AND e.area_code >= %(lo)s
             AND e.area_code < %(hi)s
             AND e.at >= %(year)s AND e.at < %(next_year)s),
          count(*) FILTER (WHERE standing AND rating IN ('satisfied', 'basically')) * 1.0
            / nullif(count(*) FILTER (WHERE standing), 0),
          count(*) FILTER (WHERE rating IN ('satisfied', 'basically')) * 1.0
            / nullif(count(*), 0)
        FROM appeals_appealevent WHERE kind = 'rated' AND area_code >= %(lo)s
          AND area_code < %(hi)s AND at >= %(year)s AND at < %(next_year)s""",
    "flags": """
        SELECT count(*) FILTER (WHERE status = 'raised'), count(*) FILTER (
            WHERE status = 'accepted'),
          (SELECT count(*) FROM assistance_plan WHERE area_code >= %(lo)s AND area_code < %(hi)s
             AND status = 'open'),
          (SELECT count(*) FROM campaigns_campaign WHERE (area_code >= %(lo)s
             AND area_code < %(hi)s OR area_code = left(%(lo)s, 9))
             AND starts_on <= %(today)s AND ends_on >= %(today)s),
          (SELECT count(*) FROM campaigns_opinion WHERE area_code >= %(lo)s
             AND area_code < %(hi)s),
          (SELECT count(*) FROM campaigns_accountability WHERE area_code >= %(lo)s
             AND area_code < %(hi)s AND status <> 'decided')
        FROM flags_flag WHERE area_code >= %(lo)s
          AND area_code < %(hi)s AND status IN ('raised', 'accepted')""",
    "charts": """
        SELECT (SELECT count(*) FROM visits_householdsummary WHERE area_code >= %(lo)s
          AND area_code < %(hi)s),
          (SELECT count(*) FROM (SELECT o.id, count(m.id) FROM party_organisation o
             LEFT JOIN party_member m ON m.organisation_id = o.id
             WHERE o.area_code >= %(lo)s AND o.area_code < %(hi)s GROUP BY o.id) s),
          (SELECT count(*) FROM (SELECT substr(area_code, 1, 12), count(*)
             FROM visits_householdsummary WHERE area_code >= %(lo)s
               AND area_code < %(hi)s GROUP BY 1) s),
          (SELECT count(*) FROM (SELECT ht.tag_id, count(*) FROM households_household_tags ht
             JOIN visits_householdsummary h ON h.household_id = ht.household_id
             WHERE h.area_code >= %(lo)s AND h.area_code < %(hi)s GROUP BY 1) s)""",
}


def hand_figures(prefix: str) -> dict:
    from django.db import connection

    from wangge.core.periods import year_period
    from wangge.party.selectors import AGE_BANDS, birth_range

    _earliest, born_60 = birth_range(*AGE_BANDS["60plus"], TODAY)
    params = {
        # A range of codes, not LIKE 'prefix%': under the database's C.UTF-8 collation only a
        # range uses the composite B-tree indexes (as the app's ``prefix_q`` does).
        "lo": prefix,
        "hi": str(int(prefix) + 1),
        "born_60": born_60,
        **{
            f"{key}_{end}": day
            for key, band in BANDS.items()
            for end, day in zip(("from", "to"), birth_range(*AGE_BANDS[band], TODAY), strict=True)
        },
        "today": TODAY,
        "week": TODAY + datetime.timedelta(days=7),
        "year": year_period(TODAY.year).start_at,
        "next_year": year_period(TODAY.year).end_at,
    }
    out = {}
    with connection.cursor() as cursor:
        for name, sql in HAND_SQL.items():
            cursor.execute(sql, params)
            out[name] = cursor.fetchone()
    return {
        "members": out["members"][0],
        "members_mobile": out["members"][2],
        "households": out["households"][0],
        "households_in_grid": out["households"][1],
        "key_households": out["households"][2],
        "key_unpaired": out["households"][3],
        "visits_paired": out["households"][4],
        "visits_overdue": out["households"][5],
        "members_over_60": out["members"][1],
        "members_in_grid": out["members"][3],
        "age_bands": tuple(out["members"][4:9]),
        "visits_due_soon": out["households"][6],
        "visits_last_30_days": out["households"][7],
        "grids_unled": out["households"][8],
        "flags_raised": out["flags"][0],
        "flags_accepted": out["flags"][1],
        "plans_open": out["flags"][2],
        "campaigns_running": out["flags"][3],
        "opinions": out["flags"][4],
        "accountability_open": out["flags"][5],
        **dict(zip(REQUEST_STATES, out["requests"][0], strict=False)),
        **{
            name: None if rate is None else round(100 * float(rate), 1)
            for name, rate in zip(RATE_FIGURES, out["requests"][1:], strict=True)
        },
    }


RATE_FIGURES = ("response_rate", "resolution_rate", "satisfaction_rate")
REQUEST_STATES = ("requests_submitted", "requests_in_hand", "requests_resolved", "requests_done")


def page_figures(html: str) -> dict:
    found = dict(re.findall(r'data-figure="([a-z0-9_]+)">([^<]*)<', html))
    figures = {k: int(v) for k, v in found.items() if v.isdigit()}
    for name in RATE_FIGURES:
        value = found.get(name, "").strip()
        figures[name] = float(value) if re.fullmatch(r"[0-9.]+", value) else None
    charts = re.search(r'<script id="chart-data" type="application/json">(.*?)</script>', html)
    figures["age_bands"] = tuple(json.loads(charts.group(1))["members_by_age"]["values"])
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=0.1)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/wangge_bench_dash"
    )
    args = parser.parse_args()
    url = args.database_url if args.reuse else fresh_postgres(args.database_url)
    django_on(url)
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    global TODAY
    TODAY = timezone.localdate()
    if not args.reuse:
        with Timer() as built:
            build(args.scale)
            connection.close()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        print(f"build: {built.seconds:.1f} s")
    # The test client without Django's test environment: that one instruments every template
    # render (a signal and a copy of each context for the client), work a served page does not
    # do. Only the client's host name has to be allowed.
    from django.conf import settings

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    from wangge.accounts.models import User

    if True:
        client = Client()
        admin = User.objects.get(username="bench-admin")
        client.force_login(admin)
        # The township administrator passed the second login step (TOTP) in this session.
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device, _new = TOTPDevice.objects.get_or_create(user=admin, name="bench", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT code FROM regions_region WHERE level = 'village' AND code LIKE %s "
                "ORDER BY code LIMIT 1",
                [TOWNSHIP + "%"],
            )
            village = cursor.fetchone()[0]
        pages = {"township": ("/", TOWNSHIP), "village": (f"/?area={village}", village)}
        for name, (path, prefix) in pages.items():
            response = client.get(path)
            assert response.status_code == 200, (name, response.status_code)
            shown = page_figures(response.content.decode())
            expected = hand_figures(prefix)
            wrong = {k: (shown.get(k), v) for k, v in expected.items() if shown.get(k) != v}
            assert not wrong, f"{name}: page and SQL disagree: {wrong}"
            print(f"{name}: figures agree ({expected})")
        samples: dict[str, list[float]] = {}
        for _round in range(args.rounds):
            for name, (path, prefix) in pages.items():
                with Timer() as page:
                    client.get(path)
                with Timer() as hand:
                    hand_figures(prefix)
                samples.setdefault(f"{name} page", []).append(page.seconds * 1000)
                samples.setdefault(f"{name} SQL", []).append(hand.seconds * 1000)
    print(f"\nscale {args.scale}, {args.rounds} interleaved rounds")
    print("| measured | p50 | p95 |\n|---|---:|---:|")
    for name, values in samples.items():
        print(f"| {name} | {percentile(values, 0.5):.1f} ms | {percentile(values, 0.95):.1f} ms |")
    for name in pages:
        page, hand = samples[f"{name} page"], samples[f"{name} SQL"]
        ratio = percentile(page, 0.95) / percentile(hand, 0.95)
        print(f"{name}: p95 ratio page / SQL = {ratio:.2f}")


if __name__ == "__main__":
    sys.exit(main())
