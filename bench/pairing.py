"""The pairing optimiser at township and county scale, against exact optima solved another way.

Everything is generated in memory (the solver is a pure function over arrays), no database:

- small (one village, 420 households × 60 members): the grouped min-cost flow against the
  linear programme over every (member, household) pair solved by SciPy's HiGHS;
- township (10,500 households × 1,732 members, Liangquan's shape): against the ungrouped
  min-cost flow (one arc per member and household of the same village, plus the same village
  fallback), timed in the same process — the ratio is grouped / ungrouped;
- county (300,000 households × 50,000 members, 20 townships): time, coverage and cost, the cost
  recomputed from the pairs, caps checked.

About 40% of households have a key tag (as in the demo); half of those are already paired,
some with members now mobile or over their cap (the optimiser must move those).

    .venv/bin/python bench/pairing.py [--skip-county]
"""

import argparse
import random
import sys
import time

import numpy as np
from _setup import ROOT  # noqa: F401  (puts the checkout on sys.path)

from wangge.pairing.solver import Costs, assignment_cost, relation_cost, solve

COSTS = Costs()
BIG = 10**7


def cap_for(age: int, mobile: bool) -> int:
    if mobile:
        return 0
    if age >= 80:
        return 1
    if age >= 70:
        return 2
    return 5


def generate(rng, *, townships: int, villages: int, households: int, members: int):
    """Area codes for members and key households, caps, and existing pairings."""
    groups = []
    for t in range(townships):
        town = f"340827{200 + t:03d}"
        for v in range(villages):
            village = f"{town}{200 + v:03d}"
            for h in range(rng.randint(12, 22)):
                hamlet = f"{village}{h + 1:03d}"
                groups += [f"{hamlet}{g + 1:03d}" for g in range(rng.choice((1, 2, 2)))]
    towns = sorted({g[:9] for g in groups})
    household_areas = [rng.choice(groups) for _ in range(households)]
    key = [a for a in household_areas if rng.random() < 0.4]
    organ_share = 154 / 1732
    m_areas, caps = [], []
    for _ in range(members):
        organ = rng.random() < organ_share
        m_areas.append(rng.choice(towns) if organ else rng.choice(groups))
        age = rng.randint(61, 92) if rng.random() < 0.35 else rng.randint(22, 59)
        caps.append(cap_for(age, not organ and rng.random() < 0.11))
    # Existing pairings: half of the key households, with a member of the same village.
    by_village: dict[str, list[int]] = {}
    for i, a in enumerate(m_areas):
        by_village.setdefault(a[:12], []).append(i)
    keep_m, keep_h = [], []
    for j, a in enumerate(key):
        pool = by_village.get(a[:12])
        if pool and rng.random() < 0.5:
            keep_m.append(rng.choice(pool))
            keep_h.append(j)
    return m_areas, caps, key, keep_m, keep_h


def lp_optimum(m_areas, caps, h_areas, keeps, costs):
    """min Σ c·x + BIG·u  s.t. Σ_m x_mh + u_h = 1, Σ_h x_mh ≤ cap_m  (HiGHS)."""
    from scipy.optimize import linprog
    from scipy.sparse import coo_matrix

    rows_eq, rows_ub, cols, cost = [], [], [], []
    for m, ma in enumerate(m_areas):
        for h, ha in enumerate(h_areas):
            c = 0 if (m, h) in keeps else relation_cost(ma, ha, costs)
            if c is None:
                continue
            cols.append(len(cost))
            rows_eq.append(h)
            rows_ub.append(m)
            cost.append(c)
    n_x, n_h = len(cost), len(h_areas)
    c = np.array(cost + [BIG] * n_h, dtype=float)
    a_eq = coo_matrix(
        (np.ones(n_x + n_h), (rows_eq + list(range(n_h)), cols + list(range(n_x, n_x + n_h)))),
        shape=(n_h, n_x + n_h),
    )
    a_ub = coo_matrix((np.ones(n_x), (rows_ub, cols)), shape=(len(m_areas), n_x + n_h))
    result = linprog(
        c,
        A_ub=a_ub.tocsr(),
        b_ub=np.array(caps, dtype=float),
        A_eq=a_eq.tocsr(),
        b_eq=np.ones(n_h),
        bounds=(0, 1),
        method="highs",
    )
    assert result.status == 0, result.message
    uncovered = round(result.x[n_x:].sum())
    return round(result.fun - BIG * uncovered), uncovered


def ungrouped(m_areas, caps, h_areas, keeps, costs):
    """One arc per (member, household) of a village; villages linked through one node each."""
    from ortools.graph.python import min_cost_flow

    n_m, n_h = len(m_areas), len(h_areas)
    villages = sorted(
        {a[:12] if len(a) >= 12 else a[:9] for a in m_areas} | {a[:12] for a in h_areas}
    )
    vout = {v: n_m + n_h + 2 + i for i, v in enumerate(villages)}
    vin = {v: n_m + n_h + 2 + len(villages) + i for i, v in enumerate(villages)}
    source, sink = n_m + n_h, n_m + n_h + 1
    big = costs.largest * (n_m + n_h + 2 * len(villages) + 4) + 1
    t, h, cap, cost = [], [], [], []

    def arc(a, b, c_, k):
        t.append(a)
        h.append(b)
        cap.append(c_)
        cost.append(k)

    by_village: dict[str, list[int]] = {}
    for j, a in enumerate(h_areas):
        by_village.setdefault(a[:12], []).append(j)
    for m, (a, c_) in enumerate(zip(m_areas, caps, strict=True)):
        if c_ <= 0:
            continue
        arc(source, m, c_, 0)
        if len(a) >= 12:
            for j in by_village.get(a[:12], ()):
                arc(m, n_m + j, 1, 0 if (m, j) in keeps else relation_cost(a, h_areas[j], costs))
        arc(m, vout[a[:12] if len(a) >= 12 else a[:9]], c_, 0)
    for m, j in keeps:
        if caps[m] > 0 and (len(m_areas[m]) < 12 or m_areas[m][:12] != h_areas[j][:12]):
            arc(m, n_m + j, 1, 0)
    for x in villages:
        for y in villages:
            if x != y and x[:9] == y[:9] and y in by_village:
                arc(vout[x], vin[y], n_h, costs.other_village)
    for j, a in enumerate(h_areas):
        arc(vin[a[:12]], n_m + j, 1, 0)
        arc(n_m + j, sink, 1, 0)
    arc(source, sink, n_h, big)
    flow = min_cost_flow.SimpleMinCostFlow()
    arcs = flow.add_arcs_with_capacity_and_unit_cost(
        np.array(t), np.array(h), np.array(cap), np.array(cost)
    )
    supplies = np.zeros(2 * len(villages) + n_m + n_h + 2, dtype=np.int64)
    supplies[source], supplies[sink] = n_h, -n_h
    flow.set_nodes_supplies(np.arange(len(supplies)), supplies)
    assert flow.solve() == flow.OPTIMAL
    uncovered = int(flow.flows(arcs)[-1])
    return int(flow.optimal_cost()) - big * uncovered, uncovered, len(t)


def check(name, m_areas, caps, key, keep_m, keep_h, seconds, solution):
    keeps = set(zip(keep_m, keep_h, strict=True))
    recomputed = assignment_cost(m_areas, key, solution.assignment, keeps, COSTS)
    used = np.bincount(solution.assignment[solution.assignment >= 0], minlength=len(caps))
    assert (used <= np.maximum(np.array(caps), 0)).all(), "a cap is exceeded"
    assert recomputed == solution.cost, (recomputed, solution.cost)
    print(
        f"{name:9s} {len(key):>7,} key households × {len(m_areas):>6,} members: "
        f"{seconds:6.2f} s, cost {solution.cost:,}, covered {solution.covered:,}, "
        f"uncovered {len(solution.uncovered):,}, kept {solution.kept:,}, "
        f"graph {solution.stats['nodes']:,} nodes / {solution.stats['arcs']:,} arcs"
    )


def timed(*args):
    started = time.perf_counter()
    solution = solve(*args, COSTS)
    return time.perf_counter() - started, solution


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-county", action="store_true")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    rng = random.Random(args.seed)

    # Small: a village, checked against the LP over every pair (HiGHS).
    small = generate(rng, townships=1, villages=2, households=1050, members=130)
    m_areas, caps, key, keep_m, keep_h = small
    seconds, solution = timed(*small)
    check("small", *small, seconds, solution)
    lp_cost, lp_uncovered = lp_optimum(
        m_areas, caps, key, set(zip(keep_m, keep_h, strict=True)), COSTS
    )
    print(f"          LP (HiGHS) optimum: cost {lp_cost:,}, uncovered {lp_uncovered:,}")
    assert (lp_cost, lp_uncovered) == (solution.cost, len(solution.uncovered))
    # A tight variant with too little capacity, so the coverage term matters too.
    tight_caps = [min(c, 1) for c in caps]
    seconds, solution = timed(m_areas, tight_caps, key, keep_m, keep_h)
    check("tight", m_areas, tight_caps, key, keep_m, keep_h, seconds, solution)
    lp_cost, lp_uncovered = lp_optimum(
        m_areas, tight_caps, key, set(zip(keep_m, keep_h, strict=True)), COSTS
    )
    print(f"          LP (HiGHS) optimum: cost {lp_cost:,}, uncovered {lp_uncovered:,}")
    assert (lp_cost, lp_uncovered) == (solution.cost, len(solution.uncovered))

    # Township: Liangquan's size, against the ungrouped flow.
    town = generate(rng, townships=1, villages=10, households=10_500, members=1_732)
    seconds, solution = timed(*town)
    check("township", *town, seconds, solution)
    m_areas, caps, key, keep_m, keep_h = town
    started = time.perf_counter()
    base_cost, base_uncovered, base_arcs = ungrouped(
        m_areas, caps, key, set(zip(keep_m, keep_h, strict=True)), COSTS
    )
    base_seconds = time.perf_counter() - started
    print(
        f"          ungrouped flow ({base_arcs:,} arcs): {base_seconds:.2f} s, cost {base_cost:,}, "
        f"uncovered {base_uncovered:,}; grouped/ungrouped time {seconds / base_seconds:.2f}"
    )
    assert (base_cost, base_uncovered) == (solution.cost, len(solution.uncovered))

    if not args.skip_county:
        county = generate(rng, townships=20, villages=16, households=300_000, members=50_000)
        seconds, solution = timed(*county)
        check("county", *county, seconds, solution)
    print("objective equal to the exact optimum in every checked case")
    return 0


if __name__ == "__main__":
    sys.exit(main())
