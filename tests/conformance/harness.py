"""The conformance check's machinery, shared by every API's checks (check.py, web.py, mail.py,
export.py, routing.py): a spec read as JSON Schema, raw HTTP to the emulator, and `check`, which
sends one request and validates the answer against the response its spec documents.

How a spec is read:
- `$ref`s are resolved within the spec; `nullable: true` (OpenAPI 3.0 style) allows `null`;
- `format` is an annotation, except `date-time` (RFC 3339) and `uuid`, which are checked;
- objects are closed: a property the spec does not name fails the check (the specs never set
  `additionalProperties` on their bodies, so without this an emulator could send anything extra
  unnoticed); an object the spec gives no `properties` stays open;
- the answer's Content-Type must be one the spec documents for that status (a JSON media type is
  parsed and validated; `text/csv` is decoded and must be a header line and rows of its width);
  a status the spec documents without a body must come without one; an error status the spec
  does not document for the operation is checked against the spec's error schema and named as
  undocumented.

Where a spec's schema and Adapty's own examples disagree, the emulator follows the examples. Such
a case is a `Disagreement`: named, explained, and applied only to the checks that name it, as a
patch to a copy of the spec. An answer that fails the spec as written and passes it patched is
accepted and listed under the disagreement's name at the end; each disagreement is itself checked
(Adapty's example it cites fails the schema as written and passes patched; some check needed it).
"""

from __future__ import annotations

import copy
import csv
import io
import json
import os
import re
import sys
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import jsonschema
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests"))
import junit  # noqa: E402 - tests/junit.py

BASE = os.environ["ADAPTY_BASE_URL"].rstrip("/")
KEY = os.environ["ADAPTY_API_KEY"]
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")

Json = Any
Doc = dict[str, Any]
Headers = dict[str, str]
#: Request headers: None leaves one out (`{"authorization": None}`: no key at all).
Sent = Mapping[str, str | None]

REPORT = junit.Report("conformance")
NOTES: set[str] = set()


# ---------------------------------------------------------------------------------------------
# The spec as JSON Schema


def to_json_schema(node: Json) -> Json:
    """An OpenAPI 3.0-style schema as JSON Schema 2020-12 (closed objects, nullable as null)."""
    if isinstance(node, list):
        return [to_json_schema(n) for n in node]
    if not isinstance(node, dict):
        return node
    skip = {"nullable", "example", "examples", "discriminator", "xml", "externalDocs", "deprecated", "readOnly", "writeOnly"}
    out = {k: (v if k in ("enum", "required", "default") else to_json_schema(v)) for k, v in node.items() if k not in skip}
    if "$ref" in out:
        out["$ref"] = out["$ref"].replace("#/components/schemas/", "#/$defs/")
    if out.get("type") == "object" and "properties" in out and "additionalProperties" not in out:
        out["additionalProperties"] = False
    if node.get("nullable"):
        if isinstance(out.get("type"), str) and "$ref" not in out and "allOf" not in out:
            out["type"] = [out["type"], "null"]
            if "enum" in out:
                out["enum"] = list(out["enum"]) + [None]
        else:
            out = {"anyOf": [out, {"type": "null"}]}
    return out


FORMATS = jsonschema.FormatChecker(formats=())


@FORMATS.checks("date-time", raises=ValueError)
def _date_time(value: object) -> bool:
    if isinstance(value, str) and not RFC3339.match(value):
        raise ValueError(f"{value!r} is not an RFC 3339 date-time")
    return True


@FORMATS.checks("uuid", raises=ValueError)
def _uuid(value: object) -> bool:
    if isinstance(value, str):
        uuid.UUID(value)
    return True


@dataclass(frozen=True)
class Disagreement:
    """A place where a spec's schema and Adapty's own examples disagree and the emulator follows
    the examples. `patch` edits a copy of the spec document so that the examples' shape passes;
    `evidence` is Adapty's own example bodies for it, as (source, path, method, status, body)."""

    name: str
    why: str
    patch: Callable[[Doc], None]
    evidence: tuple[tuple[str, str, str, int, Json], ...] = ()


@dataclass
class Documented:
    """What a spec says one answer is: its media types (each with a schema, or None) and whether
    the status is documented at all. No media types: no body."""

    documented: bool
    media: dict[str, Json] = field(default_factory=dict)


class Spec:
    """One OpenAPI document, read as JSON Schema; `error_schema` is what an undocumented error
    status is checked against."""

    def __init__(self, name: str, doc: Doc, error_schema: str) -> None:
        self.name = name
        self.doc = doc
        self.error_schema = error_schema
        self.defs = {n: to_json_schema(s) for n, s in doc["components"]["schemas"].items()}
        self._relaxed: dict[str, Spec] = {}

    @classmethod
    def load(cls, filename: str, error_schema: str, fix: Callable[[str], str] | None = None, override: str | None = None) -> Spec:
        """tests/spec/FILENAME (kept verbatim; `override` is another copy's path), with `fix`
        applied to its text in memory only."""
        path = override or os.path.join(ROOT, "tests", "spec", filename)
        if not os.path.exists(path):
            sys.exit(f"conformance: {path} was not found")
        with open(path, encoding="utf-8") as f:
            text = f.read()
        return cls(filename, yaml.safe_load(fix(text) if fix else text), error_schema)

    def relaxed(self, d: Disagreement) -> Spec:
        """This spec with `d`'s patch applied (to a copy)."""
        if d.name not in self._relaxed:
            doc = copy.deepcopy(self.doc)
            d.patch(doc)
            self._relaxed[d.name] = Spec(self.name, doc, self.error_schema)
        return self._relaxed[d.name]

    def response(self, template: str, method: str, status: int) -> Documented:
        op = self.doc["paths"][template][method.lower()]
        resp = op["responses"].get(str(status))
        if resp is None:
            return Documented(False)
        content = resp.get("content") or {}
        return Documented(True, {media: body.get("schema") for media, body in content.items()})

    def validator(self, schema: Json) -> jsonschema.Draft202012Validator:
        root = dict(to_json_schema(schema))
        root["$defs"] = self.defs
        return jsonschema.Draft202012Validator(root, format_checker=FORMATS)

    def errors(self, schema: Json, value: Json) -> list[str]:
        """Where `value` breaks `schema`, one line each."""
        found = sorted(self.validator(schema).iter_errors(value), key=lambda e: list(e.absolute_path))
        return [f"{'/'.join(str(p) for p in e.absolute_path) or '(root)'}: {e.message[:300]}" for e in found]


def schemas(doc: Doc) -> dict[str, Any]:
    """The spec document's component schemas (for a `Disagreement`'s patch)."""
    components: dict[str, Any] = doc["components"]["schemas"]
    return components


def responses(doc: Doc) -> list[tuple[str, str, dict[str, Any]]]:
    """Every documented response with a body: (path, status, its `content` by media type)."""
    found = []
    for path, ops in doc["paths"].items():
        for op in ops.values():
            if isinstance(op, dict):
                for status, resp in (op.get("responses") or {}).items():
                    if resp.get("content"):
                        found.append((path, str(status), resp["content"]))
    return found


def examples(spec: Spec, where: Callable[[str, str, Json], bool]) -> list[tuple[str, str, str, int, Json]]:
    """The spec's own response examples `where(path, status, body)` picks, as a `Disagreement`'s
    evidence: (source, path, method, status, body)."""
    found = []
    for path, ops in spec.doc["paths"].items():
        for method, op in ops.items():
            for status, resp in (op.get("responses") or {}).items() if isinstance(op, dict) else ():
                for body in (resp.get("content") or {}).values():
                    named = [("example", body["example"])] if "example" in body else []
                    named += [(k, e.get("value")) for k, e in (body.get("examples") or {}).items()]
                    found += [
                        (f"{spec.name}: {method.upper()} {path} {status} example {k!r}", path, method.upper(), int(status), v)
                        for k, v in named
                        if where(path, str(status), v)
                    ]
    return found


# ---------------------------------------------------------------------------------------------
# HTTP


@dataclass
class Answer:
    status: int
    headers: Headers
    body: bytes

    def header(self, name: str) -> str:
        return next((v for k, v in self.headers.items() if k.lower() == name.lower()), "")


def http(
    method: str,
    path: str,
    body: Json = None,
    headers: Sent | None = None,
    auth: bool = True,
    query: str | None = None,
) -> tuple[int, Headers, bytes]:
    """One request; `auth` sends `Authorization: Api-Key <KEY>` (a header in `headers` wins)."""
    url = BASE + path + (("?" + query) if query else "")
    data = None
    h: dict[str, str | None] = {"accept": "application/json"}
    if auth:
        h["authorization"] = f"Api-Key {KEY}"
    if body is not None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        h["content-type"] = "application/json"
    h.update(headers or {})
    req = urllib.request.Request(url, data=data, method=method, headers={k: v for k, v in h.items() if v is not None})
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def control(method: str, path: str, body: Json = None) -> Json:
    status, _, data = http(method, "/__emulator/" + path, body=body, auth=False)
    assert status < 300, f"control plane {method} {path}: {status} {data!r}"
    return json.loads(data) if data else None


def reset(config: Json = None, profiles: Json = None) -> None:
    control("POST", "reset")
    if config:
        control("POST", "config", config)
    if profiles:
        control("POST", "profiles", {"profiles": profiles})


# ---------------------------------------------------------------------------------------------
# Checking one answer


def csv_problems(text: str) -> list[str]:
    """A CSV body: a header line, then rows as wide as it."""
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or not any(rows[0]):
        return [f"the CSV has no header line: {text[:200]!r}"]
    return [
        f"CSV row {n} has {len(r)} fields, the header {len(rows[0])}" for n, r in enumerate(rows[1:], 2) if len(r) != len(rows[0])
    ]


def status_codes(parsed: Json) -> list[int]:
    """The `status_code`s an error body states: at its top (most APIs) or in each item (Mail)."""
    if not isinstance(parsed, dict):
        return []
    found = [parsed["status_code"]] if isinstance(parsed.get("status_code"), int) else []
    items = parsed.get("errors")
    if isinstance(items, list):
        found += [i["status_code"] for i in items if isinstance(i, dict) and isinstance(i.get("status_code"), int)]
    return found


def body_problems(spec: Spec, schema: Json, media: str, answer: Answer) -> tuple[list[str], Json]:
    """The body against one documented media type and its schema; also the parsed JSON."""
    if media == "text/csv":
        try:
            text = answer.body.decode("utf-8")
        except UnicodeDecodeError:
            return ["the CSV is not UTF-8"], None
        return spec.errors(schema, text) + csv_problems(text), None
    try:
        parsed = json.loads(answer.body)
    except ValueError:
        return [f"body is not JSON: {answer.body[:200]!r}"], None
    problems = [
        f"the body's status_code {c} differs from the HTTP status {answer.status}"
        for c in status_codes(parsed)
        if c != answer.status
    ]
    return problems + spec.errors(schema, parsed), parsed


def answer_problems(spec: Spec, template: str, method: str, answer: Answer) -> tuple[list[str], Json]:
    """The answer against what `spec` documents for its status; also the parsed JSON, if any."""
    doc = spec.response(template, method, answer.status)
    if not doc.documented:
        if answer.status < 400:
            return [f"status {answer.status} is not documented for {method} {template}"], None
        NOTES.add(f"{method} {template} {answer.status} is not in {spec.name}; checked against {spec.error_schema}")
        doc = Documented(True, {"application/json": {"$ref": f"#/components/schemas/{spec.error_schema}"}})
    if not doc.media:
        if answer.body.strip():
            return [f"the spec documents no body for {answer.status}, got {answer.body[:200]!r}"], None
        return [], None
    content_type = answer.header("content-type").split(";")[0].strip().lower()
    media = content_type if content_type in doc.media else next(iter(doc.media))
    problems = [] if content_type in doc.media else [f"Content-Type {content_type!r}, the spec says {' or '.join(doc.media)}"]
    more, parsed = body_problems(spec, doc.media[media], media, answer)
    return problems + more, parsed


USED: dict[str, list[str]] = {}
DECLARED: dict[str, tuple[Spec, Disagreement]] = {}


def check(
    spec: Spec,
    name: str,
    template: str,
    method: str,
    expect_status: int,
    *,
    body: Json = None,
    raw: bytes | None = None,
    headers: Sent | None = None,
    auth: bool = True,
    query: str | None = None,
    params: dict[str, str] | None = None,
    allow: tuple[Disagreement, ...] = (),
    code: str | None = None,
    exactly: Json = None,
) -> Json:
    """Sends one request and checks the answer's status and its body against `spec`; an answer
    that fails the spec as written passes if it passes under one of the `allow`ed disagreements.
    `code`: the `error_code` Adapty's docs give for this error; `exactly`: the body they give."""
    path = template
    for k, v in (params or {}).items():
        path = path.replace("{" + k + "}", v)
    answer = Answer(*http(method, path, body=raw if raw is not None else body, headers=headers, auth=auth, query=query))
    return judge(spec, name, template, method, expect_status, answer, allow, code, exactly)


def error_codes(parsed: Json) -> list[str]:
    """The `error_code`s an error body states: at its top, or in each item (Mail)."""
    if not isinstance(parsed, dict):
        return []
    items = parsed.get("errors")
    nested = [i.get("error_code") for i in items if isinstance(i, dict)] if isinstance(items, list) else []
    return [c for c in [parsed.get("error_code"), *nested] if isinstance(c, str)]


def judge(
    spec: Spec,
    name: str,
    template: str,
    method: str,
    expect_status: int,
    answer: Answer,
    allow: tuple[Disagreement, ...] = (),
    code: str | None = None,
    exactly: Json = None,
) -> Json:
    """Records the check of one answer already received (see `check`)."""
    problems = []
    if answer.status != expect_status:
        problems.append(f"status {answer.status}, expected {expect_status}: {answer.body[:300]!r}")
    found, parsed = answer_problems(spec, template, method, answer)
    if code is not None and code not in error_codes(parsed):
        problems.append(f"error_code {error_codes(parsed)}, Adapty's docs give {code!r}")
    if exactly is not None and parsed != exactly:
        problems.append(f"body {parsed!r}, Adapty's docs give {exactly!r}")
    for d in allow:
        DECLARED.setdefault(d.name, (spec, d))
        if found and not answer_problems(spec.relaxed(d), template, method, answer)[0]:
            USED.setdefault(d.name, []).append(name)
            found = []
    problems += found
    REPORT.check(name, not problems, "\n".join(problems[:12]))
    return parsed


def evidence_problems(spec: Spec, d: Disagreement) -> list[str]:
    """Each example of Adapty's that `d` cites fails the schema as written and passes patched."""
    problems = []
    for source, template, method, status, body in d.evidence:
        answer = Answer(status, {"content-type": "application/json"}, json.dumps(body).encode())
        if not answer_problems(spec, template, method, answer)[0]:
            problems.append(f"{source}: passes the schema as written, so this is no disagreement")
        for p in answer_problems(spec.relaxed(d), template, method, answer)[0]:
            problems.append(f"{source}: still fails under the exception: {p}")
    return problems


def close_disagreements() -> None:
    """One check per declared disagreement (its evidence holds; some answer needed it), and a
    note listing the checks each one let pass."""
    for name, (spec, d) in sorted(DECLARED.items()):
        problems = evidence_problems(spec, d)
        if name not in USED:
            problems.append("no answer needed it: the emulator now matches the spec here; remove the exception")
        REPORT.check(f"exception {name}: Adapty's examples against {spec.name}", not problems, "\n".join(problems))
        if name in USED:
            print(f"note: exception {name} ({d.why}) let pass: {', '.join(USED[name])}")


def finish(report_path: str | None) -> None:
    """The closing notes and counts, and the JUnit report; exits 1 if a check failed."""
    close_disagreements()
    for line in sorted(NOTES):
        print(f"note: {line}")
    print(f"conformance: {len(REPORT.cases) - REPORT.failed} passed, {REPORT.failed} failed")
    if report_path:
        REPORT.write(report_path)
    sys.exit(1 if REPORT.failed else 0)
