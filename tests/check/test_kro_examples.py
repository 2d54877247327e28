"""kro's own RGDs validate with no finding beyond the real bugs listed here, each with what is wrong.

Three sets of files:

- kro's ``examples/`` at v0.9.3, read from the local mirror of kubernetes-sigs/kro when it is present
  (every ``kind: ResourceGraphDefinition`` file except ``examples/graph/``, which is a proposed API);
- ``kro_examples/``: twelve of those files, committed, so the core of this test runs everywhere (see
  ``kro_examples/SOURCES.md``);
- the reference RGDs: kro's examples in ``tests/kro_reference/`` and two e2e cases of ``tests/kro_e2e/``
  (committed copies of ../shared/reference/kro/).

The seed's own tree (RGD, instances, manifests, Argo CD and Flux wiring) is checked with no finding
at all in ``tests/registry/test_gitops_crds.py``.

Two warnings are counted rather than listed, because they are not mistakes in the text of a file:
``unknown-kind`` (a kind whose CRD kro-gen has no copy of: ACK, Config Connector, ASO...; its fields go
unchecked) and ``spec-field-optional-read`` (a spec field read although it is neither required nor
defaulted: real, an instance that omits it stalls in kro, kro#893; kro's examples do it often). Their
counts are exact, so a change in what kro-gen reports shows up here.
"""

from __future__ import annotations

import subprocess
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from kro_gen.check import Finding, check_files
from tests.support_reference import KRO_REFERENCE, REFERENCE_E2E_RGDS

HERE = Path(__file__).parent
COMMITTED = HERE / "kro_examples"
MIRROR = Path("/work/.mirror/kubernetes-sigs+kro/repo")
REFERENCE = KRO_REFERENCE
COUNTED = ("unknown-kind", "spec-field-optional-read")

ROLE = "spec.schema.spec.values.iamRole.roleDescription"
INGRESS = "spec.resources[2].template.spec.rules[0].http.paths[0]"
ARG = "spec.resources[{}].template.spec.template.spec.containers[0].args[2]"

#: The real bugs kro-gen finds in kro's v0.9.3 examples: (file below examples/, rule, field path).
REAL_BUGS: set[tuple[str, str, str]] = {
    # A Service template with `selector:` twice: kro parses templates with UnmarshalStrict.
    ("kubernetes/core-dns/core-dns.yaml", "yaml-duplicate-key", "spec.resources[4].template.spec.selector"),
    # The chained Lattice kind (rg-lattice.yaml) has no spec.gatewayClassName: kro rejects the field.
    (
        "apigateway/vpc-lattice/rg-webservice.yaml",
        "manifest-unknown-field",
        "spec.resources[1].template.spec.gatewayClassName",
    ),
    # The chained WebApp kind of webstack has no spec.s3bucketName.
    ("aws/webstack/rg.yaml", "manifest-unknown-field", "spec.resources[0].template.spec.s3bucketName"),
    # `string | default=IRSA role for ACK ... controller`: an unquoted default with spaces; kro reads
    # the words after the first as a marker key without `=` and refuses the schema.
    *(
        (f"aws/ack-controller/controllers/{name}-controller.yaml", "schema-marker-syntax", ROLE)
        for name in ("ec2", "ecr", "ecr-public", "eks", "s3", "sqs")
    ),
    (
        "aws/ack-controller/resourcegroup.yaml",
        "schema-marker-syntax",
        "spec.schema.spec.values.iam.iamRole.roleDescription",
    ),
    # `--enable-development-logging=${schema.spec.values.log.enabled}`: a bool in a string template;
    # kro requires every part of a template to be a string (string(...) around it).
    *(
        (f"aws/ack-controller/controllers/{name}-controller.yaml", "template-part-type", ARG.format(index))
        for name, index in (
            ("ec2", 3),
            ("ecr", 4),
            ("ecr-public", 4),
            ("eks", 4),
            ("iam", 2),
            ("s3", 4),
            ("sqs", 4),
        )
    ),
    # `version: ${spc.version}`: a typo for schema.spec.
    ("aws/ack-eks-cluster/eks-reused.yaml", "unknown-identifier", "spec.resources[0].template.spec.version"),
    ("aws/ack-eks-cluster/eks-reused.yaml", "unknown-identifier", "spec.resources[1].template.spec.version"),
    # The SYNCED column reads .status.synced, which the status does not define: always empty.
    (
        "aws/dogsvscats-appstack/dogsvscats-rg.yaml",
        "printer-column",
        "spec.schema.additionalPrinterColumns[1].jsonPath",
    ),
    # nodeSelector values are strings; a bool expression there is a type error in kro.
    (
        "aws/llm/llm.yaml",
        "expression-target-type",
        'spec.resources[5].template.spec.template.spec.nodeSelector["nvidia.com/gpu"]',
    ),
    # A resource reading an includeWhen resource without its condition: kro skips the reader too.
    # webapp, vote-app, result-app: with ingress.enabled and service.enabled=false there is no Ingress.
    *(
        (f"kubernetes/{name}", "includewhen-dependent", f"{INGRESS}.backend.service.name")
        for name in ("webapp/rg.yaml", "dogsvscats/vote-app/rg.yaml", "dogsvscats/result-app/rg.yaml")
    ),
    # webstack: the WebApp reads s3bucket and podidentity (s3bucket.enabled, default false), so by
    # default the stack's one application is never created.
    ("aws/webstack/rg.yaml", "includewhen-dependent", "spec.resources[0].template.spec.s3bucketName"),
    ("aws/webstack/rg.yaml", "includewhen-dependent", "spec.resources[0].template.spec.serviceAccount"),
    # externalRef.name/namespace written beside metadata instead of under it (metadata is empty).
    ("gcp/gemma-on-tpu/rgd.yaml", "externalref-shape", "spec.resources[0].externalRef.metadata"),
    ("gcp/gemma-on-tpu/rgd.yaml", "unknown-field", "spec.resources[0].externalRef.name"),
    ("gcp/gemma-on-tpu/rgd.yaml", "unknown-field", "spec.resources[0].externalRef.namespace"),
}


def _rgd_files(root: Path) -> list[Path]:
    """Every RGD file under ``root/examples`` (not ``examples/graph/``: a proposed API, not RGDs)."""
    return sorted(
        path
        for path in (root / "examples").rglob("*.yaml")
        if "graph" not in path.relative_to(root / "examples").parts[:1]
        and "kind: ResourceGraphDefinition" in path.read_text(encoding="utf-8")
    )


def _split(findings: list[Finding], root: Path) -> tuple[set[tuple[str, str, str]], Counter[str]]:
    listed: set[tuple[str, str, str]] = set()
    counted: Counter[str] = Counter()
    for found in findings:
        if found.rule in COUNTED:
            counted[found.rule] += 1
            continue
        file = Path((found.location.file or "").rsplit(":", 1)[0])
        listed.add((str(file.relative_to(root / "examples")), found.rule, found.location.path or "-"))
    return listed, counted


@pytest.fixture(scope="module")
def mirror_checkout(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    if not (MIRROR / "HEAD").exists():
        pytest.skip(f"kro's git mirror is not at {MIRROR}; the committed kro_examples/ still run")
    root = tmp_path_factory.mktemp("kro-v0.9.3")
    archive = subprocess.run(
        ["git", "-C", str(MIRROR), "archive", "v0.9.3", "examples"], check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "x", "-C", str(root)], input=archive, check=True)
    yield root


def test_kros_v0_9_3_examples_have_only_the_listed_bugs(mirror_checkout: Path) -> None:
    files = _rgd_files(mirror_checkout)
    assert len(files) == 59
    listed, counted = _split(check_files(files), mirror_checkout)
    assert listed == set(REAL_BUGS), "\n".join(sorted(map(str, listed ^ set(REAL_BUGS))))
    assert counted == {"unknown-kind": 162, "spec-field-optional-read": 110}


def test_one_folder_of_examples_is_not_one_cluster(mirror_checkout: Path) -> None:
    """Four pairs of examples generate the same kind (WebApp, EKSCluster, Valkey, Something): none
    conflicts, since no kustomization puts them together."""
    assert not [f for f in check_files([mirror_checkout / "examples"]) if f.rule == "rgd-kind-conflict"]


def test_the_committed_examples_have_only_their_listed_bugs() -> None:
    files = _rgd_files(COMMITTED)
    assert len(files) == 12
    listed, counted = _split(check_files(files), COMMITTED)
    mine = {key for key in REAL_BUGS if (COMMITTED / "examples" / key[0]).is_file()}
    assert listed == mine, "\n".join(sorted(map(str, listed ^ mine)))
    assert counted == {"unknown-kind": 25, "spec-field-optional-read": 11}
    # Two pairs generating one kind (WebApp; Something), in folders that are not one cluster.
    assert "rgd-kind-conflict" not in {f.rule for f in check_files([COMMITTED])}


def test_the_reference_rgds_have_no_finding_but_the_counted_ones() -> None:
    files = sorted([*REFERENCE.glob("example-*-rgd.yaml"), *REFERENCE_E2E_RGDS])
    assert len(files) == 7
    findings = check_files(files)
    # The webapp example's Ingress reads the Service without its condition (the bug listed above).
    [dependent] = [f for f in findings if f.rule == "includewhen-dependent"]
    assert (dependent.location.file or "").startswith(str(REFERENCE / "example-webapp-rgd.yaml"))
    assert dependent.location.path == f"{INGRESS}.backend.service.name"
    findings = [f for f in findings if f is not dependent]
    assert {f.rule for f in findings} <= set(COUNTED), [str(f) for f in findings if f.rule not in COUNTED]
    # unknown-kind: the network stack's ACK EC2 kinds; optional reads: the webapp's name, the
    # worker pool's workers and image, the network stack's fields, the e2e case's database.
    assert Counter(f.rule for f in findings) == {"spec-field-optional-read": 12, "unknown-kind": 9}
