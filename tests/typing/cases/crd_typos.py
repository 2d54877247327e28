"""Misspelt fields of a CRD's kind class (written by kro-gen stubs): each marked line is an error."""

from __future__ import annotations

from _crds import ExternalSecret

from kro_gen import cel, k8s


def secret() -> ExternalSecret:
    made = k8s.resource_of(ExternalSecret, "db", spec={"refreshInterval": "1h"})
    cel.default(made.status.refreshTme, "")  # error
    k8s.ConfigMap("target", {"NAME": made.spec.target.nmae})  # error
    k8s.ConfigMap("store", {"KIND": made.spec.secretStoreRef.knd})  # error
    k8s.ConfigMap("ready", {"READY": made.status.conditions[0].statu})  # error
    return made
