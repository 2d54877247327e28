"""Kubernetes object schemas: the built-in kinds bundled with ``kubernetes-validate``, plus CRDs.

kro type-checks every template against the OpenAPI schema the cluster serves for its kind (KRO-RULES
§4.4). Offline, the :class:`SchemaRegistry` stands in for the cluster:

- built-in kinds come from the strict JSON schemas that ``kubernetes-validate`` bundles per Kubernetes
  minor version (``kubernetes-json-schema/v<X.Y>.0-local-strict/_definitions.json``: one ``$defs`` entry
  per type, the top-level kinds tagged with ``x-kubernetes-group-version-kind``). The file is read once
  per version, on first use, and shared by every registry;
- CRDs (``register_crd``) add every served version, converted by :mod:`kro_gen.registry.crd_schema`;
- the kinds RGDs generate are added with :meth:`SchemaRegistry.register_kind` by
  :func:`kro_gen.check.rgd_kinds.register_rgds` (their status is typed as kro infers it, which takes
  the CEL type checker, a layer above this one);
- the Argo CD and Flux kinds (``Application``, ``Kustomization``, ``GitRepository``...) come from the
  CRDs bundled in :mod:`kro_gen.registry.gitops_crds`, read on first use; a registered CRD of the same
  group, version and kind wins.

Schemas stay as JSON Schema dicts whose ``$ref`` point into the bundled definitions; :meth:`deref`
follows them and :meth:`field_schema` walks a field path.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path as FsPath
from typing import Any

from kro_gen.errors import ConfigError
from kro_gen.registry.crd_schema import PRESERVE, crd_versions, structural_to_jsonschema
from kro_gen.registry.gitops_crds import BUNDLED_KINDS

#: The Kubernetes version whose schemas are used unless configured (kro v0.9.3 builds against 1.35
#: libraries but runs on any supported cluster; 1.32 is the oldest minor still widely deployed).
DEFAULT_KUBERNETES_VERSION = "1.32"
DEFS_URI = "https://kubernetes.io/api/_definitions.json"
DEFS_MARK = "#/$defs/"  # how a $ref names a definition, after DEFS_URI or inside the definitions

#: Built-in kinds that are cluster-scoped, by (group, kind); every other built-in kind is namespaced.
#: The bundled JSON schemas do not record scope; this is ``kubectl api-resources --namespaced=false``
#: of a Kubernetes 1.32-1.35 cluster.
CLUSTER_SCOPED_BUILTINS: frozenset[tuple[str, str]] = frozenset(
    {
        ("", "ComponentStatus"),
        ("", "Namespace"),
        ("", "Node"),
        ("", "PersistentVolume"),
        ("admissionregistration.k8s.io", "MutatingWebhookConfiguration"),
        ("admissionregistration.k8s.io", "ValidatingWebhookConfiguration"),
        ("admissionregistration.k8s.io", "ValidatingAdmissionPolicy"),
        ("admissionregistration.k8s.io", "ValidatingAdmissionPolicyBinding"),
        ("admissionregistration.k8s.io", "MutatingAdmissionPolicy"),
        ("admissionregistration.k8s.io", "MutatingAdmissionPolicyBinding"),
        ("apiextensions.k8s.io", "CustomResourceDefinition"),
        ("apiregistration.k8s.io", "APIService"),
        ("authentication.k8s.io", "TokenReview"),
        ("authentication.k8s.io", "SelfSubjectReview"),
        ("authorization.k8s.io", "SelfSubjectAccessReview"),
        ("authorization.k8s.io", "SelfSubjectRulesReview"),
        ("authorization.k8s.io", "SubjectAccessReview"),
        ("certificates.k8s.io", "CertificateSigningRequest"),
        ("certificates.k8s.io", "ClusterTrustBundle"),
        ("flowcontrol.apiserver.k8s.io", "FlowSchema"),
        ("flowcontrol.apiserver.k8s.io", "PriorityLevelConfiguration"),
        ("internal.apiserver.k8s.io", "StorageVersion"),
        ("networking.k8s.io", "IngressClass"),
        ("networking.k8s.io", "IPAddress"),
        ("networking.k8s.io", "ServiceCIDR"),
        ("node.k8s.io", "RuntimeClass"),
        ("policy", "PodSecurityPolicy"),
        ("rbac.authorization.k8s.io", "ClusterRole"),
        ("rbac.authorization.k8s.io", "ClusterRoleBinding"),
        ("resource.k8s.io", "DeviceClass"),
        ("resource.k8s.io", "ResourceSlice"),
        ("scheduling.k8s.io", "PriorityClass"),
        ("storage.k8s.io", "CSIDriver"),
        ("storage.k8s.io", "CSINode"),
        ("storage.k8s.io", "StorageClass"),
        ("storage.k8s.io", "VolumeAttachment"),
        ("storage.k8s.io", "VolumeAttributesClass"),
        ("storagemigration.k8s.io", "StorageVersionMigration"),
    }
)

Gvk = tuple[str, str, str]


def split_api_version(api_version: str) -> tuple[str, str]:
    """``"apps/v1"`` → ``("apps", "v1")``; ``"v1"`` → ``("", "v1")`` (the core group)."""
    group, _, version = api_version.rpartition("/")
    return group, version


@dataclass
class _Builtins:
    """The bundled definitions of one Kubernetes minor version (immutable once loaded)."""

    version: str
    defs: dict[str, Any]
    by_gvk: dict[Gvk, str]
    validators: dict[Gvk, Any] = field(default_factory=dict)
    roots: dict[Gvk, dict[str, Any]] = field(default_factory=dict)
    _registry: Any = None

    def root(self, gvk: Gvk, name: str) -> dict[str, Any]:
        """The root schema of a bundled kind: a reference into the definitions (one object per kind)."""
        if gvk not in self.roots:
            self.roots[gvk] = {"$ref": f"{DEFS_URI}{DEFS_MARK}{name}"}
        return self.roots[gvk]

    def referencing_registry(self) -> Any:
        """A ``referencing`` registry that resolves ``$ref`` into the definitions."""
        if self._registry is None:
            from referencing import Registry
            from referencing.jsonschema import DRAFT202012

            resource = DRAFT202012.create_resource({"$id": DEFS_URI, "$defs": self.defs})
            self._registry = Registry().with_resource(DEFS_URI, resource)
        return self._registry


def available_versions() -> list[str]:
    """Kubernetes minor versions (``"1.32"``...) whose schemas ``kubernetes-validate`` bundles."""
    found = []
    for entry in _schema_root().iterdir():
        match = re.fullmatch(r"v(\d+)\.(\d+)\.\d+-local-strict", entry.name)
        if match:
            found.append((int(match[1]), int(match[2])))
    return [f"{major}.{minor}" for major, minor in sorted(found)]


def _schema_root() -> Any:
    """The folder of schemas ``kubernetes-validate`` ships, found without importing the package (its
    import pulls in jsonschema and more, which a run that finds nothing wrong never needs)."""
    from importlib.util import find_spec

    spec = find_spec("kubernetes_validate")
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    if locations:
        return FsPath(locations[0]) / "kubernetes-json-schema"
    from importlib.resources import files  # an unusual install (a zip): let importlib find the data

    return files("kubernetes_validate").joinpath("kubernetes-json-schema")


def _pick_version(requested: str) -> str:
    """The newest bundled minor version that is not newer than ``requested``."""
    match = re.fullmatch(r"v?(\d+)\.(\d+)(\.\d+)?", requested.strip())
    versions = available_versions()
    if not match:
        raise ConfigError(
            f"kubernetes version {requested!r} is not of the form 1.32",
            hint=f"use one of {', '.join(versions)}",
            rule="kubernetes-version",
        )
    wanted = (int(match[1]), int(match[2]))
    fitting = [v for v in versions if tuple(int(p) for p in v.split(".")) <= wanted]
    if not fitting:
        raise ConfigError(
            f"no bundled Kubernetes schemas for version {requested} (kubernetes-validate has "
            f"{versions[0]}..{versions[-1]})",
            hint=f"use one of {', '.join(versions)}",
            rule="kubernetes-version",
        )
    return fitting[-1]


@functools.lru_cache(maxsize=4)
def _load_builtins(version: str) -> _Builtins:
    text = _schema_root().joinpath(f"v{version}.0-local-strict", "_definitions.json").read_text("utf-8")
    defs: dict[str, Any] = json.loads(text)["$defs"]
    by_gvk: dict[Gvk, str] = {}
    for name, schema in defs.items():
        tags = schema.get("x-kubernetes-group-version-kind") or []
        if len(tags) == 1:  # DeleteOptions and WatchEvent are tagged for every group: not objects
            tag = tags[0]
            by_gvk[(tag["group"], tag["version"], tag["kind"])] = name
    return _Builtins(version, defs, by_gvk)


@dataclass
class _Custom:
    """A kind registered from a CRD or an RGD; ``make``: builds the schema on first use (then ``schema``
    is the one it gave; while it runs, ``schema`` stays what it was, e.g. an open status)."""

    schema: dict[str, Any]
    namespaced: bool
    source: str
    validator: Any = None
    make: Callable[[], Mapping[str, Any]] | None = None

    def resolved(self) -> dict[str, Any]:
        """The schema, built now if it is built lazily."""
        make, self.make = self.make, None
        if make is not None:
            self.schema = structural_to_jsonschema(make(), resource_root=True)
            self.validator = None
        return self.schema


class SchemaRegistry:
    """The object schemas known offline: built-in kinds, registered CRDs and RGD-generated kinds.

    Use :meth:`default` to get one; registering CRDs or RGDs changes only this registry.
    """

    def __init__(self, kubernetes_version: str | None = None) -> None:
        self.kubernetes_version = _pick_version(kubernetes_version or DEFAULT_KUBERNETES_VERSION)
        self._custom: dict[Gvk, _Custom] = {}

    @classmethod
    def default(cls, kubernetes_version: str | None = None) -> SchemaRegistry:
        """A registry of the built-in kinds of ``kubernetes_version`` (default 1.32; newest bundled
        minor version not newer than the one asked for)."""
        return cls(kubernetes_version)

    @property
    def _builtins(self) -> _Builtins:
        return _load_builtins(self.kubernetes_version)

    @property
    def definitions(self) -> Mapping[str, Any]:
        """The bundled Kubernetes definitions by name: what every validator's ``$ref`` resolves into
        (``{DEFS_URI}#/$defs/<name>``, and ``#/$defs/<name>`` inside them). Do not modify."""
        return self._builtins.defs

    # registration -------------------------------------------------------------------------------

    def register_crd(self, crd: Mapping[str, Any], *, source: str | None = None) -> list[tuple[str, str]]:
        """Add every served version of an ``apiextensions.k8s.io/v1`` CRD.

        Returns the ``(apiVersion, kind)`` pairs added. Raises :class:`ConfigError` when ``crd`` is not
        a usable CRD (the message names it and what is missing).
        """
        name = _crd_name(crd)
        where = source or f"CRD {name}"
        if (
            crd.get("apiVersion") != "apiextensions.k8s.io/v1"
            or crd.get("kind") != "CustomResourceDefinition"
        ):
            raise ConfigError(
                f"{where} is not an apiextensions.k8s.io/v1 CustomResourceDefinition "
                f"(apiVersion {crd.get('apiVersion')!r}, kind {crd.get('kind')!r})",
                hint="give CRD manifests only (apiextensions.k8s.io/v1beta1 CRDs are not supported)",
                rule="crd-file",
            )
        spec = as_map(crd.get("spec"))
        group, kind = spec.get("group"), as_map(spec.get("names")).get("kind")
        versions = crd_versions(crd)
        if not isinstance(group, str) or not isinstance(kind, str) or not versions:
            raise ConfigError(
                f"{where} lacks spec.group, spec.names.kind or a served version",
                hint="check that the file is a complete CRD (as `kubectl get crd NAME -o yaml` prints it)",
                rule="crd-file",
            )
        added = []
        for gvk, custom in _crd_customs(crd, group, kind, versions, where).items():
            self._custom[gvk] = custom
            added.append((f"{gvk[0]}/{gvk[1]}", kind))
        return added

    def register_crd_file(
        self, path: str | FsPath, rgds: list[Mapping[str, Any]] | None = None
    ) -> list[tuple[str, str]]:
        """Register every CRD in a YAML file (multi-document files allowed; other objects are skipped).

        With ``rgds``, the file's kro ``ResourceGraphDefinition`` documents are appended to it instead
        of being skipped (the caller registers the CRDs kro generates for them, which needs the CEL
        type checker above this layer), and a file of RGDs only is accepted.

        Raises :class:`ConfigError` when the file cannot be read or holds no CRD (nor, with ``rgds``,
        an RGD).
        """
        from ruamel.yaml.error import YAMLError

        from kro_gen.yamlread import load_yaml_all

        try:
            text = FsPath(path).read_text("utf-8")
            documents = load_yaml_all(text)
        except (OSError, YAMLError) as error:
            raise ConfigError(
                f"cannot read CRD file {path}: {error}".splitlines()[0],
                hint="give the path of a CRD YAML file ([tool.kro-gen] crds = [...] or --crd FILE)",
                rule="crd-file",
            ) from error
        added: list[tuple[str, str]] = []
        found_rgds = 0
        for document in documents:
            if not isinstance(document, Mapping):
                continue
            if document.get("kind") == "CustomResourceDefinition":
                added += self.register_crd(document, source=f"{path} ({_crd_name(document)})")
            elif rgds is not None and is_rgd_document(document):
                rgds.append(document)
                found_rgds += 1
        if not added and not found_rgds:
            accepted = "CustomResourceDefinition"
            if rgds is not None:
                accepted += " or ResourceGraphDefinition"
            raise ConfigError(
                f"{path} holds no {accepted}",
                hint="point [tool.kro-gen] crds / --crd at the CRD manifests (or kro RGD files) of the "
                "kinds you use",
                rule="crd-file",
            )
        return added

    def register_kind(
        self, api_version: str, kind: str, openapi: Mapping[str, Any], *, namespaced: bool, source: str
    ) -> None:
        """Add (or replace) one kind from the structural OpenAPI schema of its objects (``openapi``:
        what a CRD version's ``schema.openAPIV3Schema`` holds)."""
        gvk = (*split_api_version(api_version), kind)
        self._custom[gvk] = _Custom(structural_to_jsonschema(openapi, resource_root=True), namespaced, source)

    def register_lazy_kind(
        self,
        api_version: str,
        kind: str,
        openapi: Mapping[str, Any],
        make: Callable[[], Mapping[str, Any]],
        *,
        namespaced: bool,
        source: str,
    ) -> None:
        """Like :meth:`register_kind` with ``openapi``, replaced by ``make()`` the first time the kind's
        schema is looked up (a lookup made while ``make`` runs, a cycle, gets ``openapi``)."""
        self.register_kind(api_version, kind, openapi, namespaced=namespaced, source=source)
        self._custom[(*split_api_version(api_version), kind)].make = make

    # lookup -------------------------------------------------------------------------------------

    def _custom_for(self, gvk: Gvk) -> _Custom | None:
        """A registered kind, else a bundled Argo CD or Flux kind, else None."""
        custom = self._custom.get(gvk)
        if custom is None and gvk in BUNDLED_KINDS:
            custom = _bundled_customs(self.kubernetes_version).get(gvk)
        return custom

    def schema_for(self, api_version: str, kind: str) -> dict[str, Any] | None:
        """The JSON schema of a kind, or None when unknown. ``$ref`` inside resolve with :meth:`deref`."""
        gvk = (*split_api_version(api_version), kind)
        custom = self._custom_for(gvk)
        if custom is not None:
            return custom.resolved()
        name = self._builtins.by_gvk.get(gvk)
        return self._builtins.defs[name] if name else None

    def known(self, api_version: str, kind: str) -> bool:
        """True when the registry has a schema for this kind."""
        return self.schema_for(api_version, kind) is not None

    def is_namespaced(self, api_version: str, kind: str) -> bool | None:
        """True/False for known kinds, None when the kind is unknown."""
        group, version = split_api_version(api_version)
        custom = self._custom_for((group, version, kind))
        if custom is not None:
            return custom.namespaced
        if (group, version, kind) not in self._builtins.by_gvk:
            return None
        return (group, kind) not in CLUSTER_SCOPED_BUILTINS

    def api_versions_of(self, kind: str) -> list[str]:
        """Every apiVersion under which ``kind`` is known (for "did you mean" hints)."""
        gvks = set(self._builtins.by_gvk) | set(self._custom) | BUNDLED_KINDS
        return sorted(f"{g}/{v}" if g else v for g, v, k in gvks if k == kind)

    def deref(self, node: Mapping[str, Any]) -> Mapping[str, Any]:
        """``node`` with any ``$ref`` followed (into the bundled definitions)."""
        seen = 0
        while isinstance(node.get("$ref"), str) and seen < 32:
            ref: str = node["$ref"]
            target = self._builtins.defs.get(ref.partition(DEFS_MARK)[2]) if DEFS_MARK in ref else None
            if target is None:
                return {}
            node, seen = target, seen + 1
        return node

    def field_schema(self, root: Mapping[str, Any], path: Sequence[str | int]) -> Mapping[str, Any] | None:
        """The schema of the field at ``path`` below ``root``; ``{}`` (anything) below a
        preserve-unknown or untyped node; None when the path leaves the schema."""
        node = self.deref(root)
        for part in path:
            if _is_open(node):
                return {}
            if isinstance(part, int):
                items = node.get("items")
                if not isinstance(items, Mapping):
                    return None
                node = self.deref(items)
                continue
            properties = node.get("properties") or {}
            if part in properties:
                node = self.deref(properties[part])
            elif isinstance(node.get("additionalProperties"), Mapping):
                node = self.deref(node["additionalProperties"])
            else:
                return None
        return node

    def validation_schema_for(self, api_version: str, kind: str) -> Mapping[str, Any] | None:
        """The root JSON Schema :meth:`validator_for`'s validator checks against (None when the kind is
        unknown), without building the validator; the same object every call."""
        gvk = (*split_api_version(api_version), kind)
        custom = self._custom_for(gvk)
        if custom is not None:
            return custom.resolved()
        name = self._builtins.by_gvk.get(gvk)
        return None if name is None else self._builtins.root(gvk, name)

    def validator_for(self, api_version: str, kind: str) -> Any | None:
        """A cached JSON Schema validator for this kind (None when unknown)."""
        gvk = (*split_api_version(api_version), kind)
        custom = self._custom_for(gvk)
        if custom is not None:
            schema = custom.resolved()
            if custom.validator is None:
                custom.validator = _make_validator(schema, self._builtins)
            return custom.validator
        builtins = self._builtins
        name = builtins.by_gvk.get(gvk)
        if name is None:
            return None
        if gvk not in builtins.validators:
            builtins.validators[gvk] = _make_validator(builtins.root(gvk, name), builtins)
        return builtins.validators[gvk]


def _crd_customs(
    crd: Mapping[str, Any], group: str, kind: str, versions: Sequence[tuple[str, Any]], where: str
) -> dict[Gvk, _Custom]:
    """One entry per served version of a CRD (already checked by ``register_crd``)."""
    namespaced = as_map(crd.get("spec")).get("scope", "Namespaced") != "Cluster"
    return {
        (group, version, kind): _Custom(
            structural_to_jsonschema(openapi, resource_root=True), namespaced, where
        )
        for version, openapi in versions
    }


@functools.lru_cache(maxsize=4)
def _bundled_customs(kubernetes_version: str) -> dict[Gvk, _Custom]:
    """The bundled Argo CD and Flux kinds (per Kubernetes version: their validators resolve ObjectMeta
    in that version's definitions)."""
    from kro_gen.registry.gitops_crds import bundled_crds

    customs: dict[Gvk, _Custom] = {}
    for crd in bundled_crds():
        spec = as_map(crd.get("spec"))
        where = f"bundled CRD {_crd_name(crd)}"
        customs.update(_crd_customs(crd, spec["group"], spec["names"]["kind"], crd_versions(crd), where))
    return customs


def _is_open(node: Mapping[str, Any]) -> bool:
    """True for a node that accepts any field: preserve-unknown without properties, or untyped."""
    if node.get(PRESERVE) is True and not node.get("properties"):
        return True
    return not any(key in node for key in ("type", "properties", "items", "additionalProperties", "$ref"))


def _crd_name(crd: Mapping[str, Any]) -> str:
    return str(as_map(crd.get("metadata")).get("name") or "<unnamed>")


def as_map(value: Any) -> Mapping[str, Any]:
    """``value`` if it is a mapping, else an empty one (for reading untrusted documents)."""
    return value if isinstance(value, Mapping) else {}


@functools.lru_cache(maxsize=1)
def _validator_class() -> Any:
    """Draft 2020-12, except that ``integer`` excludes floats such as ``3.0`` (kro and the API server
    see a YAML ``3.0`` as a float, not an integer)."""
    import jsonschema

    base = jsonschema.Draft202012Validator

    def is_integer(_checker: Any, value: Any) -> bool:
        return isinstance(value, int) and not isinstance(value, bool)

    checker = base.TYPE_CHECKER.redefine("integer", is_integer)
    return jsonschema.validators.extend(base, type_checker=checker)


def _make_validator(schema: Mapping[str, Any], builtins: _Builtins) -> Any:
    return _validator_class()(schema, registry=builtins.referencing_registry())


__all__ = [
    "DEFAULT_KUBERNETES_VERSION",
    "SchemaRegistry",
    "as_map",
    "available_versions",
    "split_api_version",
]


def is_rgd_document(document: Mapping[str, Any]) -> bool:
    """True for a kro ``ResourceGraphDefinition`` (``kro.run/...``) document."""
    api_version = document.get("apiVersion")
    return (
        document.get("kind") == "ResourceGraphDefinition"
        and isinstance(api_version, str)
        and api_version.startswith("kro.run/")
    )
