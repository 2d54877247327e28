"""Every rule a finding can name, with what it checks and how severe it is: the README's rule tables.

``tests/check/test_rule_docs.py`` keeps the README's "Rules" tables equal to :data:`SECTIONS`, and
the test suite fails when code produces a finding whose rule (or severity) is not listed here, so the
documentation cannot drift from what the checks really say.

Rules of errors raised while definitions are built (``DefinitionError``: ``unknown-spec-field``,
``builder-option``...) are not findings and are not listed here; they stop a run at the user's line.
"""

from __future__ import annotations

from dataclasses import dataclass

ERROR = "error"
WARNING = "warning"
BOTH = "error or warning"


@dataclass(frozen=True)
class RuleGroup:
    """One row of a rule table: rules checked together, what they check, their severity."""

    rules: tuple[str, ...]
    checks: str
    severity: str = ERROR

    def row(self) -> str:
        """The row as README markdown."""
        names = ", ".join(f"`{rule}`" for rule in self.rules)
        return f"| {names} | {self.checks} | {self.severity} |"


SECTIONS: dict[str, tuple[RuleGroup, ...]] = {
    "RGD identity and schema": (
        RuleGroup(
            ("rgd-api-version", "rgd-kind", "rgd-name", "rgd-spec"),
            "`kro.run/v1alpha1` `ResourceGraphDefinition`, a DNS-1123 name, a `spec.schema` map",
        ),
        RuleGroup(
            ("rgd-annotation",),
            '`kro.run/` annotations kro v0.9.3 does not know; `allow-breaking-changes` not `"true"`',
            WARNING,
        ),
        RuleGroup(
            ("rgd-field-type", "unknown-field"),
            "RGD fields of the wrong type (labels and annotations must be strings); fields the RGD CRD "
            "does not have, or has only on kro main (with a suggestion)",
        ),
        RuleGroup(
            ("rgd-kind-conflict",),
            "two RGDs generating the same kind and group that reach one cluster: in one file, one "
            "kustomization build, or all given files with `--one-cluster`",
        ),
        RuleGroup(
            ("schema-api-version", "schema-kind", "schema-group", "schema-scope"),
            "the generated API's version, UpperCamelCase kind, dotted group, `Namespaced`/`Cluster` "
            "scope (group and scope may be left out: the RGD CRD defaults them, and no GitOps diff follows)",
        ),
        RuleGroup(
            ("schema-type-unknown", "schema-type-syntax", "schema-type-cycle", "schema-value-type"),
            "SimpleSchema types, `[]T`/`map[string]T` syntax, cyclic custom types, fields that are "
            "neither a type string nor a map",
        ),
        RuleGroup(
            (
                "schema-marker-syntax",
                "schema-marker-second-pipe",
                "schema-marker-unknown",
                "schema-marker-value",
                "schema-marker-conflict",
                "schema-marker-not-applicable",
            ),
            "marker syntax (one `\\|`, `key=value`), known markers, values, "
            "`listType`/`listMapKey`/`uniqueItems`, markers that do not fit the type",
        ),
        RuleGroup(
            ("schema-default-invalid", "schema-default-string-escape"),
            "defaults that are not valid for the field's type; string defaults with a quote, backslash or "
            "control character (kro wraps them in quotes without escaping)",
        ),
        RuleGroup(("schema-pattern-invalid",), "patterns that are not Go (RE2) regexps"),
        RuleGroup(("schema-untyped-items",), "`[]object` item fields, which nothing checks", WARNING),
        RuleGroup(("schema-validation-removed",), "`spec.schema.validation` (removed in kro v0.7)"),
        RuleGroup(
            ("printer-column",),
            "`additionalPrinterColumns` the API server refuses (a missing `name`/`type`/`jsonPath`, an "
            "unknown type or format, a `jsonPath` not starting with `.`): errors; a `jsonPath` naming no "
            "spec, status or metadata field, so the column is always empty: a warning (an error in "
            "kro-gen graphs)",
            BOTH,
        ),
    ),
    "Resources, ids and forEach": (
        RuleGroup(
            ("resource-id-format", "resource-id-reserved", "resource-id-duplicate"),
            "ids are lower camelCase, not kro reserved words, unique",
        ),
        RuleGroup(
            ("resource-template-or-externalref", "template-shape", "template-name"),
            "exactly one of template/externalRef; `apiVersion`/`kind` strings; a `metadata.name`",
        ),
        RuleGroup(
            ("externalref-shape", "externalref-foreach"),
            "exactly one of name/selector; no forEach on an externalRef",
        ),
        RuleGroup(
            ("foreach-shape", "foreach-dimensions", "foreach-iterator-reference", "foreach-type"),
            "one iterator per dimension, at most 10 dimensions (kro's default limit), independent dimensions "
            "(no dimension reads another's iterator), list values",
        ),
        RuleGroup(
            (
                "iterator-name-format",
                "iterator-name-reserved",
                "iterator-name-duplicate",
                "iterator-id-collision",
            ),
            "iterator names like ids, unique, not a resource id",
        ),
        RuleGroup(
            ("iterator-unused-in-identity",),
            "every iterator appears in `metadata.name` (else the items collide)",
        ),
        RuleGroup(
            ("duplicate-object",),
            "no two templates render the same object (group, kind, namespace and the same literal name or "
            "expression text); different `includeWhen` conditions may be alternatives",
        ),
        RuleGroup(
            ("cluster-scoped-namespace", "namespace-required"),
            "no namespace on cluster-scoped kinds; an explicit namespace for namespaced children of "
            "cluster-scoped instances",
        ),
        RuleGroup(("kro-label",), "`kro.run/` labels on a template are kro's own"),
        RuleGroup(
            ("kro-reserved-metadata",),
            "`kro.run/` annotations and `internal.kro.run/` labels or annotations on a template: v0.9.3 "
            "accepts them, later releases reject them",
            WARNING,
        ),
        RuleGroup(("dynamic-map-key",), "`${...}` in a map key (kro never evaluates keys)"),
        RuleGroup(("crd-template-expression",), "expressions in a CRD template outside `metadata`"),
        RuleGroup(("graph-cycle", "self-reference"), "the dependencies form a DAG; no resource reads itself"),
    ),
    "Expressions and CEL types": (
        RuleGroup(("expression-syntax",), "every `${...}` parses (kro's optional syntax included)"),
        RuleGroup(
            ("expression-not-standalone", "expression-trailing-newline"),
            "`includeWhen`, `readyWhen` and `forEach` take one whole `${...}`",
        ),
        RuleGroup(
            (
                "unknown-identifier",
                "includewhen-scope",
                "readywhen-scope",
                "schema-status-read",
                "schema-namespace-cluster",
            ),
            "what each place may reference (readyWhen: only the resource itself or `each`)",
        ),
        RuleGroup(
            ("includewhen-resource-reference",),
            "includeWhen reading a resource: only kro ≥ 0.9.0 accepts it, and a volatile status field makes "
            "the resource flap",
            WARNING,
        ),
        RuleGroup(
            ("includewhen-dependent",),
            "a resource reading an includeWhen resource without its conditions: kro skips the reader "
            "too (an error in kro-gen graphs, a warning in other RGDs)",
            BOTH,
        ),
        RuleGroup(
            ("includewhen-status-read",),
            "a status field reading an includeWhen resource: absent while the resource is excluded "
            "(kro-gen graphs only)",
            WARNING,
        ),
        RuleGroup(
            ("unknown-function", "disabled-function", "omit-gated"),
            "functions kro v0.9.3 has; `math.*`/`sets.*` are disabled; `omit()` is feature-gated",
        ),
        RuleGroup(("bytes-expression",), "a bytes result (crashes kro v0.9.3)"),
        RuleGroup(
            ("spec-field-optional-read",),
            "a spec field read but neither required nor defaulted, nor guarded with `.?`/`has()`: an "
            "error in kro-gen graphs, a warning in other RGDs",
            BOTH,
        ),
        RuleGroup(
            ("no-such-field", "expression-type"),
            "paths exist in the spec schema or the referenced kind's Kubernetes schema (status "
            "included); operators fit their operand types",
        ),
        RuleGroup(
            ("expression-target-type",),
            "a standalone expression's type fits its field (`int` vs `float` vs `string`)",
        ),
        RuleGroup(("template-part-type",), "every part of a string template is a string"),
        RuleGroup(("condition-type",), "includeWhen/readyWhen are bool"),
    ),
    "Status, instances, manifests and files": (
        RuleGroup(
            ("status-literal", "status-no-reference", "status-state-reserved"),
            "status leaves are expressions reading schema or a resource; no `state`",
        ),
        RuleGroup(("status-expression-list",), "a YAML list of status expressions", WARNING),
        RuleGroup(
            ("status-type",),
            "a kro-gen graph's status model declares a type its expression does not return "
            "(`available: str` over an int); an int fills a float, `Any` and dyn fit anything",
        ),
        RuleGroup(
            (
                "status-conditions-form",
                "status-condition-call",
                "status-condition-output",
                "status-condition-type-duplicate",
                "runtime-outside-conditions",
            ),
            "v0.9.3 custom conditions: `status.conditions` is a list of `${...}` strings; "
            "`runtime.newCondition` takes `type` and `status` (`True`/`False`/`Unknown`), optional "
            "`reason`, `message`, each once, and `runtime.condition(schema, ...)` reads only kro's built-in "
            "conditions; each entry returns a condition or a list of them; no two entries declare one "
            "type; `runtime` only in `status.conditions`",
        ),
        RuleGroup(
            ("instance-api-version", "instance-kind", "instance-name", "instance-spec"),
            "an instance's header, name and spec map",
        ),
        RuleGroup(
            ("instance-namespace",),
            "a namespace on an instance of a cluster-scoped kind: an error; none on a namespaced one "
            "(it then depends on who applies the file): a warning",
            BOTH,
        ),
        RuleGroup(("instance-status",), "an instance file that sets `status` (kro owns it)", WARNING),
        RuleGroup(
            (
                "instance-required",
                "instance-unknown-field",
                "instance-type",
                "instance-enum",
                "instance-range",
                "instance-length",
                "instance-pattern",
                "instance-items",
            ),
            "an instance's spec against the RGD's schema, after defaulting",
        ),
        RuleGroup(
            ("instance-schema",),
            "`validate --instance`, `render --instance`: an instance against the CRD the RGD generates, "
            "as the API server admits it, with the API server's message (unknown fields are "
            "`instance-unknown-field`)",
        ),
        RuleGroup(
            (
                "manifest-unknown-field",
                "manifest-type",
                "manifest-required",
                "manifest-enum",
                "manifest-constraint",
                "manifest-type-meta",
            ),
            "templates' literal values and direct-mode manifests against the Kubernetes OpenAPI schemas "
            "(bundled by kubernetes-validate), the bundled Argo CD and Flux CRDs, and registered CRDs",
        ),
        RuleGroup(
            ("unknown-kind",),
            "a kind with no known schema (its fields go unchecked; register its CRD)",
            WARNING,
        ),
        RuleGroup(
            (
                "yaml-syntax",
                "yaml-duplicate-key",
                "yaml-not-object",
                "file-not-found",
                "file-unreadable",
                "crd-file",
            ),
            "YAML read as Kubernetes reads it (YAML 1.1, duplicate keys are errors); CRD files",
        ),
        RuleGroup(("breaking-change", "immutable-change"), "see [Breaking changes](#breaking-changes)"),
        RuleGroup(
            ("crd-change-not-applied",),
            "a change against the committed RGD that kro v0.9.3 does not write to the existing CRD "
            "(printer columns or CRD labels and annotations alone); see "
            "[Breaking changes](#breaking-changes)",
            WARNING,
        ),
        RuleGroup(
            ("unlisted-file",),
            "`kro-gen generate`: a hand-written file in a generated folder, which its kustomization omits",
            WARNING,
        ),
        RuleGroup(
            ("unknown-operator",),
            "`kro-gen generate`: an API group the graphs use that no known operator chart serves "
            "(see [Infrastructure](#infrastructure-phase-0))",
            WARNING,
        ),
    ),
}

#: Every rule name, and the severities it may have.
RULES: dict[str, str] = {
    rule: group.severity for groups in SECTIONS.values() for group in groups for rule in group.rules
}


def severities(rule: str) -> set[str]:
    """The severities ``rule`` is documented to have (empty for an unknown rule)."""
    documented = RULES.get(rule)
    if documented is None:
        return set()
    return {ERROR, WARNING} if documented == BOTH else {documented}


def tables() -> dict[str, str]:
    """Each section's table as README markdown."""
    head = "| rule | what is checked | severity |\n|---|---|---|"
    return {
        title: "\n".join([head, *(group.row() for group in groups)]) for title, groups in SECTIONS.items()
    }
