"""Generate the Liangquan demo data set deterministically from a seed.

Rows are built in memory and written with ``bulk_create`` in one transaction: the write
services validate and audit one record at a time, which is right for people and wrong for
ten thousand generated rows. Sensitive fields are still encrypted (the model field encrypts
on insert), indexed with the keyed blind index and masked, exactly as the services store them.
"""

import datetime
import random
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connections, router, transaction
from django.utils import timezone

from wangge.audit.services import audit_record
from wangge.core.crypto import blind_index, encrypt
from wangge.core.identity import age_on, check_character, mask_id, mask_phone
from wangge.demo import vocabulary as V
from wangge.households.models import Household
from wangge.households.seed import seed_tags
from wangge.party.hooks import members_created
from wangge.party.models import Member, Organisation, OrgCategory, OrgKind, Position
from wangge.regions.codes import township_of, village_of
from wangge.regions.models import Level, Region

BATCH = 500


@dataclass
class DemoResult:
    seed: int
    scale: float
    today: datetime.date
    counts: dict[str, int] = field(default_factory=dict)
    # For the demo users: each village's branch secretary and its members.
    secretaries: dict[str, Member] = field(default_factory=dict)
    members_by_village: dict[str, list[Member]] = field(default_factory=dict)
    position_holders: set[int] = field(default_factory=set)


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year - years, day=28)


def _scoped(obj, code: str):
    obj.area_id = code
    obj.area_code = code
    obj.township_code = township_of(code)
    return obj


class _People:
    """Names, birth dates, ID numbers and phones; every ID number is unique in the demo."""

    def __init__(self, rng: random.Random, today: datetime.date):
        self.rng = rng
        self.today = today
        self.used_ids: set[str] = set()

    def name(self, male: bool, surname: str | None = None) -> str:
        rng = self.rng
        surname = surname or rng.choice(V.SURNAMES)
        chars = V.MALE_CHARS if male else V.FEMALE_CHARS
        given = rng.choice(chars) if rng.random() < 0.3 else rng.choice(chars) + rng.choice(chars)
        return surname + given

    def birth_date(self, age: int) -> datetime.date:
        """A birth date on which someone is exactly ``age`` years old on the reference date."""
        latest = _years_before(self.today, age)
        earliest = _years_before(self.today, age + 1) + datetime.timedelta(days=1)
        return earliest + datetime.timedelta(days=self.rng.randrange((latest - earliest).days + 1))

    def id_number(self, birth: datetime.date, male: bool) -> str:
        while True:
            # The sequence's last digit is odd for men and even for women (GB 11643).
            seq = self.rng.randrange(500) * 2 + (1 if male else 0)
            first17 = f"{V.COUNTY[0]}{birth:%Y%m%d}{seq:03d}"
            value = first17 + check_character(first17)
            if value not in self.used_ids:
                self.used_ids.add(value)
                return value

    def mobile(self) -> str:
        return self.rng.choice(V.MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"

    def landline(self) -> str:
        return f"{V.LANDLINE_AREA}-7{self.rng.randrange(10**6):06d}"


# --- regions -----------------------------------------------------------------------------


def _hamlet_names(rng: random.Random, village_code: str, count: int) -> list[str]:
    names = list(V.FIXED_HAMLETS.get(village_code, []))[:count]
    while len(names) < count:
        roll = rng.random()
        if roll < 0.55:
            name = rng.choice(V.HAMLET_SURNAMES) + "屋"
        elif roll < 0.75:
            name = rng.choice(V.HAMLET_SURNAMES) + rng.choice(V.HAMLET_SUFFIXES)
        else:
            name = rng.choice(V.HAMLET_PLACE_PREFIXES) + rng.choice(V.HAMLET_SUFFIXES)
        if name not in names:
            names.append(name)
    return names


def _build_regions(rng: random.Random) -> dict:
    county, township = V.COUNTY, V.TOWNSHIP
    rows = [
        Region(code=county[0], name=county[1], level="county", parent_id=None),
        Region(
            code=township[0],
            name=township[1],
            level=Level.TOWNSHIP,
            parent_id=county[0],
            area_km2=V.TOWNSHIP_AREA_KM2,
        ),
    ]
    hamlets_of: dict[str, list[Region]] = {}
    for code, name, _short, n_hamlets, _members, _subs in V.VILLAGES:
        rows.append(Region(code=code, name=name, level=Level.VILLAGE, parent_id=township[0]))
        hamlets_of[code] = [
            Region(code=f"{code}{i:03d}", name=hamlet, level="hamlet", parent_id=code)
            for i, hamlet in enumerate(_hamlet_names(rng, code, n_hamlets), start=1)
        ]
        rows.extend(hamlets_of[code])
    all_hamlets = [h for village in hamlets_of.values() for h in village]
    # One villager group per hamlet, two in the larger ones, 274 in all.
    two_groups = {h.code for h in rng.sample(all_hamlets, V.GROUPS - len(all_hamlets))}
    groups_of: dict[str, list[Region]] = {}
    for hamlet in all_hamlets:
        if hamlet.code in two_groups:
            names = [f"{hamlet.name}一组", f"{hamlet.name}二组"]
        else:
            names = [f"{hamlet.name}组"]
        groups_of[hamlet.code] = [
            Region(code=f"{hamlet.code}{i:03d}", name=n, level="group", parent_id=hamlet.code)
            for i, n in enumerate(names, start=1)
        ]
        rows.extend(groups_of[hamlet.code])
    Region.objects.bulk_create(rows, batch_size=BATCH, ignore_conflicts=True)
    # The township may have come from a division import first (which carries no area).
    Region.objects.filter(code=township[0], area_km2__isnull=True).update(
        area_km2=V.TOWNSHIP_AREA_KM2
    )
    return {"hamlets_of": hamlets_of, "groups_of": groups_of, "count": len(rows)}


# --- organisations -----------------------------------------------------------------------


@dataclass
class _VillageOrgs:
    top: Organisation
    # hamlet code -> (bottom branch, party group) for members living there
    by_hamlet: dict[str, tuple[Organisation, Organisation]] = field(default_factory=dict)
    bottoms: list[Organisation] = field(default_factory=list)
    groups: list[tuple[Organisation, list[str]]] = field(default_factory=list)


def _org(name: str, kind: str, category: str, code: str, parent=None) -> Organisation:
    return _scoped(Organisation(name=name, kind=kind, category=category, parent=parent), code)


def _chunks(rng: random.Random, items: list, low: int, high: int) -> list[list]:
    out, i = [], 0
    while i < len(items):
        size = rng.randint(low, high)
        out.append(items[i : i + size])
        i += size
    if len(out) > 1 and len(out[-1]) < low:
        out[-2].extend(out.pop())
    return out


def _build_organisations(rng: random.Random, regions: dict) -> dict:
    township = V.TOWNSHIP[0]
    committee = _org("中共凉泉乡委员会", OrgKind.COMMITTEE, OrgCategory.OTHER, township)
    committee.save()
    tops = []
    for code, _name, short, _h, _m, subs in V.VILLAGES:
        if subs:
            tops.append(
                _org(f"{short}党总支", OrgKind.GENERAL_BRANCH, OrgCategory.VILLAGE, code, committee)
            )
        else:
            tops.append(
                _org(f"{short}党支部", OrgKind.BRANCH, OrgCategory.VILLAGE, code, committee)
            )
    organs = [
        _org(name, OrgKind.BRANCH, OrgCategory.TOWNSHIP_ORGAN, township, committee)
        for name, _n in V.ORGAN_BRANCHES
    ]
    Organisation.objects.bulk_create(tops + organs, batch_size=BATCH)

    villages: dict[str, _VillageOrgs] = {}
    subs_rows, plans = [], []
    for (code, _name, short, _h, _m, n_subs), top in zip(V.VILLAGES, tops, strict=True):
        hamlet_codes = [h.code for h in regions["hamlets_of"][code]]
        clusters = _chunks(rng, hamlet_codes, 2, 4)
        villages[code] = _VillageOrgs(top=top)
        if n_subs:
            per = -(-len(clusters) // n_subs)
            for j in range(n_subs):
                sub = _org(
                    f"{short}第{V.numeral(j + 1)}党支部",
                    OrgKind.BRANCH,
                    OrgCategory.VILLAGE,
                    code,
                    top,
                )
                subs_rows.append(sub)
                plans.append((code, sub, clusters[j * per : (j + 1) * per]))
        else:
            plans.append((code, top, clusters))
    Organisation.objects.bulk_create(subs_rows, batch_size=BATCH)

    group_rows, group_plan, numbering = [], [], defaultdict(int)
    short_of = {v[0]: v[2] for v in V.VILLAGES}
    for code, bottom, clusters in plans:
        villages[code].bottoms.append(bottom)
        for cluster in clusters:
            numbering[code] += 1
            group = _org(
                f"{short_of[code]}第{V.numeral(numbering[code])}党小组",
                OrgKind.PARTY_GROUP,
                OrgCategory.VILLAGE,
                code,
                bottom,
            )
            group_rows.append(group)
            group_plan.append((code, bottom, group, cluster))
    Organisation.objects.bulk_create(group_rows, batch_size=BATCH)
    for code, bottom, group, cluster in group_plan:
        villages[code].groups.append((group, cluster))
        for hamlet in cluster:
            villages[code].by_hamlet[hamlet] = (bottom, group)

    # Environment councils in all but ten hamlets, and Hubin's "five elders" council.
    all_hamlets = [h for hs in regions["hamlets_of"].values() for h in hs]
    without = {h.code for h in rng.sample(all_hamlets, V.HAMLETS_WITHOUT_COUNCIL)}
    councils = [
        _org(
            f"{h.name}环境理事会",
            OrgKind.COUNCIL,
            OrgCategory.VILLAGE,
            h.code,
            villages[village_of(h.code)].top,
        )
        for h in all_hamlets
        if h.code not in without
    ]
    councils.append(
        _org(
            "湖滨村五老议事会", OrgKind.COUNCIL, OrgCategory.VILLAGE, V.HUBIN, villages[V.HUBIN].top
        )
    )
    Organisation.objects.bulk_create(councils, batch_size=BATCH)
    return {"committee": committee, "villages": villages, "organs": organs}


# --- members -----------------------------------------------------------------------------


def _scaled(n: int, scale: float, minimum: int = 1) -> int:
    return n if scale == 1 else max(minimum, round(n * scale))


def _member(people: _People, *, age: int, male: bool, area: str, org, mobile_to: str = ""):
    rng = people.rng
    birth = people.birth_date(age)
    id_number = people.id_number(birth, male)
    join_age = rng.randint(18, max(18, min(age - 1, 50)))
    joined = _years_before(birth, -join_age) + datetime.timedelta(days=rng.randrange(300))
    joined = min(joined, people.today - datetime.timedelta(days=30))
    phone = people.mobile() if rng.random() < 0.95 else ""
    member = Member(
        name=people.name(male),
        gender="M" if male else "F",
        birth_date=birth,
        id_number=id_number,
        id_hash=blind_index(id_number),
        id_masked=mask_id(id_number),
        phone=phone,
        phone_masked=mask_phone(phone),
        organisation=org,
        joined_on=joined,
        is_mobile=bool(mobile_to),
        mobile_whereabouts=mobile_to,
    )
    return _scoped(member, area)


def _build_members(rng: random.Random, people: _People, regions: dict, orgs: dict, scale: float):
    organ_plan = [
        (org, _scaled(n, scale, 3), org.name == V.RETIREES_BRANCH)
        for org, (_name, n) in zip(orgs["organs"], V.ORGAN_BRANCHES, strict=True)
    ]
    village_plan = [(v[0], _scaled(v[4], scale, 3)) for v in V.VILLAGES]
    n_village = sum(n for _code, n in village_plan)
    organ_over_60 = sum(n for _org, n, retired in organ_plan if retired)
    village_over_60 = max(0, _scaled(V.MEMBERS_OVER_60, scale, 0) - organ_over_60)
    over_60 = set(rng.sample(range(n_village), min(village_over_60, n_village)))
    # Nobody in 泊湖社区 is away: all its members serve (vocabulary.BOHU_MEMBERS_SERVING).
    first, at_home = 0, range(0)
    for code, n in village_plan:
        if code == V.BOHU:
            at_home = range(first, first + n)
        first += n
    younger = [i for i in range(n_village) if i not in over_60 and i not in at_home]
    mobile = set(rng.sample(younger, min(_scaled(V.MEMBERS_MOBILE, scale, 0), len(younger))))

    members: list[Member] = []
    by_village: dict[str, list[Member]] = defaultdict(list)
    by_bottom: dict[int, list[Member]] = defaultdict(list)
    index = 0
    for code, count in village_plan:
        village_orgs = orgs["villages"][code]
        groups = [g for h in regions["hamlets_of"][code] for g in regions["groups_of"][h.code]]
        for _ in range(count):
            group = rng.choice(groups)
            bottom, _party_group = village_orgs.by_hamlet[group.code[:15]]
            age = rng.randint(61, 92) if index in over_60 else rng.randint(22, 58)
            if index not in over_60 and rng.random() < 0.5:
                age = rng.randint(40, 58)  # fewer young members than middle-aged ones
            member = _member(
                people,
                age=age,
                male=rng.random() < 0.74,
                area=group.code,
                org=bottom,
                mobile_to=rng.choice(V.WHEREABOUTS) if index in mobile else "",
            )
            members.append(member)
            by_village[code].append(member)
            by_bottom[id(bottom)].append(member)
            index += 1
    organ_members: dict[int, list[Member]] = defaultdict(list)
    for org, count, retired in organ_plan:
        for _ in range(count):
            age = rng.randint(61, 85) if retired else rng.randint(24, 58)
            member = _member(people, age=age, male=rng.random() < 0.6, area=V.TOWNSHIP[0], org=org)
            members.append(member)
            organ_members[id(org)].append(member)
    Member.objects.bulk_create(members, batch_size=BATCH)
    members_created(Member.objects.all())  # what the party services tell other apps (pages)
    return {
        "all": members,
        "by_village": by_village,
        "by_bottom": by_bottom,
        "organ": organ_members,
    }


def _build_positions(rng: random.Random, people: _People, orgs: dict, members: dict) -> dict:
    """Branch committees, party-group leaders; returns each village's secretary."""
    today = people.today
    taken: set[int] = set()
    rows: list[Position] = []

    def pick(candidates: list[Member], org: Organisation, title: str) -> Member | None:
        suitable = [
            m
            for m in candidates
            if m.pk not in taken and not m.is_mobile and 28 <= age_on(m.birth_date, today) <= 62
        ] or [m for m in candidates if m.pk not in taken]
        if not suitable:
            return None
        chosen = rng.choice(suitable)
        taken.add(chosen.pk)
        rows.append(Position(member=chosen, organisation=org, title=title))
        return chosen

    committee_titles = ["书记", "副书记", "组织委员", "宣传委员", "纪检委员"]
    secretaries: dict[str, Member] = {}
    for code, village in orgs["villages"].items():
        pool = members["by_village"][code]
        for n, title in enumerate(committee_titles):
            if n == 1 and len(pool) < 30:
                continue
            chosen = pick(pool, village.top, title)
            if title == "书记" and chosen is not None:
                secretaries[code] = chosen
        if village.top.kind == OrgKind.GENERAL_BRANCH:
            for bottom in village.bottoms:
                for title in ("书记", "组织委员", "宣传委员"):
                    pick(members["by_bottom"][id(bottom)], bottom, title)
        for group, cluster in village.groups:
            living = [m for m in pool if m.area_code[:15] in cluster]
            pick(living, group, "党小组长")
    for org in orgs["organs"]:
        pool = members["organ"][id(org)]
        titles = ["书记", "组织委员"] + (["宣传委员"] if len(pool) >= 7 else [])
        for title in titles:
            pick(pool, org, title)
    Position.objects.bulk_create(rows, batch_size=BATCH)
    return {"secretaries": secretaries, "holders": taken, "count": len(rows)}


# --- households --------------------------------------------------------------------------

# Shares of households per tag; the needy and migrant flags overlap as they do in life.
STATUS_SHARES = {
    "low_income": 0.03,
    "extreme_hardship": 0.005,
    "severe_illness": 0.01,
    "severe_disability": 0.01,
    "monitored": 0.015,
}
SIZE_WEIGHTS = [12, 25, 22, 20, 13, 8]  # 1..6 people


def _allocate(rng: random.Random, total: int, n: int) -> list[int]:
    """Split ``total`` over ``n`` buckets of uneven size (largest remainder, exact sum)."""
    weights = [rng.uniform(0.6, 1.4) for _ in range(n)]
    scale = total / sum(weights)
    raw = [w * scale for w in weights]
    counts = [int(x) for x in raw]
    order = sorted(range(n), key=lambda i: raw[i] - counts[i], reverse=True)
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


def _pick(rng, k: int, universe: list[int], preferred: list[int] = (), share: float = 0.0):
    k = min(k, len(universe))
    from_preferred = min(round(k * share), len(preferred))
    chosen = set(rng.sample(sorted(preferred), from_preferred))
    rest = [i for i in universe if i not in chosen]
    chosen.update(rng.sample(rest, k - len(chosen)))
    return chosen


def _build_households(rng: random.Random, people: _People, regions: dict, scale: float) -> dict:
    total = _scaled(V.HOUSEHOLDS, scale, 10)
    groups = [g for gs in regions["groups_of"].values() for g in gs]
    hamlet_names = {h.code: h.name for hs in regions["hamlets_of"].values() for h in hs}
    short_of = {v[0]: v[2] for v in V.VILLAGES}
    rows: list[dict] = []
    for group, count in zip(groups, _allocate(rng, total, len(groups)), strict=True):
        hamlet = group.code[:15]
        name = hamlet_names[hamlet]
        local = name[0] if name[0] in V.HAMLET_SURNAMES else None
        for _ in range(count):
            male = rng.random() < 0.85
            age = rng.randint(60, 90) if rng.random() < 0.4 else rng.randint(25, 59)
            birth = people.birth_date(age)
            id_number = people.id_number(birth, male)
            roll = rng.random()
            phone = people.mobile() if roll < 0.92 else people.landline() if roll < 0.96 else ""
            surname = local if local and rng.random() < 0.6 else None
            rows.append(
                {
                    "area_id": group.code,
                    "area_code": group.code,
                    "township_code": township_of(group.code),
                    "head_name": people.name(male, surname),
                    "head_id_number": encrypt(id_number),
                    "head_id_hash": blind_index(id_number),
                    "head_id_masked": mask_id(id_number),
                    "address": "",  # numbered below, once 泊湖's households have moved
                    "phone": encrypt(phone) if phone else "",
                    "phone_masked": mask_phone(phone),
                    "size": rng.choices(range(1, 7), weights=SIZE_WEIGHTS)[0],
                    "note": "",
                    "version": 1,
                }
            )

    n = len(rows)
    everyone = list(range(n))
    picked: dict[str, set[int]] = {}
    for slug, share in STATUS_SHARES.items():
        picked[slug] = _pick(rng, round(n * share), everyone)
    needy = sorted(set().union(*picked.values()))
    picked["migrant"] = _pick(rng, round(n * 0.25), everyone)
    migrant = sorted(picked["migrant"])
    picked["economic"] = _pick(rng, round(n * 0.08), [i for i in everyone if i not in needy])
    picked["hardship"] = _pick(rng, round(n * 0.06), everyone, needy, 0.6)
    picked["family_planning"] = _pick(rng, round(n * 0.04), everyone)
    picked["dispute"] = _pick(rng, round(n * 0.015), everyone)
    picked["difficult_case"] = _pick(rng, round(n * 0.015), everyone)
    picked["left_behind_elderly"] = _pick(rng, round(n * 0.04), everyone, migrant, 0.7)
    picked["left_behind_children"] = _pick(rng, round(n * 0.025), everyone, migrant, 0.7)

    tags = {tag.slug: tag for tag in seed_tags()}
    key = set().union(*(picked.get(slug, set()) for slug, tag in tags.items() if tag.is_key))
    _few_in_bohu(rows, key, [g for g in groups if not g.code.startswith(V.BOHU)], scale)
    numbers: dict[str, int] = defaultdict(int)
    for row in rows:
        hamlet = row["area_code"][:15]
        numbers[hamlet] += 1
        village = short_of[village_of(hamlet)]
        row["address"] = f"{village}{hamlet_names[hamlet]}{numbers[hamlet]}号"
    _insert_rows(Household, rows)
    ids = dict(
        Household.objects.filter(township_code=V.TOWNSHIP[0]).values_list("head_id_hash", "pk")
    )
    pks = [ids[row["head_id_hash"]] for row in rows]
    links = [
        {"household_id": pks[i], "tag_id": tags[slug].pk}
        for slug in tags
        for i in sorted(picked.get(slug, ()))
    ]
    _insert_rows(Household.tags.through, links)
    return {"count": n, "key": len(key), "tag_links": len(links)}


def _evenly(items: list, k: int) -> list:
    """``k`` of ``items`` spread evenly over the list (all of them when there are fewer)."""
    if k >= len(items):
        return list(items)
    return [items[i * len(items) // k] for i in range(k)]


def _few_in_bohu(rows: list[dict], key: set[int], others: list[Region], scale: float) -> None:
    """泊湖社区 is a small community (vocabulary.BOHU_HOUSEHOLDS): keep the households the
    report's figure needs there, spread over its groups, and move the rest, one to a group, to
    the other villages. Rows move, their tags with them: the township's counts do not change."""
    in_bohu = [i for i, row in enumerate(rows) if row["area_code"].startswith(V.BOHU)]
    want_key, want_other = (_scaled(n, scale) for n in V.BOHU_HOUSEHOLDS)
    keep = set(_evenly([i for i in in_bohu if i in key], want_key))
    keep.update(_evenly([i for i in in_bohu if i not in key], want_other))
    moving = [i for i in in_bohu if i not in keep]
    for j, i in enumerate(moving):
        group = others[j % len(others)].code
        rows[i].update(area_id=group, area_code=group, township_code=township_of(group))


def _insert_rows(model, rows: list[dict]) -> None:
    """Plain multi-row INSERT: ten thousand generated rows do not need a model instance each.

    Values must already be in their stored form (``encrypt`` applied); timestamps are filled here.
    """
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    names = list(rows[0])
    stamped = {"created_at", "updated_at"} & {f.name for f in model._meta.concrete_fields}
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    columns = [model._meta.get_field(n).column for n in names] + sorted(stamped)
    head = "INSERT INTO {} ({}) VALUES ".format(
        connection.ops.quote_name(model._meta.db_table),
        ", ".join(connection.ops.quote_name(c) for c in columns),
    )
    row_sql = "({})".format(", ".join(["%s"] * len(columns)))
    extra = tuple(now for _ in stamped)
    # Multi-row VALUES: one statement per batch (executemany is one round trip per row on
    # PostgreSQL); the batch respects SQLite's limit on query parameters.
    batch = max(1, min(1000, connection.ops.bulk_batch_size(columns, rows)))
    with connection.cursor() as wrapper:
        # The backend's own cursor: under DEBUG, Django's wrapper would format and keep every
        # statement with its thousands of parameters, which costs more than the insert.
        cursor = wrapper.cursor
        for start in range(0, len(rows), batch):
            chunk = rows[start : start + batch]
            params = [v for row in chunk for v in (*(row[n] for n in names), *extra)]
            cursor.execute(head + ", ".join([row_sql] * len(chunk)), params)


# --- entry point -------------------------------------------------------------------------


def demo_loaded() -> bool:
    """Whether the database already holds registry data (the demo's or anyone's)."""
    return Member.objects.exists() or Household.objects.exists() or Organisation.objects.exists()


@transaction.atomic
def build_demo(
    *, seed: int = 2026, scale: float = 1.0, today: datetime.date | None = None
) -> DemoResult:
    """Load regions, organisations, members, positions and households (no users)."""
    today = today or timezone.localdate()
    # One stream per section, so that changing the scale leaves the region tree unchanged.
    regions = _build_regions(random.Random(f"{seed}:regions"))
    orgs = _build_organisations(random.Random(f"{seed}:organisations"), regions)
    people = _People(random.Random(f"{seed}:people"), today)
    members = _build_members(random.Random(f"{seed}:members"), people, regions, orgs, scale)
    positions = _build_positions(random.Random(f"{seed}:positions"), people, orgs, members)
    households = _build_households(random.Random(f"{seed}:households"), people, regions, scale)

    result = DemoResult(
        seed=seed,
        scale=scale,
        today=today,
        secretaries=positions["secretaries"],
        members_by_village=members["by_village"],
        position_holders=positions["holders"],
    )
    over_60 = sum(1 for m in members["all"] if age_on(m.birth_date, today) >= 60)
    result.counts = {
        "regions": regions["count"],
        "organisations": Organisation.objects.count(),
        "members": len(members["all"]),
        "members_over_60": over_60,
        "members_mobile": sum(1 for m in members["all"] if m.is_mobile),
        "positions": positions["count"],
        "households": households["count"],
        "households_key": households["key"],
        "household_tags": households["tag_links"],
    }
    audit_record(
        actor=None,
        action="demo.load",
        object_type="demo",
        area_code=V.TOWNSHIP[0],
        detail={"seed": seed, "scale": scale, "today": today.isoformat(), **result.counts},
    )
    return result
