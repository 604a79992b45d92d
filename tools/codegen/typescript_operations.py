#!/usr/bin/env python3
"""Generates the Node package's operation surface from the core's manifest (the schema bundle's
`operations`, `namespaces`, `client_options`, `errors` and `error_info`).

    cargo run -q -p adapty-server --features schema --example schema | tools/codegen/typescript_operations.py PACKAGE_DIR

Writes, under PACKAGE_DIR:
- lib/operations.js: a class per namespace whose methods, `*Sync` twins and walks each hand their
  operation's description to the runtime bridge (lib/bridge.js); the client options as the core
  takes them; the namespaces of a client. It is type-checked (`// @ts-check`) against index.d.ts.
- lib/errors.js: the error classes under the hand-written `AdaptyError`, by the core's code.
- index.d.ts: the package's whole typing (the models come from lib/models.d.ts), with each
  method's doc.
- index.mjs: the ES module entry, with the same named exports as the CommonJS one.

How a method takes its arguments: first, positionally, the path parameter (`paywallId`) and any
list of profiles (`refs`); then one object holding the profile (`profileId` / `customerUserId`),
the core's other arguments in camelCase and the request body's fields. The object may be left out
when everything in it is optional. A walk takes the object of its list, without the arguments the
walk sends itself (`cursor`, `page`).
"""

import json
import os
import re
import sys
import textwrap

from host_operations import doc_names, pascal
from schema_bundle import Bundle
from typescript_models import Gen as ModelGen
from typescript_models import camel, header, input_table, jsdoc

SCRIPT = "typescript_operations.py"
HEADER = header(SCRIPT, "operation manifest")
WIDTH = 100

PROFILE_DOC = {
    "profile": ("ProfileRef", "the profile (`profileId` or `customerUserId`)"),
    "profile_or_attach": ("CreateRef", "the profile (`profileId`, `customerUserId`, or both to attach the second to the first)"),
}
PARAM_TYPES = {"text": "string", "count": "number", "profile_refs": "ProfileRef[]"}
SYNC_DOC = "Blocks the event loop until done: for scripts, not servers."
# The values of an `api_version` option (the core's `ApiVersion`).
API_VERSIONS = ["v1", "v2"]
# The error `kind` that `api_kind` refines: an API error's `code` is its `api_kind`.
API_KIND = "api"
# Codes only this package gives: a call on a closed client.
NODE_CODES = ["closed"]
# What instances of an error class carry beyond `code` (the rest of the core's `ErrorInfo`),
# by the class's code; their children inherit them.
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


def block(paragraphs, indent):
    """A JSDoc comment of `paragraphs` (each a paragraph or a tag), wrapped; on one line if it fits."""
    # A `{@link X}` is not broken across lines.
    linked = [re.sub(r"\{@link (\w+)\}", "{@link\0\\1}", p) for p in paragraphs]
    width = WIDTH - len(indent) - 3
    lines = [
        line.replace("\0", " ")
        for p in linked
        for line in textwrap.wrap(p, width, break_on_hyphens=False, break_long_words=False)
    ]
    if len(lines) == 1 and len(lines[0]) <= width - 3:
        return jsdoc(lines, indent)
    return f"{indent}/**\n" + "".join(f"{indent} * {line}\n" for line in lines) + f"{indent} */\n"


def js_literal(value):
    """`value` (JSON data) as a JavaScript literal in the package's style."""
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k}: {js_literal(v)}" for k, v in value.items()) + " }"
    if isinstance(value, list):
        return "[" + ", ".join(js_literal(v) for v in value) + "]"
    if isinstance(value, str):
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
    return json.dumps(value)


def singular(namespace):
    """`Paywall` for `paywalls`: the prefix of a namespace's own types."""
    return pascal(namespace).removesuffix("s")


class Method:
    """One method as Node takes it: from an operation, or from its walk (`walk=True`)."""

    def __init__(self, op, models, walk=False):
        self.op, self.walk = op, walk
        self.name = op["walk"]["method"] if walk else op["method"]
        self.doc = doc_names(op["walk"]["doc"] if walk else op["doc"])
        params = [p for p in op["params"] if p["in_walk"] or not walk]
        self.positional = ([op["path_param"]] if op["path_param"] else []) + [p for p in params if p["kind"] == "profile_refs"]
        self.options = [p for p in params if p["kind"] != "profile_refs"]
        self.profile = op["profile"] if op["profile"] != "none" else None
        self.body = op["body"] and not walk and models.body_name(op["body"])
        self.body_table = self.body and input_table(op["body"])
        self.options_type = f"{singular(op['namespace'])}{pascal(self.name)}Options" if self.options else None
        output = op["output"]
        if walk:
            self.result = op["walk"]["item"]
        elif output["kind"] == "model":
            self.result = output["model"]
        else:
            self.result = {"nothing": "void", "delete_results": "DeleteResult[]"}[output["kind"]]

    @property
    def takes_object(self):
        return bool(self.profile or self.body or self.options)

    @property
    def object_optional(self):
        return not (self.profile or self.body or any(p["required"] for p in self.options))

    @property
    def object_name(self):
        if self.profile and not (self.body or self.options):
            return "ref"
        return "options" if not (self.profile or self.body) else "input"

    def object_type(self):
        parts = [PROFILE_DOC[self.profile][0]] if self.profile else []
        return " & ".join(parts + [t for t in (self.body, self.options_type) if t])

    def params(self):
        """(name, TypeScript type, optional, doc) of each parameter."""
        out = [(camel(p["name"]), PARAM_TYPES[p["kind"]], False, doc_names(p["doc"])) for p in self.positional]
        if self.takes_object:
            parts = [PROFILE_DOC[self.profile][1]] if self.profile else []
            if self.body:
                parts.append(f"the fields of {{@link {self.body}}}")
            if self.options:
                parts.append(f"the options of {{@link {self.options_type}}}")
            text = ", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "") + parts[-1]
            out.append((self.object_name, self.object_type(), self.object_optional, text[:1].upper() + text[1:] + "."))
        return out

    def signature(self, sync):
        params = ", ".join(f"{n}{'?' if opt else ''}: {t}" for n, t, opt, _ in self.params())
        if self.walk:
            returns = f"Iterable<{self.result}>" if sync else f"AsyncIterable<{self.result}>"
        else:
            returns = self.result if sync else f"Promise<{self.result}>"
        return f"{self.name}{'Sync' if sync else ''}({params}): {returns}"

    def jsdoc(self, sync, indent):
        if self.walk:
            loop = f"`for{'' if sync else ' await'} (const item of client.{self.op['namespace']}.{self.name}{'Sync' if sync else ''}(...))`"
            lines = [f"{self.doc} Iterate with {loop}."]
        else:
            lines = [self.doc]
        if sync:
            lines[0] += " " + SYNC_DOC
        lines += [f"@param {n} {doc}" for n, _, _, doc in self.params()]
        return block(lines, indent)

    def spec(self):
        """The description lib/bridge.js runs the method from."""
        spec = {"op": self.op["name"]}
        if self.positional:
            spec["positional"] = [[p["name"], p["kind"]] for p in self.positional]
        if self.profile:
            spec["profile"] = True
        if self.options:
            spec["args"] = {camel(p["name"]): p["name"] for p in self.options}
        if self.body:
            spec["body"] = self.body_table
        if self.walk:
            spec["item"] = self.result
        else:
            spec["output"] = self.op["output"]
        return spec

    def spec_name(self):
        """`PAYWALLS_LIST_ALL` for `paywalls.listAll`."""
        return re.sub(r"(?=[A-Z])", "_", f"{self.op['namespace']}_{self.name}").upper()


class Gen:
    def __init__(self, bundle_json):
        self.bundle = bundle_json
        self.models = ModelGen(Bundle(bundle_json))
        self.namespaces = []
        for ns in bundle_json["namespaces"]:
            methods = []
            for op in bundle_json["operations"]:
                if op["namespace"] == ns["name"]:
                    methods.append(Method(op, self.models))
                    if op["walk"]:
                        methods.append(Method(op, self.models, walk=True))
            self.namespaces.append((ns["name"], doc_names(ns["doc"]), methods))
        self.methods = [m for _, _, ms in self.namespaces for m in ms]
        self.errors = bundle_json["errors"]
        self.error_info = Bundle(bundle_json["error_info"])

    # index.d.ts

    def dts(self):
        out = [HEADER, "\n"]
        models = sorted({t for m in self.methods for t in (m.body, m.result) if t and t not in ("void", "DeleteResult[]")})
        out.append("import type {\n" + "".join(f"  {t},\n" for t in models) + "} from './lib/models';\n\n")
        out.append("export * from './lib/models';\n")
        out.append("export * from './lib/webhooks';\n\n")
        out.append(self.options_dts())
        out.append(self.refs_dts())
        for name, doc, methods in self.namespaces:
            out.append(self.namespace_dts(name, doc, methods))
        out.append(self.client_dts())
        out.append(self.errors_dts())
        return "".join(out)

    def options_dts(self):
        out = [
            "/** The settings of a client; each one left out is the core's default. */\n",
            "export interface AdaptyOptions {\n",
        ]
        for o in self.bundle["client_options"]:
            name, ts, doc, default = self.option(o)
            if o["env"]:
                default = f"`process.env.{o['env']}`" + (f", then {default}" if default is not None else "")
            out.append(block([doc + (f" Default: {default}." if default is not None else "")], "  "))
            out.append(f"  {name}?: {ts};\n")
        out.append("}\n\n")
        return "".join(out)

    @staticmethod
    def option(o):
        """(Node name, TypeScript type, doc, default as documented) of a client option. Node
        counts time in milliseconds."""
        if o["kind"] == "seconds":
            default = None if o["default"] is None else f"{o['default'] * 1000} ({o['default']} s)"
            return camel(o["name"]) + "Ms", "number", doc_names(o["doc"]).removesuffix(".") + ", in milliseconds.", default
        ts = {"text": "string", "count": "number", "api_version": " | ".join(f"'{v}'" for v in API_VERSIONS)}[o["kind"]]
        default = f"`{o['default']}`" if isinstance(o["default"], str) else o["default"]
        return camel(o["name"]), ts, doc_names(o["doc"]), default

    def refs_dts(self):
        out = [
            "/** Names one profile: exactly one of the two. */\n",
            "export type ProfileRef = { profileId: string; customerUserId?: undefined } | { customerUserId: string; profileId?: undefined };\n\n",
        ]
        if any(m.profile == "profile_or_attach" for m in self.methods):
            out.append("/** Whom a create is for: one id, or both to attach `customerUserId` to the existing `profileId`. */\n")
            out.append("export type CreateRef = ProfileRef | { profileId: string; customerUserId: string };\n\n")
        if any(m.result == "DeleteResult[]" for m in self.methods):
            out.append("/** The outcome of one delete of a bulk delete: its input, and its error if it failed. */\n")
            out.append("export interface DeleteResult {\n  ref: ProfileRef;\n  ok: boolean;\n  error: AdaptyError | null;\n}\n\n")
        out.append(
            "/**\n * The `*Sync` twin of each method of `T`: same parameters, blocking the event loop until done\n"
            " * (for scripts, not servers). A Promise becomes its value, an AsyncIterable an Iterable.\n */\n"
            "export type SyncTwins<T> = {\n"
            "  [K in keyof T & string as `${K}Sync`]: T[K] extends (...args: infer A) => infer R\n"
            "    ? (...args: A) => R extends Promise<infer V> ? V : R extends AsyncIterable<infer V> ? Iterable<V> : R\n"
            "    : never;\n};\n\n"
            "/** `T`'s methods and their `*Sync` twins. */\nexport type WithSync<T> = T & SyncTwins<T>;\n\n"
        )
        return "".join(out)

    def namespace_dts(self, name, doc, methods):
        prefix = singular(name)
        out = []
        for m in methods:
            if m.options:
                out.append(f"/** The options of `{name}.{m.name}`. */\n")
                out.append(f"export interface {m.options_type} {{\n")
                for p in m.options:
                    default = f" Default: {p['default']}." if p["default"] is not None else ""
                    out.append(block([doc_names(p["doc"]) + default], "  "))
                    out.append(
                        f"  {camel(p['name'])}{'' if p['required'] else '?'}: {PARAM_TYPES[p['kind']]}{'' if p['required'] else ' | null'};\n"
                    )
                out.append("}\n\n")
        out.append(block([doc], ""))
        out.append(f"export interface {prefix}Methods {{\n")
        for m in methods:
            out.append(m.jsdoc(False, "  "))
            out.append(f"  {m.signature(False)};\n")
        out.append("}\n\n")
        out.append(block([f"{doc} Each method has a `*Sync` twin."], ""))
        out.append(f"export interface {pascal(name)} extends {prefix}Methods {{\n")
        for m in methods:
            out.append(m.jsdoc(True, "  "))
            out.append(f"  {m.signature(True)};\n")
        out.append("}\n\n")
        return "".join(out)

    def client_dts(self):
        out = [
            "/** A client of Adapty's server-side API. Its Promise methods never block the event loop; their `*Sync` twins do. */\n",
            "export declare class Adapty {\n",
            "  constructor(options?: AdaptyOptions);\n",
            "  /** The base URL requests go to. */\n",
            "  readonly baseUrl: string;\n",
        ]
        for name, doc, _ in self.namespaces:
            out.append(block([doc], "  "))
            out.append(f"  readonly {name}: {pascal(name)};\n")
        out.append("  /** Ends the client; later calls throw. Connections are shared process-wide and stay pooled. */\n")
        out.append("  close(): void;\n}\n\n")
        return "".join(out)

    def error_codes(self):
        """Every `code` an error may carry."""
        defs = self.error_info.defs
        kinds = [v for v in enum_values(defs["ErrorKind"]) if v != API_KIND]
        return kinds + enum_values(defs["ApiErrorKind"]) + NODE_CODES

    def errors_dts(self):
        out = ["/** A stable, machine-readable class of error. */\n", "export type ErrorCode =\n"]
        out += [f"  | '{c}'\n" for c in self.error_codes()]
        out[-1] = out[-1].rstrip("\n") + ";\n\n"
        field_error = ModelGen(self.error_info)
        out.append(field_error.interface("FieldError"))
        out.append("/** Every error the package throws. */\n")
        out.append("export declare class AdaptyError extends Error {\n  readonly code: ErrorCode;\n}\n")
        for e in self.errors:
            out.append(block([self.error_doc(e)], ""))
            members = MEMBERS.get(e["code"], [])
            out.append(f"export declare class {e['class']} extends {self.parent(e)} {{")
            out.append("".join(f"\n  {line}" for line in members) + ("\n}\n" if members else "}\n"))
        return "".join(out)

    @staticmethod
    def error_doc(e):
        return doc_names(e["doc"]) + (f" Status {e['status']}." if e["status"] else "")

    def parent(self, e):
        return next(p["class"] for p in self.errors if p["code"] == e["parent"]) if e["parent"] else "AdaptyError"

    # lib/operations.js

    def js(self):
        out = [
            HEADER,
            "// @ts-check\n'use strict';\n\n",
            "const { Namespace, call, callSync, walk, walkSync } = require('./bridge');\n\n",
        ]
        types = sorted(
            {
                t
                for m in self.methods
                for _, ts, _, _ in m.params()
                for t in ts.replace("[]", "").split(" & ")
                if t not in PARAM_TYPES.values()
            }
        )
        types += [pascal(n) for n, _, _ in self.namespaces] + ["AdaptyOptions"]
        out += [f"/** @typedef {{import('../index').{t}}} {self.type_alias(t)} */\n" for t in types]
        out.append("\n")
        for m in self.methods:
            out.append(f"const {m.spec_name()} = {js_literal(m.spec())};\n")
        for name, _doc, methods in self.namespaces:
            out.append(f"\n/** @implements {{{self.type_alias(pascal(name))}}} */\nclass {pascal(name)} extends Namespace {{\n")
            for m in methods:
                for sync in (False, True):
                    out.append(self.js_method(m, sync))
            out.append("}\n")
        out.append(self.js_options())
        out.append(
            "\n/**\n * The namespaces of a client.\n * @param {() => unknown} native returns the client's native handle (or throws once it is closed)\n */\n"
        )
        out.append("function namespaces(native) {\n  return {\n")
        out += [f"    {name}: new {pascal(name)}(native),\n" for name, _, _ in self.namespaces]
        out.append("  };\n}\n\nmodule.exports = { coreOptions, namespaces };\n")
        return "".join(out)

    def type_alias(self, name):
        """The JSDoc name of an index.d.ts type (a namespace's interface is named apart from its class)."""
        return f"{name}Api" if name in {pascal(n) for n, _, _ in self.namespaces} else name

    def js_method(self, m, sync):
        params = m.params()
        tags = [f"@param {{{self.js_type(ts)}}} {f'[{n}]' if opt else n}" for n, ts, opt, _ in params]
        doc = block(tags, "  ") if len(tags) < 2 else "  /**\n" + "".join(f"   * {t}\n" for t in tags) + "   */\n"
        fn = ("walkSync" if sync else "walk") if m.walk else ("callSync" if sync else "call")
        positional = "[" + ", ".join(n for n, *_ in params[: len(m.positional)]) + "]"
        obj = f", {m.object_name}" if m.takes_object else ""
        names = ", ".join(n for n, *_ in params)
        return f"{doc}  {m.name}{'Sync' if sync else ''}({names}) {{\n    return {fn}(this, {m.spec_name()}, {positional}{obj});\n  }}\n"

    def js_type(self, ts):
        return " & ".join(self.type_alias(t) for t in ts.split(" & "))

    def js_options(self):
        out = [
            "\n/**\n * The core's settings for the client options `options` (unset ones null: the core applies its\n"
            " * defaults and the environment variables).\n * @param {AdaptyOptions} options\n */\n",
            "function coreOptions(options) {\n  return {\n",
        ]
        for o in self.bundle["client_options"]:
            name = self.option(o)[0]
            core = o["name"] + ("_ms" if o["kind"] == "seconds" else "")
            out.append(f"    {core}: options.{name} ?? null,\n")
        out.append("  };\n}\n")
        return "".join(out)

    # lib/errors.js and index.mjs

    def errors_js(self):
        out = [HEADER, "'use strict';\n\n", "const { AdaptyError } = require('./adapty_error');\n"]
        for e in self.errors:
            out.append(f"\n{block([self.error_doc(e)], '')}class {e['class']} extends {self.parent(e)} {{}}\n")
        out.append("\n/** Each class by the code the core gives it (`kind`, or `api_kind` for an API error). */\n")
        out.append("const BY_CODE = {\n" + "".join(f"  {e['code']}: {e['class']},\n" for e in self.errors) + "};\n\n")
        out.append(f"/** The `kind` whose errors `api_kind` classifies. */\nconst API_KIND = '{API_KIND}';\n\n")
        names = ["AdaptyError"] + [e["class"] for e in self.errors]
        out.append(
            "/** The classes the package exports. */\nconst CLASSES = {\n" + "".join(f"  {n},\n" for n in names) + "};\n\n"
        )
        out.append("module.exports = { BY_CODE, API_KIND, CLASSES };\n")
        return "".join(out)

    def mjs(self):
        names = ["Adapty", "webhooks", "AdaptyError"] + [e["class"] for e in self.errors]
        return (
            HEADER
            + "// The ES module entry: the same exports as the CommonJS one.\nimport sdk from './index.js';\n\nexport const {\n"
            + "".join(f"  {n},\n" for n in names)
            + "} = sdk;\nexport default sdk;\n"
        )


def enum_values(schema):
    """The values of a string enum schema (`enum`, or `oneOf` of enums and consts)."""
    if "enum" in schema:
        return list(schema["enum"])
    return [v for part in schema["oneOf"] for v in part.get("enum", [part.get("const")])]


if __name__ == "__main__":
    out_dir = sys.argv[1]
    gen = Gen(json.load(sys.stdin))
    os.makedirs(os.path.join(out_dir, "lib"), exist_ok=True)
    for path, text in [
        ("index.d.ts", gen.dts()),
        ("index.mjs", gen.mjs()),
        ("lib/operations.js", gen.js()),
        ("lib/errors.js", gen.errors_js()),
    ]:
        with open(os.path.join(out_dir, path), "w") as f:
            f.write(text)
