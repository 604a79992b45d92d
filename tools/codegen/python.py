"""Python's names, types and docstrings, prepared for `templates/python/`:

- `_generated/models.py`: every response model an immutable slotted class with `from_dict`/`to_dict`
  (plain code, so importing it costs no `dataclasses` work); closed string enums `Literal`
  aliases, open ones `str`; what requests take TypedDicts, so the keyword arguments of each
  method are typed: `ProfileParams` the `ProfileFields` of create and update, every `x-input`
  object a TypedDict of its own name (its required keys required), and each model that inputs
  also take a `{Name}Dict` twin, so a nested input is `Offer | OfferDict`.
- `_generated/operations.py`: `Adapty` and `AsyncAdapty`, and per namespace a blocking class and its async
  twin side by side, each method with its docstring; `ProfileRef`, `DeleteResult`.
- `_generated/exceptions.py`: one exception class per error class of the manifest.

What they stand on is hand-written: `_convert.py`, `_client.py` (the bridge to the native module),
`_errors.py` (the base exception and the attributes of each kind) and `_methods.py` (the methods a
model inherits beyond its data, `METHODS`)."""

from __future__ import annotations

import json
import keyword
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .manifest import API_VERSIONS, LOG_LEVELS, Call, CallOption, ClientOption, Manifest, Param, snake, split_doc
from .render import fill, one_line, quoted
from .schema_bundle import Bundle, Schema, nullable_inner, ref_name, scalar

DOC_WIDTH = 100
"""Where docstrings of methods wrap (model docstrings: `MODEL_DOC_WIDTH`)."""
MODEL_DOC_WIDTH = 92

SCALARS = {
    "date-time": "_dt.datetime",
    "date": "_dt.date",
    "string": "str",
    "number": "float",
    "integer": "int",
    "boolean": "bool",
    "null": "None",
}
INPUT_SCALARS = {"date-time": "_dt.datetime | str", "date": "_dt.date | str"}
"""Inputs take dates and datetimes as objects or as ISO 8601 text."""

METHODS = {"Profile": "ProfileMethods"}
"""The hand-written classes of `_methods.py` a model also inherits from, by model: methods beyond
its data (`Profile.has_active_access`), which call the core, so the generated class stays data."""

PARAM_TYPES = {"text": "str", "count": "int", "profile_refs": "Iterable[ProfileRef]"}
OPTION_TYPES = {
    "text": "str",
    "seconds": "float",
    "count": "int",
    "api_version": "ApiVersion",
    "log_level": "LogLevel",
    "pairs": "Mapping[str, str | int | float | bool]",
    "object": "Mapping[str, Any]",
}
CALL_OPTION_NAMES = {"headers": "extra_headers"}
"""Python's name of a call option where it differs from the core's (openai-python's spelling)."""


def call_option_name(o: CallOption) -> str:
    return CALL_OPTION_NAMES.get(o.name, o.name)


PROFILE_KEYS = {
    "profile_id": "Adapty's id of the profile.",
    "customer_user_id": "Your id of the profile.",
}
"""How every operation that acts on a profile names it (the manifest's `profile` addressing)."""
ADDRESSING = {
    "profile": "Give exactly one of `profile_id` and `customer_user_id`.",
    "profile_or_attach": "Give one of `profile_id` and `customer_user_id`, or both to attach "
    "`customer_user_id` to the profile `profile_id`.",
}


@dataclass(frozen=True)
class Twin:
    """The blocking client or its async twin: what differs between them."""

    prefix: str
    client_base: str
    base: str
    doc: str
    note: str | None

    @property
    def is_async(self) -> bool:
        return bool(self.prefix)

    def cls(self, namespace: str) -> str:
        """`AsyncAccessLevels` for the namespace `accessLevels` of the async twin."""
        return self.prefix + namespace[:1].upper() + namespace[1:]


TWINS = [
    Twin(
        "",
        "_BlockingClient",
        "_BlockingNamespace",
        "The blocking client. Safe to share between threads; requests release the GIL.",
        None,
    ),
    Twin(
        "Async",
        "_AsyncClient",
        "_AsyncNamespace",
        "The asyncio client: the methods of `Adapty`, as coroutines. Works on whatever loop is running, so one client serves "
        "several `asyncio.run` calls.",
        "Its methods are coroutines",
    ),
]

PYTHON_ERROR_BASES = {
    "validation": ("_ValidationFields", "ValueError"),
    "api": ("_StatusFields",),
    "webhook_payload": ("_PayloadFields",),
}
"""Python-only bases of an error class, by code: the attributes its kind carries (declared in
`_errors.py`, which sets them) and the built-in exception Python code expects (a refused value is
a ValueError)."""
VALIDATION_RULE_CLASSES = [
    (
        "type",
        "ValidationTypeError",
        "TypeError",
        "A value of the wrong type, or a key the request does not take; also a TypeError, as Python raises for a wrong argument.",
    )
]
"""Python-only subclasses of `validation`'s class: (the `rule` that picks one, class, extra base,
doc)."""


def input_name(bundle: Bundle, name: str) -> str:
    """The TypedDict that types a request body or part `name`: `ProfileFields` for
    `ProfileParams`, an `x-input` object's own name, `{name}Dict` for a model inputs also take."""
    if name == "ProfileParams":
        return "ProfileFields"
    return name if bundle.defs[name].get("x-input") else f"{name}Dict"


class Types:
    """Python annotations of schemas, and the expressions converting values to and from JSON."""

    def __init__(self, bundle: Bundle) -> None:
        self.b = bundle

    def annotation(self, s: Schema, for_input: bool = False) -> str:
        """The annotation of a (non-null) schema. Inputs take read-only containers (a
        `list[Offer]` is then a valid `Sequence[Offer | OfferDict]`)."""
        if "x-select" in s:
            return " | ".join(dict.fromkeys(select_models(s)))
        if "$ref" in s:
            name = ref_name(s)
            if not self.b.is_object(name) or name in self.b.inputs:
                return name
            return f"{name} | {input_name(self.b, name)}" if for_input else name
        if "anyOf" in s:
            return " | ".join(dict.fromkeys(self.annotation(p, for_input) for p in s["anyOf"]))
        mapping = "Mapping" if for_input else "dict"
        if s.get("x-as-map"):
            return f"{mapping}[str, {self.map_value(s, for_input)}]"
        kind = scalar(s)
        if for_input and kind in INPUT_SCALARS:
            return INPUT_SCALARS[kind]
        if kind:
            return SCALARS[kind]
        t = s.get("type")
        if t == "array":
            return f"{'Sequence' if for_input else 'list'}[{self.annotation(s['items'], for_input)}]"
        if t == "object":
            values = s.get("additionalProperties")
            return f"{mapping}[str, {self.annotation(values, for_input)}]" if isinstance(values, dict) else f"{mapping}[str, Any]"
        return "Any"

    def map_value(self, s: Schema, for_input: bool) -> str:
        """The value type of an `x-as-map` list of `{key, value}` items. Inputs also take booleans,
        which the core turns into floats."""
        return self.annotation(self.b.map_value(s)) + (" | bool" if for_input else "") + " | None"

    def convert(self, s: Schema, expr: str, read: bool) -> str:
        """The expression converting `expr` between JSON and the Python value of (non-null) schema
        `s`: JSON to Python when `read`, back when not. (`data` is the parent object's JSON.)"""
        if "x-select" in s:
            if not read:
                return f"{expr} if isinstance({expr}, dict) else {expr}.to_dict()"
            sel = s["x-select"]
            chosen = f"{sel['default']}.from_dict({expr})"
            for value, model in reversed(sel["cases"].items()):
                case = {"raw": f"dict({expr})", "none": "None"}.get(model, f"{model}.from_dict({expr})")
                chosen = f'{case} if data.get("{sel["by"]}") == "{value}" else {chosen}'
            return chosen
        values = s.get("additionalProperties")
        if s.get("type") == "object" and isinstance(values, dict) and "$ref" in values and self.b.is_object(ref_name(values)):
            inner = self.convert(values, "x", read)
            return (
                f"{{k: {inner} for k, x in ({expr} or {{}}).items()}}" if read else f"{{k: {inner} for k, x in {expr}.items()}}"
            )
        if "$ref" in s:
            name = ref_name(s)
            if not self.b.is_object(name):
                return expr
            return f"{name}.from_dict({expr})" if read else f"{expr}.to_dict()"
        if s.get("x-as-map"):
            return (
                f'{{x["key"]: x.get("value") for x in {expr} or ()}}'
                if read
                else f'[{{"key": k, "value": v}} for k, v in {expr}.items()]'
            )
        fmt = s.get("format")
        if fmt in ("date-time", "date"):
            return f"{'datetime' if fmt == 'date-time' else 'date'}_{'from' if read else 'to'}_json({expr})"
        if s.get("type") == "array":
            items = f"{expr} or ()" if read else expr
            inner = self.convert(s["items"], "x", read)
            return f"[{inner} for x in {items}]" if inner != "x" else f"list({items})"
        return expr


def select_models(s: Schema) -> list[str]:
    """The Python types an `x-select` field may hold: its models, and a dict for `raw`."""
    sel = s["x-select"]
    return [{"raw": "dict[str, Any]"}.get(m, m) for m in [sel["default"], *sel["cases"].values()] if m != "none"]


# _generated/models.py


@dataclass(frozen=True)
class ModelField:
    """A field of a response model: its annotation, `__init__` parameter (annotation and default),
    and the expressions that set it in `__init__` and `from_dict` and write it in `to_dict`."""

    key: str
    annotation: str
    param: str
    default: str | None
    init: str
    read: str
    write: str


def model_fields(types: Types, name: str) -> list[ModelField]:
    out = []
    for f in types.b.fields(name):
        if f.schema.get("x-patch"):
            continue
        key = f.key
        assert not keyword.iskeyword(key), key
        ann = types.annotation(f.inner)
        if f.required:
            ann = f"{ann} | None" if f.nullable else ann
            param, default, nulls = ann, None, f.nullable
        elif f.is_map:
            param, default, nulls = f"Mapping[str, {types.map_value(f.inner, False)}] | None", "None", False
        elif f.type == "array":
            param, default, nulls = f"Iterable[{types.annotation(f.inner['items'])}]", "()", False
        elif not f.nullable and f.type in ("boolean", "number", "integer", "string") and (f.has_default or f.type == "boolean"):
            param, default, nulls = ann, repr(f.default if f.has_default else False), False
        else:
            ann = param = f"{ann} | None"
            default, nulls = "None", True
        init = f"dict({key} or {{}})" if f.is_map else f"list({key})" if f.type == "array" else key
        read_value = types.convert(f.inner, "v", True)
        if f.required and not nulls:
            read = types.convert(f.inner, f'data["{key}"]', True)
        elif f.type == "array" or f.is_map:
            read = types.convert(f.inner, f'get("{key}")', True)
        elif read_value == "v":
            read = f'get("{key}")' if default in (None, "None") else f'get("{key}", {default})'
        else:
            read = f'None if (v := get("{key}")) is None else {read_value}'
        write = types.convert(f.inner, f"self.{key}", False)
        if nulls and write != f"self.{key}":
            write = f"None if self.{key} is None else {write}"
        out.append(ModelField(key, ann, param, default, init, read, write))
    return out


@dataclass(frozen=True)
class TypedDictClass:
    """A TypedDict of what a request takes: required keys in a private base class when some keys
    are optional (`Required` needs Python 3.11 or typing_extensions at run time)."""

    name: str
    doc: str
    required_base: str | None
    required_keys: list[tuple[str, str]]
    keys: list[tuple[str, str]]
    total: bool


def typed_dict(types: Types, name: str, d: Schema, doc: str) -> TypedDictClass:
    props = d.get("properties", {})
    required = [k for k in props if k in d.get("required", [])]
    optional = [k for k in props if k not in required]
    notes = [f"`{k}`: {one_line(s['description'])}" for k, s in props.items() if s.get("description")]
    text = fill(escape(doc), MODEL_DOC_WIDTH, "    ")
    if notes:
        text += "\n\n    " + "\n    ".join(fill(escape(n), MODEL_DOC_WIDTH, "    ") for n in notes) + "\n    "

    def keys(names: list[str]) -> list[tuple[str, str]]:
        out = []
        for key in names:
            inner, null = nullable_inner(props[key])
            out.append((key, types.annotation(inner, for_input=True) + (" | None" if null else "")))
        return out

    split = bool(required and optional)
    return TypedDictClass(
        name,
        text,
        f"_{name}Required" if split else None,
        keys(required) if split else [],
        keys(optional if split else list(props)),
        not optional,
    )


def models(manifest: Manifest) -> dict[str, Any]:
    b = manifest.models
    types = Types(b)
    enums = []
    for name, d in b.enums:
        doc = d.get("description", "").strip().replace("\n", " ")
        if "enum" in d:
            alias = f"Literal[{', '.join(json.dumps(v) for v in d['enum'])}]"
        else:
            alias = "str"
            doc = (
                doc + " " if doc else ""
            ) + f"Known values: {', '.join(d.get('x-known-values', []))}; newer values arrive as they are."
        enums.append({"name": name, "alias": alias, "doc": doc})
    response = []
    for name in b.objects:
        fields = model_fields(types, name)
        response.append(
            {
                "name": name,
                "bases": ["Model", *([METHODS[name]] if name in METHODS else [])],
                "doc": b.defs[name].get("description", name).strip(),
                "fields": fields,
                "extra": b.defs[name].get("additionalProperties") is True,
                # `from_dict` binds `data.get` only where a field is optional.
                "uses_get": any(re.search(r"(?<![.\w])get\(", f.read) for f in fields),
            }
        )
    # Models that requests also take, `InstallationMeta` (in `ProfileParams`) among them.
    twins = sorted(b.request_models)
    inputs = [typed_dict(types, input_name(b, n), b.defs[n], f"`{n}` as a plain mapping.") for n in twins]
    inputs.append(
        typed_dict(
            types,
            input_name(b, "ProfileParams"),
            b.defs["ProfileParams"],
            "The fields create and update take as keyword arguments: leave one out to keep it, pass None to clear it.",
        )
    )
    inputs += [typed_dict(types, n, b.defs[n], b.defs[n].get("description", n)) for n in b.inputs]
    public = [n for n, _ in b.enums] + b.objects + [t.name for t in inputs]
    code = " ".join(f.read + " " + f.write for m in response for f in m["fields"])
    converters = [c for c in ("date_from_json", "date_to_json", "datetime_from_json", "datetime_to_json") if f"{c}(" in code]
    methods = sorted({METHODS[m["name"]] for m in response if m["name"] in METHODS})
    return {
        "enums": enums,
        "models": response,
        "typed_dicts": inputs,
        "public": public,
        "converters": converters,
        "methods": methods,
    }


def escape(text: str) -> str:
    """Schema text safe inside a docstring."""
    return text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')


# _generated/operations.py


def docstring(
    indent: int, summary: str, paragraphs: list[str] | tuple[str, ...] = (), args: list[Any] | tuple[Any, ...] = ()
) -> str:
    """A docstring at `indent`: the summary, more paragraphs, and an `Args:` section of
    (name, text, [(sub-name, text)]) entries (an entry without text has no colon)."""
    pad = " " * indent

    def entry(name: str, text: str, at: str) -> str:
        return fill(escape(f"{name}: {text}" if text else name), DOC_WIDTH, at + "    ", at)

    lines = [fill(escape(summary), DOC_WIDTH, pad, pad + '"""')]
    lines += [f"\n{fill(escape(text), DOC_WIDTH, pad, pad)}" for text in paragraphs]
    if args:
        lines.append(f"\n{pad}Args:")
        for name, text, subs in args:
            lines.append(entry(name, text, pad + "    "))
            lines += [entry(k, t, pad + "        ") for k, t in subs]
    if len(lines) == 1:
        return lines[0] + '"""'
    return "\n".join(lines) + f'\n{pad}"""'


def default_doc(value: Any) -> str:
    return f"Default (the core's): {quoted(value)}."


@dataclass(frozen=True)
class Method:
    """One method of a namespace class, the same in both twins but for `async` and the result."""

    name: str
    params: list[str]
    doc: str
    call: Call
    refs: str | None
    entries: list[tuple[str, str]]

    parse: str
    """What reads the core's JSON result (the model's `from_dict`, ...)."""

    def returns(self, twin: Twin, raw: bool = False) -> str:
        c = self.call
        if c.is_walk:
            return f"{'AsyncIterator' if twin.is_async else 'Iterator'}[{c.model}]"
        data = {"nothing": "None", "model": c.model or "", "delete_results": "list[DeleteResult]"}[c.output]
        return f"APIResponse[{data}]" if raw else data

    @property
    def has_raw(self) -> bool:
        """Whether `with_raw_response` has it: one request's call (not a walk, not a bulk call)."""
        return not self.call.is_walk and self.call.output != "delete_results"


def method(manifest: Manifest, types: Types, c: Call) -> Method:
    positional = ([c.path_param] if c.path_param else []) + [p for p in c.params if p.required]
    keyword_params = [p for p in c.params if not p.required]
    params = [f"{p.name}: {PARAM_TYPES[p.kind]}" for p in positional]
    keywords = [f"{k}: str | None = None" for k in PROFILE_KEYS] if c.takes_profile else []
    keywords += [f"{p.name}: {PARAM_TYPES[p.kind]} | None = None" for p in keyword_params]
    if not c.is_walk:
        keywords += [f"{call_option_name(o)}: {OPTION_TYPES[o.kind]} | None = None" for o in manifest.call_options]
    if keywords:
        params += ["*", *keywords]
    if c.body:
        params.append(f"**fields: Unpack[{input_name(manifest.models, c.body)}]")
    entries = [(k, k) for k in PROFILE_KEYS] if c.takes_profile else []
    entries += [(p.name, p.name) for p in positional + keyword_params]
    if c.body:
        entries.append(("fields", "_jsonable(fields)"))  # the core refuses a key it does not take
    summary, rest = split_doc(c.doc)
    if c.takes_profile:
        rest.append(ADDRESSING[c.profile])
    args: list[tuple[str, str, list[tuple[str, str]]]] = (
        [(k, text, []) for k, text in PROFILE_KEYS.items()] if c.takes_profile else []
    )
    args += [(p.name, param_doc(p), []) for p in positional + keyword_params]
    if not c.is_walk:
        args += [(call_option_name(o), call_option_doc(o), []) for o in manifest.call_options]
    if c.body:
        args.append(body_doc(manifest.models, types, c.body))
    name = snake(c.method)
    refs = c.refs.name if c.refs else None
    parse = {
        "nothing": "_nothing",
        "model": f"{c.model}.from_dict",
        "delete_results": f"lambda errors: _delete_results({refs}, errors)",
    }.get(c.output, "")
    return Method(name, params, docstring(8, summary, rest, args), c, refs, entries, parse)


def call_option_doc(o: CallOption) -> str:
    return o.doc + (" In seconds." if o.kind == "seconds" else "")


def call_options_entry(options: list[CallOption]) -> str:
    """The dict of a call's options, as the core reads them, from the method's parameters."""
    return "{" + ", ".join(f'"{o.name}": {call_option_name(o)}' for o in options) + "}"


def param_doc(p: Param) -> str:
    return p.doc + (" " + default_doc(p.default) if p.default is not None else "")


def body_doc(b: Bundle, types: Types, body: str) -> tuple[str, str, list[tuple[str, str]]]:
    """The `**fields` entry of Args: the TypedDict, and each key with its type and description."""
    keys = []
    for f in b.fields(body, inputs=True):
        ann = types.annotation(f.inner, for_input=True).replace("_dt.", "datetime.") + (" | None" if f.nullable else "")
        keys.append((f"{f.key} ({ann}{', required' if f.required else ''})", f.schema.get("description", "")))
    return ("**fields", f"The request body, as keyword arguments: the keys of `{input_name(b, body)}`.", keys)


def client_init_doc(options: list[ClientOption]) -> str:
    args: list[tuple[str, str, list[tuple[str, str]]]] = []
    for o in options:
        text = o.doc + (" In seconds." if o.kind == "seconds" else "")
        if o.env and o.default is not None:
            text += f" Unset: the environment variable `{o.env}`, else `{o.default}`."
        elif o.env:
            text += f" Unset: the environment variable `{o.env}`."
        elif o.default is not None:
            text += " " + default_doc(o.default)
        args.append((o.name, text, []))
    hooks = "Functions called with each request event (a dict), by its type: `request` before each attempt, `response` after it."
    args.append(("event_hooks", hooks + " They run on the SDK's threads: keep them quick.", []))
    return docstring(
        8, "A client with these settings; a setting left as None is unset, and the core applies its default.", (), args
    )


def operations(manifest: Manifest) -> dict[str, Any]:
    types = Types(manifest.models)
    namespaces = []
    for ns in manifest.namespaces:
        methods = [method(manifest, types, c) for c in ns.calls]
        summary, rest = split_doc(ns.doc)
        walks = [f"`{m.name}`" for m in methods if m.call.is_walk]
        docs = {}
        for twin in TWINS:
            notes = list(rest)
            if twin.note:
                notes.append(twin.note + (f"; {', '.join(walks)} returns an async iterator (`async for`)." if walks else "."))
            docs[twin.prefix] = docstring(4, summary, notes)
        namespaces.append({"name": ns.name, "attribute": snake(ns.name), "doc": ns.doc, "docs": docs, "methods": methods})
    calls = manifest.calls
    results = {c.model for c in calls if c.model}
    bodies = {input_name(manifest.models, c.body) for c in calls if c.body}
    options = manifest.client_options
    params = [f"{options[0].name}: {OPTION_TYPES[options[0].kind]} | None = None", "*"]
    params += [f"{o.name}: {OPTION_TYPES[o.kind]} | None = None" for o in options[1:]]
    deletes = [snake(c.method) for c in manifest.operations if c.output == "delete_results"]
    public = [f"{t.prefix}Adapty" for t in TWINS] + [t.cls(ns.name) for t in TWINS for ns in manifest.namespaces]
    raw_public = [t.cls(ns.name) + "WithRawResponse" for t in TWINS for ns in manifest.namespaces]
    return {
        "twins": TWINS,
        "namespaces": namespaces,
        "api_versions": API_VERSIONS,
        "log_levels": LOG_LEVELS,
        "api_version_doc": fill(escape(manifest.option("api_version").doc), DOC_WIDTH - 3),
        "profile_keys": PROFILE_KEYS,
        "delete_method": deletes[0] if deletes else None,
        "client_params": params,
        "call_options": call_options_entry(manifest.call_options),
        "client_wide": [(o, OPTION_TYPES[o.kind]) for o in manifest.call_options if o.client_wide],
        "client_doc": client_init_doc(options),
        "options": options,
        "models": sorted(results),
        "typed_dicts": sorted(bodies),
        "public": [*public, *raw_public, "ProfileRef", "DeleteResult", "ApiVersion", "LogLevel"],
    }


# _generated/exceptions.py


@dataclass(frozen=True)
class ExceptionClass:
    name: str
    bases: list[str]
    doc: str
    parent: str
    also: list[str]
    status: str | None


def exceptions(manifest: Manifest) -> dict[str, Any]:
    classes: list[ExceptionClass] = []
    for e in manifest.errors:
        parent = e.parent.name if e.parent else "AdaptyError"
        extra = PYTHON_ERROR_BASES.get(e.code, ())
        doc = (f"{e.status}: " if e.status else "") + e.doc
        classes.append(
            ExceptionClass(e.name, [parent, *extra], doc, parent, [b for b in extra if not b.startswith("_")], e.status)
        )
        for _, name, base, rule_doc in VALIDATION_RULE_CLASSES if e.code == "validation" else ():
            classes.append(ExceptionClass(name, [e.name, base], rule_doc, e.name, [base], None))
    mixins = sorted({b for bases in PYTHON_ERROR_BASES.values() for b in bases if b.startswith("_")})
    return {
        "tree": tree(classes),
        "classes": classes,
        "errors": manifest.errors,
        "mixins": mixins,
        "rule_classes": [(rule, name) for rule, name, _, _ in VALIDATION_RULE_CLASSES],
    }


def tree(classes: list[ExceptionClass]) -> list[str]:
    """The hierarchy under `AdaptyError` as the lines of a tree, with statuses and other bases."""
    lines = ["AdaptyError"]

    def branch(parent: str, prefix: str) -> None:
        kids = [c for c in classes if c.parent == parent]
        for i, c in enumerate(kids):
            last = i == len(kids) - 1
            status = f" ({c.status})" if c.status else ""
            also = f" (also {', '.join(c.also)})" if c.also else ""
            lines.append(f"{prefix}{'└── ' if last else '├── '}{c.name}{status}{also}")
            branch(c.name, prefix + ("    " if last else "│   "))

    branch("AdaptyError", "")
    return lines


def parameter(f: ModelField) -> str:
    """The `__init__` parameter of a model's field."""
    return f"{f.key}: {f.param}" + (f" = {f.default}" if f.default else "")


def python_tuple(items: Any) -> str:
    items = list(items)
    return f"({items[0]},)" if len(items) == 1 else f"({', '.join(items)})"


FILTERS: dict[str, Callable[..., Any]] = {
    "q": json.dumps,
    "parameter": parameter,
    "tuple": python_tuple,
    "entry": lambda entry: f'"{entry[0]}": {entry[1]}',
    "wrap_doc": lambda text: fill(escape(text), MODEL_DOC_WIDTH, "    "),
    "one_line": lambda text: escape(one_line(text)),
}
