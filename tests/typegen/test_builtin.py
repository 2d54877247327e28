"""The committed kro_gen/k8s/kinds.py is what its generator writes, and it types what builders make."""

from __future__ import annotations

import typing
from pathlib import Path

from kro_gen import k8s
from kro_gen.k8s import kinds
from kro_gen.typegen import builtin

KINDS_FILE = Path(kinds.__file__)


def test_rerunning_the_generator_changes_nothing() -> None:
    assert builtin.render() == KINDS_FILE.read_text("utf-8"), "run: python -m kro_gen.typegen.builtin"


def test_every_kind_the_builders_make_has_a_kind_class() -> None:
    classes = {(cls.API_VERSION, cls.KIND) for cls in kinds.KIND_CLASSES.values()}
    for group, version, kind in builtin.KINDS:
        assert (f"{group}/{version}" if group else version, kind) in classes
    for name in (
        "Deployment",
        "StatefulSet",
        "DaemonSet",
        "Job",
        "CronJob",
        "Service",
        "Ingress",
        "ConfigMap",
    ):
        hints = typing.get_type_hints(getattr(k8s, name))
        assert hints["return"] is getattr(kinds, name), name


def test_views_follow_the_kubernetes_schema() -> None:
    status = typing.get_type_hints(kinds.DeploymentStatus)
    assert status["readyReplicas"] is int
    assert status["conditions"] == list[kinds.DeploymentCondition]
    port = typing.get_type_hints(kinds.ServicePort)
    assert port["targetPort"] == int | str  # IntOrString
    assert typing.get_type_hints(kinds.ResourceRequirements)["limits"] == dict[str, float | str]  # Quantity
    assert "from" not in typing.get_type_hints(kinds.NetworkPolicyIngressRule)  # a keyword: read x["from"]
