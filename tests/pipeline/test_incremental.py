"""The cache and the parallel run: reuse only what is proven unchanged, and never change the output.

Every test compares with a run that uses no cache, in one process: what the cache and the pool give
must be exactly that. Nothing here measures time: what a run did is read off :class:`ProjectPlan`
(``reused``, ``computed``) and off instrumented file and git access.
"""

from __future__ import annotations

import builtins
import os
from pathlib import Path
from typing import Any

import pytest

from kro_gen.gitops import write_tree
from kro_gen.pipeline import CheckFailed, cache, units
from kro_gen.pipeline.cache import CacheStore
from kro_gen.pipeline.incremental import ProjectPlan, plan_project
from kro_gen.project.config import load_config
from tests.test_pipeline_support import WEB_APP, edit, git, init_repo, make_project

HELPER = """\
REPLICAS = 2
"""

SHOP = """\
from pydantic import BaseModel

from kro_gen import ResourceGraph
from kro_gen.graph import Resource

import _sizes
from web import web  # another definition file


class Spec(BaseModel):
    name: str


shop = ResourceGraph("shop", api_version="shop.example.com/v1alpha1", kind="Shop", spec=Spec)


@shop.resources
def resources(schema):
    return {"config": Resource({
        "apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": schema.spec.name},
        "data": {"REPLICAS": str(_sizes.REPLICAS), "WEB": web.name},
    })}


shop.instance("prod", {"name": "shop"})
"""


SOLO = (
    WEB_APP.replace('"web-app"', '"solo"')
    .replace('kind="WebApp"', 'kind="Solo"')
    .replace('metadata": {"name": "web', 'metadata": {"name": "solo')
)
ALL = {"shop", "solo", "web-app"}
REPLICAS_3, REPLICAS_4 = '"replicas": 3', '"replicas": 4'


def project(tmp_path: Path) -> Path:
    """Three definition files (``shop`` imports ``web`` and the helper ``_sizes``; ``solo`` nothing)."""
    definitions = {"web.py": WEB_APP, "shop.py": SHOP, "solo.py": SOLO}
    root = init_repo(make_project(tmp_path / "p", definitions=definitions))
    (root / "definitions" / "_sizes.py").write_text(HELPER, encoding="utf-8")
    return root


def run(root: Path, **options: Any) -> ProjectPlan:
    options.setdefault("cache", CacheStore(root / ".kro-gen" / "cache"))
    return plan_project(load_config(root), **options)


def reference(root: Path) -> dict[str, str]:
    """The plan without any cache, in one process."""
    return dict(plan_project(load_config(root), cache=None, jobs=1).plan.files)


def commit_tree(root: Path) -> None:
    write_tree(run(root).plan, root / "gitops")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "tree")


def test_a_second_run_reuses_the_whole_plan(tmp_path: Path) -> None:
    root = project(tmp_path)
    first = run(root)
    assert first.reused == "none" and set(first.computed) == ALL
    second = run(root)
    assert second.reused == "run" and second.computed == []
    assert dict(second.plan.files) == dict(first.plan.files) == reference(root)


def test_a_no_op_run_writes_no_file_reads_no_committed_rgd_and_imports_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kro_gen.cli import cli

    root = project(tmp_path)
    commit_tree(root)
    monkeypatch.chdir(root)
    assert cli.main(["generate"], standalone_mode=False) is None  # fills the cache for this tree
    writes: list[str] = []
    reads: list[str] = []
    real_open, real_os_open, real_replace = builtins.open, os.open, os.replace

    def spy_open(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        if any(flag in mode for flag in "wax+"):
            writes.append(str(file))
        return real_open(file, mode, *args, **kwargs)

    def spy_os_open(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        if flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT):
            writes.append(str(path))
        return real_os_open(path, flags, *args, **kwargs)

    def spy_replace(source: Any, target: Any, *args: Any, **kwargs: Any) -> None:
        writes.append(str(target))
        real_replace(source, target, *args, **kwargs)

    def spy_committed(*args: Any, **kwargs: Any) -> None:
        reads.append(str(args))

    def no_import(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("a no-op run imported the definitions")

    monkeypatch.setattr(builtins, "open", spy_open)
    monkeypatch.setattr(os, "open", spy_os_open)
    monkeypatch.setattr(os, "replace", spy_replace)
    monkeypatch.setattr("kro_gen.vcs.committed_file", spy_committed)
    monkeypatch.setattr("kro_gen.pipeline.checks.committed_rgd", spy_committed)
    monkeypatch.setattr("kro_gen.project.loader.load_definitions", no_import)
    assert cli.main(["generate"], standalone_mode=False) is None
    assert cli.main(["generate", "--check"], standalone_mode=False) is None
    assert [path for path in writes if path != os.devnull] == []  # git's stdin is /dev/null
    assert reads == []


@pytest.mark.parametrize(
    ("change", "computed"),
    [
        (lambda root: edit(root / "definitions" / "solo.py", '"replicas": 3', '"replicas": 4'), {"solo"}),
        (
            lambda root: edit(root / "definitions" / "web.py", '"replicas": 3', '"replicas": 4'),
            {"web-app", "shop"},
        ),
        # shop imports web, so web's module runs again too (and its graph is computed with it)
        (
            lambda root: edit(root / "definitions" / "shop.py", '"name": "shop"', '"name": "store"'),
            {"shop", "web-app"},
        ),
        (lambda root: edit(root / "definitions" / "_sizes.py", "REPLICAS = 2", "REPLICAS = 3"), ALL),
    ],
    ids=["definition", "definition-imported-by-another", "definition-importing-another", "helper-module"],
)
def test_a_changed_module_recomputes_the_graphs_that_depend_on_it(
    tmp_path: Path, change: Any, computed: set[str]
) -> None:
    root = project(tmp_path)
    run(root)
    change(root)
    again = run(root)
    assert again.reused in ("files", "none")
    assert set(again.computed) == computed
    assert dict(again.plan.files) == reference(root)


def test_a_config_change_invalidates_everything(tmp_path: Path) -> None:
    root = project(tmp_path)
    run(root)
    edit(root / "pyproject.toml", "prod-eu1", "prod-eu2")
    again = run(root)
    assert again.reused == "none" and set(again.computed) == ALL
    assert dict(again.plan.files) == reference(root)


def test_kro_gen_version_and_code_invalidate_everything(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = project(tmp_path)
    run(root)
    assert run(root).reused == "run"
    monkeypatch.setattr("kro_gen.__version__", "9.9.9")
    cache.tool_fingerprint.cache_clear()
    assert run(root).reused == "none"
    monkeypatch.setattr(cache, "code_hash", lambda: "edited in place, same version")
    cache.tool_fingerprint.cache_clear()
    assert run(root).reused == "none"
    cache.tool_fingerprint.cache_clear()


def test_a_changed_committed_rgd_reruns_only_the_breaking_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = project(tmp_path)
    commit_tree(root)
    run(root)
    reads: list[str] = []
    real = __import__("kro_gen.pipeline.checks", fromlist=["committed_rgd"]).committed_rgd

    def spy(top: Path | None, path: str, *, rev: str = "HEAD") -> Any:
        reads.append(path)
        return real(top, path, rev=rev)

    monkeypatch.setattr("kro_gen.pipeline.checks.committed_rgd", spy)
    assert run(root).reused == "run" and reads == []
    # someone commits an RGD whose spec has a field the definitions no longer have: a breaking change
    rgd = root / "gitops" / "platform" / "rgds" / "rgd-web-app.yaml"
    edit(rgd, "      image: string", "      image: string\n      legacy: string")
    git(root, "commit", "-q", "-am", "older schema")
    with pytest.raises(CheckFailed) as failed:
        run(root)
    assert reads == ["gitops/platform/rgds/rgd-web-app.yaml"]
    assert any(f.rule.startswith("breaking") for f in failed.value.findings)


def test_environment_variables_and_data_files_read_by_definitions_are_inputs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads_env = WEB_APP.replace(
        'web.instance("prod", {"image": "nginx:1.27", "replicas": 3})',
        "import os, pathlib\n"
        'TAG = pathlib.Path(__file__).with_name("tag.txt").read_text().strip()\n'
        'web.instance("prod", {"image": os.environ.get("WEB_IMAGE", "nginx") + ":" + TAG, "replicas": 3})',
    )
    root = init_repo(make_project(tmp_path / "p", definitions={"web.py": reads_env}))
    (root / "definitions" / "tag.txt").write_text("1.27\n", encoding="utf-8")
    monkeypatch.setenv("WEB_IMAGE", "nginx")
    run(root)
    assert run(root).reused == "run"
    monkeypatch.setenv("WEB_IMAGE", "httpd")
    assert run(root).computed == ["web-app"]
    (root / "definitions" / "tag.txt").write_text("1.28\n", encoding="utf-8")
    again = run(root)
    assert again.computed == ["web-app"]
    assert "httpd:1.28" in "".join(again.plan.files.values())
    assert dict(again.plan.files) == reference(root)


@pytest.mark.parametrize("damage", ["truncate", "garbage", "foreign"])
def test_a_corrupt_or_foreign_cache_is_ignored_and_rewritten(tmp_path: Path, damage: str) -> None:
    root = project(tmp_path)
    folder = root / ".kro-gen" / "cache"
    run(root)
    entries = sorted(path for path in folder.rglob("*.bin"))
    assert entries
    for path in entries:
        data = path.read_bytes()
        if damage == "truncate":
            path.write_bytes(data[: len(data) // 2])
        elif damage == "garbage":
            path.write_bytes(os.urandom(len(data)))
        else:  # a well-formed entry written for another key (another project, another kro-gen)
            CacheStore(tmp_path / "other").write("run", "another key", {"files": []})
            path.write_bytes(next((tmp_path / "other").rglob("*.bin")).read_bytes())
    again = run(root)
    assert again.reused == "none"
    assert dict(again.plan.files) == reference(root)
    assert run(root).reused == "run"  # rewritten


def test_the_cache_ignores_itself_in_git(tmp_path: Path) -> None:
    root = project(tmp_path)
    run(root)
    assert (root / ".kro-gen" / "cache" / ".gitignore").read_text(encoding="utf-8").endswith("*\n")
    assert ".kro-gen" not in git(root, "status", "--porcelain", "--untracked-files=all")


def test_parallel_and_serial_runs_are_byte_identical(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from benchmarks.fleet import write_fleet

    root = write_fleet(tmp_path / "fleet", 4, git=False)
    monkeypatch.setattr(units, "PARALLEL_THRESHOLD", 2)
    calls: list[str] = []
    real_compute = units.compute_unit

    def compute(output: Any, context: Any) -> Any:
        calls.append(output.name)
        return real_compute(output, context)

    monkeypatch.setattr(units, "compute_unit", compute)
    parallel = plan_project(load_config(root), cache=None, jobs=2)
    assert calls == []  # every graph was computed in a forked worker, none here
    serial = plan_project(load_config(root), cache=None, jobs=1)
    assert len(calls) == 4
    assert list(parallel.plan.files.items()) == list(serial.plan.files.items())
    assert parallel.findings == serial.findings


def test_parallel_errors_come_in_the_serial_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from benchmarks.fleet import write_fleet
    from kro_gen.errors import KroGenError

    root = write_fleet(tmp_path / "fleet", 4, git=False)
    for number in (2, 4):  # two graphs whose status reads a field Deployments do not have
        edit(root / "definitions" / f"app_000{number}.py", ".status.readyReplicas", ".status.readyReplicaz")
    monkeypatch.setattr(units, "PARALLEL_THRESHOLD", 2)
    errors = []
    for jobs in (2, 1):
        with pytest.raises(KroGenError) as failed:
            plan_project(load_config(root), cache=None, jobs=jobs)
        findings = failed.value.findings if isinstance(failed.value, CheckFailed) else []
        errors.append((str(failed.value), [(str(f.location), f.message) for f in findings]))
    assert errors[0] == errors[1]
    assert "microservices-app-0002" in repr(errors[1]) and "microservices-app-0004" in repr(errors[1])


def test_a_run_dumps_only_the_documents_that_changed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from kro_gen.emit import yamlio

    root = project(tmp_path)
    run(root)
    dumped: list[str] = []
    real = yamlio._dump_one

    def spy(doc: Any, pure: bool, yaml: list[Any]) -> str:
        text = real(doc, pure, yaml)
        dumped.append(text)
        return text

    monkeypatch.setattr(yamlio, "_dump_one", spy)
    edit(root / "definitions" / "solo.py", REPLICAS_3, REPLICAS_4)
    again = run(root)
    assert again.computed == ["solo"]
    assert any("replicas: 4" in text for text in dumped)  # the changed Deployment was dumped
    # only documents of solo, and the tree's shared files that list it, were dumped again
    assert dumped and all("solo" in text for text in dumped), dumped
    assert len(dumped) < len(again.plan.files) / 2
    dumped.clear()
    assert dict(again.plan.files) == reference(root)  # without the cache every document is dumped
    assert len(dumped) >= len(again.plan.files) - 1  # (all but the README, which is not YAML)
