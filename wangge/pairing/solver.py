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


# Code lengths of a township, village and hamlet (``regions.codes`` names them, but importing
# it loads Django, and the solver runs without it).
TOWNSHIP, VILLAGE, HAMLET = 9, 12, 15


def relation_cost(member_area: str, household_area: str, costs: Costs) -> int | None:
    """Cost of pairing across two area codes; None when not allowed (other township)."""
    if member_area == household_area:
        return costs.group
    shortest = min(len(member_area), len(household_area))
    if shortest >= HAMLET and member_area[:HAMLET] == household_area[:HAMLET]:
        return costs.hamlet
    if shortest >= VILLAGE and member_area[:VILLAGE] == household_area[:VILLAGE]:
        return costs.village
    if costs.allow_other_village and member_area[:TOWNSHIP] == household_area[:TOWNSHIP]:
        return costs.other_village
    return None


def _village_key(code: str) -> str:
    """Members of the township's organs (9-digit area) form a pool of their own."""
    return code[:VILLAGE] if len(code) >= VILLAGE else code[:TOWNSHIP]


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


SOURCE, SINK = 0, 1


@dataclass
class _Graph:
    """The grouped network: nodes numbered by kind, arcs added in named blocks."""

    caps: np.ndarray
    member_area_idx: np.ndarray
    household_area_idx: np.ndarray
    m_area_codes: list[str]
    h_area_codes: list[str]
    demand: np.ndarray
    member_node0: int = 2
    m_area_node0: int = 0
    h_area_node0: int = 0
    n_nodes: int = 0
    out_nodes: dict[str, int] = field(default_factory=dict)
    in_nodes: dict[str, int] = field(default_factory=dict)
    tails: list[np.ndarray] = field(default_factory=list)
    heads: list[np.ndarray] = field(default_factory=list)
    capacities: list[np.ndarray] = field(default_factory=list)
    unit_costs: list[np.ndarray] = field(default_factory=list)
    blocks: dict[str, slice] = field(default_factory=dict)
    count: int = 0

    def add(self, name: str, t, h, cap, cost) -> None:
        t = np.asarray(t, dtype=np.int64)
        n = len(t)
        self.tails.append(t)
        self.heads.append(np.asarray(h, dtype=np.int64))
        self.capacities.append(np.broadcast_to(np.asarray(cap, dtype=np.int64), (n,)))
        self.unit_costs.append(np.broadcast_to(np.asarray(cost, dtype=np.int64), (n,)))
        self.blocks[name] = slice(self.count, self.count + n)
        self.count += n

    def is_household_area(self, node: int) -> bool:
        return self.h_area_node0 <= node < self.h_area_node0 + len(self.h_area_codes)


def _graph_nodes(caps, member_areas, household_areas, costs: Costs) -> _Graph:
    m_area_ids: dict[str, int] = {}
    member_area_idx = np.array(
        [m_area_ids.setdefault(a, len(m_area_ids)) for a in member_areas], dtype=np.int64
    )
    h_area_ids: dict[str, int] = {}
    household_area_idx = np.array(
        [h_area_ids.setdefault(a, len(h_area_ids)) for a in household_areas], dtype=np.int64
    )
    m_area_codes, h_area_codes = list(m_area_ids), list(h_area_ids)
    g = _Graph(
        caps=caps,
        member_area_idx=member_area_idx,
        household_area_idx=household_area_idx,
        m_area_codes=m_area_codes,
        h_area_codes=h_area_codes,
        demand=np.bincount(household_area_idx, minlength=len(h_area_codes)).astype(np.int64),
    )
    g.m_area_node0 = g.member_node0 + len(member_areas)
    g.h_area_node0 = g.m_area_node0 + len(m_area_codes)
    next_node = g.h_area_node0 + len(h_area_codes)
    if costs.allow_other_village:
        for key in [_village_key(code) for code in m_area_codes]:
            if key not in g.out_nodes:
                g.out_nodes[key] = next_node
                next_node += 1
        for key in [code[:VILLAGE] for code in h_area_codes]:
            if key not in g.in_nodes:
                g.in_nodes[key] = next_node
                next_node += 1
    g.n_nodes = next_node
    return g


def _add_keep_arcs(g: _Graph, keep_member, keep_household):
    """Existing pairings: member → household area at cost 0, capacity = how many it holds."""
    keep_m = np.asarray(keep_member, dtype=np.int64)
    keep_h = np.asarray(keep_household, dtype=np.int64)
    if len(keep_m):
        usable = g.caps[keep_m] > 0
        keep_m, keep_h = keep_m[usable], keep_h[usable]
    if not len(keep_m):
        g.add("keep", [], [], [], [])
        return keep_m, keep_h, np.zeros((0, 2), dtype=np.int64)
    keep_pairs = np.stack([keep_m, g.household_area_idx[keep_h]], axis=1)
    uniq, keep_counts = np.unique(keep_pairs, axis=0, return_counts=True)
    g.add("keep", g.member_node0 + uniq[:, 0], g.h_area_node0 + uniq[:, 1], keep_counts, 0)
    return keep_m, keep_h, uniq


def _add_area_arcs(g: _Graph, area_cap: np.ndarray, costs: Costs) -> None:
    """New pairings inside a village: member area → household area by relation."""
    by_village_m: dict[str, list[int]] = defaultdict(list)
    for i, code in enumerate(g.m_area_codes):
        if len(code) >= VILLAGE and area_cap[i] > 0:
            by_village_m[code[:VILLAGE]].append(i)
    t, h, cap, cost = [], [], [], []
    for j, code in enumerate(g.h_area_codes):
        for i in by_village_m.get(code[:VILLAGE], ()):
            c = relation_cost(g.m_area_codes[i], code, costs)
            if c is not None:
                t.append(g.m_area_node0 + i)
                h.append(g.h_area_node0 + j)
                cap.append(g.demand[j])
                cost.append(c)
    g.add("area_area", t, h, cap, cost)


def _add_other_village_arcs(g: _Graph, area_cap: np.ndarray, costs: Costs) -> None:
    """Fallback across villages of one township, through one node per village each way."""
    t = [g.m_area_node0 + i for i in range(len(g.m_area_codes)) if area_cap[i] > 0]
    g.add(
        "area_out",
        t,
        [g.out_nodes[_village_key(g.m_area_codes[i - g.m_area_node0])] for i in t],
        [int(area_cap[i - g.m_area_node0]) for i in t],
        0,
    )
    village_demand: dict[str, int] = defaultdict(int)
    for j, code in enumerate(g.h_area_codes):
        village_demand[code[:VILLAGE]] += int(g.demand[j])
    t, h, cap = [], [], []
    for okey, onode in g.out_nodes.items():
        for ikey, inode in g.in_nodes.items():
            if okey != ikey and okey[:TOWNSHIP] == ikey[:TOWNSHIP]:
                t.append(onode)
                h.append(inode)
                cap.append(village_demand[ikey])
    g.add("out_in", t, h, cap, costs.other_village)
    g.add(
        "in_area",
        [g.in_nodes[c[:VILLAGE]] for c in g.h_area_codes],
        g.h_area_node0 + np.arange(len(g.h_area_codes)),
        g.demand,
        0,
    )


def _split_new_pairs(g: _Graph, flows: np.ndarray, assignment, taken, costs: Costs) -> None:
    """Units of new pairings travel member → member area → (village nodes) → household area."""
    all_tails, all_heads = np.concatenate(g.tails), np.concatenate(g.heads)
    pools: dict[int, deque] = defaultdict(deque)
    s = g.blocks["member_area"]
    for tail, head, x in zip(
        all_tails[s].tolist(), all_heads[s].tolist(), flows[s].tolist(), strict=True
    ):
        if x:
            pools[head].extend([tail - g.member_node0] * x)
    arrivals: dict[int, deque] = defaultdict(deque)
    order = (
        ["area_area", "area_out", "out_in", "in_area"]
        if costs.allow_other_village
        else ["area_area"]
    )
    for name in order:
        s = g.blocks[name]
        for tail, head, x in zip(
            all_tails[s].tolist(), all_heads[s].tolist(), flows[s].tolist(), strict=True
        ):
            if not x:
                continue
            moved = [pools[tail].popleft() for _ in range(x)]
            if g.is_household_area(head):
                arrivals[head - g.h_area_node0].extend(moved)
            else:
                pools[head].extend(moved)
    free_by_area: dict[int, deque] = defaultdict(deque)
    for hh in np.flatnonzero(~taken).tolist():
        free_by_area[int(g.household_area_idx[hh])].append(hh)
    for k, units in arrivals.items():
        free = free_by_area[k]
        for m in units:
            assignment[free.popleft()] = m


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

    g = _graph_nodes(caps, member_areas, household_areas, costs)
    total_demand = int(g.demand.sum())
    big = costs.largest * (g.n_nodes + 2) + 1

    active = np.arange(n_members, dtype=np.int64)[caps > 0]
    g.add("source_member", np.full(len(active), SOURCE), g.member_node0 + active, caps[active], 0)
    g.add(
        "member_area",
        g.member_node0 + active,
        g.m_area_node0 + g.member_area_idx[active],
        caps[active],
        0,
    )
    keep_m, keep_h, keep_uniq = _add_keep_arcs(g, keep_member, keep_household)
    area_cap = np.bincount(
        g.member_area_idx[active], weights=caps[active], minlength=len(g.m_area_codes)
    )
    _add_area_arcs(g, area_cap, costs)
    if costs.allow_other_village:
        _add_other_village_arcs(g, area_cap, costs)
    h_area_nodes = g.h_area_node0 + np.arange(len(g.h_area_codes))
    g.add("area_sink", h_area_nodes, np.full(len(g.h_area_codes), SINK), g.demand, 0)
    g.add("uncovered", [SOURCE], [SINK], [total_demand], [big])

    flow = min_cost_flow.SimpleMinCostFlow()
    arcs = flow.add_arcs_with_capacity_and_unit_cost(
        np.concatenate(g.tails),
        np.concatenate(g.heads),
        np.concatenate(g.capacities),
        np.concatenate(g.unit_costs),
    )
    supplies = np.zeros(g.n_nodes, dtype=np.int64)
    supplies[SOURCE], supplies[SINK] = total_demand, -total_demand
    flow.set_nodes_supplies(np.arange(g.n_nodes, dtype=np.int64), supplies)
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise SolverError(f"min cost flow ended with status {status}")
    flows = flow.flows(arcs)

    # Kept pairings first: member m keeps x of its households in area k.
    households_of_pair: dict[tuple[int, int], list[int]] = defaultdict(list)
    for m, hh in zip(keep_m.tolist(), keep_h.tolist(), strict=True):
        households_of_pair[(m, int(g.household_area_idx[hh]))].append(hh)
    kept = 0
    taken = np.zeros(n_households, dtype=bool)
    keep_flow = flows[g.blocks["keep"]]
    for (m, k), x in zip(map(tuple, keep_uniq.tolist()), keep_flow.tolist(), strict=True):
        for hh in households_of_pair[(m, k)][:x]:
            assignment[hh] = m
            taken[hh] = True
            kept += 1
    _split_new_pairs(g, flows, assignment, taken, costs)

    cost = int(flow.optimal_cost()) - big * int(flows[g.blocks["uncovered"]][0])
    return Solution(
        assignment=assignment,
        cost=cost,
        uncovered=np.flatnonzero(assignment < 0),
        kept=kept,
        stats={"nodes": g.n_nodes, "arcs": int(g.count)},
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
