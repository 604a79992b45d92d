"""The models' half of the core's schema bundle (`cargo run -p adapty-server --features schema
--example schema`): what every language needs to know about a model and its fields, so the
languages differ only in naming and syntax."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any

Schema = dict[str, Any]


def ref_name(schema: Schema) -> str:
    return str(schema["$ref"]).rsplit("/", 1)[-1]


@dataclass(frozen=True)
class Field:
    """One property of an object schema: its JSON `key`, its `inner` schema without `null`,
    whether it is `nullable` and `required`, and its whole `schema` (description, default)."""

    key: str
    inner: Schema
    nullable: bool
    required: bool
    schema: Schema

    @property
    def doc(self) -> str:
        return (self.schema.get("description") or "").strip()

    @property
    def default(self) -> Any:
        return self.schema.get("default")

    @property
    def has_default(self) -> bool:
        return "default" in self.schema

    @property
    def type(self) -> str | None:
        return self.inner.get("type")

    @property
    def is_map(self) -> bool:
        """An `x-as-map` list of `{key, value}` items (custom attributes), a map in every language."""
        return bool(self.inner.get("x-as-map"))

    @property
    def select(self) -> Schema | None:
        """The `x-select` of a field whose model the parent's `by` field picks."""
        return self.inner.get("x-select")


def any_as_empty(schema: Any, top: bool = True) -> Any:
    """`schema` with each `true` (any JSON value: the analytics points and their maps) below its
    top as `{}`, the form every generator reads as "any value". A model's own
    `additionalProperties: true` (its fields kept as received) stays."""
    if isinstance(schema, dict):
        return {
            k: ({} if v is True and k in ("items", "additionalProperties") and not top else any_as_empty(v, False))
            for k, v in schema.items()
        }
    if isinstance(schema, list):
        return [any_as_empty(v, False) for v in schema]
    return schema


class Bundle:
    """The `$defs` of a schema bundle: the core's models (or the error description's types)."""

    def __init__(self, bundle: Schema) -> None:
        self.defs: dict[str, Schema] = {name: any_as_empty(d) for name, d in bundle["$defs"].items()}

    def is_object(self, name: str) -> bool:
        return self.defs[name].get("type") == "object"

    def is_closed_enum(self, name: str) -> bool:
        return "enum" in self.defs[name]

    @cached_property
    def objects(self) -> list[str]:
        """Object schemas to generate as response models: not request bodies (`ProfileParams`,
        `x-input`), not map items."""
        map_items = {ref_name(d["items"]) for d in self.all_schemas() if d.get("x-as-map")}
        return [
            n
            for n, d in self.defs.items()
            if d.get("type") == "object" and n != "ProfileParams" and not d.get("x-input") and n not in map_items
        ]

    @cached_property
    def inputs(self) -> list[str]:
        """Object schemas that only requests take (`x-input`): request bodies and their parts."""
        return [n for n, d in self.defs.items() if d.get("type") == "object" and d.get("x-input")]

    def refs_from(self, names: Iterable[str]) -> set[str]:
        """Every object schema reachable from `names` (themselves included)."""
        seen: set[str] = set()
        stack = list(names)
        while stack:
            name = stack.pop()
            if name in seen:
                continue
            seen.add(name)
            for node in walk(self.defs[name]):
                if "$ref" in node and self.is_object(ref_name(node)):
                    stack.append(ref_name(node))
        return seen

    @cached_property
    def input_models(self) -> list[str]:
        """Response models that requests also take (as parts of an input, or as the whole
        body, like `IntegrationIdentifiers`): these need a public constructor/encoder too."""
        also = [n for n, d in self.defs.items() if d.get("x-also-input")]
        return sorted(self.refs_from(self.inputs + also) & set(self.objects))

    @cached_property
    def request_models(self) -> set[str]:
        """Response models any request takes, `ProfileParams`' parts (`InstallationMeta`) included."""
        return set(self.input_models) | (self.refs_from(["ProfileParams"]) & set(self.objects))

    @cached_property
    def enums(self) -> list[tuple[str, Schema]]:
        """(name, schema) of string enums; closed ones have `enum`, open ones `x-known-values`."""
        return [(n, d) for n, d in self.defs.items() if d.get("type") != "object"]

    @property
    def closed_enums(self) -> list[tuple[str, Schema]]:
        return [(n, d) for n, d in self.enums if "enum" in d]

    def all_schemas(self) -> Iterator[Schema]:
        for d in self.defs.values():
            yield from walk(d)

    def map_value(self, s: Schema) -> Schema:
        """The value schema of an `x-as-map` list of `{key, value}` items."""
        return nullable_inner(self.defs[ref_name(s["items"])]["properties"]["value"])[0]

    def fields(self, name: str, inputs: bool = False) -> list[Field]:
        """A model's fields: the readable ones, or with `inputs` all that a request takes
        (write-only ones too)."""
        d = self.defs[name]
        required = set(d.get("required", []))
        out = []
        for key, s in d.get("properties", {}).items():
            if s.get("writeOnly") and not inputs:
                continue
            inner, nullable = nullable_inner(s)
            out.append(Field(key, inner, nullable, key in required, s))
        return out

    def selected(self, name: str) -> Field | None:
        """The `x-select` field of the model `name`, if it has one."""
        return next((f for f in self.fields(name) if f.select), None)


def walk(node: Any) -> Iterator[Schema]:
    """Every schema object within `node`, itself included."""
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, dict):
            yield n
            stack.extend(n.values())
        elif isinstance(n, list):
            stack.extend(n)


def nullable_inner(s: Schema) -> tuple[Schema, bool]:
    """(inner schema, nullable) of a property schema."""
    if "anyOf" in s:
        parts = [p for p in s["anyOf"] if p.get("type") != "null"]
        if len(parts) == 1 and len(parts) < len(s["anyOf"]):
            return parts[0], True
        return s, any(p.get("type") == "null" for p in s["anyOf"])
    t = s.get("type")
    if isinstance(t, list) and "null" in t:
        rest = [x for x in t if x != "null"]
        return dict(s, type=rest[0] if len(rest) == 1 else rest), True
    return s, False


def scalar(s: Schema) -> str | None:
    """The scalar kind of a schema: "date-time", "date", "string", "number", "integer",
    "boolean" or "null"; None for references, unions, lists and objects."""
    t, fmt = s.get("type"), s.get("format")
    if t == "string" and fmt in ("date-time", "date"):
        return str(fmt)
    return str(t) if t in ("string", "number", "integer", "boolean", "null") else None


def enum_values(schema: Schema) -> list[str]:
    """The values of a string enum schema (`enum`, or `oneOf` of enums and consts)."""
    if "enum" in schema:
        return list(schema["enum"])
    return [v for part in schema["oneOf"] for v in part.get("enum", [part.get("const")])]


def object_map_values(s: Schema, bundle: Bundle) -> str | None:
    """The model of a map whose values are models (`{key: Model}`, the user's keys kept), if `s` is one."""
    values = s.get("additionalProperties")
    if s.get("type") == "object" and isinstance(values, dict) and "$ref" in values and bundle.is_object(ref_name(values)):
        return ref_name(values)
    return None
