"""Git helpers on real temporary repositories: committed files, and committing only the generated tree."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from kro_gen.errors import KroGenError, ValidationError
from kro_gen.vcs import Change, commit_generated, commit_message, committed_file, describe_changes, repo_root


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True)
    return done.stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.name", "Test")
    git(root, "config", "user.email", "test@example.com")
    git(root, "config", "commit.gpgsign", "false")
    return root


def put(root: Path, relative: str, text: str) -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def commit_all(root: Path, message: str = "base") -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)


def test_committed_file_reads_head_not_the_work_tree(repo: Path) -> None:
    put(repo, "gitops/platform/rgds/rgd-app.yaml", "old\n")
    commit_all(repo)
    put(repo, "gitops/platform/rgds/rgd-app.yaml", "new\n")
    assert committed_file(repo, "gitops/platform/rgds/rgd-app.yaml") == "old\n"
    assert committed_file(repo, repo / "gitops/platform/rgds/rgd-app.yaml") == "old\n"
    assert committed_file(repo, "gitops/missing.yaml") is None
    assert committed_file(repo, "gitops/platform/rgds/rgd-app.yaml", rev="no-such-rev") is None


def test_committed_file_is_none_without_commits_or_outside_git(repo: Path, tmp_path: Path) -> None:
    assert committed_file(repo, "anything.yaml") is None
    outside = tmp_path / "plain"
    outside.mkdir()
    assert committed_file(outside, "anything.yaml") is None
    assert repo_root(outside) is None
    (repo / "sub").mkdir()
    assert repo_root(repo / "sub") == repo.resolve()


def test_changes_are_described_by_graph_and_environment() -> None:
    changes = [
        Change("M", "platform/rgds/rgd-web-app.yaml"),
        Change("A", "environments/production/webapp-web-app.yaml"),
        Change("D", "environments/development/deployment-web.yaml"),
        Change("M", "argocd/apps/kro-envs.appset.yaml"),
        Change("M", "platform/rgds/kustomization.yaml"),
    ]
    assert describe_changes(changes) == (["web-app"], ["development", "production"])
    message = commit_message(changes)
    subject, blank, *body = message.splitlines()
    assert subject == "kro-gen: regenerate web-app for development, production"
    assert blank == ""
    assert body[0] == "M platform/rgds/rgd-web-app.yaml"
    assert len(body) == 5


@pytest.mark.parametrize(
    ("paths", "subject"),
    [
        (["environments/staging/a.yaml"], "kro-gen: regenerate instances for staging"),
        (["platform/rgds/rgd-db.yaml"], "kro-gen: regenerate db"),
        (["flux/clusters/prod/kro-rgds.yaml"], "kro-gen: regenerate GitOps wiring"),
    ],
)
def test_the_subject_fits_what_changed(paths: list[str], subject: str) -> None:
    assert commit_message([Change("M", p) for p in paths]).splitlines()[0] == subject


def test_commit_stages_adds_edits_and_deletions_under_the_output_only(repo: Path) -> None:
    put(repo, "README.md", "readme\n")
    put(repo, "gitops/platform/rgds/rgd-web-app.yaml", "v1\n")
    put(repo, "gitops/environments/development/old.yaml", "old\n")
    commit_all(repo)
    put(repo, "gitops/platform/rgds/rgd-web-app.yaml", "v2\n")
    (repo / "gitops/environments/development/old.yaml").unlink()
    put(repo, "gitops/environments/production/new.yaml", "new\n")
    put(repo, "README.md", "edited, not staged\n")  # an unrelated, unstaged edit stays out

    sha = commit_generated(repo, repo / "gitops")

    assert sha is not None and git(repo, "rev-parse", "HEAD").strip() == sha
    shown = git(repo, "show", "--name-status", "--format=%B", "HEAD")
    assert shown.splitlines()[0] == "kro-gen: regenerate web-app for development, production"
    assert "D\tgitops/environments/development/old.yaml" in shown
    assert "A\tgitops/environments/production/new.yaml" in shown
    assert "M\tgitops/platform/rgds/rgd-web-app.yaml" in shown
    assert "README.md" not in git(repo, "show", "--name-only", "--format=", "HEAD")
    assert git(repo, "status", "--porcelain").strip() == "M README.md"


def test_nothing_to_commit_returns_none(repo: Path) -> None:
    put(repo, "gitops/a.yaml", "a\n")
    commit_all(repo)
    head = git(repo, "rev-parse", "HEAD")
    assert commit_generated(repo, repo / "gitops") is None
    assert git(repo, "rev-parse", "HEAD") == head


def test_commit_refuses_when_unrelated_changes_are_staged(repo: Path) -> None:
    put(repo, "definitions/app.py", "x = 1\n")
    put(repo, "gitops/a.yaml", "a\n")
    commit_all(repo)
    put(repo, "definitions/app.py", "x = 2\n")
    git(repo, "add", "definitions/app.py")
    put(repo, "gitops/a.yaml", "b\n")
    head = git(repo, "rev-parse", "HEAD")
    with pytest.raises(ValidationError, match=r"definitions/app\.py") as caught:
        commit_generated(repo, repo / "gitops")
    assert caught.value.exit_code == 1
    assert "git restore --staged" in str(caught.value)
    assert git(repo, "rev-parse", "HEAD") == head
    # nothing of the output was staged by the refused call
    assert git(repo, "diff", "--cached", "--name-only").split() == ["definitions/app.py"]


def test_a_sibling_folder_sharing_the_prefix_counts_as_unrelated(repo: Path) -> None:
    put(repo, "gitops-old/a.yaml", "a\n")
    git(repo, "add", "gitops-old/a.yaml")
    put(repo, "gitops/a.yaml", "a\n")
    with pytest.raises(ValidationError, match=r"gitops-old/a\.yaml"):
        commit_generated(repo, repo / "gitops")


def test_the_first_commit_of_a_repository_works_and_custom_messages_win(repo: Path) -> None:
    put(repo, "gitops/platform/rgds/rgd-a.yaml", "a\n")
    sha = commit_generated(repo, repo / "gitops", "my message", skip_ci=True)
    assert sha is not None
    assert git(repo, "log", "-1", "--format=%s").strip() == "my message [skip ci]"


def test_skip_ci_marks_the_subject_of_the_default_message(repo: Path) -> None:
    put(repo, "gitops/platform/rgds/rgd-a.yaml", "a\n")
    commit_generated(repo, repo / "gitops", skip_ci=True)
    assert git(repo, "log", "-1", "--format=%s").strip() == "kro-gen: regenerate a [skip ci]"
    assert "A platform/rgds/rgd-a.yaml" in git(repo, "log", "-1", "--format=%b")


def test_outside_a_repository_commit_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(KroGenError, match="not inside a git work tree"):
        commit_generated(tmp_path, tmp_path / "gitops")


def test_git_failures_become_one_line_errors(repo: Path) -> None:
    put(repo, "gitops/a.yaml", "a\n")
    hook = repo / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\necho 'hook says no' >&2\nexit 1\n")
    hook.chmod(0o755)
    with pytest.raises(KroGenError, match="hook says no") as caught:
        commit_generated(repo, repo / "gitops")
    assert "\n" not in str(caught.value)


def test_with_owned_paths_only_those_files_are_committed_and_hand_written_ones_stay_out(repo: Path) -> None:
    put(repo, "gitops/platform/rgds/rgd-a.yaml", "v1\n")
    put(repo, "gitops/environments/dev/old.yaml", "old\n")
    commit_all(repo)
    put(repo, "gitops/platform/rgds/rgd-a.yaml", "v2\n")
    (repo / "gitops/environments/dev/old.yaml").unlink()
    put(repo, "gitops/environments/dev/new.yaml", "new\n")
    put(repo, "gitops/flux/clusters/prod/flux-system/gotk-sync.yaml", "# flux bootstrap\n")
    put(repo, "gitops/environments/dev/my-extra.yaml", "work in progress\n")
    owned = [
        "platform/rgds/rgd-a.yaml",
        "environments/dev/old.yaml",  # owned at HEAD, deleted by the regeneration
        "environments/dev/new.yaml",
        "environments/dev/never-written.yaml",  # neither on disk nor tracked: skipped, not an error
    ]

    assert commit_generated(repo, repo / "gitops", paths=owned) is not None

    shown = git(repo, "show", "--name-status", "--format=", "HEAD").splitlines()
    assert sorted(shown) == [
        "A\tgitops/environments/dev/new.yaml",
        "D\tgitops/environments/dev/old.yaml",
        "M\tgitops/platform/rgds/rgd-a.yaml",
    ]
    untracked = git(repo, "status", "--porcelain", "--untracked-files=all").splitlines()
    assert sorted(untracked) == [
        "?? gitops/environments/dev/my-extra.yaml",
        "?? gitops/flux/clusters/prod/flux-system/gotk-sync.yaml",
    ]


def test_with_owned_paths_a_staged_hand_written_file_in_the_output_is_refused(repo: Path) -> None:
    put(repo, "gitops/platform/rgds/rgd-a.yaml", "a\n")
    put(repo, "gitops/environments/dev/secret.yaml", "plaintext\n")
    git(repo, "add", "gitops/environments/dev/secret.yaml")
    with pytest.raises(ValidationError, match=r"gitops/environments/dev/secret\.yaml") as caught:
        commit_generated(repo, repo / "gitops", paths=["platform/rgds/rgd-a.yaml"])
    assert "kro-gen commits only the files kro-gen generated in gitops/" in str(caught.value)
    assert git(repo, "diff", "--cached", "--name-only").split() == ["gitops/environments/dev/secret.yaml"]


def test_an_output_folder_at_the_repository_root_commits_its_files(repo: Path) -> None:
    put(repo, "platform/rgds/rgd-a.yaml", "a\n")
    put(repo, "notes.txt", "mine\n")
    assert commit_generated(repo, repo, paths=["platform/rgds/rgd-a.yaml"]) is not None
    assert git(repo, "show", "--name-only", "--format=", "HEAD").split() == ["platform/rgds/rgd-a.yaml"]
    assert git(repo, "log", "-1", "--format=%s").strip() == "kro-gen: regenerate a"
