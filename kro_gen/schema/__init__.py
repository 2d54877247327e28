"""Pydantic models → kro SimpleSchema, typed spec references, instance values, and schema parsing.

- :func:`to_simple_schema` writes ``spec.schema.spec``/``types`` for a graph's spec model.
- :func:`validate_instance` checks an environment's values and gives the explicit and effective spec.
- :func:`spec_resolver` types ``schema.spec.x`` references and rejects unknown fields;
  :func:`field_facts`/:func:`model_facts` say whether a field is required or defaulted.
- :func:`parse_simple_schema` reads a hand-written SimpleSchema back and lists every problem.
- :class:`SchemaMarkers` adds kro's ``immutable``/``validation`` markers to a field.
"""

from kro_gen.schema.constraints import SchemaMarkers
from kro_gen.schema.facts import LIST_ITEM, MAP_VALUE, FieldFacts
from kro_gen.schema.fields import MISSING
from kro_gen.schema.from_model import SimpleSchema, to_simple_schema
from kro_gen.schema.instance import InstanceValues, apply_defaults, validate_instance
from kro_gen.schema.parse import ParsedField, ParsedSchema, SchemaProblem, parse_simple_schema
from kro_gen.schema.resolver import field_facts, model_facts, spec_resolver

__all__ = [
    "LIST_ITEM",
    "MAP_VALUE",
    "MISSING",
    "FieldFacts",
    "InstanceValues",
    "ParsedField",
    "ParsedSchema",
    "SchemaMarkers",
    "SchemaProblem",
    "SimpleSchema",
    "apply_defaults",
    "field_facts",
    "model_facts",
    "parse_simple_schema",
    "spec_resolver",
    "to_simple_schema",
    "validate_instance",
]
