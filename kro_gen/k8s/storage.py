"""Storage: PersistentVolumeClaim, and claim templates for StatefulSets (same spec builder).

>>> from kro_gen import k8s
>>> k8s.volume_claim_template("data", size="10Gi")["spec"]
{'accessModes': ['ReadWriteOnce'], 'resources': {'requests': {'storage': '10Gi'}}}
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Unpack

from kro_gen.expr.wrapper import Expr
from kro_gen.graph.resource import Resource
from kro_gen.k8s import kinds
from kro_gen.k8s.base import Common, Site, builder, checked_name
from kro_gen.k8s.values import as_items, as_quantity, as_string, choice, compact

ACCESS_MODES = ("ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOncePod")


def claim_spec(
    site: Site, size: object, access_modes: Sequence[str] | Expr, storage_class: object, volume_mode: object
) -> dict[str, Any]:
    """A PersistentVolumeClaim spec requesting ``size`` of storage."""
    if isinstance(size, int) and not isinstance(size, bool):
        raise site.error(
            "size", f"size={size} would request {size} bytes", hint="write e.g. size='10Gi'", rule="quantity"
        )
    if isinstance(access_modes, Expr):
        modes: object = access_modes
    else:
        modes = [
            choice(m, ACCESS_MODES, site, "access_modes")
            for m in as_items(access_modes, site, "access_modes")
        ]
        if not modes:
            raise site.error("access_modes", "access_modes is empty", rule="option-value")
    return compact(
        accessModes=modes,
        storageClassName=None if storage_class is None else as_string(storage_class, site, "storage_class"),
        volumeMode=None
        if volume_mode is None
        else choice(volume_mode, ("Filesystem", "Block"), site, "volume_mode"),
        resources={"requests": {"storage": as_quantity(size, site, "size")}},
    )


@builder(returns=kinds.PersistentVolumeClaim)
def PersistentVolumeClaim(
    name: object,
    *,
    size: object,
    access_modes: Sequence[str] | Expr = ("ReadWriteOnce",),
    storage_class: object = None,
    volume_mode: object = None,
    **options: Unpack[Common],
) -> Resource:
    """A ``v1`` PersistentVolumeClaim for ``size`` (a quantity such as ``"10Gi"``).

    Mount it with ``config_map_mounts=[k8s.mount(claim, "/data")]``.
    """
    site = Site.of("PersistentVolumeClaim", name, options)
    spec = claim_spec(site, size, access_modes, storage_class, volume_mode)
    return site.finish("v1", "PersistentVolumeClaim", {"spec": spec}, options)


def volume_claim_template(
    name: str,
    *,
    size: object,
    access_modes: Sequence[str] | Expr = ("ReadWriteOnce",),
    storage_class: object = None,
    volume_mode: object = None,
) -> dict[str, Any]:
    """A claim template for ``StatefulSet(volume_claim_templates=[...])``: each pod gets its own claim.

    Mount it by ``name`` with ``volume_mounts=[{"name": name, "mountPath": "/data"}]``.
    """
    site = Site.here("volume_claim_template", name)
    return {
        "metadata": {"name": checked_name(site, name)},
        "spec": claim_spec(site, size, access_modes, storage_class, volume_mode),
    }
