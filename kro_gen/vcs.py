"""Git: read committed files, and commit the generated tree (and nothing else).

Reading uses the git command line (fast to start); committing uses gitpython, imported inside the
functions that need it, so the CLI starts without it.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from kro_gen.errors import KroGenError, Location, ValidationError

if TYPE_CHECKING:
    import git


def _open_repo(path: Path) -> git.Repo | None:
    import git

    try:
        return git.Repo(path, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        return None


def _git(folder: Path, *args: str) -> bytes | None:
    """The output of ``git -C folder ARGS``, or ``None`` when it fails (no git, no repository, no such
    revision or file). Reads go through the git command line: it answers in milliseconds, while
    importing gitpython alone takes a quarter of a second."""
    import subprocess

    try:
        done = subprocess.run(
            ["git", "-C", str(folder), *args],
            capture_output=True,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except OSError:
        return None
    return done.stdout if done.returncode == 0 else None


def repo_root(path: Path) -> Path | None:
    """The top folder of the git work tree that contains ``path``, or ``None`` outside git."""
    out = _git(path, "rev-parse", "--show-toplevel")
    if not out or not out.strip():
        return None
    return Path(out.decode("utf-8").strip()).resolve()


def remote_url(path: Path, remote: str = "origin") -> str | None:
    """The URL of ``remote`` in the repository containing ``path``, if there is one."""
    out = _git(path, "config", "--get", f"remote.{remote}.url")
    return out.decode("utf-8").strip() or None if out else None


def _tree_path(repo_root: Path, path: Path | str) -> str | None:
    path = Path(path)
    if not path.is_absolute():
        return PurePosixPath(path).as_posix()
    try:
        return path.resolve().relative_to(repo_root.resolve()).as_posix()
    except ValueError:
        return None


def committed_file(repo_root: Path, path: Path | str, rev: str = "HEAD") -> str | None:
    """The text of ``path`` at ``rev``, or ``None`` when the file, the revision or the repository is missing.

    ``path`` is absolute, or relative to the top of the work tree.
    """
    relative = _tree_path(repo_root, path)
    if relative is None:
        return None
    data = _git(repo_root, "cat-file", "blob", f"{rev}:{relative}")
    return None if data is None else data.decode("utf-8", errors="replace")


def committed_blob_ids(repo_root: Path, folder: str, rev: str = "HEAD") -> dict[str, str]:
    """Path (relative to the top of the work tree) -> git blob id of every file under ``folder`` at ``rev``
    (empty when there is none): what was committed, without reading any file's content."""
    out = _git(repo_root, "ls-tree", "-r", "-z", "--full-tree", rev, "--", f"{folder.rstrip('/')}/")
    if not out:
        return {}
    ids: dict[str, str] = {}
    for record in out.decode("utf-8", errors="replace").split("\0"):
        meta, _, name = record.partition("\t")
        parts = meta.split()
        if len(parts) == 3 and parts[1] == "blob":
            ids[name] = parts[2]
    return ids


def blob_id(data: bytes) -> str:
    """The git blob id (SHA-1 of ``blob <size>\\0<data>``) ``data`` would have when committed."""
    import hashlib

    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


@dataclass(frozen=True)
class Change:
    """One staged change: ``status`` is A, M or D; ``path`` is relative to the output folder."""

    status: str
    path: str


def describe_changes(changes: list[Change]) -> tuple[list[str], list[str]]:
    """The graphs and environments whose generated files changed, sorted.

    Graphs come from ``platform/rgds/rgd-<graph>.yaml``; environments from ``environments/<env>/...``.
    """
    graphs: set[str] = set()
    environments: set[str] = set()
    for change in changes:
        parts = PurePosixPath(change.path).parts
        if len(parts) == 3 and parts[:2] == ("platform", "rgds") and parts[2].startswith("rgd-"):
            graphs.add(parts[2].removeprefix("rgd-").removesuffix(".yaml"))
        elif len(parts) >= 3 and parts[0] == "environments":
            environments.add(parts[1])
    return sorted(graphs), sorted(environments)


def commit_message(changes: list[Change]) -> str:
    """``kro-gen: regenerate <graphs> for <envs>``, then one line per changed file."""
    graphs, environments = describe_changes(changes)
    if graphs and environments:
        subject = f"kro-gen: regenerate {', '.join(graphs)} for {', '.join(environments)}"
    elif graphs:
        subject = f"kro-gen: regenerate {', '.join(graphs)}"
    elif environments:
        subject = f"kro-gen: regenerate instances for {', '.join(environments)}"
    else:
        subject = "kro-gen: regenerate GitOps wiring"
    body = "\n".join(f"{change.status} {change.path}" for change in changes)
    return f"{subject}\n\n{body}\n"


def commit_generated(
    repo_root: Path,
    output_dir: Path,
    message: str | None = None,
    *,
    skip_ci: bool = False,
    paths: Collection[str] | None = None,
) -> str | None:
    """Commit the generated files under ``output_dir`` (adds, edits, deletions) and nothing else.

    ``paths`` (relative to ``output_dir``) are the files kro-gen owns, now or at ``HEAD``: only they
    are staged, so hand-written files in the tree (``flux bootstrap``'s ``flux-system/``, a work in
    progress) stay out of the commit. Without ``paths`` every change under ``output_dir`` is committed.

    Returns the new commit's sha, or ``None`` when none of those files changed. Raises
    :class:`ValidationError` when other changes are already staged (they would be swept into the
    commit), and :class:`KroGenError` when git fails (e.g. no user identity).
    The default message names the graphs and environments whose files changed; ``skip_ci`` appends
    ``[skip ci]`` to its first line (for a CI job committing on a branch whose pushes run CI).
    """
    import git

    repo = _open_repo(repo_root)
    if repo is None or repo.working_tree_dir is None:
        raise KroGenError(
            f"{repo_root} is not inside a git work tree",
            hint="run 'git init' first, or commit the generated files yourself",
            rule="vcs-no-repo",
        )
    relative = _tree_path(Path(str(repo.working_tree_dir)), output_dir.resolve())
    if relative is None:
        raise KroGenError(f"the output folder {output_dir} is outside the git work tree", rule="vcs-outside")
    prefix = "" if relative == "." else relative.rstrip("/") + "/"
    owned = None if paths is None else {prefix + path for path in paths}
    foreign = [
        path
        for path in _staged(repo)
        if not (path + "/").startswith(prefix) or (owned is not None and path not in owned)
    ]
    if foreign:
        shown = ", ".join(foreign[:3]) + (f" and {len(foreign) - 3} more" if len(foreign) > 3 else "")
        what = f"the files kro-gen generated in {relative}/" if owned is not None else f"{relative}/"
        raise ValidationError(
            f"other changes are already staged ({shown}); kro-gen commits only {what}",
            location=Location(file=str(repo.working_tree_dir)),
            hint="commit or unstage them first (git restore --staged <path>)",
            rule="vcs-foreign-staged",
        )
    try:
        if owned is None:
            repo.git.add("--all", "--", relative)
        else:
            _stage_paths(repo, owned, relative)
        changes = [Change(status, path[len(prefix) :]) for status, path in _staged_status(repo)]
        if not changes:
            return None
        text = message or commit_message(changes)
        if skip_ci:
            subject, _, rest = text.partition("\n")
            text = f"{subject} [skip ci]" + (f"\n{rest}" if rest else "")
        repo.git.commit("-m", text)
    except git.GitCommandError as error:
        detail = " ".join(str(error.stderr or error).split())
        raise KroGenError(
            f"git failed: {detail}",
            hint="check 'git status'; set user.name and user.email if git asks for an identity",
            rule="vcs-git",
        ) from None
    return str(repo.head.commit.hexsha)


def _stage_paths(repo: git.Repo, paths: Collection[str], folder: str) -> None:
    """``git add --all`` exactly ``paths`` (relative to the work tree, inside ``folder``): new, edited
    or deleted files.

    A path that is neither on disk nor tracked is skipped (git refuses a pathspec matching nothing);
    pathspecs are literal and read from a file, so neither odd names nor many files can break the call.
    """
    import tempfile

    top = Path(str(repo.working_tree_dir))
    tracked = set(repo.git.ls_files("-z", "--", folder).split("\0"))
    present = sorted(p for p in paths if (top / p).exists() or (top / p).is_symlink() or p in tracked)
    if not present:
        return
    with tempfile.TemporaryDirectory() as scratch:
        listing = Path(scratch) / "pathspecs"
        listing.write_bytes(b"".join(p.encode("utf-8") + b"\0" for p in present))
        with repo.git.custom_environment(GIT_LITERAL_PATHSPECS="1"):
            repo.git.add("--all", f"--pathspec-from-file={listing}", "--pathspec-file-nul")


def _staged(repo: git.Repo) -> list[str]:
    return [path for _, path in _staged_status(repo)]


def _staged_status(repo: git.Repo) -> list[tuple[str, str]]:
    output = repo.git.diff("--cached", "--name-status", "--no-renames", "-z")
    fields = [field for field in output.split("\0") if field]
    return [(fields[i][0], fields[i + 1]) for i in range(0, len(fields) - 1, 2)]
