"""Swift's spelling of what `host.py` decides for Swift and Kotlin, for `templates/swift/`:

- `Models.swift`: response objects as `Codable` structs with camelCase properties, optionals for
  nullable fields, `Date` for date-times, a dictionary for custom attributes; open enums
  `String`, closed ones `String` enums. Response models that requests also take get a public
  memberwise init; request-only objects (`x-input`) are `Encodable` structs with one (optionals
  default to nil and are left out when encoded); `ProfileParams` is `ProfileFields`, whose `Field`
  properties tell "leave as is" from "clear".
- `Operations.swift`: `AdaptyClient` with one property per namespace, a nested struct whose
  `async throws` methods are the operations, each followed by its `...Blocking` twin; a walk is
  an `AsyncThrowingStream` and, blocking, `BlockingPages`. The calls go through the hand-written
  `Bridge.swift`.
- `VectorCalls.swift` (tests): `callVector` runs a shared vector through the public client; the
  input types, which only encode, get a test-only `Decodable` conformance that builds them with
  their public memberwise init, refusing unknown keys at every level.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import host
from .manifest import Manifest, camel, pascal
from .render import wrap
from .schema_bundle import Schema, ref_name

DIALECT = host.Dialect(
    scalars={
        "date-time": "Date",
        "date": "String",
        "string": "String",
        "number": "Double",
        "integer": "Int64",
        "boolean": "Bool",
    },
    list=lambda t: f"[{t}]",
    map=lambda v: f"[String: {v}]",
    json_object="[String: JSONValue]",
    any_value="JSONValue",
    other="String",
    seconds="TimeInterval",
    null="nil",
    type_link=lambda t: f"``{t}``",
    param_link=lambda p: f"`{p}`",
    profile_cases=("`.profileId(_:)`", "`.customerUserId(_:)`", "`.attach(profileId:customerUserId:)`"),
)
KEYWORDS = set(
    "default case enum struct class func let var type in is as self where init operator extension protocol return repeat static public "
    "internal private true false nil for if else while do try throw throws switch break continue import inout subscript super defer "
    "guard fallthrough associatedtype typealias deinit rethrows Any".split()
)
"""Names a property must escape with backticks."""


def name(key: str) -> str:
    """The property of a JSON key, escaped if it is a keyword (`` `type` ``)."""
    n = camel(key)
    return f"`{n}`" if n in KEYWORDS else n


def bare(n: str) -> str:
    """A property's name where Swift needs no escaping (`self.type`, `.type`)."""
    return n.strip("`")


def case_name(value: str) -> str:
    """The case of a closed enum's value: `oneTimePurchase`, `iOS`, `android`."""
    if "_" in value:
        value = name(value)
    n = value[:1].lower() + value[1:] if not value[:2].isupper() else value.lower() if len(value) <= 2 else value
    return {"Android": "android"}.get(value, n)


def doc(text: str, indent: str = "") -> str:
    """A `///` comment of a schema's description, its lines as they are."""
    return "".join(f"{indent}/// {line}\n" for line in text.splitlines()) if text else ""


def docc(
    paragraphs: list[str], params: list[tuple[str, str]], indent: str, returns: str | None = None, throws: str | None = None
) -> str:
    """A DocC comment: paragraphs, then `- Parameters:`, `- Returns:`, `- Throws:`."""
    width = 100 - len(indent) - 4
    lines: list[str] = []
    for i, p in enumerate(paragraphs):
        if i:
            lines.append("")
        lines += wrap(p, width)
    tail: list[str] = []
    if params:
        tail.append("- Parameters:")
        for n, text in params:
            wrapped = wrap(f"- {n}: {text}", width - 2)
            tail += ["  " + wrapped[0]] + ["    " + w for w in wrapped[1:]]
    for label, line in (("Returns", returns), ("Throws", throws)):
        if line:
            wrapped = wrap(f"- {label}: {line}", width)
            tail += [wrapped[0]] + ["  " + w for w in wrapped[1:]]
    if tail:
        lines += [""] + tail
    return "".join(f"{indent}/// {line}".rstrip() + "\n" for line in lines)


def default(f: host.ModelField) -> str:
    """The value a missing key reads as, and a memberwise init's default: `[]`, `[:]`, ..."""
    if f.presence == "list":
        return "[]"
    if f.presence == "map":
        return "[:]"
    if isinstance(f.default, bool):
        return "true" if f.default else "false"
    return '"' + f.default.replace("\\", "\\\\").replace('"', '\\"') + '"' if isinstance(f.default, str) else str(f.default)


def fields(fs: list[host.ModelField]) -> list[host.ModelField]:
    """`fs` named as Swift declares them (keywords escaped)."""
    return [host.ModelField(f.key, name(f.key), f.type, f.doc, f.presence, f.required, f.default, f.field) for f in fs]


def models(manifest: Manifest) -> dict[str, Any]:
    b = manifest.models
    return {
        "enums": [{"name": n, "doc": doc(d.get("description", "").strip()), "members": d["enum"]} for n, d in b.closed_enums],
        "models": [
            {
                "name": n,
                "doc": doc(b.defs[n].get("description", "").strip()),
                "fields": fields(host.model_fields(b, n, DIALECT)),
                "select": host.select(b, n),
                "init": n in b.request_models,
            }
            for n in b.objects
        ],
        "inputs": [
            {
                "name": n,
                "doc": doc(b.defs[n].get("description", "").strip()),
                "fields": fields(host.model_fields(b, n, DIALECT, inputs=True)),
            }
            for n in b.inputs
        ],
        "profile_fields": [
            (f, host.encoding(b, f.field)) for f in fields(host.model_fields(b, "ProfileParams", DIALECT, inputs=True))
        ],
        "profile_fields_name": host.PROFILE_FIELDS,
    }


def param(a: host.Arg) -> str:
    """A parameter: unlabeled if positional, with its default."""
    return f"{'_ ' if a.positional else ''}{a.name}: {host.arg_type(a, DIALECT)}"


WALKS = {
    False: "An `AsyncThrowingStream`: the next page is fetched when the items before it are used up. An error is thrown by the loop.",
    True: "`BlockingPages`: `next()` gives the next item, fetching the next page when the items before it are used up; `collect()` gives "
    "them all. An error is thrown there.",
}
"""How a walk's pages are fetched, async and blocking."""


def operations(manifest: Manifest) -> dict[str, Any]:
    return {
        "options": host.options(manifest, DIALECT, ""),
        "walks": WALKS,
        **host.operations(manifest, DIALECT),
    }


def vector_calls(manifest: Manifest) -> dict[str, Any]:
    b = manifest.models
    own = b.request_models

    def decodable(s: Schema) -> tuple[str, str]:
        """(the type to decode, how to get the field's value from it) for a property schema: the
        models a request takes decode strictly (`Strict`), their own decoders skip unknown keys."""
        t = host.type_of(b, s, DIALECT)
        if "$ref" in s and ref_name(s) in own:
            return f"Strict<{t}>", ".value"
        if s.get("type") == "array" and "$ref" in s["items"] and ref_name(s["items"]) in own:
            return f"[Strict<{host.type_of(b, s['items'], DIALECT)}>]", ".map(\\.value)"
        return t, ""

    return {
        "model_keys": [(n, [f.key for f in b.fields(n, inputs=True)]) for n in sorted(own)],
        "profile_fields": [
            (f, decodable(f.field.inner)) for f in fields(host.model_fields(b, "ProfileParams", DIALECT, inputs=True))
        ],
        "inputs": [
            (n, [(f, decodable(f.field.inner)) for f in fields(host.model_fields(b, n, DIALECT, inputs=True))]) for n in b.inputs
        ],
        "own": own,
        "operations": host.vector_operations(manifest),
        "body_arg": host.BODY_ARG,
    }


FILTERS: dict[str, Callable[..., Any]] = {
    "doc": doc,
    "docc": docc,
    "bare": bare,
    "case_name": case_name,
    "default": default,
    "param": param,
    "pascal": pascal,
    "q": lambda s: '"' + s + '"',
    "option_doc": lambda o: (o.name, o.doc),
    "option_type": lambda o: host.option_type(o, DIALECT),
}
