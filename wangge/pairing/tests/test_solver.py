"""The optimiser on hand-checked cases, and against an ungrouped min-cost flow on random ones."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from ortools.graph.python import min_cost_flow

from wangge.pairing.solver import Costs, assignment_cost, relation_cost, solve

V1 = "340827200200"
V2 = "340827200201"
G11 = V1 + "001001"  # village 1, hamlet 1, group 1
G12 = V1 + "001002"  # same hamlet, other group
H2 = V1 + "002001"  # same village, other hamlet
OTHER = V2 + "001001"


def test_prefers_group_then_hamlet_then_village():
    costs = Costs()
    assert relation_cost(G11, G11, costs) == 1
    assert relation_cost(G11, G12, costs) == 2
    assert relation_cost(G11, H2, costs) == 4
    assert relation_cost(G11, OTHER, costs) == 10
    assert relation_cost(G11, "340827201200001001", costs) is None  # another township
    # One household each in G11 and G12; members in G11 and H2, one household each.
    solution = solve([H2, G11], [1, 1], [G12, G11])
    # G11's member takes its own group's household; the far member takes the other (4 + 1).
    assert solution.assignment.tolist() == [0, 1] and solution.cost == 5


def test_caps_are_honoured_and_shortfall_reported():
    solution = solve([G11, G12], [2, 0], [G11, G11, G11, G12])
    assert (solution.assignment >= 0).sum() == 2
    assert np.bincount(solution.assignment[solution.assignment >= 0]).tolist() == [2]
    assert len(solution.uncovered) == 2 and solution.cost == 2


def test_keeping_costs_nothing_so_existing_pairings_stay():
    # The member of H2 already pairs the G11 household; a G11 member is free but not preferred.
    solution = solve([H2, G11], [1, 1], [G11], keep_member=[0], keep_household=[0])
    assert solution.assignment.tolist() == [0] and solution.cost == 0 and solution.kept == 1


def test_a_member_without_room_loses_the_pairing():
    solution = solve([H2, G11], [0, 1], [G11], keep_member=[0], keep_household=[0])
    assert solution.assignment.tolist() == [1] and solution.kept == 0


def test_other_villages_only_when_allowed():
    assert solve([OTHER], [2], [G11, G12]).assignment.tolist() == [0, 0]
    closed = solve([OTHER], [2], [G11, G12], costs=Costs(allow_other_village=False))
    assert closed.assignment.tolist() == [-1, -1]


def _ungrouped_optimum(m_areas, caps, h_areas, keeps, costs):
    """The same problem with one arc per (member, household): an independent formulation."""
    flow = min_cost_flow.SimpleMinCostFlow()
    n_m, n_h = len(m_areas), len(h_areas)
    source, sink = n_m + n_h, n_m + n_h + 1
    big = 10**6
    for i, cap in enumerate(caps):
        flow.add_arc_with_capacity_and_unit_cost(source, i, cap, 0)
        for j, area in enumerate(h_areas):
            cost = 0 if (i, j) in keeps else relation_cost(m_areas[i], area, costs)
            if cost is not None:
                flow.add_arc_with_capacity_and_unit_cost(i, n_m + j, 1, cost)
    for j in range(n_h):
        flow.add_arc_with_capacity_and_unit_cost(n_m + j, sink, 1, 0)
    flow.add_arc_with_capacity_and_unit_cost(source, sink, n_h, big)
    flow.set_node_supply(source, n_h)
    flow.set_node_supply(sink, -n_h)
    assert flow.solve() == flow.OPTIMAL
    uncovered = flow.flow(flow.num_arcs() - 1)
    return flow.optimal_cost() - big * uncovered, uncovered


AREAS = [G11, G12, H2, V1 + "002002", OTHER, V2 + "002001", "340827200"]


@settings(max_examples=150, deadline=None, derandomize=True)
@given(
    st.lists(st.tuples(st.sampled_from(AREAS), st.integers(0, 3)), min_size=0, max_size=8),
    st.lists(st.sampled_from(AREAS[:6]), min_size=1, max_size=14),
    st.booleans(),
    st.data(),
)
def test_matches_the_ungrouped_optimum(members, households, across, data):
    m_areas = [a for a, _c in members]
    caps = [c for _a, c in members]
    keeps = set()
    if members:
        for j in range(len(households)):
            if data.draw(st.booleans()):
                keeps.add((data.draw(st.integers(0, len(members) - 1)), j))
    costs = Costs(allow_other_village=across)
    km = [m for m, _h in sorted(keeps)]
    kh = [h for _m, h in sorted(keeps)]
    solution = solve(m_areas, caps, households, km, kh, costs)
    expected_cost, expected_uncovered = _ungrouped_optimum(m_areas, caps, households, keeps, costs)
    assert len(solution.uncovered) == expected_uncovered
    assert solution.cost == expected_cost
    # The pairs themselves add up to the reported cost and respect every cap.
    assert assignment_cost(m_areas, households, solution.assignment, keeps, costs) == solution.cost
    used = np.bincount(solution.assignment[solution.assignment >= 0], minlength=len(caps))
    assert all(used[i] <= max(caps[i], 0) for i in range(len(caps)))
