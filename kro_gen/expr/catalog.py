"""Which CEL functions kro v0.9.3 knows, which it disables, and which return bytes.

The lists follow kro's ``pkg/cel/environment.go`` at v0.9.3 (cel-go v0.27, k8s apiserver v0.35):
the cel-go standard library, ``ext.Strings/Lists/TwoVarComprehensions/Bindings/Encoders``,
``cel.OptionalTypes``, the Kubernetes ``Lists/URLs/Regex/Quantity/IP/CIDR/Semver`` libraries and
kro's own ``random/maps/json/hash/lists/omit/runtime`` libraries. ``math.*`` and ``sets.*`` are not
enabled; ``omit()`` is behind the ``CELOmitFunction`` feature gate (off by default).

Names are as written in CEL: globals may be dotted (``random.seededString``); methods are called on
a receiver (``s.lowerAscii()``). A name can be both (``size``, ``matches``). This module is pure
data plus lookups, so the parser and the validator can use it without importing cel-python.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from kro_gen.errors import ExpressionError
from kro_gen.expr import nodes as n

GLOBAL = "global"
METHOD = "method"

ENABLED = "enabled"
GATED = "gated"
DISABLED = "disabled"
UNKNOWN = "unknown"


@dataclass(frozen=True)
class CelFunction:
    """One CEL function or macro as kro v0.9.3 sees it.

    ``result`` is the CEL result type when it does not depend on the arguments (``None`` when it
    does); ``status`` is ``enabled``, ``gated`` (needs a kro feature gate) or ``disabled``.
    """

    name: str
    kind: str
    library: str
    result: str | None = None
    status: str = ENABLED
    note: str = ""
    macro: bool = False


def _many(kind: str, library: str, spec: str, **extra: object) -> list[CelFunction]:
    """Entries from ``"name:result name:result ..."`` (``result`` may be ``?`` for "depends")."""
    out = []
    for item in spec.split():
        name, _, result = item.partition(":")
        out.append(CelFunction(name, kind, library, None if result in ("", "?") else result, **extra))  # type: ignore[arg-type]
    return out


_ENTRIES: list[CelFunction] = [
    # cel-go standard library
    *_many(
        GLOBAL,
        "cel",
        "size:int int:int uint:uint double:double string:string bytes:bytes bool:bool "
        "duration:duration timestamp:timestamp dyn:? type:type matches:bool",
    ),
    *_many(
        METHOD,
        "cel",
        "size:int contains:bool startsWith:bool endsWith:bool matches:bool getDate:int "
        "getDayOfMonth:int getDayOfWeek:int getDayOfYear:int getFullYear:int getHours:int "
        "getMilliseconds:int getMinutes:int getMonth:int getSeconds:int",
    ),
    *_many(GLOBAL, "cel", "has:bool", macro=True),
    *_many(
        METHOD, "cel", "all:bool exists:bool exists_one:bool existsOne:bool map:list filter:list", macro=True
    ),
    # ext.Strings (latest version)
    *_many(
        METHOD,
        "ext.strings",
        "charAt:string indexOf:int lastIndexOf:int lowerAscii:string "
        "upperAscii:string replace:string split:list substring:string trim:string reverse:? "
        "join:string format:string",
    ),
    *_many(GLOBAL, "ext.strings", "strings.quote:string"),
    # ext.Lists
    *_many(METHOD, "ext.lists", "slice:list flatten:list sort:list distinct:list"),
    *_many(METHOD, "ext.lists", "sortBy:list", macro=True),
    *_many(GLOBAL, "ext.lists", "lists.range:list"),
    # ext.TwoVarComprehensions, ext.Bindings
    *_many(
        METHOD, "ext.comprehensions", "transformList:list transformMap:map transformMapEntry:map", macro=True
    ),
    *_many(GLOBAL, "ext.bindings", "cel.bind:?", macro=True),
    # cel.OptionalTypes
    *_many(
        GLOBAL,
        "optional",
        "optional.of:optional optional.ofNonZeroValue:optional optional.none:optional optional.unwrap:list",
    ),
    *_many(
        METHOD,
        "optional",
        "value:? hasValue:bool or:optional orValue:? first:optional last:optional unwrapOpt:list",
    ),
    *_many(METHOD, "optional", "optMap:optional optFlatMap:optional", macro=True),
    # ext.Encoders
    *_many(GLOBAL, "ext.encoders", "base64.encode:string base64.decode:bytes"),
    # Kubernetes libraries
    *_many(METHOD, "k8s.lists", "isSorted:bool sum:? min:? max:?"),
    *_many(GLOBAL, "k8s.urls", "url:URL isURL:bool"),
    *_many(
        METHOD,
        "k8s.urls",
        "getScheme:string getHost:string getHostname:string getPort:string "
        "getEscapedPath:string getQuery:map",
    ),
    *_many(METHOD, "k8s.regex", "find:string findAll:list"),
    *_many(GLOBAL, "k8s.quantity", "quantity:Quantity isQuantity:bool"),
    *_many(
        METHOD,
        "k8s.quantity",
        "isInteger:bool asInteger:int asApproximateFloat:double sign:int "
        "add:Quantity sub:Quantity isGreaterThan:bool isLessThan:bool compareTo:int",
    ),
    *_many(GLOBAL, "k8s.ip", "ip:IP isIP:bool ip.isCanonical:bool"),
    *_many(
        METHOD,
        "k8s.ip",
        "family:int isUnspecified:bool isLoopback:bool isLinkLocalMulticast:bool "
        "isLinkLocalUnicast:bool isGlobalUnicast:bool",
    ),
    *_many(GLOBAL, "k8s.cidr", "cidr:CIDR isCIDR:bool"),
    *_many(METHOD, "k8s.cidr", "containsIP:bool containsCIDR:bool ip:IP masked:CIDR prefixLength:int"),
    *_many(GLOBAL, "k8s.semver", "semver:Semver isSemver:bool"),
    *_many(METHOD, "k8s.semver", "major:int minor:int patch:int"),
    # kro's libraries
    *_many(GLOBAL, "kro.random", "random.seededString:string random.seededInt:int"),
    *_many(METHOD, "kro.maps", "merge:map"),
    *_many(GLOBAL, "kro.json", "json.marshal:string json.unmarshal:?"),
    *_many(GLOBAL, "kro.hash", "hash.fnv64a:bytes hash.sha256:bytes hash.md5:bytes"),
    *_many(GLOBAL, "kro.lists", "lists.setAtIndex:list lists.insertAtIndex:list lists.removeAtIndex:list"),
    *_many(
        METHOD,
        "kro.runtime",
        "newCondition:Condition condition:Condition",
        note="called on the runtime variable; only in status.conditions",
    ),
    CelFunction(
        "omit",
        GLOBAL,
        "kro.omit",
        None,
        GATED,
        "behind kro's CELOmitFunction feature gate (off by default) and never allowed in "
        "includeWhen, readyWhen, forEach, status or metadata.name",
    ),
    # known CEL functions that kro v0.9.3 does not enable
    *_many(
        GLOBAL,
        "ext.math",
        "math.greatest math.least math.ceil math.floor math.round math.trunc "
        "math.abs math.sign math.isInf math.isNaN math.isFinite math.sqrt math.bitAnd math.bitOr "
        "math.bitXor math.bitNot math.bitShiftLeft math.bitShiftRight",
        status=DISABLED,
        note="kro v0.9.3 does not enable the CEL math extension",
    ),
    *_many(
        GLOBAL,
        "ext.sets",
        "sets.contains sets.equivalent sets.intersects",
        status=DISABLED,
        note="kro v0.9.3 does not enable the CEL sets extension",
    ),
    *_many(
        GLOBAL,
        "ext.protos",
        "proto.getExt proto.hasExt",
        status=DISABLED,
        note="kro v0.9.3 does not enable the CEL protos extension",
    ),
    CelFunction("deepMerge", METHOD, "kro.maps", "map", DISABLED, "only on kro main, not in v0.9.3"),
]

# The same name in several libraries (reverse, indexOf, isGreaterThan...) is one entry per kind.
_BY_KEY: dict[tuple[str, str], CelFunction] = {}
for _entry in _ENTRIES:
    _BY_KEY.setdefault((_entry.kind, _entry.name), _entry)

#: Every function kro-gen knows about, keyed by (``"global"`` | ``"method"``, name).
CATALOG: Mapping[tuple[str, str], CelFunction] = MappingProxyType(_BY_KEY)


def _names(kind: str, status: str) -> frozenset[str]:
    return frozenset(name for (k, name), f in CATALOG.items() if k == kind and f.status == status)


#: Global functions (including dotted names and the has/cel.bind macros) kro v0.9.3 accepts.
GLOBAL_FUNCTIONS = _names(GLOBAL, ENABLED)
#: Receiver-style functions and macros kro v0.9.3 accepts.
METHOD_FUNCTIONS = _names(METHOD, ENABLED)
#: Known functions kro v0.9.3 rejects, with the reason.
DISABLED_FUNCTIONS: Mapping[str, str] = MappingProxyType(
    {name: f.note for (_, name), f in CATALOG.items() if f.status == DISABLED}
)
#: Functions that need a kro feature gate, with the reason.
GATED_FUNCTIONS: Mapping[str, str] = MappingProxyType(
    {name: f.note for (_, name), f in CATALOG.items() if f.status == GATED}
)
#: Functions whose result is bytes: never let one be a field value (kro#1308 crashes the controller).
BYTES_FUNCTIONS = frozenset(name for (_, name), f in CATALOG.items() if f.result == "bytes")

#: Receiver macros: name -> {argument count: number of iteration variables}.
RECEIVER_MACROS: Mapping[str, Mapping[int, int]] = MappingProxyType(
    {
        "all": {2: 1, 3: 2},
        "exists": {2: 1, 3: 2},
        "exists_one": {2: 1, 3: 2},
        "existsOne": {2: 1, 3: 2},
        "map": {2: 1, 3: 1},
        "filter": {2: 1},
        "transformList": {3: 2, 4: 2},
        "transformMap": {3: 2, 4: 2},
        "transformMapEntry": {3: 2, 4: 2},
        "sortBy": {2: 1},
        "optMap": {2: 1},
        "optFlatMap": {2: 1},
    }
)


#: First segments of dotted global function names (``random`` in ``random.seededString``).
NAMESPACES = frozenset(name.split(".")[0] for (kind, name) in CATALOG if kind == GLOBAL and "." in name)


def is_global_call(dotted: str) -> bool:
    """Whether CEL ``a.b(...)`` calls the global function ``a.b`` (rather than method ``b`` on ``a``).

    True for every dotted name in the catalog, and for any ``ns.f`` whose ``ns`` is only ever a
    namespace (``random.foo`` is an unknown global, not a method on a variable named ``random``).
    ``ip`` is both a function and a namespace, so ``ip.family()`` stays a method call.
    """
    if (GLOBAL, dotted) in CATALOG:
        return True
    namespace, _, function = dotted.partition(".")
    return namespace in NAMESPACES and (GLOBAL, namespace) not in CATALOG and function not in RECEIVER_MACROS


def lookup(name: str, *, method: bool) -> CelFunction | None:
    """The catalog entry for a global function (``method=False``) or a method, or None."""
    return CATALOG.get((METHOD if method else GLOBAL, name))


def status(name: str, *, method: bool) -> str:
    """``enabled``, ``gated``, ``disabled`` or ``unknown`` for kro v0.9.3."""
    entry = lookup(name, method=method)
    return entry.status if entry else UNKNOWN


def suggest(name: str, *, method: bool) -> str | None:
    """The closest enabled function name, for "did you mean" hints."""
    import difflib

    pool = METHOD_FUNCTIONS if method else GLOBAL_FUNCTIONS
    lowered = {candidate.lower(): candidate for candidate in pool}
    if name.lower() in lowered:
        return lowered[name.lower()]
    aliases = {
        "length": "size",
        "len": "size",
        "lower": "lowerAscii",
        "upper": "upperAscii",
        "toLowerCase": "lowerAscii",
        "toUpperCase": "upperAscii",
        "strip": "trim",
        "includes": "contains",
        "some": "exists",
        "every": "all",
        "find": "filter",
    }
    alias = difflib.get_close_matches(name, sorted(aliases), n=1, cutoff=0.8)
    if alias and aliases[alias[0]] in pool:
        return aliases[alias[0]]
    close = difflib.get_close_matches(name, sorted(pool), n=1, cutoff=0.75)
    return close[0] if close else None


def calls_in(node: n.Node) -> Iterable[tuple[str, bool]]:
    """Every function name a tree calls, with True for receiver-style calls and macros."""
    for current in n.walk(node):
        if isinstance(current, n.Call):
            yield current.function, False
        elif isinstance(current, n.Method):
            yield current.function, True
        elif isinstance(current, n.Comprehension):
            yield current.macro, True


def describe_call(name: str, method: bool) -> str:
    """How a call is written in messages: ``x.name()`` or ``name()``."""
    return f"x.{name}()" if method else f"{name}()"


def check_functions(node: n.Node) -> None:
    """Raise :class:`ExpressionError` for the first function kro v0.9.3 would not accept.

    Unknown functions fail with kro's wording (``uses unknown functions``) and a suggestion;
    disabled and gated ones say why.
    """
    for name, method in calls_in(node):
        state = status(name, method=method)
        if state == ENABLED:
            continue
        call = describe_call(name, method)
        if state == UNKNOWN:
            other = status(name, method=not method)
            if other == ENABLED:
                right = describe_call(name, not method)
                raise ExpressionError(
                    f"{call} is not how kro calls {name}", hint=f"write it as {right}", rule="cel-function"
                )
            dotted = sorted(g for g in GLOBAL_FUNCTIONS if g.endswith("." + name))
            guess = suggest(name, method=method)
            if dotted:
                hint = f"it is a global function: {dotted[0]}(...)"
            elif guess:
                hint = f"did you mean {describe_call(guess, method)}?"
            else:
                hint = "see KRO-RULES §4.3 for the functions kro enables"
            raise ExpressionError(
                f"kro v0.9.3 uses unknown functions: [{name}]", hint=hint, rule="cel-function"
            )
        entry = lookup(name, method=method)
        note = entry.note if entry else ""
        raise ExpressionError(f"{call} is not available: {note}", rule="cel-function")


#: The accessors of timestamps and durations (``getHours`` ...): all return int.
TIME_ACCESSORS = frozenset(
    {
        "getDate",
        "getDayOfMonth",
        "getDayOfWeek",
        "getDayOfYear",
        "getFullYear",
        "getHours",
        "getMilliseconds",
        "getMinutes",
        "getMonth",
        "getSeconds",
    }
)
