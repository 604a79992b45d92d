"""What the Swift and Kotlin packages share, decided once for both (`swift.py` and `kotlin.py`
only spell it): which type a schema becomes, how each field of a model is present (required,
optional, or defaulted), the typed views of an `x-select` field, each method's arguments in the
order both take them, and the words of their docs.

Arguments: the profile (`ref`), the path parameter (`paywallId`), required arguments (`refs`) and
the body (`fields` / `params`) come first, unlabeled in Swift; optional arguments follow, labeled,
with a nil/null default that leaves them to the core."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from .manifest import Call, ClientOption, Manifest, camel, doc_names
from .render import quoted
from .schema_bundle import Bundle, Field, Schema, ref_name, scalar

BODY_ARG = "fields"
"""The core's name of the request body argument (`ops::call`'s `fields`)."""
PROFILE_FIELDS = "ProfileFields"
"""What the models call `ProfileParams` (a `Field` per property, not a plain struct)."""


@dataclass(frozen=True)
class Dialect:
    """How one language spells the shared types and docs."""

    scalars: dict[str, str]
    list: Callable[[str], str]
    map: Callable[[str], str]
    json_object: str
    """A value kept as received (an `x-select` field)."""
    other: str
    """A schema no other rule types."""
    any_value: str
    """Any JSON value (the empty schema: an analytics chart's points)."""
    seconds: str
    """A duration in seconds (a client option)."""
    null: str
    type_link: Callable[[str], str]
    param_link: Callable[[str], str]
    profile_cases: tuple[str, str, str]
    """How the docs name `ProfileRef`'s cases: profile id, customer user id, attach."""


def type_of(b: Bundle, s: Schema, d: Dialect) -> str:
    """The type of a (non-null) schema: open enums are text, closed ones and objects by name,
    custom attributes (`x-as-map`, `anyOf` values) `AttributeValue`s."""
    if "x-select" in s:
        return d.json_object
    if "$ref" in s:
        name = ref_name(s)
        return "String" if "x-known-values" in b.defs[name] else name
    if s.get("x-as-map"):
        return d.map("AttributeValue?")
    if "anyOf" in s:
        return "AttributeValue"
    if not s:
        return d.any_value
    values = s.get("additionalProperties")
    if s.get("type") == "object" and isinstance(values, dict):
        return d.map(type_of(b, values, d) if values else d.any_value)
    kind = scalar(s)
    if kind in d.scalars:
        return d.scalars[kind]
    if s.get("type") == "array":
        return d.list(type_of(b, s["items"], d))
    return d.other


Presence = Literal["required", "optional", "map", "list", "default"]


@dataclass(frozen=True)
class ModelField:
    """A property of a model: `name` is camelCase (each language escapes its keywords), `type`
    the language's type without optionality. `presence` says what a missing key reads as:
    required, `optional` (nil/null), `map` or `list` (empty; a required list in Swift is
    required), or `default` (`false` for booleans, else the schema's `default`)."""

    key: str
    name: str
    type: str
    doc: str
    presence: Presence
    required: bool
    default: Any
    field: Field


def presence(f: Field) -> tuple[Presence, Any]:
    if f.is_map:
        return "map", None
    if f.nullable:
        return "optional", None
    if f.type == "array":
        return "list", None
    if f.required:
        return "required", None
    if f.type == "boolean":
        return "default", False
    if f.type in ("number", "integer", "string") and f.has_default:
        return "default", f.default
    return "optional", None


def model_fields(b: Bundle, name: str, d: Dialect, inputs: bool = False) -> list[ModelField]:
    """The fields of the response model `name` (with `inputs`, of a request-only object, whose
    every field not required and non-null is optional)."""
    out = []
    for f in b.fields(name, inputs=inputs):
        kind: Presence = "required" if f.required and not f.nullable else "optional"
        default = None
        if not inputs:
            kind, default = presence(f)
        out.append(ModelField(f.key, camel(f.key), type_of(b, f.inner, d), f.doc, kind, f.required, default, f))
    return out


@dataclass(frozen=True)
class View:
    """A typed view of an `x-select` field kept as received: `model` read from it when the
    parent's `by` field is `value` (None: any value not among `others`)."""

    name: str
    model: str
    value: str | None
    when: str


@dataclass(frozen=True)
class Select:
    field: str
    by: str
    others: list[str]
    views: list[View]


def select(b: Bundle, name: str) -> Select | None:
    """The views of the model `name`'s `x-select` field, one per model it may hold."""
    f = b.selected(name)
    if not f:
        return None
    sel = f.inner["x-select"]
    views = [View(lower_first(m), m, v, f"`{v}`") for v, m in sel["cases"].items() if m not in ("raw", "none")]
    views.append(View(lower_first(sel["default"]), sel["default"], None, f"any other `{sel['by']}`"))
    return Select(camel(f.key), camel(sel["by"]), list(sel["cases"]), views)


def lower_first(name: str) -> str:
    return name[:1].lower() + name[1:]


def encoding(b: Bundle, f: Field) -> Literal["enum", "model", "map", "plain"]:
    """How a field of `ProfileFields` becomes JSON: a closed enum by its wire value, a model or
    custom attributes through their encoders, anything else as it is."""
    if "$ref" in f.inner:
        return "enum" if b.is_closed_enum(ref_name(f.inner)) else "model"
    return "map" if f.is_map else "plain"


# Operations


@dataclass(frozen=True)
class Arg:
    """One argument of a generated method: `core` is the core's name (None for the profile,
    whose ids `ProfileRef` gives), `kind` the manifest's kind or `profile` / `profile_or_attach`
    / `body`, `positional` whether Swift leaves out its label."""

    name: str
    kind: str
    core: str | None
    doc: str
    required: bool = True
    default: Any = None
    model: str | None = None

    @property
    def positional(self) -> bool:
        return self.required or self.kind == "body"

    @property
    def body_type(self) -> str | None:
        return self.model and body_type(self.model)

    @property
    def is_profile(self) -> bool:
        return self.kind in ("profile", "profile_or_attach")


def arg_type(a: Arg, d: Dialect) -> str:
    """A parameter's type and default: an optional body its empty value, another optional
    argument nil/null (the core's default)."""
    if a.kind == "body":
        t = a.body_type or ""
        return f"{t} = {t}()" if not a.required else t
    t = {"text": "String", "count": "Int", "profile_refs": d.list("ProfileRef")}.get(a.kind, "ProfileRef")
    return t if a.required else f"{t}? = {d.null}"


def option_type(o: Option, d: Dialect) -> str:
    return {"seconds": d.seconds, "count": "Int"}.get(o.kind, "String")


def body_type(model: str) -> str:
    return PROFILE_FIELDS if model == "ProfileParams" else model


def args(c: Call) -> list[Arg]:
    out = [Arg("ref", c.profile, None, "The profile.")] if c.takes_profile else []
    if p := c.path_param:
        out.append(Arg(camel(p.name), p.kind, p.name, doc_names(p.doc)))
    out += [Arg(camel(p.name), p.kind, p.name, doc_names(p.doc), p.required, p.default) for p in c.params if p.required]
    if c.body:
        name = BODY_ARG if body_type(c.body) == PROFILE_FIELDS else "params"
        out.append(Arg(name, "body", BODY_ARG, "What to send.", required=not c.body_optional, model=c.body))
    out += [Arg(camel(p.name), p.kind, p.name, doc_names(p.doc), p.required, p.default) for p in c.params if not p.required]
    return out


@dataclass(frozen=True)
class Method:
    """A method of a namespace (an operation or a walk) as Swift and Kotlin declare it, with the
    docs of its arguments and result in the dialect's words."""

    call: Call
    doc: str
    args: list[Arg]
    arg_docs: list[tuple[str, str]]
    returns: str | None

    @property
    def name(self) -> str:
        return self.call.method

    @property
    def has_defaults(self) -> bool:
        """Whether an argument may be left out (Kotlin gives Java an overload without it)."""
        return any(not a.required for a in self.args)

    @property
    def future_type(self) -> str:
        """What a Kotlin `...Async` twin's `CompletableFuture` holds."""
        return {"model": self.call.model or "", "nothing": "Unit", "delete_results": "List<DeleteResult>"}[self.call.output]

    @property
    def refs(self) -> Arg | None:
        return next((a for a in self.args if a.kind == "profile_refs"), None)


def method(c: Call, d: Dialect) -> Method:
    arguments = args(c)
    if c.output == "model":
        returns = f"The {d.type_link(c.model or '')}."
    elif c.output == "delete_results":
        refs = next(a for a in arguments if a.kind == "profile_refs")
        returns = f"One {d.type_link('DeleteResult')} per element of {d.param_link(refs.name)}, in order."
    else:
        returns = None
    return Method(c, doc_names(c.doc), arguments, [(a.name, arg_doc(a, d)) for a in arguments], returns)


def arg_doc(a: Arg, d: Dialect) -> str:
    if a.is_profile:
        cases = f"{d.profile_cases[0]} or {d.profile_cases[1]}"
        if a.kind == "profile_or_attach":
            cases += f", or {d.profile_cases[2]} to attach a customer user id to an existing profile"
        return f"The profile: {cases}."
    if a.kind == "body":
        return f"The request's body: {d.type_link(a.body_type or '')}."
    return a.doc + default_doc(a.default, d)


def default_doc(value: Any, d: Dialect) -> str:
    return "" if value is None else f" If {d.null}, the core's default: {quoted(value)}."


@dataclass(frozen=True)
class Option:
    """A client option: its name (Kotlin adds `Seconds` to a duration's), type and doc."""

    name: str
    core: str
    kind: str
    doc: str


def options(manifest: Manifest, d: Dialect, seconds_suffix: str) -> list[Option]:
    return [
        Option(camel(o.name) + (seconds_suffix if o.kind == "seconds" else ""), o.name, o.kind, option_doc(o, d))
        for o in manifest.client_options
    ]


def option_doc(o: ClientOption, d: Dialect) -> str:
    doc = doc_names(o.doc).rstrip(".") + (", in seconds." if o.kind == "seconds" else ".")
    if o.env:
        return doc + f" If {d.null}, `{o.env}`" + (f", then `{o.default}`." if o.default is not None else ".")
    return doc + default_doc(o.default, d)


def operations(manifest: Manifest, d: Dialect) -> dict[str, Any]:
    """What both `Operations` files take: the namespaces and their methods, the operations that
    attach and that delete in bulk."""
    return {
        "namespaces": [
            {"name": ns.name, "doc": doc_names(ns.doc), "methods": [method(c, d) for c in ns.calls]} for ns in manifest.namespaces
        ],
        "attach": ", ".join(f"`{n}`" for n in manifest.attach_operations),
        "deletes": ", ".join(f"`{n}`" for n in manifest.delete_results_operations),
        "body_arg": BODY_ARG,
    }


# The tests' vector calls


@dataclass(frozen=True)
class Read:
    """How a test reads argument `arg` from a shared vector's input: `reader` is the input's
    method (`profile`, `refs`, `profileFields`, `body`, `count`, `text`), `fallback` what stands
    in for a missing one (`empty` body, `missing`: an error naming it, or none)."""

    arg: Arg
    reader: str
    fallback: Literal["empty", "missing", "none"]


def reads(c: Call) -> list[Read]:
    out = []
    for a in args(c):
        if a.is_profile:
            out.append(Read(a, "profile", "none"))
            continue
        if a.kind == "profile_refs":
            reader = "refs"
        elif a.kind == "body":
            reader = "profileFields" if a.body_type == PROFILE_FIELDS else "body"
        else:
            reader = "count" if a.kind == "count" else "text"
        fallback: Literal["empty", "missing", "none"] = (
            "empty" if a.kind == "body" and not a.required else "missing" if a.required else "none"
        )
        out.append(Read(a, reader, fallback))
    return out


def vector_operations(manifest: Manifest) -> list[tuple[str, Call, list[Read]]]:
    """(namespace, operation, how each argument is read) of every operation, for the dispatcher."""
    return [(ns.name, c, reads(c)) for ns in manifest.namespaces for c in ns.operations]
