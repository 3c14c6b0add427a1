"""The API's contract as clients read it: one name per schema, one shape per list, and the
OpenAPI document built once per process."""

import json
import typing
from collections import defaultdict

from pydantic import BaseModel

from wangge.api import api

PREFIX = "/api/v1"


def _models_in(annotation, seen: set[type]) -> None:
    """Every pydantic model an annotation refers to, through lists, unions and fields."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation in seen:
            return
        seen.add(annotation)
        for field in annotation.model_fields.values():
            _models_in(field.annotation, seen)
        return
    for arg in typing.get_args(annotation):
        _models_in(arg, seen)


def _schema_classes() -> set[type]:
    """The schema classes the document is generated from (inside ninja's own wrappers)."""
    seen: set[type] = set()
    for router in api._get_bound_routers():
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                wrappers = [*operation.models, *operation.response_models.values()]
                for wrapper in wrappers:
                    if isinstance(wrapper, type) and issubclass(wrapper, BaseModel):
                        for field in wrapper.model_fields.values():
                            _models_in(field.annotation, seen)
    return seen


def test_every_schema_has_its_own_component_name():
    """Two classes with one name share one OpenAPI component: one of them is documented wrong."""
    by_name = defaultdict(set)
    for cls in _schema_classes():
        by_name[cls.model_config.get("title") or cls.__name__].add(cls)
    # ninja makes a "Paged…" class per paginated route: copies of one shape do no harm.
    clashes = {
        name: sorted(f"{c.__module__}.{c.__qualname__}" for c in classes)
        for name, classes in by_name.items()
        if len({json.dumps(c.model_json_schema(), sort_keys=True) for c in classes}) > 1
    }
    assert not clashes, clashes


def _resolve(document: dict, schema: dict) -> dict:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _list_shape_problems(document: dict) -> dict[str, str]:
    problems = {}
    for path, operations in document["paths"].items():
        get = operations.get("get")
        if get is None:
            continue
        responses = get["responses"]
        content = (responses.get(200) or responses.get("200") or {}).get("content", {})
        schema = content.get("application/json", {}).get("schema")
        if schema is None:
            continue
        schema = _resolve(document, schema)
        params = {p["name"] for p in get.get("parameters", []) if p.get("in") == "query"}
        if schema.get("type") == "array":
            problems[path] = "answers a bare JSON array"
        elif "items" in schema.get("properties", {}):
            if "count" not in schema["properties"]:
                problems[path] = "a list without 'count'"
            elif not {"limit", "offset"} <= params:
                problems[path] = "a list without 'limit' and 'offset'"
    return problems


def test_every_list_answers_items_and_count_with_limit_and_offset():
    """One shape for every list: {"items": [...], "count": n}, paged by limit and offset."""
    problems = _list_shape_problems(api.get_openapi_schema(path_prefix=PREFIX))
    assert not problems, "\n".join(f"GET {path}: {why}" for path, why in sorted(problems.items()))


def test_openapi_document_is_built_once(client, monkeypatch, db):
    first = client.get(f"{PREFIX}/openapi.json")
    assert first.status_code == 200

    def rebuild(**kwargs):
        raise AssertionError("the OpenAPI document was built again")

    monkeypatch.setattr("wangge.api.get_schema", rebuild)
    second = client.get(f"{PREFIX}/openapi.json")
    assert second.status_code == 200
    assert second.json() == first.json()
    assert api.get_openapi_schema() is api.get_openapi_schema()
