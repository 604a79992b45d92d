#!/usr/bin/env python3
"""Writes the fuzz targets' seed corpora, fuzz/corpus/<target>/, from the shared vectors.

Reads tests/vectors/*.json and tests/vectors/examples/, the operations (their names in order and
their bodies' models) from the core's schema bundle, and decode_models' models from
fuzz/decode_models.json, which the target reads too; encodes inputs the way each target's doc
comment describes. The corpus is a build product (fuzz/.gitignore); each run replaces it.
Python 3 standard library only.

    python3 fuzz/seeds.py [--bundle PATH]

Without --bundle, the bundle is printed by the core as tools/codegen/generate does (`cargo run
-p adapty-server --features schema --example schema`).
"""

import argparse
import hashlib
import json
import re
import shutil
import subprocess
import sys
import urllib.parse
from pathlib import Path

FUZZ = Path(__file__).resolve().parent
ROOT = FUZZ.parent
VECTORS = ROOT / "tests" / "vectors"
EXAMPLES = VECTORS / "examples"
TARGETS = ["decode_models", "error_body", "datetime", "ops_args", "emulator_request", "webhook"]


def load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def schema_bundle(path):
    """The core's schema bundle: from `path`, or printed by the core."""
    if path is not None:
        return load(path)
    command = ["cargo", "run", "--quiet", "-p", "adapty-server", "--features", "schema", "--example", "schema"]
    return json.loads(subprocess.run(command, cwd=ROOT, check=True, capture_output=True, text=True).stdout)


def cases():
    """Every case of tests/vectors/*.json (one format, described in each file's `description`),
    with `op`, its operation's name in the manifest, and `args`, its input: the arguments
    `ops::call` takes."""
    return [
        dict(case, op=case["operation"], args=case.get("input", {}))
        for path in sorted(VECTORS.glob("*.json"))
        for case in load(path).get("cases", [])
        if "operation" in case
    ]


def examples():
    return {p.name: load(p) for p in sorted(EXAMPLES.glob("*.json"))}


def compact(value):
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


def walk(value):
    """Every value inside `value`, itself included."""
    yield value
    children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else []
    for child in children:
        yield from walk(child)


# decode_models: selector byte (the index in decode_models.json) + JSON.


def decode_models(all_cases, ex, bundle):
    names = load(FUZZ / "decode_models.json")
    seeds = []

    def add(model, value):
        if model not in names:
            sys.exit(
                f"seeds.py: decode_models does not decode {model}: add it to fuzz/decode_models.json and its check to fuzz_targets/decode_models.rs"
            )
        seeds.append(bytes([names.index(model)]) + compact(value))

    request_model = {op["name"]: op["body"] for op in bundle["operations"] if op["body"]}
    for name, body in ex.items():
        if name.startswith("profile-response") or (name.startswith("openapi-") and name.endswith("-200.json")):
            add("DataEnvelope<Profile>", body)
            profile = body["data"]
            add("Profile", profile)
            add("CustomAttributes", profile.get("custom_attributes"))
            for key, model in [
                ("access_levels", "AccessLevel"),
                ("subscriptions", "Subscription"),
                ("non_subscriptions", "NonSubscription"),
            ]:
                for item in profile.get(key) or []:
                    add(model, item)
                    if item.get("offer"):
                        add("Offer", item["offer"])
        elif "request" in name or "Request" in name:
            add("ProfileParams", body)
    for case in all_cases:
        fields = case["args"].get("fields")
        if fields is not None and case["op"] in request_model:
            add(request_model[case["op"]], fields)
        if isinstance(fields, dict):
            for item in fields.get("remote_configs") or []:
                add("RemoteConfig", item)
    # No vector holds these responses; minimal ones in the shapes of docs/EMULATOR.md.
    at = "2025-07-08T07:27:06.000000+0000"
    paywall = {
        "paywall_id": "a1cf7850-1bb8-4151-8336-000000000001",
        "title": "Premium Subscription",
        "use_paywall_builder": False,
        "created_at": at,
        "updated_at": at,
        "state": "live",
        "is_deleted": False,
        "web_purchase_url": None,
        "products": [{"product_id": "p1", "title": "Monthly", "product_set": "monthly", "offer": None}],
        "remote_configs": [{"locale": "en", "data": '{"title":"Go premium"}'}],
        "main_screenshot": {"image_id": 1, "url": "https://example.com/s.png"},
    }
    balance = {"code": "COINS", "name": "Gold Coins", "balance": 100, "held": 0, "available": 100}
    history = {
        "transaction_id": "t1",
        "transaction_type": "credit",
        "items": [{"currency_code": "COINS", "amount": 100, "balance_after": 100}],
        "metadata": {"reason": "bonus", "n": 1},
        "created_at": at,
    }
    add("Paywall", paywall)
    add("PaywallProduct", paywall["products"][0])
    add("Vec<Paywall>", [paywall])
    add("PaywallPage", {"data": [paywall], "count": 1, "page": 1, "pages": 1, "next_cursor": None})
    add("RefundSaverSettings", {"profile_id": "p", "settings": {"consent": True, "custom_preference": "grant"}})
    add("RefundSaverSettings", {"profile_id": "p", "settings": None})
    add("IntegrationIdentifiers", {"appsflyer_id": "a", "amplitude_user_id": None})
    add("VirtualCurrencyTransactionResult", {"transaction_id": "t1", "balances": [balance]})
    add("VirtualCurrencyBalances", {"response_created_at": 1736425645861, "data": [balance]})
    add("VirtualCurrencyTransaction", history)
    add("Vec<VirtualCurrencyTransaction>", [history])
    add("VirtualCurrencyTransactionPage", {"data": [history], "next_cursor": "abc"})
    for text in datetimes(all_cases, ex)[:20]:
        add("Timestamp", text)
    return seeds


# error_body: status (2 bytes, big-endian) + body.


def error_body(all_cases, ex, bundle):
    seeds = []
    statuses = {400, 401, 404, 409, 422, 429, 500, 503}
    for case in all_cases:
        outcome = case.get("expect", {}).get("outcome")
        if isinstance(outcome, dict) and isinstance(outcome.get("status"), int):
            statuses.add(outcome["status"])
    for name, body in ex.items():
        m = re.match(r"(?:error|openapi-\w+)-(\d{3})", name)
        if not m or m.group(1) == "200":
            continue
        status = int(m.group(1))
        text = json.dumps(body, indent=2).encode()
        for s in sorted({status, 429, 500}):
            seeds.append(s.to_bytes(2, "big") + text)
    for case in all_cases:  # bodies naming the error codes the vectors expect
        outcome = case.get("expect", {}).get("outcome")
        if isinstance(outcome, dict) and outcome.get("error_code"):
            body = {
                "errors": [{"source": None, "errors": [case["name"]]}],
                "error_code": outcome["error_code"],
                "status_code": outcome["status"],
            }
            seeds.append(outcome["status"].to_bytes(2, "big") + compact(body))
    for s in sorted(statuses):
        seeds.append(s.to_bytes(2, "big") + b"")
        seeds.append(s.to_bytes(2, "big") + b"<html>Bad Gateway</html>")
    return seeds


# datetime: the text.

DATE = re.compile(r"^\s*\d{4}-\d{2}-\d{2}")


def datetimes(all_cases, ex):
    found = []
    for value in list(walk([c for c in all_cases])) + list(walk(list(ex.values()))):
        if isinstance(value, str) and DATE.match(value) and value not in found:
            found.append(value)
    return found


def datetime(all_cases, ex, bundle):
    seeds = [t.encode() for t in datetimes(all_cases, ex)]
    # The documented variants (datetime.rs), in case no vector has one of them.
    seeds += [
        b"2024-12-24T10:50:23+00:00",
        b"2022-10-12T09:42:50.000000+0000",
        b"2025-07-30T11:13:58.798Z",
        b"2024-01-15T10:30:00",
        b"2024-01-15 10:30:00+0200",
    ]
    return seeds


# ops_args: selector byte (operation index, 0x80 for the v1 client) + arguments JSON.


def ops_args(all_cases, ex, bundle):
    ops = [op["name"] for op in bundle["operations"]]
    seeds = []
    for case in all_cases:
        if case["op"] not in ops:
            print(f"seeds.py: unknown operation {case['op']!r} in {case['name']!r}", file=sys.stderr)
            continue
        selector = ops.index(case["op"]) | (0x80 if case.get("api_version") == "v1" else 0)
        seeds.append(bytes([selector]) + compact(case["args"]))
    return seeds


# emulator_request: requests separated by SEPARATOR; each is method, path and auth bytes, then
# id, query, customer user id, profile id, idempotency key, content type, accept and body,
# separated by NUL.

SEPARATOR = b"\0NEXT\0"
METHODS = ["GET", "POST", "PATCH", "PUT", "DELETE", "HEAD", "OPTIONS"]


def emulator_paths():
    """The same list, in the same order, as `paths()` in fuzz_targets/emulator_request.rs."""
    paths = []
    for version in ["v1", "v2"]:
        for name in ["profile", "profiles"]:
            paths += [f"/api/{version}/server-side-api/{name}/", f"/api/{version}/server-side-api/{name}"]
    suffixes = [
        "/purchase/set/transaction/",
        "/purchase/profile/grant/access-level/",
        "/grant/access-level/",
        "/purchase/profile/revoke/access-level/",
        "/purchase/profile/refund-saver/settings/",
        "/purchase/paddle/token/validate/",
        "/integration/profile/set/integration-identifiers/",
        "/paywalls/",
        "/paywalls/{id}/",
        "/vc/transactions/",
        "/vc/balances/",
    ]
    for suffix in suffixes:
        for version in ["v1", "v2"]:
            p = f"/api/{version}/server-side-api{suffix}"
            paths += [p.rstrip("/"), p]
    paths += ["/api/v1/sdk/purchase/stripe/token/validate/", "/api/v1/sdk/purchase/stripe/token/validate"]
    # The control plane's, from its description (`adapty-emulator --print-openapi`), in its order.
    command = ["cargo", "run", "--quiet", "-p", "adapty-emulator", "--", "--print-openapi"]
    document = json.loads(subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True).stdout)
    paths += list(document["paths"])
    return paths


PATHS = emulator_paths()


def path_selector(path):
    """(selector byte, id piece) for `path`: its template's index, or the raw-path slot."""
    for i, template in enumerate(PATHS):
        pattern = "^" + re.escape(template).replace(re.escape("{id}"), "([^/]+)") + "$"
        m = re.match(pattern, path)
        if m:
            return i, (m.group(1) if m.groups() else "")
    return len(PATHS), path


def request(method, path, query=None, headers=None, body=None, auth=0):
    headers = headers or {}
    selector, ident = path_selector(path)
    query_text = urllib.parse.urlencode(query or {})
    if body is None:
        body_bytes = b""
    elif isinstance(body, bytes):
        body_bytes = body
    else:
        body_bytes = compact(body)
    pieces = [
        ident,
        query_text,
        headers.get("adapty-customer-user-id", ""),
        headers.get("adapty-profile-id", ""),
        headers.get("idempotency-key", ""),
        headers.get("content-type", ""),
        headers.get("accept", ""),
    ]
    return bytes([METHODS.index(method), selector, auth]) + b"\0".join(p.encode() for p in pieces) + b"\0" + body_bytes


def control(method, name, body=None):
    return request(
        method, f"/__emulator/{name}", headers={"content-type": "application/json"} if body is not None else {}, body=body
    )


def emulator_request(all_cases, ex, bundle):
    seeds = []
    for case in all_cases:
        expected = case.get("expect", {}).get("request")
        if not expected:
            continue
        parts = []
        if case.get("given_profiles"):
            parts.append(control("POST", "profiles", {"profiles": case["given_profiles"]}))
        if case.get("given_config"):
            parts.append(control("POST", "config", case["given_config"]))
        headers = dict(expected.get("headers", {}))
        absent = set(expected.get("absent_headers", []))
        for key, header in [("customer_user_id", "adapty-customer-user-id"), ("profile_id", "adapty-profile-id")]:
            if isinstance(case["args"].get(key), str) and header not in absent:
                headers.setdefault(header, case["args"][key])
        body = expected.get("body")
        if body is not None and "content-type" not in absent:
            json_api = "/sdk/" in expected["path"]
            headers.setdefault("content-type", "application/vnd.api+json" if json_api else "application/json")
        parts.append(request(expected["method"], expected["path"], expected.get("query"), headers, body))
        parts.append(request("GET", expected["path"], None, headers))  # read back what the request changed
        seeds.append(SEPARATOR.join(parts))
    api = "/api/v2/server-side-api/profile/"
    who = {"adapty-customer-user-id": "fuzz-user", "content-type": "application/json"}
    create = request("POST", api, headers=who, body=ex.get("profile-request-create.json", {}))
    # The control plane: faults (a delay too: the target's clock is paused), chaos, the journal.
    seeds += [
        control("GET", "health"),
        SEPARATOR.join([create, control("GET", "journal"), control("DELETE", "journal"), control("GET", "profiles/fuzz-user")]),
        SEPARATOR.join(
            [
                control(
                    "POST",
                    "faults",
                    [
                        {"path_prefix": "/api/", "status": 503, "retry_after": "1", "times": 2},
                        {"method": "GET", "delay_ms": 1500, "headers": {"adapty-customer-user-id": "fuzz-user"}},
                    ],
                ),
                create,
                request("GET", api, headers=who),
                control("GET", "faults"),
                control("DELETE", "faults"),
            ]
        ),
        SEPARATOR.join([control("POST", "faults", {"drop_connection": True, "apply": True}), create]),
        SEPARATOR.join(
            [
                control(
                    "POST",
                    "chaos",
                    {
                        "seed": 7,
                        "rates": {"status_500": 0.2, "slow": 0.2, "dropped": 0.2, "applied_then_500": 0.2},
                        "slow_ms": 1500,
                    },
                ),
                create,
                create,
                create,
                control("GET", "chaos"),
                control("DELETE", "chaos"),
            ]
        ),
        SEPARATOR.join(
            [
                control("POST", "config", {"vc_processing_delay_ms": 1500}),
                control("POST", "profiles", {"profiles": [{"customer_user_id": "fuzz-user", "balances": {"COINS": 10}}]}),
                request(
                    "POST",
                    "/api/v2/server-side-api/vc/transactions/",
                    headers=dict(who, **{"idempotency-key": "3fa85f64-5717-4562-b3fc-2c963f66afa6"}),
                    body={"items": [{"currency_code": "COINS", "amount": -3}]},
                ),
            ]
        ),
        SEPARATOR.join(
            [
                control("POST", "paywalls", {"count": 3}),
                request("GET", "/api/v2/server-side-api/paywalls/", {"page[number]": "2", "page[size]": "2"}),
            ]
        ),
        control("POST", "profiles", {"count": 3, "customer_user_id_prefix": "u"}),
        control("GET", "config"),
        request("GET", api, headers={"adapty-profile-id": "not-a-uuid", "accept": "text/html"}, auth=6),
        request("POST", api, headers={"adapty-customer-user-id": "u", "content-type": "text/plain"}, body=b"{", auth=7),
    ]
    return seeds


def webhook(all_cases, ex, bundle):
    """The webhook vectors' bodies and Adapty's documented webhook examples, as sent (some are not
    valid JSON, on purpose)."""
    seeds = [(EXAMPLES / "webhooks" / p.name).read_bytes() for p in sorted((EXAMPLES / "webhooks").glob("*.json"))]
    seeds += [c["body"].encode() for c in load(VECTORS / "webhooks.json")["cases"] if "body" in c]
    return seeds


def main():
    parser = argparse.ArgumentParser(description="Writes the fuzz targets' seed corpora, fuzz/corpus/<target>/.")
    parser.add_argument("--bundle", type=Path, help="the core's schema bundle (default: printed by the core)")
    all_cases, ex, bundle = cases(), examples(), schema_bundle(parser.parse_args().bundle)
    for target in TARGETS:
        out = FUZZ / "corpus" / target
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir(parents=True)
        seeds = globals()[target](all_cases, ex, bundle)
        for seed in seeds:
            (out / hashlib.sha1(seed).hexdigest()).write_bytes(seed)
        print(f"seeds {target}: {len(set(seeds))} files in {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
