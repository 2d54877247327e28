"""kro-gen against what a real cluster showed in kro's e2e cases (committed in tests/kro_e2e/).

- ``crd``: the CRD kro generated (``instancecrd-assert.yaml``), compared as chainsaw does (partial match);
- ``render --instance``: the children kro created (``*-assert.yaml`` of ConfigMaps, Services,
  Deployments, HPAs), with ``--set`` for what the cluster supplied (an externalRef's content);
- ``validate --instance``: the instance after the API server defaulted it (``instance-*-assert.yaml``).

Assert files also hold what the API server and other controllers add (``metadata.generation``,
Deployment defaults, replicas the HPA set). Only those listed in :data:`SERVER_FILLED` are dropped
from the expectation, and only where kro-gen's output does not have them, so any other difference fails.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from kro_gen.check.assertions import partial_match
from kro_gen.emit.crd import crd_for_rgd
from kro_gen.emit.supplied import parse_set
from kro_gen.pipeline.rgd_source import read_instance, read_rgd
from kro_gen.pipeline.toolbox import render_instance, toolbox_registry, validate_instance_document
from tests.support_reference import KRO_E2E

LOCAL = KRO_E2E

#: Fields a live object has that neither kro nor kro-gen writes: the API server's defaults and metadata,
#: and (Deployment replicas) what the HPA of check-multi-resource-rgd scaled to.
SERVER_FILLED = {
    ("metadata", "generation"),
    ("metadata", "finalizers"),
    ("spec", "replicas"),
    ("spec", "progressDeadlineSeconds"),
    ("spec", "revisionHistoryLimit"),
    ("spec", "strategy"),
    ("spec", "template", "spec", "dnsPolicy"),
    ("spec", "template", "spec", "restartPolicy"),
    ("spec", "template", "spec", "schedulerName"),
    ("spec", "template", "spec", "terminationGracePeriodSeconds"),
    ("spec", "template", "spec", "containers", "*", "imagePullPolicy"),
    ("spec", "template", "spec", "containers", "*", "terminationMessagePath"),
    ("spec", "template", "spec", "containers", "*", "terminationMessagePolicy"),
}

#: case -> instance file -> (``--set`` values, CRD files, the assert files of the children it creates)
RENDERED: dict[str, dict[str, tuple[list[str], list[str], list[str]]]] = {
    "check-multi-resource-rgd": {
        "instance.yaml": (
            [],
            [],
            ["configmap-assert.yaml", "service-assert.yaml", "deployment-assert.yaml", "hpa-assert.yaml"],
        ),
        "instance-update.yaml": ([], [], ["deployment-update-assert.yaml", "hpa-update-assert.yaml"]),
    },
    "check-instance-creation": {"instance.yaml": ([], [], ["deployment-assert.yaml"])},
    "check-instance-update": {
        "instance.yaml": ([], [], ["deployment-assert.yaml"]),
        "instance-update.yaml": ([], [], ["deployment-update-assert.yaml"]),
    },
    "check-unknown-fields": {"instance.yaml": ([], ["allow-unknown-crd.yaml"], ["owned.yaml"])},
    "check-external-references": {
        # the cluster had configmap.yaml; --set gives its data
        "instance.yaml": (['input.data={"ECHO_VALUE": "Hello, World!"}'], [], ["owned.yaml"]),
    },
    "check-validation-markers": {"valid-instance.yaml": ([], [], ["configmap-assert.yaml"])},
}

#: case -> (instance file, assert file of the instance after admission)
ADMITTED = {
    "check-instance-creation": ("instance.yaml", "instance-create-assert.yaml"),
    "check-instance-update": ("instance.yaml", "instance-create-assert.yaml"),
    "check-multi-resource-rgd": ("instance.yaml", "instance-create-assert.yaml"),
    "check-arbitary-objects": ("instance.yaml", "instance-create-assert.yaml"),
    "check-unknown-fields": ("instance.yaml", "instance-assert.yaml"),
    "check-external-references": ("instance.yaml", "instance-assert.yaml"),
    "check-required-default-interactions": ("valid-instance.yaml", "valid-instance-assert.yaml"),
    "check-validation-markers": ("valid-instance.yaml", "valid-instance-assert.yaml"),
}


def folder(case: str) -> Path:
    return LOCAL / case


def load(path: Path) -> Any:
    return YAML(typ="safe", pure=True).load(path.read_text())


def drop_server_filled(expected: Any, actual: Any, path: tuple[str, ...] = ()) -> Any:
    """``expected`` without the :data:`SERVER_FILLED` fields that ``actual`` does not have."""
    if isinstance(expected, dict):
        kept = {}
        for key, value in expected.items():
            here = (*path, str(key))
            present = isinstance(actual, dict) and key in actual
            if not present and here in SERVER_FILLED:
                continue
            kept[key] = drop_server_filled(value, actual.get(key) if isinstance(actual, dict) else None, here)
        return kept
    if isinstance(expected, list):
        items = actual if isinstance(actual, list) else []
        return [
            drop_server_filled(value, items[i] if i < len(items) else None, (*path, "*"))
            for i, value in enumerate(expected)
        ]
    return expected


def test_every_case_with_a_crd_assert_is_covered() -> None:
    cases = {p.parent.name for p in LOCAL.glob("*/instancecrd-assert.yaml")}
    assert len(cases) == 8


@pytest.mark.parametrize(
    "case",
    sorted(p.parent.name for p in LOCAL.glob("*/instancecrd-assert.yaml")),
)
def test_crd_matches_the_generated_crd(case: str) -> None:
    expected = load(folder(case) / "instancecrd-assert.yaml")
    expected.pop("status", None)  # acceptedNames, conditions: the API server's
    expected["spec"].pop("conversion", None)  # strategy None: the API server's default
    crd = crd_for_rgd(load(folder(case) / "rgd.yaml"))
    result = partial_match(drop_server_filled(expected, crd), crd)
    assert result.ok, "\n".join(map(str, result.mismatches))


def rendered(case: str, instance: str, sets: list[str], crds: list[str]) -> list[dict[str, Any]]:
    where = folder(case)
    rgd = read_rgd(str(where / "rgd.yaml"))
    registry = toolbox_registry(None, [where / name for name in crds], [rgd.body])
    objects, _ = render_instance(
        rgd, read_instance(str(where / instance)), registry, [parse_set(s) for s in sets]
    )
    return objects


@pytest.mark.parametrize(
    ("case", "instance"), [(case, instance) for case, files in sorted(RENDERED.items()) for instance in files]
)
def test_render_gives_the_children_kro_created(case: str, instance: str) -> None:
    sets, crds, asserts = RENDERED[case][instance]
    objects = rendered(case, instance, sets, crds)
    by_identity = {(o["kind"], o["metadata"]["name"]): o for o in objects}
    for name in asserts:
        expected = load(folder(case) / name)
        actual = by_identity.get((expected["kind"], expected["metadata"]["name"]))
        assert actual is not None, f"{name}: no {expected['kind']} {expected['metadata']['name']} rendered"
        result = partial_match(drop_server_filled(expected, actual), actual)
        assert result.ok, f"{name}:\n" + "\n".join(map(str, result.mismatches))
    assert len(objects) == len({(o["kind"], o["metadata"]["name"]) for o in objects})


def test_the_comparison_catches_a_wrong_child() -> None:
    objects = rendered("check-multi-resource-rgd", "instance.yaml", [], [])
    hpa = next(o for o in objects if o["kind"] == "HorizontalPodAutoscaler")
    broken = copy.deepcopy(hpa)
    broken["spec"]["maxReplicas"] = 4
    expected = load(folder("check-multi-resource-rgd") / "hpa-assert.yaml")
    assert [str(m) for m in partial_match(drop_server_filled(expected, broken), broken).mismatches] == [
        "spec.maxReplicas: expected 5, got 4"
    ]


def test_external_reference_content_needs_set() -> None:
    from kro_gen.errors import DefinitionError

    with pytest.raises(DefinitionError, match=r"--set input\.data\.ECHO_VALUE=VALUE"):
        rendered("check-external-references", "instance.yaml", [], [])


@pytest.mark.parametrize("case", sorted(ADMITTED))
def test_instance_is_admitted_and_defaulted_as_the_cluster_showed(case: str) -> None:
    instance_file, assert_file = ADMITTED[case]
    where = folder(case)
    rgd = read_rgd(str(where / "rgd.yaml"))
    registry = toolbox_registry(None, [], [rgd.body])
    admitted, findings = validate_instance_document(rgd, read_instance(str(where / instance_file)), registry)
    assert [f for f in findings if f.severity.value == "error"] == []
    expected = load(where / assert_file)
    expected.pop("status", None)  # written by kro
    expected["metadata"].pop("labels", None)  # kro's labels on the instance
    result = partial_match(drop_server_filled(expected, admitted), admitted)
    assert result.ok, "\n".join(map(str, result.mismatches))
