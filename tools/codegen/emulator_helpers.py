"""The emulator helpers' control-plane methods and types, in Python and Node, from the control
plane's OpenAPI document (the emulator's one description of it, emulator/src/http/control/routes.rs,
printed by `adapty-emulator --print-openapi`):
- emulator/python/src/adapty_emulator/_generated/control.py: `Control`, the base of `adapty_emulator.Emulator`,
  with a method per helper of the document's `x-helpers`, and the TypedDicts of their answers;
- emulator/npm/generated/control.js and control.d.ts: `Control`, the base of the npm package's `Emulator`,
  with the same methods in camelCase, and the TypeScript types of their arguments and answers.

Each helper's entry says how its arguments map onto the request (a path parameter, a body field,
the whole body, the body's list) and what it returns (nothing, the answer, one field); the field's
JSON Schema gives each language its type. `python` and `typescript` prepare the templates' data
(templates/python/control.py.j2, templates/typescript/control.{js,d.ts}.j2)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

CONTROL_PREFIX = "/__emulator/"

PYTHON_TYPED_DICTS = {"Happened"}
"""The answers Python types as TypedDicts; the others are `dict[str, Any]`, as the helpers were
first published (a TypedDict is not a `dict[str, Any]` to mypy, so typing one more would break
callers' annotations)."""

TS_LOOSE = {"Config"}
"""Schemas TypeScript types as `Record<string, unknown>`, as first published: `configure()`
answers the whole config, typed loosely so a caller's `Record<string, unknown>` still takes it."""


@dataclass
class Arg:
    """One argument of a helper: its name, where it goes, its schema, how it may be left out."""

    name: str
    to: str  # path | field | body | document | each
    target: str | None  # the path parameter's or the body field's name
    keyword: bool
    default: Any  # the JSON value sent when not given; NO_DEFAULT: left out, or required
    schema: dict[str, Any]


NO_DEFAULT = object()
"""An argument's default when it has none."""


@dataclass
class Helper:
    name: str
    doc: str
    method: str
    path: str  # under /__emulator/, with {name} for path parameters
    args: list[Arg]
    returns: str  # nothing | answer | field
    returns_field: str | None
    answer: dict[str, Any] | None  # the schema of what it returns

    @property
    def body_fields(self) -> list[Arg]:
        return [a for a in self.args if a.to == "field"]


class Document:
    """The OpenAPI document, with its schemas resolved on demand."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        self.schemas: dict[str, Any] = document["components"]["schemas"]

    @staticmethod
    def ref_name(schema: dict[str, Any]) -> str | None:
        ref = schema.get("$ref")
        return ref.rsplit("/", 1)[-1] if ref else None

    def resolve(self, schema: dict[str, Any]) -> dict[str, Any]:
        name = self.ref_name(schema)
        return self.schemas[name] if name else schema

    def property(self, schema: dict[str, Any], name: str) -> dict[str, Any]:
        found: dict[str, Any] = self.resolve(schema)["properties"][name]
        return found

    def helpers(self) -> list[Helper]:
        helpers = []
        for path, item in self.document["paths"].items():
            for method, op in item.items():
                for h in op.get("x-helpers", []):
                    helpers.append(self.helper(path, method.upper(), op, h))
        return helpers

    def helper(self, path: str, method: str, op: dict[str, Any], h: dict[str, Any]) -> Helper:
        body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
        params = {p["name"]: p for p in op.get("parameters", []) if "name" in p}
        args = []
        for a in h["args"]:
            ((to, target),) = a["to"].items() if isinstance(a["to"], dict) else [(a["to"], None)]
            if to == "path":
                schema = params[target]["schema"]
            elif to == "field":
                schema = self.property(body, str(target))
            elif to == "each":
                schema = self.list_item(body)
            else:
                schema = body
            default = a["default"] if a["default"] is not None else NO_DEFAULT
            args.append(Arg(a["name"], to, target, a["keyword"], default, schema))
        success = next(iter(op["responses"].values()))
        answer = success.get("content", {}).get("application/json", {}).get("schema")
        returns, returns_field = (h["returns"], None) if isinstance(h["returns"], str) else next(iter(h["returns"].items()))
        if returns == "field":
            answer = self.property(answer, str(returns_field))
        elif returns == "nothing":
            answer = None
        return Helper(
            name=h["name"],
            doc=h["doc"],
            method=method,
            path=path.removeprefix(CONTROL_PREFIX),
            args=args,
            returns=returns,
            returns_field=returns_field,
            answer=answer,
        )

    def list_item(self, schema: dict[str, Any]) -> dict[str, Any]:
        """The item of a list body (the list among a body's alternatives)."""
        schema = self.resolve(schema)
        for option in [schema, *schema.get("anyOf", []), *schema.get("oneOf", [])]:
            if option.get("type") == "array":
                item: dict[str, Any] = option["items"]
                return item
        raise ValueError(f"not a list: {schema}")


def nullable(schema: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """The schema without `null`, and whether it allowed `null`."""
    kind = schema.get("type")
    if isinstance(kind, list) and "null" in kind:
        rest = [k for k in kind if k != "null"]
        return {**schema, "type": rest[0] if len(rest) == 1 else rest}, True
    for key in ("anyOf", "oneOf"):
        options = schema.get(key)
        if options and any(o.get("type") == "null" for o in options):
            rest = [o for o in options if o.get("type") != "null"]
            return (rest[0] if len(rest) == 1 else {key: rest}), True
    return schema, False


def is_datetime(schema: dict[str, Any]) -> bool:
    return nullable(schema)[0].get("format") == "date-time"


def camel(name: str) -> str:
    lead = "_" if name.startswith("_") else ""
    first, *rest = name.lstrip("_").split("_")
    return lead + first + "".join(p.capitalize() for p in rest)


def one_line(text: str) -> str:
    return " ".join(text.split())


# ---- Python ----


class Python:
    """The Python view of the helpers: signatures, bodies and answers in the helpers' types."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.typed_dicts: dict[str, dict[str, Any]] = {}

    def type(self, schema: dict[str, Any], answer: bool) -> str:
        """The type of an argument (`answer` False: what a caller may give) or of an answer."""
        schema, null = nullable(schema)
        name = self.doc.ref_name(schema)
        if name in PYTHON_TYPED_DICTS and answer:
            self.typed_dicts[name] = self.doc.schemas[name]
            text = name
        else:
            text = self.plain(self.doc.resolve(schema), answer)
        return f"{text} | None" if null else text

    def plain(self, schema: dict[str, Any], answer: bool) -> str:
        kind = schema.get("type")
        if kind == "string":
            return "dt.datetime" if schema.get("format") == "date-time" else "str"
        if kind in ("integer", "number", "boolean"):
            return {"integer": "int", "number": "float", "boolean": "bool"}[kind]
        if kind == "array":
            item = self.type(schema["items"], answer)
            return f"list[{item}]" if answer else f"Sequence[{item}]"
        if kind == "object":
            return "dict[str, Any]" if answer else "Mapping[str, Any]"
        return "Any"

    def param(self, a: Arg) -> str:
        if a.to == "each":
            return f"*{a.name}: {self.type(a.schema, False)}"
        if a.to == "body":
            return f"{a.name}: Mapping[str, Any] | None = None, /, **more: Any"
        if a.to == "document":
            return f"{a.name}: Mapping[str, Any] | str"
        # Whether it may be left out is the argument's (a default, a keyword), not its field's.
        kind = self.type(nullable(a.schema)[0], False)
        if a.default is NO_DEFAULT:
            return f"{a.name}: {kind}" if not a.keyword else f"{a.name}: {nullable_text(kind)} = None"
        if isinstance(a.default, list):
            return f"{a.name}: {kind} = ()"
        if isinstance(a.default, dict):
            return f"{a.name}: {nullable_text(kind)} = None"
        return f"{a.name}: {kind} = {py_literal(a.default)}"

    def value(self, a: Arg) -> str:
        """The JSON value an argument sends."""
        schema = self.doc.resolve(nullable(a.schema)[0])
        if is_datetime(a.schema):
            return f"{a.name}.isoformat()"
        if schema.get("type") == "array":
            return self.listed(a.name, schema["items"])
        if schema.get("type") == "object":
            return f"dict({a.name} or {{}})" if isinstance(a.default, dict) else f"dict({a.name})"
        return a.name

    def listed(self, name: str, items: dict[str, Any]) -> str:
        """A sequence as a JSON list: mappings as dicts (`json` takes no other mapping)."""
        return f"[dict(x) for x in {name}]" if self.doc.resolve(items).get("type") == "object" else f"list({name})"

    def path(self, h: Helper) -> str:
        path = h.path
        for a in h.args:
            if a.to == "path":
                quoted = f"urllib.parse.quote({a.name}, safe='')" if a.schema.get("type") == "string" else a.name
                path = path.replace(f"{{{a.target}}}", "{" + quoted + "}")
        return f'f"{path}"' if "{" in path else f'"{path}"'

    def body(self, h: Helper) -> dict[str, Any]:
        """How the body is made: none, an expression, or fields (always sent, sent when given)."""
        whole = next((a for a in h.args if a.to in ("body", "document", "each")), None)
        if whole is not None:
            expression = {
                "body": f"{{**({whole.name} or {{}}), **more}}",
                "document": f"{whole.name} if isinstance({whole.name}, str) else dict({whole.name})",
                "each": self.listed(whole.name, whole.schema),
            }[whole.to]
            return {"kind": "expression", "expression": expression}
        if not h.body_fields:
            return {"kind": "none"}
        always = [(a.target, self.value(a)) for a in h.body_fields if not (a.keyword and a.default is NO_DEFAULT)]
        given = [(a.target, a.name, self.value(a)) for a in h.body_fields if a.keyword and a.default is NO_DEFAULT]
        return {"kind": "fields", "always": always, "given": given}

    def returns(self, h: Helper) -> str:
        return "None" if h.answer is None else self.type(h.answer, True)

    def answer(self, h: Helper) -> str:
        """What the method returns, from `answer` (the control call's result)."""
        if h.answer is not None and is_datetime(h.answer):
            return 'dt.datetime.fromisoformat(answer.replace("Z", "+00:00"))'
        return "answer"

    def view(self, h: Helper) -> dict[str, Any]:
        params = [self.param(a) for a in h.args if not a.keyword]
        keywords = [self.param(a) for a in h.args if a.keyword]
        if keywords:
            params += ["*", *keywords]
        call = f'self.control("{h.method}", {self.path(h)}'
        body = self.body(h)
        if body["kind"] == "expression":
            call += f", {body['expression']}"
        elif body["kind"] == "fields":
            call += ", body"
        call += ")"
        if h.returns == "field":
            call += f'["{h.returns_field}"]'
        checks = [
            a.name for a in h.args if a.to == "field" and is_datetime(a.schema) and a.default is NO_DEFAULT and not a.keyword
        ]
        return {
            "name": h.name,
            "doc": one_line(h.doc),
            "params": params,
            "returns": self.returns(h),
            "body": body,
            "call": call,
            "answer": self.answer(h),
            "datetime_args": checks,
        }

    def typed_dict(self, name: str, schema: dict[str, Any]) -> dict[str, Any]:
        required = set(schema.get("required", []))
        fields = []
        for key, prop in schema["properties"].items():
            if key not in required:
                raise ValueError(f"{name}.{key} may be absent: Python's TypedDicts here have required fields only")
            fields.append({"name": key, "type": self.type(prop, True)})
        return {"name": name, "doc": one_line(schema.get("description", name)), "fields": fields}


def nullable_text(kind: str) -> str:
    return kind if kind.endswith("| None") else f"{kind} | None"


def py_literal(value: Any) -> str:
    return {True: "True", False: "False"}.get(value, repr(value)) if isinstance(value, bool) else repr(value)


# ---- TypeScript ----


class TypeScript:
    """The Node view of the helpers: camelCase methods, an options object for keyword arguments,
    and TypeScript types for the declarations."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.named: dict[str, dict[str, Any]] = {}

    def type(self, schema: dict[str, Any], optional_field: bool = False) -> str:
        """A schema's type; a field that may be left out drops `null` (leaving it out says it)."""
        schema, null = nullable(schema)
        name = self.doc.ref_name(schema)
        if name in TS_LOOSE:
            text = "Record<string, unknown>"
        elif name:
            if name not in self.named:
                self.named[name] = {}
                self.named[name] = self.declaration(name, self.doc.schemas[name])
            text = name
        else:
            text = self.plain(schema)
        return f"{text} | null" if null and not optional_field else text

    def plain(self, schema: dict[str, Any]) -> str:
        if "oneOf" in schema or "anyOf" in schema or "enum" in schema:
            options = schema.get("oneOf") or schema.get("anyOf")
            if options and all("const" in o for o in options):
                return " | ".join(json.dumps(o["const"]).replace('"', "'") for o in options)
            if "enum" in schema:
                return " | ".join(json.dumps(v).replace('"', "'") for v in schema["enum"])
            return " | ".join(self.type(o) for o in options or [])
        kind = schema.get("type")
        if kind == "string":
            return "string"
        if kind in ("integer", "number"):
            return "number"
        if kind == "boolean":
            return "boolean"
        if kind == "array":
            item = self.type(schema["items"])
            return f"{item}[]" if re.fullmatch(r"[\w<>, ]+", item) else f"Array<{item}>"
        if kind == "object":
            values = schema.get("additionalProperties")
            if isinstance(values, dict) and values:
                return f"Record<string, {self.type(values)}>"
            return "Record<string, unknown>"
        return "unknown"

    def declaration(self, name: str, schema: dict[str, Any]) -> dict[str, Any]:
        doc = one_line(schema.get("description", ""))
        if schema.get("type") == "object" and "properties" in schema:
            required = set(schema.get("required", []))
            fields = [
                {
                    "name": key,
                    "optional": key not in required,
                    "type": self.type(prop, optional_field=key not in required),
                    "doc": one_line(prop.get("description", "")),
                }
                for key, prop in schema["properties"].items()
            ]
            return {"kind": "interface", "name": name, "doc": doc, "fields": fields}
        return {"kind": "alias", "name": name, "doc": doc, "type": self.plain(schema)}

    def value(self, a: Arg) -> str:
        name = camel(a.name)
        return f"{name} instanceof Date ? {name}.toISOString() : {name}" if is_datetime(a.schema) else name

    def arg_type(self, a: Arg) -> str:
        """Whether it may be left out is the argument's (a default, a keyword), not its field's."""
        if is_datetime(a.schema):
            return "Date | string"
        kind = self.type(nullable(a.schema)[0])
        return f"{kind} | string" if a.to == "document" else kind

    def view(self, h: Helper) -> dict[str, Any]:
        positional = [a for a in h.args if not a.keyword]
        keywords = [a for a in h.args if a.keyword]
        params, declared = [], []
        for a in positional:
            name = camel(a.name)
            if a.to == "each":
                params.append(f"...{name}")
                declared.append(f"...{name}: {self.arg_type(a)}[]")
            elif a.default is not NO_DEFAULT:
                params.append(f"{name} = {json.dumps(a.default)}")
                declared.append(f"{name}?: {self.arg_type(a)}")
            else:
                params.append(name)
                declared.append(f"{name}: {self.arg_type(a)}")
        if keywords:
            names = [camel(a.name) + ("" if a.default is NO_DEFAULT else f" = {json.dumps(a.default)}") for a in keywords]
            params.append("{ " + ", ".join(names) + " } = {}")
            declared.append("options?: { " + "; ".join(f"{camel(a.name)}?: {self.arg_type(a)}" for a in keywords) + " }")
        path = h.path
        for a in h.args:
            if a.to == "path":
                path = path.replace(f"{{{a.target}}}", "${encodeURIComponent(" + camel(a.name) + ")}")
        path_text = f"`{path}`" if "${" in path else f"'{path}'"
        whole = next((a for a in h.args if a.to in ("body", "document", "each")), None)
        body: dict[str, Any] = {"kind": "none"}
        if whole is not None:
            body = {"kind": "expression", "expression": camel(whole.name)}
        elif h.body_fields:
            always = [(a.target, self.value(a)) for a in h.body_fields if not (a.keyword and a.default is NO_DEFAULT)]
            given = [(a.target, camel(a.name), self.value(a)) for a in h.body_fields if a.keyword and a.default is NO_DEFAULT]
            body = {"kind": "fields", "always": always, "given": given}
        call = f"this.control('{h.method}', {path_text}"
        if body["kind"] == "expression":
            call += f", {body['expression']}"
        elif body["kind"] == "fields":
            call += ", body"
        call += ")"
        if h.answer is None:
            result, returns = None, "void"
        else:
            result = f"(await {call}).{h.returns_field}" if h.returns == "field" else call
            returns = self.type(h.answer)
            if is_datetime(h.answer):
                result, returns = f"new Date({result})", "Date"
        return {
            "name": camel(h.name),
            "private": h.name.startswith("_"),
            "doc": one_line(h.doc),
            "params": params,
            "declared": declared,
            "body": body,
            "call": call,
            "result": result,
            "returns": returns,
        }


# ---- The templates' data ----


def python(document: dict[str, Any]) -> dict[str, Any]:
    """The data of _generated/control.py: each helper's Python view, and the TypedDicts its answers name."""
    doc = Document(document)
    view = Python(doc)
    helpers = [view.view(h) for h in doc.helpers()]
    return {"helpers": helpers, "typed_dicts": [view.typed_dict(n, s) for n, s in sorted(view.typed_dicts.items())]}


def typescript(document: dict[str, Any]) -> dict[str, Any]:
    """The data of control.js and control.d.ts: each helper's Node view, and the types they name."""
    doc = Document(document)
    view = TypeScript(doc)
    helpers = [view.view(h) for h in doc.helpers()]
    return {"helpers": helpers, "declarations": [view.named[n] for n in sorted(view.named)]}
