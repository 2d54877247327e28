"""``rgd-kind-conflict``: two RGDs that would generate one CRD, when they reach the same cluster.

kro names the CRD an RGD generates ``<plural>.<group>``; the second RGD with the same kind and group
is refused (``CRD is owned by another ResourceGraphDefinition``). That is only a problem when both
RGDs are applied to one cluster, and files that merely sit in one folder are not (kro's own
``examples/`` has four such pairs: alternative versions of one example). Which files reach a cluster
together, as far as the files say:

- the documents of one file (one ``kubectl apply -f``);
- the files one ``kustomization.yaml`` builds: its ``resources``, ``bases`` and ``components``,
  following listed folders into their own kustomization files;
- every file given, when the caller says they are one cluster (``kro-gen validate --one-cluster``).

Folders without a kustomization file are not grouped: kustomize refuses to build them, and a Flux
``Kustomization`` that points at one (Flux then generates the build) is outside what the files say.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path as FsPath
from typing import Any

from kro_gen.check.findings import Finding
from kro_gen.errors import Location

#: The names kustomize looks for in a folder, in its order.
KUSTOMIZATION_NAMES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
_BUILD_KEYS = ("resources", "bases", "components")


@dataclass(frozen=True)
class GeneratedKind:
    """An RGD found in a file: where it is (``file:line``), its file, and the group and kind it makes."""

    where: str
    file: str
    group: str
    kind: str


def generated_kind(rgd: Mapping[str, Any], where: str, file: str) -> GeneratedKind | None:
    """The group and kind of the CRD ``rgd`` generates (group defaults to kro.run), or None."""
    spec = rgd.get("spec")
    schema = spec.get("schema") if isinstance(spec, Mapping) else None
    if not isinstance(schema, Mapping) or not isinstance(schema.get("kind"), str):
        return None
    group = schema.get("group")
    return GeneratedKind(where, file, group if isinstance(group, str) else "kro.run", schema["kind"])


def kustomization_sets(kustomizations: Mapping[str, Mapping[str, Any]]) -> list[set[str]]:
    """For each kustomization file (path → its parsed body), the files its build includes.

    Paths are compared as resolved absolute paths; remote entries (URLs, ``github.com/...``) and
    entries that do not exist are skipped (kustomize reports those itself).
    """
    by_folder = {str(FsPath(path).resolve().parent): body for path, body in kustomizations.items()}
    return [_build_files(FsPath(path).resolve().parent, by_folder, set()) for path in kustomizations]


def _build_files(folder: FsPath, by_folder: Mapping[str, Mapping[str, Any]], seen: set[str]) -> set[str]:
    key = str(folder)
    if key in seen:
        return set()
    seen.add(key)
    body = by_folder.get(key)
    if body is None:
        body = _read_kustomization(folder)
    files: set[str] = set()
    for build_key in _BUILD_KEYS:
        entries = body.get(build_key)
        for entry in entries if isinstance(entries, list) else []:
            if not isinstance(entry, str) or "://" in entry or entry.startswith("github.com/"):
                continue
            target = (folder / entry).resolve()
            if target.is_file():
                files.add(str(target))
            elif target.is_dir():
                files |= _build_files(target, by_folder, seen)
    return files


def _read_kustomization(folder: FsPath) -> Mapping[str, Any]:
    """The kustomization file of a folder outside the given paths (empty when there is none)."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    for name in KUSTOMIZATION_NAMES:
        path = folder / name
        if path.is_file():
            try:
                body = YAML(typ="safe", pure=True).load(path.read_text("utf-8"))
            except (OSError, UnicodeDecodeError, YAMLError):
                return {}
            return body if isinstance(body, Mapping) else {}
    return {}


def kind_conflicts(kinds: Sequence[GeneratedKind], sets: Iterable[set[str]]) -> list[Finding]:
    """``rgd-kind-conflict`` for each RGD whose group and kind an earlier RGD of one of ``sets`` (or of
    its own file) already generates. ``sets`` hold resolved file paths."""
    resolved = {kind.file: str(FsPath(kind.file).resolve()) for kind in kinds}
    groups = [*sets, *({path} for path in set(resolved.values()))]
    found: dict[str, Finding] = {}
    for files in groups:
        owners: dict[tuple[str, str], GeneratedKind] = {}
        for kind in kinds:
            if resolved[kind.file] not in files:
                continue
            first = owners.setdefault((kind.group, kind.kind), kind)
            if first is not kind and kind.where not in found:
                found[kind.where] = _conflict(kind, first)
    return [found[kind.where] for kind in kinds if kind.where in found]


def _conflict(kind: GeneratedKind, first: GeneratedKind) -> Finding:
    return Finding(
        "rgd-kind-conflict",
        f"kind {kind.kind} in group {kind.group} is also generated by the RGD at {first.where}, and both "
        "reach one cluster; both would own one CRD and kro refuses the second (CRD is owned by another "
        "ResourceGraphDefinition)",
        Location(file=kind.where, path="spec.schema.kind"),
        "give one of them another kind or group, or apply only one of them to a cluster",
    )
