"""The atomic writer, the ownership index and drift detection."""

from __future__ import annotations

import json
from contextlib import chdir
from pathlib import Path

import pytest

from kro_gen.errors import KroGenError, ValidationError
from kro_gen.gitops import journal
from kro_gen.gitops.drift import check_tree, render_diff, unlisted_files
from kro_gen.gitops.index import INDEX_PATH, sha256_text
from kro_gen.gitops.model import TreePlan
from kro_gen.gitops.plan import plan_tree
from kro_gen.gitops.writer import JOURNAL_PATH, STAGING_DIR, recover, write_tree

from .conftest import SETTINGS, development, environments, graphs, production, staging

DEV_CONFIG = "environments/development/configmap-app-config.yaml"


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` (relative path -> bytes)."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def tree_files(root: Path) -> dict[str, str]:
    """The files kro-gen writes, without its own state folder."""
    return {k: v.decode() for k, v in snapshot(root).items() if not k.startswith(".kro-gen/")}


def test_first_write_creates_the_tree_and_the_index(plan: TreePlan, tmp_path: Path) -> None:
    report = write_tree(plan, tmp_path)
    assert report.written == tuple(plan.files) and report.deleted == () and report.unchanged == ()
    assert tree_files(tmp_path) == dict(plan.files)
    index = json.loads((tmp_path / INDEX_PATH).read_text())
    assert index == {
        "files": {path: sha256_text(text) for path, text in plan.files.items()},
        "tool": "kro-gen",
        "version": "0.1.0",
    }
    text = (tmp_path / INDEX_PATH).read_text()
    assert text == json.dumps(index, indent=2, sort_keys=True) + "\n"
    assert not (tmp_path / JOURNAL_PATH).exists() and not (tmp_path / STAGING_DIR).exists()


def test_second_write_is_a_no_op_and_byte_identical(plan: TreePlan, tmp_path: Path) -> None:
    write_tree(plan, tmp_path)
    first = snapshot(tmp_path)
    mtimes = {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*") if p.is_file()}
    again = plan_tree(graphs(), environments(), SETTINGS)
    report = write_tree(again, tmp_path)
    assert report.written == () and report.deleted == () and report.unchanged == tuple(plan.files)
    assert snapshot(tmp_path) == first
    assert {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*") if p.is_file()} == mtimes


def test_user_files_survive_and_stale_owned_files_are_pruned(plan: TreePlan, tmp_path: Path) -> None:
    write_tree(plan, tmp_path)
    user_files = {
        "flux/clusters/prod/flux-system/gotk-sync.yaml": "kind: Kustomization\n",
        "environments/development/notes.txt": "mine\n",
        "NOTES.md": "hand written\n",
    }
    for path, text in user_files.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text)
    smaller = plan_tree(graphs(), [staging(), production()], SETTINGS)  # development removed
    report = write_tree(smaller, tmp_path)
    assert DEV_CONFIG in report.deleted
    assert "flux/clusters/nonprod/kro-env-development.yaml" in report.deleted
    assert not (tmp_path / DEV_CONFIG).exists()
    for path, text in user_files.items():
        assert (tmp_path / path).read_text() == text
    assert (tmp_path / "environments/development").is_dir()  # kept: it still holds the user's notes.txt
    assert not (tmp_path / "argocd/apps/application-kro-env-development.yaml").exists()
    assert tree_files(tmp_path) == {**smaller.files, **user_files}


def test_emptied_folders_are_removed(plan: TreePlan, tmp_path: Path) -> None:
    write_tree(plan, tmp_path)
    write_tree(plan_tree(graphs(), [staging()], SETTINGS), tmp_path)
    assert not (tmp_path / "environments/development").exists()
    assert not (tmp_path / "flux/clusters/prod").exists()
    assert (tmp_path / "flux/clusters/nonprod").is_dir()


def test_hand_edit_is_refused_and_nothing_changes(plan: TreePlan, tmp_path: Path) -> None:
    write_tree(plan, tmp_path)
    (tmp_path / DEV_CONFIG).write_text((tmp_path / DEV_CONFIG).read_text() + "# tweak\n")
    before = snapshot(tmp_path)
    smaller = plan_tree(graphs(), [staging()], SETTINGS)
    with pytest.raises(ValidationError) as caught:
        write_tree(smaller, tmp_path)
    assert caught.value.rule == "hand-edited" and DEV_CONFIG in str(caught.value)
    assert snapshot(tmp_path) == before
    report = write_tree(smaller, tmp_path, force=True)
    assert DEV_CONFIG in report.deleted and not (tmp_path / DEV_CONFIG).exists()


def test_refusals_name_paths_under_the_label(plan: TreePlan, tmp_path: Path) -> None:
    write_tree(plan, tmp_path)
    (tmp_path / DEV_CONFIG).write_text("edited\n")
    with pytest.raises(ValidationError) as caught:
        write_tree(plan, tmp_path, label="deploy/gitops")
    assert f"owned files were edited by hand: deploy/gitops/{DEV_CONFIG}" in str(caught.value)
    assert caught.value.location.file == f"deploy/gitops/{DEV_CONFIG}"


def test_hand_edit_of_a_planned_file_is_overwritten_only_with_force(plan: TreePlan, tmp_path: Path) -> None:
    write_tree(plan, tmp_path)
    (tmp_path / DEV_CONFIG).write_text("edited\n")
    with pytest.raises(ValidationError, match="edited by hand"):
        write_tree(plan, tmp_path)
    assert write_tree(plan, tmp_path, force=True).written == (DEV_CONFIG,)
    assert (tmp_path / DEV_CONFIG).read_text() == plan.files[DEV_CONFIG]


def test_unowned_file_in_the_way_is_refused_unless_adopted(plan: TreePlan, tmp_path: Path) -> None:
    (tmp_path / "platform/rgds").mkdir(parents=True)
    (tmp_path / "platform/rgds/kustomization.yaml").write_text("resources: [mine.yaml]\n")
    before = snapshot(tmp_path)
    with pytest.raises(ValidationError) as caught:
        write_tree(plan, tmp_path)
    assert caught.value.rule == "unowned-file"
    assert "platform/rgds/kustomization.yaml" in str(caught.value) and "--adopt" in str(caught.value)
    # the location is the file in the tree, not a path that reads as relative to the project
    assert caught.value.location.file == str(tmp_path / "platform/rgds/kustomization.yaml")
    assert snapshot(tmp_path) == before
    write_tree(plan, tmp_path, adopt=True)
    assert tree_files(tmp_path) == dict(plan.files)
    assert write_tree(plan, tmp_path).written == ()  # now owned


def test_interrupted_during_renames_is_completed_by_the_next_run(
    plan: TreePlan, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(plan, tmp_path)
    smaller = plan_tree(graphs(), [staging(), production()], SETTINGS)
    changed = TreePlan({**smaller.files, "README.md": smaller.files["README.md"] + "\nextra\n"})
    calls = {"n": 0}
    real_move = journal._move

    def crash_after_two_renames(source: Path, target: Path) -> None:
        if ".kro-gen/staging" in str(source):
            calls["n"] += 1
            if calls["n"] == 2:
                raise KeyboardInterrupt("power cut")
        real_move(source, target)

    monkeypatch.setattr(journal, "_move", crash_after_two_renames)
    with pytest.raises(KeyboardInterrupt):
        write_tree(changed, tmp_path)
    assert (tmp_path / JOURNAL_PATH).exists()
    assert check_tree(changed, tmp_path)[0].kind == "interrupted"
    monkeypatch.setattr(journal, "_move", real_move)
    report = write_tree(changed, tmp_path)
    assert report.written == () and report.deleted == ()  # the journal already did everything
    assert tree_files(tmp_path) == dict(changed.files)
    assert check_tree(changed, tmp_path) == []
    assert not (tmp_path / JOURNAL_PATH).exists() and not (tmp_path / STAGING_DIR).exists()


def test_a_full_disk_while_staging_leaves_the_tree_as_it_was(
    plan: TreePlan, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(plan, tmp_path)
    before = snapshot(tmp_path)
    monkeypatch.setenv("KRO_GEN_FAULT", "enospc:write:3")
    smaller = plan_tree(graphs(), [staging()], SETTINGS)
    edited = TreePlan({**smaller.files, "a.yaml": "a: 1\n", "b.yaml": "b: 1\n", "c.yaml": "c: 1\n"})
    with pytest.raises(KroGenError) as caught:
        write_tree(edited, tmp_path, label="gitops")
    assert caught.value.rule == "write-failed" and caught.value.exit_code == 2
    assert "No space left on device" in str(caught.value) and "nothing was changed" in str(caught.value)
    assert caught.value.location.file is not None and caught.value.location.file.startswith("gitops/")
    assert snapshot(tmp_path) == before  # the staging folder is gone too
    monkeypatch.delenv("KRO_GEN_FAULT")
    write_tree(edited, tmp_path)
    assert tree_files(tmp_path) == dict(edited.files)


def test_a_staging_folder_left_by_a_killed_run_is_rolled_back(plan: TreePlan, tmp_path: Path) -> None:
    write_tree(plan, tmp_path)
    before = snapshot(tmp_path)
    (tmp_path / STAGING_DIR / "README.md").parent.mkdir(parents=True)
    (tmp_path / STAGING_DIR / "README.md").write_text("half\n")
    assert recover(tmp_path) is True
    assert snapshot(tmp_path) == before
    assert recover(tmp_path) is False


def test_check_tree_reports_every_kind_of_drift_with_diffs(plan: TreePlan, tmp_path: Path) -> None:
    assert {d.kind for d in check_tree(plan, tmp_path)} == {"missing"}
    write_tree(plan, tmp_path)
    assert check_tree(plan, tmp_path) == []
    (tmp_path / DEV_CONFIG).write_text(plan.files[DEV_CONFIG].replace("LOG_LEVEL: debug", "LOG_LEVEL: trace"))
    (tmp_path / "README.md").unlink()
    newer = plan_tree(graphs(), [staging(), production()], SETTINGS)
    bumped = TreePlan({**newer.files, "environments/staging/extra.yaml": "x: 1\n"})
    (tmp_path / "environments/staging/extra.yaml").write_text("x: 0\n")
    drifts = {d.path: d for d in check_tree(bumped, tmp_path, label="gitops")}
    assert drifts[DEV_CONFIG].kind == "hand-edited"
    assert "-  LOG_LEVEL: trace" in drifts[DEV_CONFIG].diff  # the file goes away: the edit is in the diff
    assert drifts["README.md"].kind == "missing"
    assert drifts["environments/staging/extra.yaml"].kind == "unowned"
    assert drifts["flux/clusters/nonprod/kro-env-development.yaml"].kind == "stale"
    changed = drifts["argocd/apps/appproject-kro-gen.yaml"]
    assert changed.kind == "changed"
    assert changed.shown_path == "gitops/argocd/apps/appproject-kro-gen.yaml"
    assert changed.diff.startswith(
        "--- a/gitops/argocd/apps/appproject-kro-gen.yaml\n+++ b/gitops/argocd/apps/appproject-kro-gen.yaml\n"
    )
    assert "-    - group: ''\n-      kind: ConfigMap\n" in changed.diff
    report = render_diff(list(drifts.values()))
    assert (
        "# stale: gitops/flux/clusters/nonprod/kro-env-development.yaml\n"
        "--- a/gitops/flux/clusters/nonprod/kro-env-development.yaml\n+++ /dev/null\n"
    ) in report
    assert "# missing: gitops/README.md\n--- /dev/null\n+++ b/gitops/README.md\n" in report


def test_without_a_label_drift_names_paths_under_the_root_as_given(plan: TreePlan, tmp_path: Path) -> None:
    (missing,) = [d for d in check_tree(plan, tmp_path) if d.path == DEV_CONFIG]
    absolute = f"{tmp_path}/{DEV_CONFIG}"
    assert missing.shown_path == absolute
    assert missing.diff.startswith(f"--- /dev/null\n+++ {absolute}\n")  # no b/ before an absolute path
    with chdir(tmp_path.parent):
        (relative,) = [d for d in check_tree(plan, tmp_path.name) if d.path == DEV_CONFIG]
    assert relative.diff.startswith(f"--- /dev/null\n+++ b/{tmp_path.name}/{DEV_CONFIG}\n")


def test_hand_written_manifests_in_generated_folders_are_reported_as_unlisted(
    plan: TreePlan, tmp_path: Path
) -> None:
    write_tree(plan, tmp_path)
    assert unlisted_files(plan, tmp_path) == []
    extra = tmp_path / "environments/production/configmap-extra.yaml"
    extra.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: extra, namespace: shop}\n")
    nested = tmp_path / "argocd/apps/mine/application-mine.yml"
    nested.parent.mkdir()
    nested.write_text("{}\n")
    (tmp_path / "environments/production/NOTES.md").write_text("not a manifest\n")
    bootstrap = tmp_path / "flux/clusters/prod/flux-system/gotk-sync.yaml"
    bootstrap.parent.mkdir(parents=True)
    bootstrap.write_text("# Flux generates the cluster folder's kustomization: every file there is applied\n")

    assert unlisted_files(plan, tmp_path) == [
        ("argocd/apps/mine/application-mine.yml", "argocd/apps/kustomization.yaml"),
        ("environments/production/configmap-extra.yaml", "environments/production/kustomization.yaml"),
    ]
    listed = plan.files["environments/production/kustomization.yaml"]
    assert "configmap-extra.yaml" not in listed  # the reason for the warning: kustomize never reads it
    assert check_tree(plan, tmp_path) == []  # not drift: the user's files are theirs


def test_stale_generated_files_are_drift_not_unlisted_hand_written_files(
    plan: TreePlan, tmp_path: Path
) -> None:
    write_tree(plan, tmp_path)
    smaller = plan_tree(graphs()[:1], [development(), staging()], SETTINGS)  # shop-platform and prod go
    stale = {d.path for d in check_tree(smaller, tmp_path) if d.kind == "stale"}
    assert {
        "platform/rgds/rgd-shop-platform.yaml",
        "argocd/apps/application-kro-env-production.yaml",
    } <= stale
    assert unlisted_files(smaller, tmp_path) == []  # kro-gen wrote them and a write deletes them
    (tmp_path / "platform/rgds/rgd-mine.yaml").write_text("{}\n")
    assert unlisted_files(smaller, tmp_path) == [
        ("platform/rgds/rgd-mine.yaml", "platform/rgds/kustomization.yaml")
    ]


def test_corrupt_index_is_refused(plan: TreePlan, tmp_path: Path) -> None:
    write_tree(plan, tmp_path)
    (tmp_path / INDEX_PATH).write_text(json.dumps({"tool": "other", "files": {}}))
    with pytest.raises(ValidationError, match="not a kro-gen index"):
        write_tree(plan, tmp_path)
    (tmp_path / INDEX_PATH).write_text(json.dumps({"tool": "kro-gen", "files": {"../../etc/passwd": "0"}}))
    with pytest.raises(ValidationError, match="not a normalised relative path"):
        write_tree(plan, tmp_path)


def test_plan_paths_must_stay_inside_the_tree() -> None:
    for bad in ("../x.yaml", "/etc/x", "a/../b", ".kro-gen/manifest.json", "a\\b"):
        with pytest.raises(ValidationError):
            TreePlan({bad: "x"})


def test_a_write_reads_each_file_on_disk_once(
    plan: TreePlan, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(plan, tmp_path)
    (tmp_path / DEV_CONFIG).write_text((tmp_path / DEV_CONFIG).read_text() + "# drift\n")
    reads: list[str] = []
    original = Path.read_bytes

    def counting(self: Path) -> bytes:
        reads.append(self.relative_to(tmp_path).as_posix())
        return original(self)

    monkeypatch.setattr(Path, "read_bytes", counting)
    with pytest.raises(ValidationError, match="edited by hand"):
        write_tree(plan, tmp_path)  # the hand edit is still found
    reads.clear()
    report = write_tree(plan, tmp_path, force=True)
    assert report.written == (DEV_CONFIG,)
    tree_reads = [path for path in reads if not path.startswith(".kro-gen/")]
    assert sorted(tree_reads) == sorted(set(tree_reads)), "a file was read twice"
    assert set(plan.files) <= set(tree_reads)


def test_unlisted_files_walk_the_tree_without_entering_links(plan: TreePlan, tmp_path: Path) -> None:
    write_tree(plan, tmp_path)
    extra = tmp_path / "environments/development/extra/stray.yaml"
    extra.parent.mkdir()
    extra.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: stray}\n")
    (tmp_path / "environments/development/notes.txt").write_text("not a manifest\n")
    outside = tmp_path.parent / f"{tmp_path.name}-outside"
    outside.mkdir()
    (outside / "linked.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: linked}\n")
    (tmp_path / "environments/development/link").symlink_to(outside, target_is_directory=True)
    assert unlisted_files(plan, tmp_path) == [
        ("environments/development/extra/stray.yaml", "environments/development/kustomization.yaml")
    ]
