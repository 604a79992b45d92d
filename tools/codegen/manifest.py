"""The operation manifest's half of the schema bundle (`core/src/api/`), as one data
model every language's templates read: namespaces and their calls (each operation, then the walk
over its pages), the client options and the error classes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Literal

from .schema_bundle import Bundle, Schema

Output = Literal["nothing", "model", "delete_results", "walk"]


@dataclass(frozen=True)
class Param:
    """An argument the core takes: `name` is the core's (snake_case), `kind` one of `text`,
    `count`, `profile_refs`; `default` is the core's default, quoted in the docs."""

    name: str
    kind: str
    doc: str
    required: bool = True
    default: Any = None
    in_walk: bool = True


@dataclass(frozen=True)
class Call:
    """One method of a namespace in every language: an operation, or the walk over its pages
    (`output` "walk", whose `model` is the item). `operation` is the core's name of the
    operation both run (`paywalls.list`); `method` the camelCase name (`list`, `listAll`)."""

    operation: str
    namespace: str
    method: str
    doc: str
    profile: Literal["none", "profile", "profile_or_attach"]
    path_param: Param | None
    params: list[Param]
    body: str | None
    body_optional: bool
    output: Output
    model: str | None

    @property
    def is_walk(self) -> bool:
        return self.output == "walk"

    @property
    def takes_profile(self) -> bool:
        return self.profile != "none"

    @property
    def refs(self) -> Param | None:
        """The list of profiles a `delete_results` output answers, in order."""
        return next((p for p in self.params if p.kind == "profile_refs"), None)


@dataclass(frozen=True)
class Namespace:
    name: str
    doc: str
    calls: list[Call]

    @property
    def operations(self) -> list[Call]:
        """The calls that are operations (not walks)."""
        return [c for c in self.calls if not c.is_walk]


@dataclass(frozen=True)
class ClientOption:
    """A setting of the client: `kind` is `text`, `seconds`, `count` or `api_version`; unset, it
    is the environment variable `env` (if any), then the core's `default`."""

    name: str
    kind: str
    env: str | None
    default: Any
    doc: str


@dataclass(frozen=True)
class CallOption:
    """An option of one call (`client_wide`: also of `with_options`): `kind` is `seconds`, `count`,
    `pairs` (names to text) or `object` (JSON fields)."""

    name: str
    kind: str
    client_wide: bool
    doc: str


@dataclass(frozen=True)
class ErrorClass:
    """A class of the error taxonomy: `code` is the core's `kind` or `api_kind` that picks it,
    `name` its class name (`NotFoundError`), `status` the HTTP status it stands for (`404`,
    `5xx`)."""

    code: str
    name: str
    parent: ErrorClass | None
    status: str | None
    doc: str


API_VERSIONS = ("v1", "v2")
"""The values of the `api_version` option kind (the core's `ApiVersion`; the bundle names the
kind, not its values)."""
LOG_LEVELS = ("debug", "info", "warn", "error", "off")
"""The values of the `log_level` option kind (the core's `LogLevel`)."""


class Manifest:
    """The whole schema bundle: `models` (the JSON Schema of every model) and the manifest."""

    def __init__(self, bundle: Schema) -> None:
        self.models = Bundle(bundle)
        self.error_info = Bundle(bundle["error_info"])
        self.namespaces = [
            Namespace(
                ns["name"],
                ns["doc"],
                [c for op in bundle["operations"] if op["namespace"] == ns["name"] for c in self._calls(op)],
            )
            for ns in bundle["namespaces"]
        ]
        self.call_options = [CallOption(o["name"], o["kind"], o["client_wide"], o["doc"]) for o in bundle["call_options"]]
        self.client_options = [
            ClientOption(o["name"], o["kind"], o["env"], o["default"], o["doc"]) for o in bundle["client_options"]
        ]
        self.errors: list[ErrorClass] = []
        for e in bundle["errors"]:
            parent = next(p for p in self.errors if p.code == e["parent"]) if e["parent"] else None
            self.errors.append(ErrorClass(e["code"], e["class"], parent, e["status"], e["doc"]))

    def _calls(self, op: Schema) -> list[Call]:
        path = op["path_param"] and Param(op["path_param"]["name"], op["path_param"]["kind"], op["path_param"]["doc"])
        params = [Param(p["name"], p["kind"], p["doc"], p["required"], p["default"], p["in_walk"]) for p in op["params"]]
        body = op["body"]
        # A body whose every field is optional may be left out (`profiles.create(ref)`).
        optional = bool(body) and not self.models.defs[body].get("required")
        output = op["output"]
        calls = [
            Call(
                op["name"],
                op["namespace"],
                op["method"],
                op["doc"],
                op["profile"],
                path,
                params,
                body,
                optional,
                output["kind"],
                output.get("model"),
            )
        ]
        if walk := op["walk"]:
            assert not body, op["name"]
            walk_params = [p for p in params if p.in_walk]
            calls.append(
                Call(
                    op["name"],
                    op["namespace"],
                    walk["method"],
                    walk["doc"],
                    op["profile"],
                    path,
                    walk_params,
                    None,
                    False,
                    "walk",
                    walk["item"],
                )
            )
        return calls

    @cached_property
    def calls(self) -> list[Call]:
        return [c for ns in self.namespaces for c in ns.calls]

    @property
    def operations(self) -> list[Call]:
        return [c for c in self.calls if not c.is_walk]

    @property
    def attach_operations(self) -> list[str]:
        """The operations that take both ids to attach them (`profile_or_attach`)."""
        return [c.operation for c in self.operations if c.profile == "profile_or_attach"]

    @property
    def delete_results_operations(self) -> list[str]:
        return [c.operation for c in self.operations if c.output == "delete_results"]

    def option(self, kind: str) -> ClientOption:
        return next(o for o in self.client_options if o.kind == kind)


def camel(snake: str) -> str:
    head, *rest = snake.split("_")
    return head + "".join(p[:1].upper() + p[1:] for p in rest)


def pascal(name: str) -> str:
    """`AccessLevels` for `accessLevels`."""
    return name[:1].upper() + name[1:]


def snake(name: str) -> str:
    """A manifest name (`accessLevels`, `listAllTransactions`) in snake_case."""
    return re.sub("([A-Z])", r"_\1", name).lower()


def doc_names(text: str) -> str:
    """`snake_case` names in backticks as the camelCase ones Swift, Kotlin and Node users see."""
    return re.sub(r"`([a-z][a-z0-9]*(?:_[a-z0-9]+)+)`", lambda m: f"`{camel(m.group(1))}`", text)


def split_doc(doc: str) -> tuple[str, list[str]]:
    """(summary, rest) of a manifest doc: its first sentence, and the others."""
    for i in range(len(doc) - 1):
        if doc[i] == "." and doc[i + 1] == " " and doc[i + 2 : i + 3].isupper():
            return doc[: i + 1], [doc[i + 2 :]]
    return doc, []
