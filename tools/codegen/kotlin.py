"""Kotlin's spelling of what `host.py` decides for Swift and Kotlin, for `templates/kotlin/`:

- `Models.kt`: response objects as `@Serializable` data classes with camelCase properties
  (`@SerialName` keeps the API's names), nullable fields `T?`, date-times `OffsetDateTime`, custom
  attributes a `Map`; open enums `String`, closed ones enum classes; request-only objects
  (`x-input`) data classes whose optional fields are `T? = null` (left out when encoded);
  `ProfileParams` as `ProfileFields`, whose `Field` properties tell "leave as is" from "clear".
- `Operations.kt`: `AdaptyClient` with one property per namespace, a nested class whose `suspend`
  functions are the operations, each followed by its `...Blocking` twin; a walk is a `Flow` and,
  blocking, a lazy `Sequence`. The calls go through the hand-written `Bridge.kt`.
- `VectorCalls.kt` (tests): `callVector` runs a shared vector through the public client, the
  vector's input read into the method's typed parameters with the models' strict serializers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import host
from .manifest import Manifest, pascal
from .render import wrap

PACKAGE = "io.adapty.server"

DIALECT = host.Dialect(
    scalars={
        "date-time": "OffsetDateTime",
        "date": "String",
        "string": "String",
        "number": "Double",
        "integer": "Long",
        "boolean": "Boolean",
    },
    list=lambda t: f"List<{t}>",
    map=lambda v: f"Map<String, {v}>",
    json_object="JsonObject",
    any_value="JsonElement",
    other="JsonElement",
    seconds="Double",
    null="null",
    type_link=lambda t: f"[{t}]",
    param_link=lambda p: f"[{p}]",
    profile_cases=("[ProfileRef.ProfileId]", "[ProfileRef.CustomerUserId]", "[ProfileRef.Attach]"),
)


def doc(text: str, indent: str = "") -> str:
    """A KDoc comment of a schema's description, its lines as they are."""
    return f"{indent}/** " + f"\n{indent} * ".join(text.splitlines()) + " */\n" if text else ""


def kdoc(paragraphs: list[str], tags: list[str], indent: str) -> str:
    """A KDoc comment: paragraphs of text, then `@tag text` lines."""
    if len(paragraphs) == 1 and not tags and len(indent) + len(paragraphs[0]) + 7 <= 100:
        return f"{indent}/** {paragraphs[0]} */\n"
    width = 100 - len(indent) - 3
    lines: list[str] = []
    for i, p in enumerate(paragraphs):
        if i:
            lines.append("")
        lines += wrap(p, width)
    if tags:
        lines.append("")
        for tag in tags:
            wrapped = wrap(tag, width)
            lines += [wrapped[0]] + ["    " + w for w in wrapped[1:]]
    body = "".join(f"{indent} * {line}".rstrip() + "\n" for line in lines)
    return f"{indent}/**\n{body}{indent} */\n"


def entry(value: str) -> str:
    """The name of a closed enum's entry: `OneTimePurchase` for `one_time_purchase`."""
    name = "".join(p[:1].upper() + p[1:] for p in value.replace("-", "_").split("_"))
    return name.upper() if len(value) <= 1 else name


def serializer(f: host.ModelField) -> str:
    """The serializer annotation a field needs, if any."""
    inner = f.field.inner
    if inner.get("x-as-map"):
        return "@Serializable(with = CustomAttributesSerializer::class) "
    if inner.get("type") == "object" and "anyOf" in (inner.get("additionalProperties") or {}):
        return "@Serializable(with = AttributeMapSerializer::class) "
    if inner.get("format") == "date-time":
        return "@Serializable(with = OffsetDateTimeSerializer::class) "
    return ""


def declared(f: host.ModelField) -> str:
    """A property's type and default: `T? = null`, `List<T> = emptyList()`, `Long = 0L`, ..."""
    if f.presence == "map":
        return f"{f.type} = emptyMap()"
    if f.presence == "list":
        return f"{f.type} = emptyList()"
    if f.presence == "optional":
        return f"{f.type}? = null"
    if f.presence == "default":
        return f"{f.type} = {literal(f)}"
    return f.type


def literal(f: host.ModelField) -> str:
    if isinstance(f.default, bool):
        return "true" if f.default else "false"
    if f.field.type == "number":
        return str(float(f.default))
    if f.field.type == "integer":
        return f"{f.default}L"
    return '"' + str(f.default).replace("\\", "\\\\").replace('"', '\\"') + '"'


def models(manifest: Manifest) -> dict[str, Any]:
    b = manifest.models
    return {
        "package": PACKAGE,
        "enums": [{"name": n, "doc": doc(d.get("description", "").strip()), "members": d["enum"]} for n, d in b.closed_enums],
        "models": [
            {
                "name": n,
                "doc": doc(b.defs[n].get("description", "").strip()),
                "fields": host.model_fields(b, n, DIALECT),
                "select": host.select(b, n),
            }
            for n in b.objects
        ],
        "inputs": [
            {
                "name": n,
                "doc": doc(b.defs[n].get("description", "").strip()),
                "fields": host.model_fields(b, n, DIALECT, inputs=True),
            }
            for n in b.inputs
        ],
        "profile_fields": [(f, host.encoding(b, f.field)) for f in host.model_fields(b, "ProfileParams", DIALECT, inputs=True)],
        "profile_fields_name": host.PROFILE_FIELDS,
    }


WALKS = {
    False: "A cold [Flow]: each collection walks the pages again, fetching the next when the items before it have been collected. "
    "An error fails the collection with the [AdaptyException].",
    True: "A lazy [Sequence]: the next page is fetched when the items before it have been read. An error fails the iteration with "
    "the [AdaptyException].",
}
"""How a walk's pages are fetched, async and blocking."""


def operations(manifest: Manifest) -> dict[str, Any]:
    return {
        "package": PACKAGE,
        "walk_async": WALKS[False],
        "walk_blocking": WALKS[True],
        "options": host.options(manifest, DIALECT, "Seconds"),
        **host.operations(manifest, DIALECT),
    }


def vector_calls(manifest: Manifest) -> dict[str, Any]:
    b = manifest.models
    fields = host.model_fields(b, "ProfileParams", DIALECT, inputs=True)
    return {
        "package": PACKAGE,
        "profile_fields": fields,
        "operations": host.vector_operations(manifest),
        "body_arg": host.BODY_ARG,
    }


def decoder(f: host.ModelField) -> str:
    """The serializer a vector's value of `f` is decoded with."""
    return "OffsetDateTimeSerializer" if f.type == "OffsetDateTime" else f"{f.type}.serializer()"


FILTERS: dict[str, Callable[..., Any]] = {
    "doc": doc,
    "pascal": pascal,
    "param_tag": lambda arg: f"@param {arg[0]} {arg[1]}",
    "option_tag": lambda o: f"@param {o.name} {o.doc}",
    "kdoc": kdoc,
    "entry": entry,
    "serializer": serializer,
    "declared": declared,
    "arg_type": lambda a: host.arg_type(a, DIALECT),
    "option_type": lambda o: host.option_type(o, DIALECT),
    "decoder": decoder,
}
