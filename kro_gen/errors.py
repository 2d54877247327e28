"""Errors that kro-gen raises, each carrying where the problem is and what to do about it.

Every error a user can meet is a :class:`KroGenError`. Its ``location`` names the file, graph,
resource id, environment and field path that are known at the point of failure, and its ``hint``
says what to change. ``str(error)`` is one line, meant to be printed as is by the CLI.
"""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Location:
    """Where a problem is: any of file, graph, resource id, environment and field path.

    ``file`` is the user's ``file:line``. ``built_at`` is context for it: when a resource is made in a
    helper function, ``file`` is the call in the graph's resources function and ``built_at`` the helper's
    line (``definitions/app.py:42 (built at definitions/helpers.py:7)``).
    """

    file: str | None = None
    graph: str | None = None
    resource: str | None = None
    environment: str | None = None
    path: str | None = None
    built_at: str | None = None

    def merged(self, outer: Location | None) -> Location:
        """Fill the fields this location lacks from ``outer`` (the wider context).

        ``built_at`` belongs to ``file``: it comes from ``outer`` only together with ``outer.file``.
        """
        if outer is None:
            return self
        return replace(
            self,
            file=self.file or outer.file,
            graph=self.graph or outer.graph,
            resource=self.resource or outer.resource,
            environment=self.environment or outer.environment,
            path=self.path or outer.path,
            built_at=self.built_at if self.file else outer.built_at,
        )

    def at_site(self, site: Location) -> Location:
        """This location with ``file`` and ``built_at`` replaced by ``site``'s (the user's line)."""
        return replace(self, file=site.file, built_at=site.built_at)

    def __str__(self) -> str:
        parts: list[str] = []
        if self.file:
            parts.append(f"{self.file} (built at {self.built_at})" if self.built_at else self.file)
        if self.graph:
            parts.append(f"graph {self.graph!r}")
        if self.resource:
            parts.append(f"resource {self.resource!r}")
        if self.environment:
            parts.append(f"environment {self.environment!r}")
        if self.path:
            parts.append(f"at {self.path}")
        return ", ".join(parts)


class KroGenError(Exception):
    """Base class of every error kro-gen reports to users.

    Args:
        message: what is wrong, in one sentence.
        location: where it is.
        hint: what to do about it.
        rule: a short stable rule name (e.g. ``resource-id``) for machines and docs.

    ``detail`` (empty by default) is text the CLI prints above the one-line message, such as the diff of
    a hand-edited file that a write refused.
    """

    exit_code = 2

    def __init__(
        self,
        message: str,
        *,
        location: Location | None = None,
        hint: str | None = None,
        rule: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.location = location or Location()
        self.hint = hint
        self.rule = rule
        self.detail = ""

    def located(self, outer: Location) -> KroGenError:
        """Return this error with missing location fields filled from ``outer``."""
        self.location = self.location.merged(outer)
        return self

    def __str__(self) -> str:
        where = str(self.location)
        text = f"{where}: {self.message}" if where else self.message
        if self.hint:
            text += f" (fix: {self.hint})"
        return text


class DefinitionError(KroGenError):
    """A definition in ``definitions/`` is wrong (exit code 2)."""


class ExpressionError(DefinitionError):
    """An expression cannot be built, rendered, parsed or evaluated."""


class ConfigError(KroGenError):
    """The ``[tool.kro-gen]`` configuration is wrong (exit code 2)."""


class ValidationError(KroGenError):
    """Generated or given output breaks a kro, Kubernetes or GitOps rule (exit code 1)."""

    exit_code = 1
