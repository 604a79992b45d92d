"""The operation manifest as Swift and Kotlin take it: names in camelCase, each method's arguments
in the order both languages give them, and docs with the core's snake_case names converted.

Both `swift_operations.py` and `kotlin_operations.py` read operations through `Operation`, so the
two languages agree on argument order, names and which arguments are positional:
the profile (`ref`), the path parameter (`paywallId`), required arguments (`refs`) and the body
(`fields` / `params`) come first, unlabeled in Swift; optional arguments follow, labeled, with a
nil/null default that leaves them to the core.
"""

import re

# The core's name of the request body argument (`ops::call`'s `fields`).
BODY_ARG = "fields"
# What the model generators call `ProfileParams` (a `Field` per property, not a plain struct).
PROFILE_FIELDS = "ProfileFields"


def camel(snake):
    head, *rest = snake.split("_")
    return head + "".join(p[:1].upper() + p[1:] for p in rest)


def pascal(name):
    return name[:1].upper() + name[1:]


def body_type(model):
    return PROFILE_FIELDS if model == "ProfileParams" else model


def doc_names(text):
    """`snake_case` names in backticks as the camelCase ones Swift and Kotlin users see."""
    return re.sub(r"`([a-z][a-z0-9]*(?:_[a-z0-9]+)+)`", lambda m: f"`{camel(m.group(1))}`", text)


class Arg:
    """One argument of a generated method. `core` is the core's name (None for the profile,
    whose ids the generated `ProfileRef` gives), `kind` the manifest's kind or `profile` /
    `body`, `positional` whether Swift leaves out its label."""

    def __init__(self, name, kind, core, doc, required=True, default=None, model=None):
        self.name, self.kind, self.core, self.doc = name, kind, core, doc
        self.required, self.default, self.model = required, default, model

    @property
    def positional(self):
        return self.required or self.kind == "body"


class Operation:
    def __init__(self, op, bundle):
        self.op = op
        self.name = op["name"]
        self.method = op["method"]
        self.doc = doc_names(op["doc"])
        self.output = op["output"]
        self.walk = op["walk"] and dict(op["walk"], doc=doc_names(op["walk"]["doc"]))
        self.args = self._args(bundle, walk=False)
        self.walk_args = self._args(bundle, walk=True) if self.walk else None

    def _args(self, bundle, walk):
        op, args = self.op, []
        if op["profile"] != "none":
            args.append(Arg("ref", op["profile"], None, "The profile."))
        if op["path_param"]:
            p = op["path_param"]
            args.append(Arg(camel(p["name"]), p["kind"], p["name"], doc_names(p["doc"])))
        params = [p for p in op["params"] if p["in_walk"] or not walk]
        args += [self._param(p) for p in params if p["required"]]
        if op["body"] and not walk:
            model = op["body"]
            # A body whose every field is optional may be left out (`profiles.create(ref)`).
            optional = not bundle.defs[model].get("required")
            name = BODY_ARG if body_type(model) == PROFILE_FIELDS else "params"
            args.append(Arg(name, "body", BODY_ARG, "What to send.", required=not optional, model=model))
        args += [self._param(p) for p in params if not p["required"]]
        return args

    @staticmethod
    def _param(p):
        return Arg(camel(p["name"]), p["kind"], p["name"], doc_names(p["doc"]), p["required"], p["default"])

    def refs_arg(self):
        """The argument whose profiles a `delete_results` output answers, in order."""
        return next(a for a in self.args if a.kind == "profile_refs")


def namespaces(bundle_json, bundle):
    """(name, doc, [Operation]) of every namespace, in the manifest's order."""
    ops = [Operation(op, bundle) for op in bundle_json["operations"]]
    return [
        (ns["name"], doc_names(ns["doc"]), [o for o in ops if o.op["namespace"] == ns["name"]])
        for ns in bundle_json["namespaces"]
    ]


def attach_operations(bundle_json):
    """The operations that take both ids to attach them (`profile_or_attach`)."""
    return [op["name"] for op in bundle_json["operations"] if op["profile"] == "profile_or_attach"]


def delete_results_operations(bundle_json):
    return [op["name"] for op in bundle_json["operations"] if op["output"]["kind"] == "delete_results"]


def client_options(bundle_json):
    """(camelCase name, option) of every client option, in the manifest's order."""
    return [(camel(o["name"]), dict(o, doc=doc_names(o["doc"]))) for o in bundle_json["client_options"]]
