"""Misspelt spec fields: each marked line is an error for mypy and pyright."""

from __future__ import annotations

from _app import Resources, WebSpec, make, web

from kro_gen import Schema, cel, k8s


@web.resources
def resources(schema: Schema[WebSpec]) -> Resources:
    spec = schema.spec
    k8s.ConfigMap("cfg", {"HOST": spec.database.hots})  # error
    k8s.Deployment("other", image=spec.imag)  # error
    cel.cond(spec.enviroment == "prod", "a", "b")  # error
    k8s.ConfigMap("cfg2", {"NAME": schema.metadata.nmae})  # error
    return make(schema)
