"""Resource ids and iterator names: kro's format and reserved words, and deterministic derivation."""

from __future__ import annotations

import re

from kro_gen.errors import DefinitionError, Location
from kro_gen.expr.lexer import KEYWORDS
from kro_gen.expr.lexer import RESERVED as CEL_RESERVED

#: kro v0.9.3: resource ids and forEach iterator names.
ID_PATTERN = re.compile(r"^[a-z][a-zA-Z0-9]*$")

#: Words kro itself reserves for resource ids and iterator names (KRO-RULES §4.2) ...
_KRO_RESERVED = frozenset(
    """apiVersion context dependency dependencies each externalRef externalReference externalRefs
    externalReferences graph instance item items kind kro metadata namespace object resource
    resourcegraphdefinition resourceGraphDefinition resources root runtime schema self serviceAccountName
    spec status this variables vars version""".split()
)
#: ... plus CEL's keywords and reserved words, which cannot be identifiers.
RESERVED_WORDS = _KRO_RESERVED | KEYWORDS | CEL_RESERVED


def id_problem(name: str) -> str | None:
    """Why ``name`` cannot be a kro resource id or iterator name, or None when it can."""
    if not ID_PATTERN.match(name):
        return f"{name!r} is not lower camelCase (^[a-z][a-zA-Z0-9]*$; no '-' or '_')"
    if name in RESERVED_WORDS:
        return f"{name!r} is a reserved word in kro"
    return None


def require_valid_id(name: str, *, what: str, location: Location) -> None:
    """Raise a DefinitionError when ``name`` is not a valid id (``what`` says id or iterator)."""
    problem = id_problem(name)
    if problem:
        raise DefinitionError(
            f"{what} {problem}",
            location=location,
            hint=f"use a lower camelCase name such as {suggest_id(name)!r}",
            rule="resource-id-format" if what == "resource id" else "iterator-name",
        )


def suggest_id(text: str) -> str:
    """A lower camelCase id derived from arbitrary text (``user-service`` → ``userService``)."""
    words = [w for w in re.split(r"[^a-zA-Z0-9]+", text) if w]
    if not words:
        return "resource"
    first, rest = words[0], words[1:]
    candidate = first[0].lower() + first[1:] + "".join(w[0].upper() + w[1:] for w in rest)
    if not candidate[0].isalpha():
        candidate = "r" + candidate
    if candidate in RESERVED_WORDS:
        candidate += "Resource"
    return candidate


def derive_id(kind: str, name: str) -> str:
    """The id kro-gen gives a resource returned without one: camelCase of name and kind.

    ``("Deployment", "user-service")`` → ``userServiceDeployment``; a name that already ends with the
    kind is not repeated (``("Service", "web-service")`` → ``webService``).
    """
    base = suggest_id(name)
    if base.lower().endswith(kind.lower()):
        return base
    return base + kind[0].upper() + kind[1:]
