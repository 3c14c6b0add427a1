"""Visits sits below campaigns and appeals: they reach the visit log through its hooks."""

import ast
from pathlib import Path

from django.utils import timezone

import wangge.visits
from wangge.visits.hooks import bound_extensions, need_categories

ABOVE = ("wangge.appeals", "wangge.campaigns")


def test_visits_imports_neither_appeals_nor_campaigns():
    root = Path(wangge.visits.__file__).parent
    found = []
    for path in root.rglob("*.py"):
        if "tests" in path.relative_to(root).parts:
            continue  # tests may build any world they need
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            found += [f"{path.relative_to(root)}: {n}" for n in names if n.startswith(ABOVE)]
    assert not found


def test_the_campaign_and_the_request_categories_are_offered_through_the_hooks(world):
    # No campaign runs: nothing is added to the log; the township's request categories are.
    assert bound_extensions(world["plain"], timezone.localdate()) == []

    class Visit:
        township_code = world["plain"].township_code

    assert need_categories(Visit())
