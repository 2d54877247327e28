"""Misspelt resource status and spec paths: each marked line is an error for mypy and pyright."""

from __future__ import annotations

from _app import Resources, WebSpec, web

from kro_gen import Schema, cel


@web.status
def status(schema: Schema[WebSpec], r: Resources) -> dict[str, object]:
    ready = cel.default(r.deployment.status.readyReplica, 0)  # error
    wanted = r.deployment.spec.replica  # error
    name = r.service.metadata.nam  # error
    ip = r.service.status.loadBalancer.ingres  # error
    typo_id = r.deploymnet  # error
    return {"ready": ready == wanted, "url": f"http://{name}{ip}{typo_id}"}
