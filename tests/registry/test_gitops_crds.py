"""The bundled Argo CD and Flux CRD schemas: what they hold, how they are made, and that kro-gen's own
GitOps wiring validates against them with no finding (``kro-gen validate --strict gitops/``)."""

from __future__ import annotations

import gzip
from pathlib import Path

from kro_gen.check import check_files
from kro_gen.check.k8s_schemas import SchemaRegistry, validate_manifest
from kro_gen.errors import Location
from kro_gen.registry.gitops_crds import BUNDLED_KINDS, bundled_crds
from kro_gen.registry.gitops_crds.trim import build, without_descriptions
from tests.support_reference import needs_reference, reference_path

ROOT = Path(__file__).resolve().parents[2]
UPSTREAM = reference_path("gitops", "crds")  # not committed (1.9 MB): the shared reference folder


def test_the_bundle_holds_exactly_the_listed_kinds_without_descriptions() -> None:
    kinds = {
        (crd["spec"]["group"], version["name"], crd["spec"]["names"]["kind"])
        for crd in bundled_crds()
        for version in crd["spec"]["versions"]
    }
    assert kinds == BUNDLED_KINDS
    bundle = ROOT / "kro_gen/registry/gitops_crds/gitops-crds.json.gz"
    assert '"description":"' not in gzip.decompress(bundle.read_bytes()).decode()
    sources = (ROOT / "kro_gen/registry/gitops_crds/SOURCES.md").read_text()
    assert all(kind in sources for _, _, kind in BUNDLED_KINDS)


def test_trimming_drops_the_keyword_but_keeps_a_field_named_description() -> None:
    node = {
        "description": "an object",
        "type": "object",
        "properties": {"description": {"type": "string", "description": "the field"}},
    }
    assert without_descriptions(node) == {"type": "object", "properties": {"description": {"type": "string"}}}


@needs_reference("gitops", "crds")
def test_the_bundle_is_reproducible_from_its_upstream_files(tmp_path: Path) -> None:
    """Rebuilding from the Argo CD and Flux Kustomization files gives the bundle's entries for them."""
    import json

    assert UPSTREAM is not None

    rebuilt = json.loads(gzip.decompress(build(sorted(map(str, UPSTREAM.glob("*.yaml"))))))
    bundled = {crd["metadata"]["name"]: crd for crd in bundled_crds()}
    assert rebuilt and all(bundled[crd["metadata"]["name"]] == crd for crd in rebuilt)
    assert build([str(p) for p in sorted(UPSTREAM.glob("*.yaml"))]) == build(
        [str(p) for p in sorted(UPSTREAM.glob("*.yaml"))]
    )


def test_argo_cd_and_flux_objects_are_checked_against_their_schemas() -> None:
    registry = SchemaRegistry.default()
    application = {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "Application",
        "metadata": {"name": "a", "namespace": "argocd"},
        "spec": {"destination": {"name": "in-cluster"}, "projekt": "default", "source": {"repoURL": "x"}},
    }
    found = {(f.rule, f.location.path) for f in validate_manifest(application, registry, Location())}
    assert found == {("manifest-required", "spec.project"), ("manifest-unknown-field", "spec.projekt")}
    release = {
        "apiVersion": "helm.toolkit.fluxcd.io/v2",
        "kind": "HelmRelease",
        "metadata": {"name": "kro", "namespace": "flux-system"},
        "spec": {
            "interval": "1h",
            "chart": {"spec": {"chart": "kro", "sourceRef": {"kind": "HelmRepository", "name": "kro"}}},
        },
    }
    assert validate_manifest(release, registry, Location()) == []
    assert registry.is_namespaced("kustomize.toolkit.fluxcd.io/v1", "Kustomization") is True


def test_a_registered_crd_wins_over_the_bundled_one() -> None:
    registry = SchemaRegistry.default()
    registry.register_crd(
        {
            "apiVersion": "apiextensions.k8s.io/v1",
            "kind": "CustomResourceDefinition",
            "metadata": {"name": "kustomizations.kustomize.toolkit.fluxcd.io"},
            "spec": {
                "group": "kustomize.toolkit.fluxcd.io",
                "names": {"kind": "Kustomization", "plural": "kustomizations"},
                "scope": "Cluster",
                "versions": [
                    {"name": "v1", "served": True, "schema": {"openAPIV3Schema": {"type": "object"}}}
                ],
            },
        }
    )
    assert registry.is_namespaced("kustomize.toolkit.fluxcd.io/v1", "Kustomization") is False
    assert SchemaRegistry.default().is_namespaced("kustomize.toolkit.fluxcd.io/v1", "Kustomization") is True


def test_kro_gens_own_gitops_tree_validates_strictly_clean() -> None:
    """The committed tree of the seed: Argo CD Applications and AppProjects (chart Applications too),
    Flux Kustomizations, HelmRepositories and HelmReleases, ClusterSecretStore placeholders, the RGD,
    instances and direct manifests (with the project's CRDs, as `kro-gen validate gitops/` does)."""
    registry = SchemaRegistry.default()
    registry.register_crd_file(ROOT / "definitions/crds/external-secrets.io_externalsecrets.yaml")
    registry.register_crd_file(ROOT / "definitions/crds/external-secrets.io_clustersecretstores.yaml")
    assert [str(f) for f in check_files([ROOT / "gitops"], registry=registry)] == []
