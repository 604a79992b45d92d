"""The Node package's names, types and JSDoc, prepared for `templates/typescript/`:

- `lib/generated/models.d.ts`: camelCase interfaces (nullable fields `T | null`, open enums
  `'known' | (string & {})`); request-only objects (`x-input`) keep their name, response models
  that requests also take get a `...Input` twin whose optional fields may be left out;
  `ProfileFields` is the create/update body, every key optional.
- `lib/generated/models.js`: the field tables `lib/convert.js` walks to turn the core's snake_case JSON into
  those objects and inputs back, naming the hand-written methods a model's objects get (`METHODS`).
- `index.d.ts`: the package's whole typing, with each method's doc; `lib/generated/operations.js`: a class
  per namespace whose methods, `*Sync` twins and walks each hand their operation's description
  to the runtime bridge (`lib/bridge.js`), type-checked (`// @ts-check`) against index.d.ts.
- `lib/generated/errors.js`: the error classes under the hand-written `AdaptyError`, by the core's code;
  `index.mjs`: the ES module entry, with the same named exports as the CommonJS one.

How a method takes its arguments: first, positionally, the path parameter (`paywallId`) and any
list of profiles (`refs`); then one object holding the profile (`profileId` / `customerUserId`),
the core's other arguments in camelCase and the request body's fields. The object may be left out
when everything in it is optional. A walk takes the object of its list, without the arguments the
walk sends itself (`cursor`, `page`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .manifest import (
    API_VERSIONS,
    LOG_LEVELS,
    Call,
    CallOption,
    ClientOption,
    ErrorClass,
    Manifest,
    Param,
    camel,
    doc_names,
    pascal,
)
from .render import quoted, wrap
from .schema_bundle import Bundle, Field, Schema, enum_values, object_map_values, ref_name, scalar

WIDTH = 100
"""Where JSDoc comments wrap."""
METHODS = {"Profile": "ProfileMethods"}
"""The hand-written interfaces of `lib/methods.d.ts` a model also has, by model: methods beyond its
data (`profile.hasActiveAccess`), which `lib/methods.js` implements by calling the core and
`lib/convert.js` puts on every object of the model it makes (not enumerable: the objects stay
plain data to `JSON.stringify`, `structuredClone` and deep equality)."""
PROFILE_FIELDS = "ProfileFields"
"""What create and update take (`ProfileParams`, every key optional)."""
SCALARS = {
    "date-time": "string",
    "date": "string",
    "string": "string",
    "number": "number",
    "integer": "number",
    "boolean": "boolean",
    "null": "null",
}
"""Date-times stay ISO 8601 strings, as the API sends them."""
PARAM_TYPES = {"text": "string", "count": "number", "profile_refs": "ProfileRef[]"}
PROFILE_DOC = {
    "profile": ("ProfileRef", "the profile (`profileId` or `customerUserId`)"),
    "profile_or_attach": ("CreateRef", "the profile (`profileId`, `customerUserId`, or both to attach the second to the first)"),
}
SYNC_DOC = "Blocks the event loop until done: for scripts, not servers."
REQUEST_OPTIONS_DOC = "Options of this call, over the client's."
API_KIND = "api"
"""The error `kind` that `api_kind` refines: an API error's `code` is its `api_kind`."""
NODE_CODES = ["closed"]
"""Codes only this package gives: a call on a closed client."""
MEMBERS = {
    "webhook_payload": [
        "/** Dotted path of the wrong value in the body, e.g. `event_properties.price_usd` (`body` for the whole body). */",
        "readonly field: string;",
    ],
    "validation": [
        "readonly field: string;",
        "readonly rule: string;",
        "/** The `error_code` Adapty answers the same mistake with (e.g. `expires_date_error`), if any. */",
        "readonly errorCode: string | null;",
    ],
    API_KIND: [
        "readonly status: number;",
        "/** Adapty's `error_code`, e.g. `profile_does_not_exist`. */",
        "readonly errorCode: string | null;",
        "readonly errors: FieldError[];",
        "readonly requestId: string | null;",
        "/** The raw response body. */",
        "readonly body: string;",
        "/** Seconds the server asked to wait (`Retry-After`), if it said. */",
        "readonly retryAfter: number | null;",
    ],
}
"""What instances of an error class carry beyond `code` (the rest of the core's `ErrorInfo`), by
the class's code; their children inherit them."""


def jsdoc(lines: list[str] | str, indent: str = "") -> str:
    """A `/** ... */` comment of `lines`, each as it is (none if there are none)."""
    if isinstance(lines, str):
        lines = lines.strip().splitlines()
    if not lines:
        return ""
    return f"{indent}/** " + f"\n{indent} * ".join(lines) + " */\n"


def block(paragraphs: list[str] | str, indent: str = "") -> str:
    """A JSDoc comment of `paragraphs` (each a paragraph or a tag), wrapped; on one line if it fits."""
    if isinstance(paragraphs, str):
        paragraphs = [paragraphs]
    # A `{@link X}` is not broken across lines.
    linked = [re.sub(r"\{@link (\w+)\}", "{@link\0\\1}", p) for p in paragraphs]
    width = WIDTH - len(indent) - 3
    lines = [line.replace("\0", " ") for p in linked for line in wrap(p, width)]
    if len(lines) == 1 and len(lines[0]) <= width - 3:
        return jsdoc(lines, indent)
    return f"{indent}/**\n" + "".join(f"{indent} * {line}\n" for line in lines) + f"{indent} */\n"


class Types:
    """TypeScript types of schemas, and how `lib/convert.js` reads each field."""

    def __init__(self, bundle: Bundle) -> None:
        self.b = bundle
        self.input_models = sorted({"InstallationMeta", *bundle.input_models})

    def input_name(self, name: str) -> str:
        """The TypeScript name of the object `name` as a request takes it."""
        return name if name in self.b.inputs else f"{name}Input"

    def body_name(self, name: str) -> str:
        """The TypeScript name of the request body `name`."""
        return PROFILE_FIELDS if name == "ProfileParams" else self.input_name(name)

    def ts(self, s: Schema, for_input: bool = False) -> str:
        if "$ref" in s:
            name = ref_name(s)
            return self.input_name(name) if for_input and self.b.is_object(name) else name
        if "anyOf" in s:
            return " | ".join(dict.fromkeys(self.ts(p, for_input) for p in s["anyOf"]))
        if s.get("x-as-map"):
            return f"Record<string, {self.ts(self.b.map_value(s), for_input)}{' | boolean' if for_input else ''} | null>"
        kind = scalar(s)
        if kind:
            return SCALARS[kind]
        if s.get("type") == "array":
            return f"{self.ts(s['items'], for_input)}[]"
        if s.get("type") == "object" and isinstance(s.get("additionalProperties"), dict):
            # A map with the user's own keys (e.g. `metadata`): they pass through unrenamed.
            return f"Record<string, {self.ts(s['additionalProperties'], for_input)}>"
        return "unknown"

    def kind(self, s: Schema) -> Any:
        """How convert.js reads a field: plain, map, a model name, [list, model name], [record,
        model name] (a map of models, its keys kept), or [select, by, cases, default] (the model
        picked by the parent's `by` field)."""
        if "x-select" in s:
            sel = s["x-select"]
            return ["select", sel["by"], sel["cases"], sel["default"]]
        if model := object_map_values(s, self.b):
            return ["record", model]
        if "$ref" in s and self.b.is_object(ref_name(s)):
            return ref_name(s)
        if s.get("x-as-map"):
            return "map"
        if s.get("type") == "array" and "$ref" in s["items"] and self.b.is_object(ref_name(s["items"])):
            return ["list", ref_name(s["items"])]
        return "plain"


# lib/generated/models.d.ts and lib/generated/models.js


@dataclass(frozen=True)
class Property:
    doc: str
    name: str
    optional: bool
    type: str


@dataclass(frozen=True)
class Interface:
    doc: str
    name: str
    properties: list[Property]
    extra: bool = False
    extends: str | None = None


def interface(
    types: Types, name: str, skip: set[str] | None = None, type_name: str | None = None, doc: str | None = None
) -> Interface:
    """The interface of the response model `name` (without the fields in `skip`)."""
    d = types.b.defs[name]
    props = [
        Property(f.doc, camel(f.key), False, types.ts(f.inner) + (" | null" if f.nullable else ""))
        for f in types.b.fields(name)
        if f.key not in (skip or ())
    ]
    return Interface(
        jsdoc([doc]) if doc else jsdoc(d.get("description", "")),
        type_name or name,
        props,
        d.get("additionalProperties") is True,
        METHODS.get(name),
    )


def input_interface(types: Types, name: str) -> Interface:
    """The interface of an input object: required keys as they are, the others optional."""
    d = types.b.defs[name]
    doc = (
        jsdoc(d.get("description", ""))
        if name in types.b.inputs
        else f"/** `{name}` as an input: optional fields may be left out. */\n"
    )
    props = [Property(f.doc, camel(f.key), not f.required, input_type(types, f)) for f in types.b.fields(name, inputs=True)]
    return Interface(doc, types.input_name(name), props)


def input_type(types: Types, f: Field) -> str:
    return types.ts(f.inner, True) + (" | null" if f.nullable else "")


def selected_union(types: Types, name: str, select: Field) -> dict[str, Any]:
    """A model with an `x-select` field: a union discriminated by the field it is selected by,
    each member with that field's type (its other fields in `{name}Fields`)."""
    sel = select.inner["x-select"]
    by_type = ref_name(next(f.inner for f in types.b.fields(name) if f.key == sel["by"]))
    members = []
    for value, model in sel["cases"].items():
        ts = {"raw": "Record<string, unknown> | null", "none": "null"}.get(model, f"{model} | null")
        members.append(f"{{ {camel(sel['by'])}: '{value}'; {camel(select.key)}: {ts} }}")
    others = " | ".join(f"'{v}'" for v in sel["cases"])
    members.append(f"{{ {camel(sel['by'])}: Exclude<{by_type}, {others}>; {camel(select.key)}: {sel['default']} | null }}")
    fields = interface(types, name, skip={select.key, sel["by"]}, type_name=f"{name}Fields", doc=f"The fields of every `{name}`.")
    return {"doc": jsdoc(types.b.defs[name].get("description", "")), "name": name, "members": members, "fields": fields}


def models(manifest: Manifest) -> dict[str, Any]:
    b = manifest.models
    types = Types(b)
    enums = [
        {
            "name": n,
            "doc": jsdoc(d.get("description", "")),
            "closed": "enum" in d,
            "members": d.get("enum") or d.get("x-known-values", []),
        }
        for n, d in b.enums
    ]
    objects = []
    for name in b.objects:
        select = b.selected(name)
        objects.append({"union": selected_union(types, name, select) if select else None, "interface": interface(types, name)})
    inputs = [input_interface(types, n) for n in types.input_models + b.inputs]
    profile_fields = [Property(f.doc, camel(f.key), True, input_type(types, f)) for f in b.fields("ProfileParams", inputs=True)]
    tables = {
        name: {
            "extra": b.defs[name].get("additionalProperties") is True,
            "fields": {f.key: [camel(f.key), types.kind(f.inner)] for f in b.fields(name)},
            "methods": METHODS.get(name),
        }
        for name in b.objects
    }
    input_tables = {
        (PROFILE_FIELDS if n == "ProfileParams" else n): {
            camel(f.key): [f.key, types.kind(f.inner)] for f in b.fields(n, inputs=True)
        }
        for n in ["ProfileParams", *types.input_models, *b.inputs]
    }
    return {
        "methods": sorted({METHODS[n] for n in b.objects if n in METHODS}),
        "enums": enums,
        "objects": objects,
        "inputs": inputs,
        "profile_fields": profile_fields,
        "tables": tables,
        "input_tables": input_tables,
    }


# index.d.ts and lib/generated/operations.js


def singular(namespace: str) -> str:
    """`Paywall` for `paywalls`: the prefix of a namespace's own types."""
    return pascal(namespace).removesuffix("s")


@dataclass(frozen=True)
class Parameter:
    name: str
    type: str
    optional: bool
    doc: str


class Method:
    """One method as Node takes it (an operation or a walk), and its `*Sync` twin."""

    def __init__(self, c: Call, types: Types) -> None:
        self.call = c
        self.name = c.method
        self.doc = doc_names(c.doc)
        self.positional = ([c.path_param] if c.path_param else []) + [p for p in c.params if p.kind == "profile_refs"]
        self.options = [p for p in c.params if p.kind != "profile_refs"]
        self.profile = c.profile if c.takes_profile else None
        self.body = c.body and types.body_name(c.body)
        self.body_table = c.body and (PROFILE_FIELDS if c.body == "ProfileParams" else c.body)
        self.options_type = f"{singular(c.namespace)}{pascal(self.name)}Options" if self.options else None
        self.result = c.model if c.model else {"nothing": "void", "delete_results": "DeleteResult[]"}[c.output]

    @property
    def takes_object(self) -> bool:
        return bool(self.profile or self.body or self.options)

    @property
    def object_optional(self) -> bool:
        return not (self.profile or self.body or any(p.required for p in self.options))

    @property
    def object_name(self) -> str:
        if self.profile and not (self.body or self.options):
            return "ref"
        return "options" if not (self.profile or self.body) else "input"

    def object_type(self) -> str:
        parts = [PROFILE_DOC[self.profile][0]] if self.profile else []
        return " & ".join(parts + [t for t in (self.body, self.options_type) if t])

    @property
    def has_raw(self) -> bool:
        """Whether `withRawResponse` has it: one request's call (not a walk, not a bulk call)."""
        return not self.call.is_walk and self.call.output != "delete_results"

    @property
    def params(self) -> list[Parameter]:
        out = [Parameter(camel(p.name), PARAM_TYPES[p.kind], False, doc_names(p.doc)) for p in self.positional]
        if self.takes_object:
            parts = [PROFILE_DOC[self.profile][1]] if self.profile else []
            if self.body:
                parts.append(f"the fields of {{@link {self.body}}}")
            if self.options:
                parts.append(f"the options of {{@link {self.options_type}}}")
            text = ", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "") + parts[-1]
            out.append(Parameter(self.object_name, self.object_type(), self.object_optional, text[:1].upper() + text[1:] + "."))
        if not self.call.is_walk:
            out.append(Parameter("requestOptions", "RequestOptions", True, REQUEST_OPTIONS_DOC))
        return out

    def signature(self, sync: bool, raw: bool = False) -> str:
        def typed(p: Parameter) -> str:
            return "SyncRequestOptions" if sync and p.type == "RequestOptions" else p.type

        params = ", ".join(f"{p.name}{'?' if p.optional else ''}: {typed(p)}" for p in self.params)
        result = f"RawResponse<{self.result}>" if raw else self.result
        if self.call.is_walk:
            returns = f"Iterable<{result}>" if sync else f"AsyncIterable<{result}>"
        else:
            returns = result if sync else f"Promise<{result}>"
        return f"{self.name}{'Sync' if sync else ''}({params}): {returns}"

    def jsdoc(self, sync: bool) -> str:
        if self.call.is_walk:
            loop = f"`for{'' if sync else ' await'} (const item of client.{self.call.namespace}.{self.name}{'Sync' if sync else ''}(...))`"
            lines = [f"{self.doc} Iterate with {loop}."]
        else:
            lines = [self.doc]
        if sync:
            lines[0] += " " + SYNC_DOC
        lines += [f"@param {p.name} {p.doc}" for p in self.params]
        return block(lines, "  ")

    def spec(self) -> dict[str, Any]:
        """The description lib/bridge.js runs the method from."""
        spec: dict[str, Any] = {"op": self.call.operation}
        if self.positional:
            spec["positional"] = [[p.name, p.kind] for p in self.positional]
        if self.profile:
            spec["profile"] = True
        if self.options:
            spec["args"] = {camel(p.name): p.name for p in self.options}
        if self.body:
            spec["body"] = self.body_table
        if self.call.is_walk:
            spec["item"] = self.result
        else:
            spec["output"] = {"kind": self.call.output} | ({"model": self.call.model} if self.call.model else {})
        return spec

    @property
    def spec_name(self) -> str:
        """`PAYWALLS_LIST_ALL` for `paywalls.listAll`."""
        return re.sub(r"(?=[A-Z])", "_", f"{self.call.namespace}_{self.name}").upper()

    @property
    def fn(self) -> str:
        """The bridge function the async method calls (the sync twin's adds `Sync`)."""
        return "walk" if self.call.is_walk else "call"


@dataclass(frozen=True)
class Namespace:
    """A namespace of the client: `cls` its class and interface, `prefix` that of its own types."""

    name: str
    cls: str
    prefix: str
    doc: str
    methods: list[Method]


def option(o: ClientOption) -> tuple[str, str, str, Any]:
    """(Node name, TypeScript type, doc, default as documented) of a client option. Node counts
    time in milliseconds."""
    if o.kind == "seconds":
        default = None if o.default is None else f"{o.default * 1000} ({o.default} s)"
        return camel(o.name) + "Ms", "number", doc_names(o.doc).removesuffix(".") + ", in milliseconds.", default
    ts = {
        "text": "string",
        "count": "number",
        "api_version": " | ".join(f"'{v}'" for v in API_VERSIONS),
        "log_level": " | ".join(f"'{v}'" for v in LOG_LEVELS),
    }[o.kind]
    default = quoted(o.default) if o.default is not None else None
    return camel(o.name), ts, doc_names(o.doc), default


def call_option(o: CallOption) -> tuple[str, str, str, str]:
    """(Node name, TypeScript type, doc, the core's key) of a call option. Node counts time in
    milliseconds."""
    if o.kind == "seconds":
        return camel(o.name), "number", doc_names(o.doc).removesuffix(".") + ", in milliseconds.", o.name + "_ms"
    ts = {
        "count": "number",
        "pairs": "Record<string, string>" if o.name == "headers" else "Record<string, string | number | boolean>",
        "object": "Record<string, unknown>",
    }[o.kind]
    return camel(o.name), ts, doc_names(o.doc), o.name


def option_doc(o: ClientOption) -> str:
    _, _, doc, default = option(o)
    if o.env:
        default = f"`process.env.{o.env}`" + (f", then {default}" if default is not None else "")
    return doc + (f" Default: {default}." if default is not None else "")


def param_doc(p: Param) -> str:
    return doc_names(p.doc) + (f" Default: {p.default}." if p.default is not None else "")


def operations(manifest: Manifest) -> dict[str, Any]:
    types = Types(manifest.models)
    namespaces = [
        Namespace(ns.name, pascal(ns.name), singular(ns.name), doc_names(ns.doc), [Method(c, types) for c in ns.calls])
        for ns in manifest.namespaces
    ]
    methods = [m for ns in namespaces for m in ns.methods]
    used = sorted({t for m in methods for t in (m.body, m.result) if t and t not in ("void", "DeleteResult[]")})
    classes = {ns.cls for ns in namespaces}

    def alias(name: str) -> str:
        """The JSDoc name of an index.d.ts type (a namespace's interface is named apart from its class)."""
        return f"{name}Api" if name in classes else name

    def param_tags(m: Method) -> str:
        """The JSDoc typing a method's parameters in lib/generated/operations.js."""
        tags = [
            f"@param {{{' & '.join(alias(t) for t in p.type.split(' & '))}}} {f'[{p.name}]' if p.optional else p.name}"
            for p in m.params
        ]
        return block(tags, "  ") if len(tags) < 2 else "  /**\n" + "".join(f"   * {t}\n" for t in tags) + "   */\n"

    typedefs = sorted(
        {t for m in methods for p in m.params for t in p.type.replace("[]", "").split(" & ") if t not in PARAM_TYPES.values()}
    )
    typedefs += [ns.cls for ns in namespaces] + ["AdaptyOptions"]
    return {
        "models": used,
        "options": [(option(o)[0], option(o)[1], option_doc(o), o) for o in manifest.client_options],
        "call_options": [(*call_option(o), o) for o in manifest.call_options],
        "attach": any(m.profile == "profile_or_attach" for m in methods),
        "delete_results": any(m.result == "DeleteResult[]" for m in methods),
        "namespaces": namespaces,
        "param_types": PARAM_TYPES,
        "typedefs": [(t, alias(t)) for t in typedefs],
        "param_tags": param_tags,
        "alias": alias,
        **errors(manifest),
    }


# lib/generated/errors.js, index.mjs and the errors of index.d.ts


def error_doc(e: ErrorClass) -> str:
    return doc_names(e.doc) + (f" Status {e.status}." if e.status else "")


def errors(manifest: Manifest) -> dict[str, Any]:
    defs = manifest.error_info.defs
    codes = [v for v in enum_values(defs["ErrorKind"]) if v != API_KIND] + enum_values(defs["ApiErrorKind"]) + NODE_CODES
    return {
        "errors": manifest.errors,
        "error_codes": codes,
        "field_error": interface(Types(manifest.error_info), "FieldError"),
        "members": MEMBERS,
        "api_kind": API_KIND,
    }


def js(value: Any) -> str:
    """`value` (JSON data) as a JavaScript literal in the package's style."""
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k}: {js(v)}" for k, v in value.items()) + " }"
    if isinstance(value, list):
        return "[" + ", ".join(js(v) for v in value) + "]"
    if isinstance(value, str):
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
    return json.dumps(value)


FILTERS: dict[str, Callable[..., Any]] = {
    "js": js,
    "tojs": json.dumps,
    "jsdoc": jsdoc,
    "block": block,
    "error_doc": error_doc,
    "param_doc": param_doc,
    "parent": lambda e: e.parent.name if e.parent else "AdaptyError",
    "camel": camel,
}
