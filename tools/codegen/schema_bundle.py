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
        """Object schemas to generate as models: not the request body, not map items."""
        map_items = {ref_name(d["items"]) for d in self.all_schemas() if d.get("x-as-map")}
        return [n for n, d in self.defs.items() if d.get("type") == "object" and n != "ProfileParams" and n not in map_items]

    def enums(self):
        """(name, schema) of string enums; closed ones have `enum`, open ones `x-known-values`."""
        return [(n, d) for n, d in self.defs.items() if d.get("type") != "object"]

    def all_schemas(self):
        stack = list(self.defs.values())
        while stack:
            node = stack.pop()
            if isinstance(node, dict):
                yield node
                stack.extend(node.values())
            elif isinstance(node, list):
                stack.extend(node)

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
