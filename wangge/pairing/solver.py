"""The pairing optimiser: a min-cost flow over members, areas and key households (OR-Tools).

A pure function over arrays, so the service, the tests and ``bench/pairing.py`` share it
without a database. The graph stays small by grouping: households of one area are
interchangeable (their cost to a member depends only on the two areas), so each household
area is one node with a demand; members of one area share one node for new pairings, and
only a member's *existing* pairings (kept at cost 0) need arcs of their own::

    source ─cap─▶ member ─▶ member area ─cost─▶ household area ─demand─▶ sink
                    └──── keep (cost 0) ───────▶┘
    member area ─▶ village out ─other village─▶ village in ─▶ household area
    source ─────────────── uncovered (cost BIG) ─────────────────────────▶ sink

BIG exceeds the cost of any augmenting path, so the flow first covers as many households
as the capacity allows and, among those covers, finds the cheapest. The flow on the grouped
graph is then split back into (member, household) pairs of the same total cost.
"""

from collections import defaultdict, deque
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from ortools.graph.python import min_cost_flow


@dataclass(frozen=True)
class Costs:
    """Cost of a new pairing by how far the member lives from the household; keeping is 0."""

    group: int = 1
    hamlet: int = 2
    village: int = 4
    other_village: int = 10
    allow_other_village: bool = True

    @property
    def largest(self) -> int:
        return max(self.group, self.hamlet, self.village, self.other_village)


def relation_cost(member_area: str, household_area: str, costs: Costs) -> int | None:
    """Cost of pairing across two area codes; None when not allowed (other township)."""
    if member_area == household_area:
        return costs.group
    shortest = min(len(member_area), len(household_area))
    if shortest >= 15 and member_area[:15] == household_area[:15]:
        return costs.hamlet
    if shortest >= 12 and member_area[:12] == household_area[:12]:
        return costs.village
    if costs.allow_other_village and member_area[:9] == household_area[:9]:
        return costs.other_village
    return None


def _village_key(code: str) -> str:
    """Members of the township's organs (9-digit area) form a pool of their own."""
    return code[:12] if len(code) >= 12 else code[:9]


@dataclass
class Solution:
    # For each household, the index of its member, or -1 when it stays uncovered.
    assignment: np.ndarray
    # Sum of the pairing costs (kept pairings cost 0); the optimum among maximal covers.
    cost: int
    uncovered: np.ndarray
    kept: int = 0
    stats: dict = field(default_factory=dict)

    @property
    def covered(self) -> int:
        return int((self.assignment >= 0).sum())


class SolverError(RuntimeError):
    pass


def solve(
    member_areas: Sequence[str],
    member_caps: Sequence[int],
    household_areas: Sequence[str],
    keep_member: Sequence[int] = (),
    keep_household: Sequence[int] = (),
    costs: Costs = Costs(),
) -> Solution:
    """Assign each household at most one member, honouring the caps, at the least cost.

    ``keep_member[k]``/``keep_household[k]`` are existing pairings (indexes into the two
    lists); each household appears in at most one of them.
    """
    caps = np.asarray(member_caps, dtype=np.int64)
    n_members, n_households = len(member_areas), len(household_areas)
    if len(caps) != n_members:
        raise ValueError("member_areas and member_caps differ in length")
    caps = np.maximum(caps, 0)
    assignment = np.full(n_households, -1, dtype=np.int64)
    if n_households == 0:
        return Solution(assignment, 0, np.zeros(0, dtype=np.int64))

    # --- nodes -----------------------------------------------------------------------------
    m_area_ids: dict[str, int] = {}
    member_area_idx = np.array(
        [m_area_ids.setdefault(a, len(m_area_ids)) for a in member_areas], dtype=np.int64
    )
    h_area_ids: dict[str, int] = {}
    household_area_idx = np.array(
        [h_area_ids.setdefault(a, len(h_area_ids)) for a in household_areas], dtype=np.int64
    )
    m_area_codes, h_area_codes = list(m_area_ids), list(h_area_ids)
    demand = np.bincount(household_area_idx, minlength=len(h_area_codes)).astype(np.int64)
    total_demand = int(demand.sum())

    SOURCE, SINK = 0, 1
    member_node0 = 2
    m_area_node0 = member_node0 + n_members
    h_area_node0 = m_area_node0 + len(m_area_codes)
    next_node = h_area_node0 + len(h_area_codes)
    out_nodes: dict[str, int] = {}
    in_nodes: dict[str, int] = {}
    if costs.allow_other_village:
        for code in m_area_codes:
            key = _village_key(code)
            if key not in out_nodes:
                out_nodes[key] = next_node
                next_node += 1
        for code in h_area_codes:
            key = code[:12]
            if key not in in_nodes:
                in_nodes[key] = next_node
                next_node += 1
    n_nodes = next_node
    big = costs.largest * (n_nodes + 2) + 1

    tails: list[np.ndarray] = []
    heads: list[np.ndarray] = []
    capacities: list[np.ndarray] = []
    unit_costs: list[np.ndarray] = []
    blocks: dict[str, slice] = {}
    count = 0

    def add(name: str, t, h, cap, cost) -> None:
        nonlocal count
        t = np.asarray(t, dtype=np.int64)
        n = len(t)
        tails.append(t)
        heads.append(np.asarray(h, dtype=np.int64))
        capacities.append(np.broadcast_to(np.asarray(cap, dtype=np.int64), (n,)))
        unit_costs.append(np.broadcast_to(np.asarray(cost, dtype=np.int64), (n,)))
        blocks[name] = slice(count, count + n)
        count += n

    members = np.arange(n_members, dtype=np.int64)
    active = members[caps > 0]
    add("source_member", np.full(len(active), SOURCE), member_node0 + active, caps[active], 0)
    add(
        "member_area",
        member_node0 + active,
        m_area_node0 + member_area_idx[active],
        caps[active],
        0,
    )

    # Existing pairings: member → household area at cost 0, capacity = how many it holds there.
    keep_m = np.asarray(keep_member, dtype=np.int64)
    keep_h = np.asarray(keep_household, dtype=np.int64)
    if len(keep_m):
        usable = caps[keep_m] > 0
        keep_m, keep_h = keep_m[usable], keep_h[usable]
    keep_pairs = np.stack([keep_m, household_area_idx[keep_h]], axis=1) if len(keep_m) else None
    if keep_pairs is not None:
        uniq, keep_counts = np.unique(keep_pairs, axis=0, return_counts=True)
        add("keep", member_node0 + uniq[:, 0], h_area_node0 + uniq[:, 1], keep_counts, 0)
        keep_uniq = uniq
    else:
        add("keep", [], [], [], [])
        keep_uniq = np.zeros((0, 2), dtype=np.int64)

    # New pairings inside a village: member area → household area by relation.
    area_cap = np.bincount(
        member_area_idx[active], weights=caps[active], minlength=len(m_area_codes)
    )
    by_village_m: dict[str, list[int]] = defaultdict(list)
    for i, code in enumerate(m_area_codes):
        if len(code) >= 12 and area_cap[i] > 0:
            by_village_m[code[:12]].append(i)
    t, h, cap, cost = [], [], [], []
    for j, code in enumerate(h_area_codes):
        for i in by_village_m.get(code[:12], ()):
            c = relation_cost(m_area_codes[i], code, costs)
            if c is not None:
                t.append(m_area_node0 + i)
                h.append(h_area_node0 + j)
                cap.append(demand[j])
                cost.append(c)
    add("area_area", t, h, cap, cost)

    # Fallback across villages of one township, through one node per village each way.
    if costs.allow_other_village:
        t = [m_area_node0 + i for i, c in enumerate(m_area_codes) if area_cap[i] > 0]
        add(
            "area_out",
            t,
            [out_nodes[_village_key(m_area_codes[i - m_area_node0])] for i in t],
            [int(area_cap[i - m_area_node0]) for i in t],
            0,
        )
        village_demand: dict[str, int] = defaultdict(int)
        for j, code in enumerate(h_area_codes):
            village_demand[code[:12]] += int(demand[j])
        t, h, cap = [], [], []
        for okey, onode in out_nodes.items():
            for ikey, inode in in_nodes.items():
                if okey != ikey and okey[:9] == ikey[:9]:
                    t.append(onode)
                    h.append(inode)
                    cap.append(village_demand[ikey])
        add("out_in", t, h, cap, costs.other_village)
        add(
            "in_area",
            [in_nodes[c[:12]] for c in h_area_codes],
            h_area_node0 + np.arange(len(h_area_codes)),
            demand,
            0,
        )
    add(
        "area_sink",
        h_area_node0 + np.arange(len(h_area_codes)),
        np.full(len(h_area_codes), SINK),
        demand,
        0,
    )
    add("uncovered", [SOURCE], [SINK], [total_demand], [big])

    flow = min_cost_flow.SimpleMinCostFlow()
    all_tails = np.concatenate(tails)
    arcs = flow.add_arcs_with_capacity_and_unit_cost(
        all_tails, np.concatenate(heads), np.concatenate(capacities), np.concatenate(unit_costs)
    )
    supplies = np.zeros(n_nodes, dtype=np.int64)
    supplies[SOURCE], supplies[SINK] = total_demand, -total_demand
    flow.set_nodes_supplies(np.arange(n_nodes, dtype=np.int64), supplies)
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise SolverError(f"min cost flow ended with status {status}")
    flows = flow.flows(arcs)

    # --- split the grouped flow back into pairs --------------------------------------------
    all_heads = np.concatenate(heads)
    # Kept pairings first: member i keeps x of its households in area k.
    keep_flow = flows[blocks["keep"]]
    households_of_pair: dict[tuple[int, int], list[int]] = defaultdict(list)
    for m, hh in zip(keep_m.tolist(), keep_h.tolist(), strict=True):
        households_of_pair[(m, int(household_area_idx[hh]))].append(hh)
    kept = 0
    taken = np.zeros(n_households, dtype=bool)
    for (m, k), x in zip(map(tuple, keep_uniq.tolist()), keep_flow.tolist(), strict=True):
        for hh in households_of_pair[(m, k)][:x]:
            assignment[hh] = m
            taken[hh] = True
            kept += 1

    # Units of new pairings travel member → member area → (village nodes) → household area.
    pools: dict[int, deque] = defaultdict(deque)
    s = blocks["member_area"]
    for tail, head, x in zip(
        all_tails[s].tolist(), all_heads[s].tolist(), flows[s].tolist(), strict=True
    ):
        if x:
            pools[head].extend([tail - member_node0] * x)
    arrivals: dict[int, deque] = defaultdict(deque)
    order = (
        ["area_area", "area_out", "out_in", "in_area"]
        if costs.allow_other_village
        else ["area_area"]
    )
    for name in order:
        s = blocks[name]
        for tail, head, x in zip(
            all_tails[s].tolist(), all_heads[s].tolist(), flows[s].tolist(), strict=True
        ):
            if not x:
                continue
            source_pool = pools[tail]
            moved = [source_pool.popleft() for _ in range(x)]
            if head >= h_area_node0 and head < h_area_node0 + len(h_area_codes):
                arrivals[head - h_area_node0].extend(moved)
            else:
                pools[head].extend(moved)
    free_by_area: dict[int, deque] = defaultdict(deque)
    for hh in np.flatnonzero(~taken).tolist():
        free_by_area[int(household_area_idx[hh])].append(hh)
    for k, units in arrivals.items():
        free = free_by_area[k]
        for m in units:
            assignment[free.popleft()] = m

    cost = int(flow.optimal_cost()) - big * int(flows[blocks["uncovered"]][0])
    return Solution(
        assignment=assignment,
        cost=cost,
        uncovered=np.flatnonzero(assignment < 0),
        kept=kept,
        stats={"nodes": n_nodes, "arcs": int(count)},
    )


def assignment_cost(
    member_areas: Sequence[str],
    household_areas: Sequence[str],
    assignment: np.ndarray,
    keeps: set[tuple[int, int]],
    costs: Costs,
) -> int:
    """Recompute a solution's cost from its pairs (a check independent of the flow)."""
    total = 0
    for hh, m in enumerate(assignment.tolist()):
        if m < 0 or (m, hh) in keeps:
            continue
        c = relation_cost(member_areas[m], household_areas[hh], costs)
        if c is None:
            raise SolverError(f"household {hh} paired with unreachable member {m}")
        total += c
    return total
