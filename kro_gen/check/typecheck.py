"""Static type checking of an RGD's expressions, as kro does when it accepts a graph (KRO-RULES §4.4).

Each ``${...}`` is typed by :class:`kro_gen.check.cel_infer.Inferrer` in the scope kro gives its
place: ``schema`` (apiVersion, kind, ObjectMeta metadata, the SimpleSchema spec), every resource id
(typed by its kind's schema; a ``forEach`` collection or a selector ``externalRef`` is a list), the
resource's own ``forEach`` iterators (typed by their list's items), ``each`` and the resource itself in
``readyWhen``. Then:

- a standalone template value must fit its field's schema (``expected integer, got string``);
- the parts of a string template must be strings, and the field must accept a string;
- ``includeWhen``/``readyWhen`` must be bool, ``forEach`` values lists;
- status fields are typed (for breaking-change detection) but only real type errors are reported.

Scope errors (unknown identifiers, ``readyWhen`` reaching other resources, ``schema.status``) are the
expression rules' findings; here such names are simply ``dyn``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kro_gen.check.cel_infer import Inferrer
from kro_gen.check.cel_types import (
    BOOL,
    CONDITION,
    DYN,
    STRING,
    CelType,
    from_schema,
    list_of,
    strip_optional,
)
from kro_gen.check.findings import Finding
from kro_gen.check.rules_base import Path, ResourceView, RgdView
from kro_gen.check.rules_sites import Place, Site, collect_sites
from kro_gen.check.target_types import conversion_hint, describe_target, mismatch
from kro_gen.errors import Location
from kro_gen.registry.crd_schema import PRESERVE, structural_to_jsonschema

if TYPE_CHECKING:
    from kro_gen.registry import SchemaRegistry

STATUS_ROOT: Path = ("spec", "schema", "status")


@dataclass
class TypeReport:
    """What type checking found: findings, and the inferred type of every status field.

    ``status_types`` maps a path below ``spec.schema.status`` (e.g. ``("availableReplicas",)``) to the
    type kro would infer for it (``conditions`` entries are not included).
    """

    findings: list[Finding] = field(default_factory=list)
    status_types: dict[Path, CelType] = field(default_factory=dict)


def check_expression_types(
    rgd: Mapping[str, Any],
    parsed_schema: Any,
    registry: SchemaRegistry,
    location: Location,
    *,
    sites: Sequence[Site] | None = None,
) -> list[Finding]:
    """Type errors in the expressions of ``rgd`` (see the module docstring for what is checked).

    Args:
        rgd: the RGD dict (generated or parsed from YAML).
        parsed_schema: ``kro_gen.schema.parse_simple_schema(spec, types)`` of the RGD, or None to
            parse it here.
        registry: schemas of the kinds the resources use (unknown kinds are typed ``dyn``).
        location: file/graph of the RGD; findings add the resource id and field path.
        sites: the RGD's expression sites when the caller has collected them already.
    """
    return analyse_types(rgd, parsed_schema, registry, location, sites=sites).findings


def analyse_types(
    rgd: Mapping[str, Any],
    parsed_schema: Any,
    registry: SchemaRegistry,
    location: Location,
    *,
    sites: Sequence[Site] | None = None,
) -> TypeReport:
    """Like :func:`check_expression_types`, and also return the inferred status field types."""
    view = RgdView(rgd, location)
    checker = _Checker(view, parsed_schema, registry)
    all_sites = list(sites) if sites is not None else collect_sites(view)
    for site in all_sites:  # iterators first: templates of the same resource use them
        if site.place is Place.FOR_EACH:
            checker.type_iterator(site)
    for site in all_sites:
        if site.place is not Place.FOR_EACH:
            checker.check(site)
    return checker.report


class _Checker:
    def __init__(self, view: RgdView, parsed_schema: Any, registry: SchemaRegistry) -> None:
        self.view = view
        self.registry = registry
        self.report = TypeReport()
        self.scope: dict[str, CelType] = {
            "schema": _schema_type(view, parsed_schema, registry),
            "runtime": DYN,
        }
        self.item_types: dict[str, CelType] = {}
        for resource in view.resources:
            if resource.id:
                item = self._item_type(resource)
                self.item_types[resource.id] = item
                self.scope[resource.id] = list_of(item) if resource.is_collection else item
        self.iterators: dict[str, dict[str, CelType]] = {}

    def _item_type(self, resource: ResourceView) -> CelType:
        root = self._root_schema(resource)
        return from_schema(root, self.registry) if root is not None else DYN

    def _root_schema(self, resource: ResourceView) -> Mapping[str, Any] | None:
        api_version, kind = resource.api_version, resource.kind
        if api_version is None or kind is None or "${" in api_version + kind:
            return None
        return self.registry.schema_for(api_version, kind)

    def type_iterator(self, site: Site) -> None:
        """Type a forEach value (it must be a list) and record its iterator's item type."""
        resource, name = site.resource, site.path[-1]
        if resource is None or not resource.id or not isinstance(name, str):
            return
        nodes = list(site.nodes())
        value = self._infer(nodes[0], self.scope, site.path, resource) if site.standalone and nodes else DYN
        inner = strip_optional(value)
        if not (inner.is_dyn or inner.kind == "list"):
            self._add(
                "foreach-type",
                f"forEach {name!r} must be a list, but {site.expressions[0].cel!r} returns {value}",
                site.path,
                resource,
                "iterate over a list, e.g. lists.range(n) for indexes or a []T spec field",
            )
        self.iterators.setdefault(resource.id, {})[name] = inner.elem if inner.kind == "list" else DYN

    # sites --------------------------------------------------------------------------------------

    def check(self, site: Site) -> None:
        """Type one expression site (not forEach: see :meth:`type_iterator`) and record its findings."""
        scope = self._scope_for(site)
        types = [self._infer(node, scope, site.path, site.resource) for node in site.nodes()]
        if len(types) != len(site.expressions):
            return  # a part failed to parse: the expression rules report it
        if site.place in (Place.READY_WHEN, Place.INCLUDE_WHEN):
            self._expect_condition(site, types[0] if types else DYN)
        elif site.place in (Place.TEMPLATE, Place.EXTERNAL_REF):
            self._check_target(site, types)
        elif site.place is Place.STATUS:
            self._record_status(site, types)
        elif site.place is Place.CONDITION:
            self._expect_conditions(site, types)

    def _scope_for(self, site: Site) -> Mapping[str, CelType]:
        resource = site.resource
        if site.place is Place.READY_WHEN and resource is not None and resource.id:
            item = self.item_types.get(resource.id, DYN)
            return {"each": item} if resource.is_collection else {resource.id: item}
        if site.place in (Place.TEMPLATE, Place.EXTERNAL_REF) and resource is not None and resource.id:
            return {**self.scope, **self.iterators.get(resource.id, {})}
        return self.scope

    def _expect_condition(self, site: Site, value: CelType) -> None:
        inner = strip_optional(value)
        if inner.is_dyn or inner == BOOL or len(site.expressions) != 1 or not site.standalone:
            return
        where = site.place.value
        self._add(
            "condition-type",
            f"{where} must return bool, but {site.expressions[0].cel!r} returns {value}",
            site.path,
            site.resource,
            'compare the value, e.g. x == "True" or size(x) > 0',
        )

    def _check_target(self, site: Site, types: list[CelType]) -> None:
        target = self._target_schema(site)
        if site.standalone and len(types) == 1:
            if target is None:
                return
            problem = mismatch(types[0], target, self.registry)
            if problem:
                self._add(
                    "expression-target-type",
                    f"expression {site.expressions[0].cel!r} returns {types[0]}, but the field expects "
                    f"{describe_target(self.registry.deref(target))}"
                    + ("" if problem.startswith("expected ") else f" ({problem})"),
                    site.path,
                    site.resource,
                    conversion_hint(types[0], target, self.registry),
                )
            return
        self._check_template_parts(site, types)
        if target is not None and mismatch(STRING, target, self.registry):
            self._add(
                "expression-target-type",
                f"a string template always yields a string, but the field expects "
                f"{describe_target(self.registry.deref(target))}",
                site.path,
                site.resource,
                'make the whole value one expression ("${...}") that returns the field\'s type',
            )

    def _check_template_parts(self, site: Site, types: list[CelType]) -> None:
        for expression, value in zip(site.expressions, types, strict=True):
            if value.is_dyn or value == STRING:
                continue
            self._add(
                "template-part-type",
                f"in the string template {site.text!r}, ${{{expression.cel}}} returns {value}; every part "
                "of a template must be a string",
                site.path,
                site.resource,
                f"wrap it: ${{string({expression.cel})}}",
            )

    def _target_schema(self, site: Site) -> Mapping[str, Any] | None:
        resource = site.resource
        if resource is None:
            return None
        root = self._root_schema(resource)
        if root is None:
            return None
        inner = site.path[len(resource.path) + 1 :]
        return self.registry.field_schema(root, inner)

    def _record_status(self, site: Site, types: list[CelType]) -> None:
        relative = site.path[len(STATUS_ROOT) :]
        if site.standalone and len(types) == 1:
            self.report.status_types[relative] = types[0]
            return
        self._check_template_parts(site, types)
        self.report.status_types[relative] = STRING

    def _expect_conditions(self, site: Site, types: list[CelType]) -> None:
        """A ``status.conditions`` entry returns a Condition or a list of them (kro's output check)."""
        if not site.standalone or len(types) != 1:
            return  # the form rules report templates
        value = strip_optional(types[0])
        inner = strip_optional(value.elem) if value.kind == "list" else value
        if inner.is_dyn or inner == CONDITION:
            return
        self._add(
            "status-condition-output",
            f"condition expressions must return runtime.newCondition(...) or a list of them, but "
            f"{site.expressions[0].cel!r} returns {value}",
            site.path,
            site.resource,
            "build the entry with runtime.newCondition({type: ..., status: ...}) (cel.new_condition)",
        )

    # helpers ------------------------------------------------------------------------------------

    def _infer(
        self, node: Any, scope: Mapping[str, CelType], path: Path, resource: ResourceView | None
    ) -> CelType:
        inferrer = Inferrer(scope)
        result = inferrer.infer(node)
        for problem in inferrer.problems:
            self._add(problem.rule, problem.message, path, resource, problem.fix)
        return result

    def _add(self, rule: str, message: str, path: Path, resource: ResourceView | None, fix: str) -> None:
        self.report.findings.append(Finding(rule, message, self.view.at(path, resource), fix))


def _schema_type(view: RgdView, parsed_schema: Any, registry: SchemaRegistry) -> CelType:
    """The type of ``schema``: apiVersion, kind, ObjectMeta metadata and the SimpleSchema spec.

    ``status`` is open (dyn) so that reading it is reported once, by the expression rules.
    """
    from kro_gen.schema.openapi import spec_openapi

    spec = structural_to_jsonschema(spec_openapi(view.schema, parsed_schema))
    root = structural_to_jsonschema({"type": "object"}, resource_root=True)
    root["properties"]["spec"] = spec
    root["properties"]["status"] = {PRESERVE: True}
    return from_schema(root, registry)
