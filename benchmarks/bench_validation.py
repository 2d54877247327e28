"""5. Validation: ``check_rgd`` on the seed RGD (new process and warm), one manifest against its schema
(kro-gen's cached validator vs ``kubernetes_validate.validate`` per call), and ``kro-gen validate``
over the check corpus and over a generated tree."""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.measure import (
    REPO,
    Table,
    kro_gen_command,
    probe_stats,
    run_process,
    time_calls,
    time_processes,
    timing_row,
    timing_table,
)
from benchmarks.projects import copy_example, seed_result
from benchmarks.settings import Settings

CORPUS = REPO / "tests" / "check" / "corpus"


def probe_check_rgd(argument: str) -> dict[str, float]:
    """Run in a new process: ``check_rgd`` on the RGD in the JSON file ``argument`` (``{"rgd", "crds"}``),
    twice, each with a new registry. Seconds to import, to build each registry, for each call."""
    data = json.loads(Path(argument).read_text(encoding="utf-8"))
    crds = [Path(path) for path in data["crds"]]
    start = time.perf_counter()
    from kro_gen.check import check_rgd
    from kro_gen.errors import Location
    from kro_gen.pipeline.checks import make_registry

    seconds = {"import": time.perf_counter() - start}
    for call in ("first", "second"):
        begin = time.perf_counter()
        registry = make_registry(None, crds, [data["rgd"]])
        built = time.perf_counter()
        check_rgd(data["rgd"], location=Location(graph="seed"), registry=registry)
        seconds[f"{call}_registry"] = built - begin
        seconds[call] = time.perf_counter() - built
    return seconds


def _builtin_manifests() -> list[dict[str, Any]]:
    """The seed's development manifests (direct mode) whose kinds are built into Kubernetes."""
    from kro_gen.registry import SchemaRegistry

    result = seed_result()
    builtins = SchemaRegistry.default(result.registry.kubernetes_version)
    development = next(a for a in result.artifacts if a.target.name == "development")
    return [
        document.body
        for document in development.documents
        if builtins.known(document.body["apiVersion"], document.body["kind"])
    ]


def _check_rgd_rows(settings: Settings, folder: Path) -> list[tuple[str, ...]]:
    from kro_gen.check import check_rgd
    from kro_gen.errors import Location
    from kro_gen.pipeline.checks import make_registry

    result = seed_result()
    rgd, crds = result.graphs[0].rgd, list(result.config.crd_paths)
    probe_input = folder / "seed-rgd.json"
    probe_input.write_text(json.dumps({"rgd": rgd, "crds": [str(p) for p in crds]}), encoding="utf-8")
    cold = probe_stats("check-rgd", settings.process_repeats, argument=str(probe_input))
    registries: list[Any] = []
    warm = time_calls(
        lambda: check_rgd(rgd, location=Location(graph="seed"), registry=registries.pop()),
        settings.repeats,
        setup=lambda: registries.append(make_registry(None, crds, [rgd])),
    )
    resources = len(rgd["spec"]["resources"])
    return [
        timing_row(
            "`make_registry` (built-in kinds, the project's CRD, the RGD's kind), first in a new process",
            cold["first_registry"],
            "the registry `generate` builds once per run",
        ),
        timing_row("`make_registry`, second in that process", cold["second_registry"], ""),
        timing_row(
            "`check_rgd`, seed RGD, first call in a new process",
            cold["first"],
            f"{resources} resources; builds the kinds' validators on first use",
        ),
        timing_row("`check_rgd`, seed RGD, second call in that process", cold["second"], "new registry"),
        timing_row("`check_rgd`, seed RGD, warm process", warm, "new registry per call (not timed)"),
        timing_row("import `kro_gen.check` in a new process", cold["import"], ""),
    ]


def _manifest_rows(settings: Settings) -> list[tuple[str, ...]]:
    import kubernetes_validate

    from kro_gen.check.k8s_validate import validate_manifest
    from kro_gen.errors import Location

    registry = seed_result().registry
    manifests = _builtin_manifests()
    count = len(manifests)
    where = Location(graph="seed", environment="development")
    for manifest in manifests:
        if validate_manifest(manifest, registry, where, skip_expressions=False):
            raise RuntimeError(f"the seed's {manifest['kind']} does not validate: the input is broken")
    ours = time_calls(
        lambda: [validate_manifest(m, registry, where, skip_expressions=False) for m in manifests],
        settings.repeats,
        per=count,
    )
    theirs = time_calls(
        lambda: [
            kubernetes_validate.validate(m, registry.kubernetes_version, strict=True) for m in manifests
        ],
        settings.process_repeats,
        per=count,
    )
    kinds = ", ".join(sorted({m["kind"] for m in manifests}))
    return [
        timing_row(
            "`validate_manifest` (registry's cached validator)",
            ours,
            f"per manifest ({count} built-in manifests of the seed: {kinds})",
        ),
        timing_row(
            "`kubernetes_validate.validate()` per call",
            theirs,
            "per manifest, same manifests: reads and parses the schema JSON files on every call",
        ),
    ]


def _command_rows(settings: Settings, folder: Path) -> list[tuple[str, ...]]:
    corpus_files = len(list(CORPUS.glob("*.yaml")))
    corpus, _ = time_processes(
        kro_gen_command("validate", str(CORPUS)), settings.process_repeats, cwd=REPO, expect=(1,)
    )
    project = copy_example(folder / "example")
    run_process(kro_gen_command("generate"), cwd=project)
    tree_files = len(list((project / "gitops").rglob("*.yaml")))
    tree, _ = time_processes(kro_gen_command("validate", "gitops"), settings.process_repeats, cwd=project)
    return [
        timing_row(
            "`kro-gen validate tests/check/corpus`",
            corpus,
            f"{corpus_files} files, mostly broken on purpose (exit 1)",
        ),
        timing_row(
            "`kro-gen validate gitops` (example's generated tree)", tree, f"{tree_files} YAML files (exit 0)"
        ),
    ]


def run(settings: Settings) -> list[Table]:
    """The validation table."""
    with tempfile.TemporaryDirectory(prefix="kro-gen-bench-") as name:
        folder = Path(name)
        rows = _check_rgd_rows(settings, folder) + _manifest_rows(settings) + _command_rows(settings, folder)
    return [timing_table("Validation", rows)]
