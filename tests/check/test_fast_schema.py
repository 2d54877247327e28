"""The fast validity proof never calls valid what jsonschema rejects, and validate_manifest's findings
are the same with and without it.

Manifests: this repository's generated tree and goldens (real Kubernetes, Argo CD and Flux kinds, and
the golden RGD's templates with their ``${...}`` strings), a CRD kind using every constraint the
converted schemas carry, and thousands of mutations of them (wrong types, nulls, floats, expressions,
unknown and missing fields, bad enum values) plus random JSON values from hypothesis at random places.
"""

from __future__ import annotations

import copy
import os
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from kro_gen.check import k8s_validate
from kro_gen.check.fast_schema import FastChecker
from kro_gen.check.k8s_validate import validate_manifest
from kro_gen.errors import Location
from kro_gen.registry import SchemaRegistry

ROOT = Path(__file__).resolve().parents[2]
HERE = Location(graph="g")

CRD_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "spec": {
            "type": "object",
            "required": ["name"],
            "properties": {
                "name": {"type": "string", "pattern": "^[a-z][a-z0-9-]*$", "minLength": 2, "maxLength": 12},
                "size": {"type": "string", "enum": ["small", "large"]},
                "replicas": {"type": "integer", "minimum": 1, "maximum": 5},
                "ratio": {"type": "number", "exclusiveMinimum": True, "minimum": 0},
                "weight": {"type": "number", "exclusiveMaximum": True, "maximum": 10},
                "port": {"x-kubernetes-int-or-string": True},
                "tags": {"type": "array", "items": {"type": "string"}, "minItems": 1, "maxItems": 3},
                "ids": {"type": "array", "items": {"type": "integer"}, "uniqueItems": True},
                "labels": {
                    "type": "object",
                    "additionalProperties": {"type": "string"},
                    "minProperties": 1,
                    "maxProperties": 2,
                },
                "free": {"type": "object", "x-kubernetes-preserve-unknown-fields": True},
                "either": {"anyOf": [{"type": "integer"}, {"type": "string"}]},
                "nested": {
                    "type": "object",
                    "properties": {
                        "flag": {"type": "boolean"},
                        "when": {"type": "string", "format": "date-time"},
                    },
                },
                "all": {"type": "string", "allOf": [{"minLength": 1}, {"maxLength": 4}]},
            },
        },
    },
}

#: Constraints the fast path does not prove (jsonschema always decides).
GADGET_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "spec": {
            "type": "object",
            "properties": {
                "step": {"type": "number", "multipleOf": 0.5},
                "one": {
                    "type": "object",
                    "x-kubernetes-preserve-unknown-fields": True,
                    "oneOf": [{"required": ["a"]}, {"required": ["b"]}],
                },
                "other": {
                    "type": "object",
                    "x-kubernetes-preserve-unknown-fields": True,
                    "not": {"required": ["forbidden"]},
                },
            },
        },
    },
}

GADGET = {
    "apiVersion": "example.com/v1",
    "kind": "Gadget",
    "metadata": {"name": "g"},
    "spec": {"step": 1.5, "one": {"a": 1}, "other": {"x": 1}},
}

CUSTOM = {
    "apiVersion": "example.com/v1",
    "kind": "Widget",
    "metadata": {"name": "w", "labels": {"a": "b"}},
    "spec": {
        "name": "web-1",
        "size": "small",
        "replicas": 3,
        "ratio": 1.5,
        "weight": 2,
        "port": 8080,
        "tags": ["a"],
        "ids": [1, 2],
        "labels": {"k": "v"},
        "free": {"anything": [1, {"x": None}]},
        "either": "x",
        "nested": {"flag": True, "when": "not a date"},
        "all": "abc",
    },
}

#: Values a mutation puts in place of a field.
REPLACEMENTS: list[Any] = [
    None,
    0,
    -1,
    7,
    1.0,
    2.5,
    True,
    False,
    "",
    "x",
    "web",
    "small",
    "${schema.spec.name}",
    "prefix-${a.b}",
    [],
    [None],
    ["${x}"],
    [1, 1],
    ["a", "a"],
    {},
    {"bogusField": 1},
    {"name": "n"},
    (1, 2),
]


@pytest.fixture(scope="module")
def registry() -> SchemaRegistry:
    made = SchemaRegistry.default()
    made.register_kind("example.com/v1", "Widget", CRD_SCHEMA, namespaced=True, source="test")
    made.register_kind("example.com/v1", "Gadget", GADGET_SCHEMA, namespaced=True, source="test")
    return made


def _documents(path: Path) -> list[Any]:
    return [d for d in YAML(typ="safe", pure=True).load_all(path.read_text("utf-8")) if isinstance(d, dict)]


def base_manifests() -> list[tuple[dict[str, Any], bool]]:
    """(manifest, skip_expressions): the generated tree and goldens, the RGD templates, the CRD kind."""
    found: list[tuple[dict[str, Any], bool]] = [(CUSTOM, False), (CUSTOM, True), (GADGET, False)]
    files = sorted((ROOT / "gitops").rglob("*.yaml")) + sorted((ROOT / "tests" / "golden").rglob("*.yaml"))
    for path in files:
        for document in _documents(path):
            found.append((document, False))
            if document.get("kind") == "ResourceGraphDefinition":
                for resource in document.get("spec", {}).get("resources", []):
                    if isinstance(resource.get("template"), dict):
                        found.append((resource["template"], True))
    return found


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _paths(child, (*prefix, index))


def _replace(manifest: dict[str, Any], path: tuple[Any, ...], new: Any) -> dict[str, Any]:
    changed = copy.deepcopy(manifest)
    node: Any = changed
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = new
    return changed


def _delete(manifest: dict[str, Any], path: tuple[Any, ...]) -> dict[str, Any]:
    changed = copy.deepcopy(manifest)
    node: Any = changed
    for part in path[:-1]:
        node = node[part]
    del node[path[-1]]
    return changed


def mutations(manifest: dict[str, Any], rng: random.Random, count: int) -> Iterator[dict[str, Any]]:
    """``count`` random single changes below apiVersion/kind (which choose the schema)."""
    paths = [p for p in _paths(manifest) if len(p) > 1 or (p and p[0] not in ("apiVersion", "kind"))]
    for _ in range(count):
        path = rng.choice(paths)
        choice = rng.random()
        if choice < 0.15:
            yield _delete(manifest, path)
        elif choice < 0.25:
            parent = path[:-1]
            target = manifest
            for part in parent:
                target = target[part]
            if isinstance(target, dict):
                yield _replace(manifest, (*parent, "bogusField"), rng.choice(REPLACEMENTS))
            else:
                yield _replace(manifest, path, rng.choice(REPLACEMENTS))
        else:
            yield _replace(manifest, path, copy.deepcopy(rng.choice(REPLACEMENTS)))


def jsonschema_errors(registry: SchemaRegistry, manifest: dict[str, Any], skip: bool) -> list[Any]:
    """The errors validate_manifest turns into findings (those at ``${...}`` strings dropped)."""
    validator = registry.validator_for(manifest["apiVersion"], manifest["kind"])
    assert validator is not None
    return [
        error
        for error in validator.iter_errors(manifest)
        if not (skip and isinstance(error.instance, str) and "${" in error.instance)
    ]


def fast_verdict(registry: SchemaRegistry, manifest: dict[str, Any], skip: bool) -> bool:
    validator = registry.validator_for(manifest["apiVersion"], manifest["kind"])
    assert validator is not None
    return k8s_validate._fast_checker(registry).certainly_valid(
        manifest, validator.schema, skip_expressions=skip
    )


def _checked(registry: SchemaRegistry) -> list[tuple[dict[str, Any], bool]]:
    return [
        (m, skip)
        for m, skip in base_manifests()
        if isinstance(m.get("apiVersion"), str)
        and isinstance(m.get("kind"), str)
        and "${" not in m["apiVersion"] + m["kind"]
        and registry.validator_for(m["apiVersion"], m["kind"]) is not None
    ]


def test_the_fast_path_proves_the_valid_manifests(registry: SchemaRegistry) -> None:
    cases = _checked(registry)
    assert len(cases) > 40
    kinds = set()
    for manifest, skip in cases:
        assert not jsonschema_errors(registry, manifest, skip), manifest["kind"]
        assert fast_verdict(registry, manifest, skip) is (manifest["kind"] != "Gadget"), (
            manifest["kind"],
            skip,
        )
        kinds.add(manifest["kind"])
    assert {"Deployment", "Service", "ConfigMap", "Application", "Kustomization", "Widget"} <= kinds


def test_the_fast_path_never_accepts_what_jsonschema_rejects(registry: SchemaRegistry) -> None:
    rng = random.Random(11)
    rejected = accepted = 0
    for manifest, skip in _checked(registry):
        for changed in mutations(manifest, rng, 60):
            errors = jsonschema_errors(registry, changed, skip)
            if fast_verdict(registry, changed, skip):
                assert not errors, (changed, [e.message for e in errors])
                accepted += 1
            elif errors:
                rejected += 1
    assert rejected > 500 and accepted > 500  # both sides of the verdict were exercised


def test_findings_are_the_same_without_the_fast_path(
    registry: SchemaRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(7)
    cases = [
        (changed, skip) for manifest, skip in _checked(registry) for changed in mutations(manifest, rng, 8)
    ]
    fast = [validate_manifest(m, registry, HERE, skip_expressions=skip) for m, skip in cases]
    monkeypatch.setattr(FastChecker, "certainly_valid", lambda *args, **kwargs: False)
    slow = [validate_manifest(m, registry, HERE, skip_expressions=skip) for m, skip in cases]
    assert fast == slow
    assert any(fast) and not all(fast)


JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-3, 70000)
    | st.floats(allow_nan=True)
    | st.text(max_size=6)
    | st.sampled_from(["${x}", "small", "web-1", "TCP", "Always"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6,
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), value=JSON, skip=st.booleans())
def test_random_values_anywhere(
    registry: SchemaRegistry, data: st.DataObject, value: Any, skip: bool
) -> None:
    manifest, _ = data.draw(st.sampled_from(_CASES))
    paths = [p for p in _paths(manifest) if len(p) > 1 or (p and p[0] not in ("apiVersion", "kind"))]
    changed = _replace(manifest, data.draw(st.sampled_from(paths)), value)
    if fast_verdict(registry, changed, skip):
        assert not jsonschema_errors(registry, changed, skip)


_CASES = [
    (m, s)
    for m, s in base_manifests()
    if m.get("kind") in ("Deployment", "Service", "Widget", "Gadget", "Application")
]


def test_a_valid_project_is_checked_without_importing_jsonschema(tmp_path: Path) -> None:
    """The seed's manifests are all proven valid by the fast checker: a ``--check`` run never builds a
    jsonschema validator (the import alone costs a small run tens of milliseconds)."""
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    script = (
        "import sys\n"
        "from kro_gen.cli import main\n"
        "sys.argv = ['kro-gen', 'generate', '--check', '--no-cache']\n"
        "try:\n    main()\nexcept SystemExit as done:\n    assert not done.code, done.code\n"
        "print('jsonschema' in sys.modules)\n"
    )
    environment = {**os.environ, "KRO_GEN_CACHE_DIR": str(tmp_path / "cache")}
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=root, env=environment, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip().splitlines()[-1] == "False", done.stdout + done.stderr
