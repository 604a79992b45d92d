"""Rust's generated files, for `templates/rust/`:

- `cli/src/generated/bodies.rs`: each request body's fields as the `adapty-server` command line offers them (one
  `--flag` each).
- `bindings-swift/src/generated/error_class.rs`: the error taxonomy as a uniffi enum (`ErrorClass`), which
  uniffi turns into Swift's and Kotlin's, with each class's doc, parent, status and name; the
  uniffi `AdaptyError` tells its class by it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .manifest import ErrorClass, Manifest, split_doc
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
                    (
                        f,
                        kind(b, f),
                        split_doc(" ".join((f.schema.get("description") or f.inner.get("description") or "").split()))[0],
                    )
                    for f in b.fields(name, inputs=True)
                ],
            )
            for name in bodies
        ]
    }


def variant(e: ErrorClass) -> str:
    """`NotFound` for `not_found`."""
    return "".join(p.capitalize() for p in e.code.split("_"))


def error_class(manifest: Manifest) -> dict[str, Any]:
    return {"errors": manifest.errors}


FILTERS: dict[str, Callable[..., Any]] = {
    "rust_str": rust_str,
    "variant": variant,
    "bool": lambda value: "true" if value else "false",
}
