#!/usr/bin/env python3
"""Checks that every answer of the emulator matches Adapty's OpenAPI specs.

    check.py [--junit FILE]

Run by `make test ARGS="conformance"` against a fresh emulator (ADAPTY_BASE_URL and
ADAPTY_API_KEY set). Drives every operation of each API Adapty publishes a spec for (this file:
the server-side API v2; web.py: the Web API; mail.py: the Mail API; export.py: the Export
Analytics API), the documented success and each documented error, with raw HTTP; looks up the
response schema the API's spec (tests/spec/) gives for that path, method and status, and
validates the body against it (harness.py says how a spec is read). routing.py checks what has no
spec: unknown paths and methods, and the legacy `/api/v1/sdk/` API. Prints one line per check,
`check NAME: ok` or `check NAME: FAILED` followed by indented details, and writes them as JUnit
XML to FILE.
"""

import os
import sys
import threading
import time
import uuid
from collections.abc import Callable

import export
import harness
import mail
import routing
import web
from harness import Disagreement, Json, Spec, control, http, reset

V2 = "/api/v2/server-side-api"


SERVER = Spec.load("adapty-server-api.openapi.yaml", "ErrorResponse", override=os.environ.get("ADAPTY_OPENAPI_SPEC"))
FLAT = {
    "type": "object",
    "required": ["errors", "error_code", "status_code"],
    "properties": {
        "errors": {"type": "array", "items": {"type": "string"}},
        "error_code": {"type": "string"},
        "status_code": {"type": "integer"},
    },
}
FLAT_PATHS = ("/refund-saver/", "/paddle/", "/integration-identifiers/")


def flat_401(path: str, status: str) -> bool:
    return status == "401"


def flat_endpoint(path: str, status: str) -> bool:
    return status.startswith("4") and status != "401" and any(p in path for p in FLAT_PATHS)


def flat(where: Callable[[str, str], bool]) -> Callable[[harness.Doc], None]:
    """A patch: the error responses `where` picks may also be flat (`{"errors": ["..."], ...}`)."""

    def patch(doc: harness.Doc) -> None:
        for path, status, content in harness.responses(doc):
            if where(path, status):
                for body in content.values():
                    body["schema"] = {"anyOf": [body["schema"], FLAT]}

    return patch


def flat_examples(where: Callable[[str, str], bool]) -> tuple[tuple[str, str, str, int, Json], ...]:
    """The spec's own error examples that are flat, where `where` picks."""
    return tuple(harness.examples(SERVER, lambda path, status, body: where(path, status) and is_flat(body)))


def is_flat(body: Json) -> bool:
    errors = body.get("errors") if isinstance(body, dict) else None
    return isinstance(errors, list) and bool(errors) and all(isinstance(e, str) for e in errors)


#: Adapty's examples answer a wrong key flat, `{"errors": ["Invalid API key"], "error_code":
#: "unauthorized", ...}` (on Refund Saver, Paddle, integration identifiers and paywalls), where
#: the 401s name ErrorResponse, whose items are `{source, errors}` objects; the emulator answers
#: every wrong key so (issue 28: production's shapes). No key at all is the nested
#: `not_authenticated` every 401 example of the profile shows.
FLAT_401 = Disagreement(
    "server.flat-401",
    "the 401s name ErrorResponse ({source, errors} items); Adapty's examples for a wrong key are flat strings",
    flat(flat_401),
    evidence=flat_examples(flat_401),
)
#: Refund Saver's, Paddle's and integration identifiers' other errors are flat in Adapty's
#: examples too, where their responses name ErrorResponse.
FLAT_ERRORS = Disagreement(
    "server.flat-errors",
    "Refund Saver, Paddle, integration identifiers: ErrorResponse, and flat strings in Adapty's examples",
    flat(flat_endpoint),
    evidence=flat_examples(flat_endpoint),
)


def check(name: str, template: str, method: str, expect_status: int, **kw: Json) -> Json:
    """`harness.check` against the server-side API's spec, its flat error bodies allowed."""
    return harness.check(SERVER, name, template, method, expect_status, allow=(FLAT_401, FLAT_ERRORS), **kw)


U = "conf-user"
PID = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
BY_USER = {"adapty-customer-user-id": U}
WRONG_KEY = {"authorization": "Api-Key secret_wrong"}
GIVEN = [{"customer_user_id": U, "profile_id": PID}]


def ts(days: float) -> str:
    t = time.gmtime(time.time() + days * 86400)
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", t)


def profile_api() -> None:
    p = V2 + "/profile/"
    reset()
    full = {
        "first_name": "Jane",
        "last_name": "Doe",
        "gender": "f",
        "email": "jane.doe@example.com",
        "phone_number": "+1234567890",
        "birthday": "2000-12-31",
        "ip_country": "FR",
        "store_country": "US",
        "store": "app_store",
        "analytics_disabled": True,
        "custom_attributes": [{"key": "favourite_sport", "value": "yoga"}, {"key": "level", "value": 3}],
        "installation_meta": {
            "device_id": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
            "locale": "en",
            "platform": "iOS",
            "timezone": "Europe/Rome",
        },
    }
    check("profile.create 200", p, "POST", 200, body=full, headers=BY_USER)
    check("profile.create 401 no key", p, "POST", 401, body={}, headers=BY_USER, auth=False)
    check("profile.create 401 wrong key", p, "POST", 401, body={}, headers=dict(BY_USER, **WRONG_KEY))
    check("profile.create 200 existing", p, "POST", 200, body={"first_name": "Janet"}, headers=BY_USER)
    check(
        "profile.create 400 (undocumented)",
        p,
        "POST",
        400,
        body={"email": "not an email"},
        headers={"adapty-customer-user-id": "conf-new"},
    )
    check(
        "profile.create 409 (undocumented)",
        p,
        "POST",
        409,
        body={},
        headers={"adapty-customer-user-id": U, "adapty-profile-id": PID},
    )
    check("profile.get 200", p, "GET", 200, headers=BY_USER)
    check("profile.get 401", p, "GET", 401, headers=BY_USER, auth=False)
    check("profile.get 404", p, "GET", 404, headers={"adapty-customer-user-id": "conf-nobody"})
    check(
        "profile.update 200",
        p,
        "PATCH",
        200,
        body={"first_name": None, "custom_attributes": [{"key": "level", "value": None}]},
        headers=BY_USER,
    )
    check("profile.update 400", p, "PATCH", 400, body={"gender": "x"}, headers=BY_USER)
    check(
        "profile.update 400 parse error",
        p,
        "PATCH",
        400,
        raw=b"{not json",
        headers=dict(BY_USER, **{"content-type": "application/json"}),
    )
    check("profile.update 401", p, "PATCH", 401, body={}, headers=dict(BY_USER, **WRONG_KEY))
    check("profile.update 404", p, "PATCH", 404, body={}, headers={"adapty-customer-user-id": "conf-nobody"})
    check("profile.delete 204", p, "DELETE", 204, headers=BY_USER)
    check("profile.delete 401", p, "DELETE", 401, headers=BY_USER, auth=False)
    check("profile.delete 404", p, "DELETE", 404, headers=BY_USER)


def purchases() -> None:
    t = V2 + "/purchase/set/transaction/"
    reset(profiles=GIVEN)
    bought = ts(-1)
    sub = {
        "purchase_type": "subscription",
        "store": "app_store",
        "environment": "Sandbox",
        "store_product_id": "premium_monthly",
        "store_transaction_id": "1000000123456789",
        "store_original_transaction_id": "1000000123456789",
        "is_family_shared": False,
        "price": {"country": "US", "currency": "USD", "value": 4.99},
        "purchased_at": bought,
        "originally_purchased_at": bought,
        "expires_at": ts(29),
        "renew_status": False,
        "renew_status_changed_at": ts(0),
        "variation_id": "variation_123",
        "offer": {"category": "promotional", "type": "pay_as_you_go", "id": "promo_1"},
    }
    check("set_transaction 200 subscription", t, "POST", 200, body=sub, headers=BY_USER)
    one = {
        "purchase_type": "one_time_purchase",
        "store": "play_store",
        "store_product_id": "coins_100",
        "store_transaction_id": "GPA.1",
        "store_original_transaction_id": "GPA.1",
        "price": {"country": "DE", "currency": "EUR", "value": 0.99},
        "purchased_at": bought,
        "refunded_at": ts(0),
        "cancellation_reason": "refund",
    }
    check("set_transaction 200 one-time refunded", t, "POST", 200, body=one, headers=BY_USER)
    grace = dict(
        sub, store_transaction_id="1000000123456790", billing_issue_detected_at=ts(0), grace_period_expires_at=ts(35), offer=None
    )
    check("set_transaction 200 grace period", t, "POST", 200, body=grace, headers=BY_USER)
    check("set_transaction 400 rule", t, "POST", 400, body=dict(sub, expires_at=ts(-2)), headers=BY_USER)
    check("set_transaction 400 missing field", t, "POST", 400, body={"purchase_type": "subscription"}, headers=BY_USER)
    check(
        "set_transaction 400 profile_does_not_exist", t, "POST", 400, body=sub, headers={"adapty-customer-user-id": "conf-nobody"}
    )
    check("set_transaction 401", t, "POST", 401, body=sub, headers=BY_USER, auth=False)

    g = V2 + "/purchase/profile/grant/access-level/"
    r = V2 + "/purchase/profile/revoke/access-level/"
    control("POST", "config", {"access_levels": ["premium", "vip"]})
    check("grant 200", g, "POST", 200, body={"access_level_id": "vip", "starts_at": ts(0), "expires_at": ts(30)}, headers=BY_USER)
    check("grant 400 paid_access_level_does_not_exist", g, "POST", 400, body={"access_level_id": "gold"}, headers=BY_USER)
    check(
        "grant 400 profile_does_not_exist",
        g,
        "POST",
        400,
        body={"access_level_id": "vip"},
        headers={"adapty-customer-user-id": "conf-nobody"},
    )
    check("grant 401", g, "POST", 401, body={"access_level_id": "vip"}, headers=dict(BY_USER, **WRONG_KEY))
    check(
        "revoke 400 revocation_date_more_than_expiration_date",
        r,
        "POST",
        400,
        body={"access_level_id": "vip", "revoke_at": ts(60)},
        headers=BY_USER,
    )
    check("revoke 400 value_error", r, "POST", 400, body={"access_level_id": "vip", "revoke_at": ts(-1)}, headers=BY_USER)
    check("revoke 200", r, "POST", 200, body={"access_level_id": "vip", "revoke_at": ts(10)}, headers=BY_USER)
    reset(profiles=GIVEN)
    check(
        "revoke 400 profile_paid_access_level_does_not_exist",
        r,
        "POST",
        400,
        body={"access_level_id": "premium"},
        headers=BY_USER,
    )
    check("revoke 400 paid_access_level_does_not_exist", r, "POST", 400, body={"access_level_id": "gold"}, headers=BY_USER)
    check(
        "revoke 400 profile_does_not_exist",
        r,
        "POST",
        400,
        body={"access_level_id": "premium"},
        headers={"adapty-customer-user-id": "conf-nobody"},
    )
    check("revoke 401", r, "POST", 401, body={"access_level_id": "premium"}, headers=BY_USER, auth=False)

    s = "/api/v1/sdk/purchase/stripe/token/validate/"
    # JSON:API both ways: the spec documents only application/vnd.api+json here.
    vnd = {"content-type": "application/vnd.api+json", "accept": "application/vnd.api+json"}

    def stripe(token: str, cuid: str = "conf-stripe") -> Json:
        return {
            "data": {"type": "stripe_receipt_validation_result", "attributes": {"customer_user_id": cuid, "stripe_token": token}}
        }

    check("stripe 200", s, "POST", 200, body=stripe("sub_1MowQVLkdIwHu7ixeRlqHVzs"), headers=vnd)
    check("stripe 400 unknown object", s, "POST", 400, body=stripe("tok_visa"), headers=vnd)
    check(
        "stripe 400 missing token",
        s,
        "POST",
        400,
        body={"data": {"type": "stripe_receipt_validation_result", "attributes": {"customer_user_id": "x"}}},
        headers=vnd,
    )
    check("stripe 401", s, "POST", 401, body=stripe("sub_1"), headers=dict(vnd, **WRONG_KEY))
    check(
        "stripe 406 for Accept: application/json",
        s,
        "POST",
        406,
        body=stripe("sub_1"),
        headers=dict(vnd, accept="application/json"),
    )

    pd = V2 + "/purchase/paddle/token/validate/"
    check("paddle 200", pd, "POST", 200, body={"customer_user_id": U, "paddle_token": "sub_01hv8x"})
    check("paddle 400", pd, "POST", 400, body={"customer_user_id": U, "paddle_token": "live_7d279f61a3339fed520f7cd8c08"})
    check("paddle 401", pd, "POST", 401, body={"customer_user_id": U, "paddle_token": "txn_1"}, auth=False)


def settings() -> None:
    rs = V2 + "/purchase/profile/refund-saver/settings/"
    ii = V2 + "/integration/profile/set/integration-identifiers/"
    reset(profiles=GIVEN)
    nobody = {"adapty-customer-user-id": "conf-nobody"}
    check("refund_saver.get 200 defaults", rs, "GET", 200, headers=BY_USER)
    check("refund_saver.set 200", rs, "POST", 200, body={"custom_preference": "grant", "consent": True}, headers=BY_USER)
    check("refund_saver.set 200 one value", rs, "POST", 200, body={"consent": False}, headers={"adapty-profile-id": PID})
    check("refund_saver.get 400", rs, "GET", 400, headers=nobody)
    check("refund_saver.get 401", rs, "GET", 401, headers=dict(BY_USER, **WRONG_KEY))
    check("refund_saver.set 400 validation_error", rs, "POST", 400, body={}, headers=BY_USER)
    check("refund_saver.set 400 profile_does_not_exist", rs, "POST", 400, body={"consent": True}, headers=nobody)
    check("refund_saver.set 401", rs, "POST", 401, body={"consent": True}, headers=dict(BY_USER, **WRONG_KEY))
    check("integrations.get 200 empty", ii, "GET", 200, headers=BY_USER)
    check(
        "integrations.set 200",
        ii,
        "POST",
        200,
        body={"appsflyer_id": "1741933337626-3179568", "one_signal_subscription_id": "x"},
        headers=BY_USER,
    )
    check("integrations.get 200 set", ii, "GET", 200, headers=BY_USER)
    check("integrations.get 401", ii, "GET", 401, headers=dict(BY_USER, **WRONG_KEY))
    check("integrations.get 404", ii, "GET", 404, headers=nobody)
    check("integrations.set 400", ii, "POST", 400, body={}, headers=BY_USER)
    check("integrations.set 401", ii, "POST", 401, body={"appsflyer_id": "x"}, headers=dict(BY_USER, **WRONG_KEY))
    check("integrations.set 404", ii, "POST", 404, body={"appsflyer_id": "x"}, headers=nobody)


def paywalls() -> None:
    pw = V2 + "/paywalls/"
    one = V2 + "/paywalls/{paywall_id}/"
    reset()
    control("POST", "paywalls", {"count": 4})
    listed = check("paywalls.list 200", pw, "GET", 200, query="page=1&page_size=3")
    check("paywalls.list 200 OpenAPI parameter names", pw, "GET", 200, query="page%5Bnumber%5D=2&page%5Bsize%5D=3")
    check("paywalls.list 200 past the end", pw, "GET", 200, query="page=9&page_size=100")
    check("paywalls.list 400 page_size", pw, "GET", 400, query="page_size=101")
    check("paywalls.list 400 page", pw, "GET", 400, query="page=0")
    check("paywalls.list 401", pw, "GET", 401, headers=WRONG_KEY)
    ids = [p["paywall_id"] for p in (listed or {}).get("data", [])] or ["a1cf7850-1bb8-4151-8336-000000000001"]
    for n, pid in enumerate(ids[:3]):
        check(f"paywalls.get 200 #{n + 1}", one, "GET", 200, params={"paywall_id": pid})
    missing = {"paywall_id": "00000000-0000-4000-8000-000000000000"}
    check("paywalls.get 401", one, "GET", 401, params={"paywall_id": ids[0]}, auth=False)
    check("paywalls.get 404", one, "GET", 404, params=missing)
    configs = {"remote_configs": [{"locale": "en", "data": '{"title":"Premium Features"}'}, {"locale": "fr", "data": "{}"}]}
    check("paywalls.update 200", one, "PUT", 200, body=configs, params={"paywall_id": ids[1]})
    check("paywalls.update 400", one, "PUT", 400, body={"remote_configs": []}, params={"paywall_id": ids[1]})
    check("paywalls.update 401", one, "PUT", 401, body=configs, params={"paywall_id": ids[1]}, headers=WRONG_KEY)
    check("paywalls.update 404", one, "PUT", 404, body=configs, params=missing)


def virtual_currency() -> None:
    t = V2 + "/vc/transactions/"
    b = V2 + "/vc/balances/"
    reset(profiles=GIVEN)
    nobody = {"adapty-customer-user-id": "conf-nobody"}
    key = str(uuid.uuid4())
    credit = {
        "items": [{"currency_code": "COINS", "amount": 500}, {"currency_code": "GEMS", "amount": 20}],
        "metadata": {"reason": "promo_bonus"},
    }
    check("vc.create 200", t, "POST", 200, body=credit, headers=dict(BY_USER, **{"idempotency-key": key}))
    check("vc.create 200 replay", t, "POST", 200, body=credit, headers=dict(BY_USER, **{"idempotency-key": key}))
    check("vc.create 200 debit", t, "POST", 200, body={"items": [{"currency_code": "COINS", "amount": -10}]}, headers=BY_USER)
    for code, items in [
        ("insufficient_balance", [{"currency_code": "COINS", "amount": -100000}]),
        ("unknown_currency", [{"currency_code": "GOLD", "amount": 1}]),
        ("duplicate_currency", [{"currency_code": "COINS", "amount": 1}, {"currency_code": "COINS", "amount": 1}]),
        ("amount_zero", [{"currency_code": "COINS", "amount": 0}]),
        ("balance_overflow", [{"currency_code": "COINS", "amount": 2147483647}]),
        ("empty_items", []),
    ]:
        check(f"vc.create 400 {code}", t, "POST", 400, body={"items": items}, headers=BY_USER)
    check(
        "vc.create 400 idempotency_key_invalid",
        t,
        "POST",
        400,
        body=credit,
        headers=dict(BY_USER, **{"idempotency-key": "not-a-uuid"}),
    )
    check("vc.create 401", t, "POST", 401, body=credit, headers=BY_USER, auth=False)
    check("vc.create 404", t, "POST", 404, body=credit, headers=nobody)
    many = {"items": [{"currency_code": f"C{n}", "amount": 1} for n in range(21)]}
    check("vc.create 422 too many items", t, "POST", 422, body=many, headers=BY_USER)
    check(
        "vc.create 422 metadata",
        t,
        "POST",
        422,
        body={"items": [{"currency_code": "COINS", "amount": 1}], "metadata": {"Bad Key": "x"}},
        headers=BY_USER,
    )
    check("vc.history 200", t, "GET", 200, headers=BY_USER, query="limit=2")
    check("vc.history 200 filtered", t, "GET", 200, headers=BY_USER, query="currency_code=GEMS")
    check("vc.history 400 invalid_cursor", t, "GET", 400, headers=BY_USER, query="cursor=bm90LWEtY3Vyc29y")
    check("vc.history 422 limit (undocumented)", t, "GET", 422, headers=BY_USER, query="limit=101")
    check("vc.history 401", t, "GET", 401, headers=dict(BY_USER, **WRONG_KEY))
    check("vc.history 404", t, "GET", 404, headers=nobody)
    check("vc.balances 200", b, "GET", 200, headers=BY_USER)
    check("vc.balances 401", b, "GET", 401, headers=BY_USER, auth=False)
    check("vc.balances 404", b, "GET", 404, headers=nobody)

    # 409: a second request with the key of one still running.
    control("POST", "config", {"vc_processing_delay_ms": 1500})
    key = str(uuid.uuid4())
    first = threading.Thread(target=http, args=("POST", t, credit, dict(BY_USER, **{"idempotency-key": key})))
    first.start()
    time.sleep(0.3)
    check("vc.create 409 idempotency_in_flight", t, "POST", 409, body=credit, headers=dict(BY_USER, **{"idempotency-key": key}))
    first.join()
    control("POST", "config", {"vc_processing_delay_ms": 0})

    control("POST", "config", {"vc_enabled": False})
    check("vc.create 403", t, "POST", 403, body=credit, headers=BY_USER)
    check("vc.history 403", t, "GET", 403, headers=BY_USER)
    check("vc.balances 403", b, "GET", 403, headers=BY_USER)
    control("POST", "config", {"vc_enabled": True, "vc_rate_limit_per_minute": 1})
    http("GET", b, headers=BY_USER)
    check("vc.create 429", t, "POST", 429, body=credit, headers=BY_USER)


def main() -> None:
    for group in (
        profile_api,
        purchases,
        settings,
        paywalls,
        virtual_currency,
        *web.GROUPS,
        *mail.GROUPS,
        *export.GROUPS,
        *routing.GROUPS,
    ):
        try:
            group()
        except Exception as e:  # noqa: BLE001 - a group that stops is a failed check, and the others still run
            harness.REPORT.check(f"{group.__module__}.{group.__name__} ran to its end", False, f"{type(e).__name__}: {e}")
    harness.finish(sys.argv[2] if len(sys.argv) > 2 and sys.argv[1] == "--junit" else None)


if __name__ == "__main__":
    main()
