"""Where the tests find reference data (no tests here).

Two kinds:

- **Committed copies**, always present, so the tests reading them always run: kro's e2e cases
  (``tests/kro_e2e/``) and kro's example RGDs with the RGD CRD (``tests/kro_reference/``), both
  copied verbatim from kro v0.9.3 (their READMEs give the upstream paths).
- **The shared reference folder**, not part of the repository: the seed document (``seed/`` beside
  it), TypeKro's outputs (``typekro/out/``) and the upstream Argo CD / Flux CRDs (``gitops/crds/``).
  :func:`reference_root` finds it; the tests that need it skip with :data:`SKIP_REASON` when it is
  absent (a clone that is not beside ``shared/``), never fail.

``KRO_GEN_REFERENCE`` chooses the folder: set, it is the only candidate (a path that does not exist,
such as ``/nonexistent``, means "none": the suite runs as it would anywhere else); unset, the
``shared/reference`` beside the checkout, else ``/work/shared/reference``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
KRO_E2E = TESTS / "kro_e2e"
KRO_REFERENCE = TESTS / "kro_reference"
#: The e2e cases the reference RGD tests iterate over (the other cases of kro_e2e/ serve test_kro_e2e).
REFERENCE_E2E_CASES = ("check-required-default-interactions", "check-validation-markers")
REFERENCE_E2E = [KRO_E2E / case for case in REFERENCE_E2E_CASES]
REFERENCE_E2E_RGDS = [case / "rgd.yaml" for case in REFERENCE_E2E]

ENV = "KRO_GEN_REFERENCE"
SKIP_REASON = "kro reference data not found: set KRO_GEN_REFERENCE or clone beside shared/"


def _repo_root() -> Path:
    """The checkout: the first folder above this file holding pyproject.toml."""
    for folder in TESTS.parents:
        if (folder / "pyproject.toml").is_file():
            return folder
    return TESTS.parent


def reference_root() -> Path | None:
    """The shared reference folder (``.../shared/reference``), or None when there is none."""
    chosen = os.environ.get(ENV)
    if chosen:
        path = Path(chosen).expanduser()
        return path if path.is_dir() else None
    for candidate in (_repo_root().parent / "shared" / "reference", Path("/work/shared/reference")):
        if candidate.is_dir():
            return candidate
    return None


def reference_path(*parts: str) -> Path | None:
    """A file or folder below the reference folder (``..`` reaches ``shared/``), or None when absent."""
    root = reference_root()
    if root is None:
        return None
    path = root.joinpath(*parts).resolve()
    return path if path.exists() else None


def require_reference(*parts: str) -> Path:
    """:func:`reference_path`, or skip the calling test (or fixture) with :data:`SKIP_REASON`."""
    path = reference_path(*parts)
    if path is None:
        pytest.skip(SKIP_REASON)
    return path


def needs_reference(*parts: str) -> pytest.MarkDecorator:
    """A mark skipping a test (or, as ``pytestmark``, a module) when that reference data is absent."""
    return pytest.mark.skipif(reference_path(*parts) is None, reason=SKIP_REASON)


#: The seed document (``shared/seed/``), or None.
SEED = reference_path("..", "seed", "microservices-architecture.md")
needs_seed = needs_reference("..", "seed", "microservices-architecture.md")
