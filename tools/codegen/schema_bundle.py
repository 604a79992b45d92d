"""Reading the core's JSON Schema bundle (`cargo run -p adapty-server --features schema
--example schema`): what every language generator needs to know about a field."""

import json
import sys


def ref_name(schema):
    return schema["$ref"].rsplit("/", 1)[-1]


class Bundle:
    def __init__(self, bundle):
        self.defs = bundle["$defs"]

    @classmethod
    def from_stdin(cls):
        return cls(json.load(sys.stdin))

    def is_object(self, name):
        return self.defs[name].get("type") == "object"

    def objects(self):
        """Object schemas to generate as response models: not request bodies (`ProfileParams`,
        `x-input`), not map items."""
        map_items = {ref_name(d["items"]) for d in self.all_schemas() if d.get("x-as-map")}
        return [
            n
            for n, d in self.defs.items()
            if d.get("type") == "object" and n != "ProfileParams" and not d.get("x-input") and n not in map_items
        ]

    def inputs(self):
        """Object schemas that only requests take (`x-input`): request bodies and their parts."""
        return [n for n, d in self.defs.items() if d.get("type") == "object" and d.get("x-input")]

    def refs_from(self, names):
        """Every object schema reachable from `names` (themselves included)."""
        seen, stack = set(), list(names)
        while stack:
            name = stack.pop()
            if name in seen:
                continue
            seen.add(name)
            for node in self.walk(self.defs[name]):
                if "$ref" in node and self.is_object(ref_name(node)):
                    stack.append(ref_name(node))
        return seen

    def input_models(self):
        """Response models that requests also take (as parts of an input, or as the whole
        body, like `IntegrationIdentifiers`): these need a public constructor/encoder too."""
        outputs = set(self.objects())
        reachable = self.refs_from(self.inputs() + [n for n, d in self.defs.items() if d.get("x-also-input")])
        return sorted(reachable & outputs)

    @staticmethod
    def walk(node):
        stack = [node]
        while stack:
            n = stack.pop()
            if isinstance(n, dict):
                yield n
                stack.extend(n.values())
            elif isinstance(n, list):
                stack.extend(n)

    def enums(self):
        """(name, schema) of string enums; closed ones have `enum`, open ones `x-known-values`."""
        return [(n, d) for n, d in self.defs.items() if d.get("type") != "object"]

    def all_schemas(self):
        for d in self.defs.values():
            yield from self.walk(d)

    @staticmethod
    def nullable_inner(s):
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

    @staticmethod
    def scalar(s):
        """The scalar kind of a schema: "date-time", "date", "string", "number", "integer",
        "boolean" or "null"; None for references, unions, lists and objects."""
        t = s.get("type")
        if t == "string" and s.get("format") in ("date-time", "date"):
            return s["format"]
        return t if t in ("string", "number", "integer", "boolean", "null") else None

    def map_value(self, s):
        """The value schema of an `x-as-map` list of `{key, value}` items."""
        return self.nullable_inner(self.defs[ref_name(s["items"])]["properties"]["value"])[0]

    def fields(self, name, inputs=False):
        """(key, inner schema, nullable, required, schema) of a model's fields: the readable ones,
        or with `inputs` all that a request takes (write-only ones too)."""
        d = self.defs[name]
        required = set(d.get("required", []))
        for key, s in d.get("properties", {}).items():
            if s.get("writeOnly") and not inputs:
                continue
            inner, nullable = self.nullable_inner(s)
            yield key, inner, nullable, key in required, s
