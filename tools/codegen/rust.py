"""Rust's generated files, for `templates/rust/`:

- `cli/src/bodies.rs`: each request body's fields as the `adapty` command line offers them (one
  `--flag` each).
"""

from __future__ import annotations

from typing import Any

from .manifest import Manifest
from .schema_bundle import Bundle, Field, ref_name, scalar


def rust_str(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def kind(b: Bundle, f: Field) -> str:
    """The `Kind` of a field: how the command line reads its value."""
    inner = f.inner
    if "$ref" in inner:
        target = b.defs[ref_name(inner)]
        if target.get("type") == "object":
            return "Kind::Json"
        values = target.get("enum") or target.get("x-known-values") or []
        return f"Kind::{'OneOf' if 'enum' in target else 'Text'}(&[{', '.join(rust_str(v) for v in values)}])"
    return {
        "date-time": "Kind::DateTime",
        "string": "Kind::Text(&[])",
        "date": "Kind::Text(&[])",
        "integer": "Kind::Integer",
        "number": "Kind::Number",
        "boolean": "Kind::Bool",
    }.get(scalar(inner) or "", "Kind::Json")


def cli_bodies(manifest: Manifest) -> dict[str, Any]:
    b = manifest.models
    bodies = sorted({c.body for c in manifest.operations if c.body})
    return {
        "bodies": [
            (
                name,
                [
                    (f, kind(b, f), (f.schema.get("description") or f.inner.get("description") or "").split("\n")[0])
                    for f in b.fields(name, inputs=True)
                ],
            )
            for name in bodies
        ]
    }


FILTERS = {
    "rust_str": rust_str,
    "bool": lambda value: "true" if value else "false",
}
