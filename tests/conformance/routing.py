"""What no spec covers: a path no API serves answers a JSON 404, a method a path does not take a
JSON 405 (in the nested envelope of Adapty's framework, never an empty body), under every API's
prefix; and the legacy `/api/v1/sdk/` API, which has no spec, answers with the profile
adapty-other-apis.md §1.4.1 shows (its fields and types, written out here by hand)."""

import base64
import json
from collections.abc import Callable

import harness
import jsonschema
from harness import FORMATS, Answer, Json, http, reset

#: The nested envelope, as the server-side spec's ErrorResponse has it (source nullable).
ENVELOPE = {
    "type": "object",
    "required": ["errors", "error_code", "status_code"],
    "additionalProperties": False,
    "properties": {
        "errors": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["source", "errors"],
                "additionalProperties": False,
                "properties": {"source": {"type": ["string", "null"]}, "errors": {"type": "array", "items": {"type": "string"}}},
            },
        },
        "error_code": {"type": "string"},
        "status_code": {"type": "integer"},
    },
}

UNKNOWN_PATHS = (
    ("GET", "/api/v2/server-side-api/nothing-here/"),
    ("POST", "/api/v2/web-api/nothing-here/"),
    ("POST", "/api/v1/profile/nothing-here/"),
    ("POST", "/api/v1/client-api/metrics/nothing-here/"),
    ("GET", "/api/v1/sdk/nothing-here/"),
    ("GET", "/"),
)
WRONG_METHODS = (
    ("DELETE", "/api/v2/server-side-api/paywalls/"),
    ("GET", "/api/v2/server-side-api/purchase/set/transaction/"),
    ("GET", "/api/v2/web-api/paywall/"),
    ("GET", "/api/v1/profile/save/"),
    ("GET", "/api/v1/client-api/metrics/analytics/"),
    ("GET", "/api/v1/client-api/exports/placements/"),
    ("PUT", "/api/v1/sdk/profiles/"),
    ("GET", "/api/v1/sdk/purchase/stripe/token/validate/"),
)


def judge(name: str, answer: Answer, expect_status: int, schema: Json) -> Json:
    """Records whether `answer` has the status and a JSON body that `schema` accepts."""
    problems = [] if answer.status == expect_status else [f"status {answer.status}, expected {expect_status}"]
    if not answer.header("content-type").startswith("application/json"):
        problems.append(f"Content-Type {answer.header('content-type')!r}, not application/json")
    parsed = None
    try:
        parsed = json.loads(answer.body)
    except ValueError:
        problems.append(f"body is not JSON: {answer.body[:200]!r}")
    else:
        validator = jsonschema.Draft202012Validator(schema, format_checker=FORMATS)
        found = sorted(validator.iter_errors(parsed), key=lambda e: list(e.absolute_path))
        problems += [f"{'/'.join(str(p) for p in e.absolute_path) or '(root)'}: {e.message[:300]}" for e in found]
        if isinstance(parsed, dict) and parsed.get("status_code") not in (None, answer.status):
            problems.append(f"the body's status_code {parsed['status_code']} differs from the HTTP status {answer.status}")
    harness.REPORT.check(name, not problems, "\n".join(problems[:12]))
    return parsed


def unknown_routes() -> None:
    anything = {"accept": "*/*"}
    for method, path in UNKNOWN_PATHS:
        sent = Answer(*http(method, path, body={} if method == "POST" else None, headers=anything))
        judge(f"routing 404 {method} {path}", sent, 404, ENVELOPE)
    for method, path in WRONG_METHODS:
        judge(f"routing 405 {method} {path}", Answer(*http(method, path, headers=anything)), 405, ENVELOPE)


# ---------------------------------------------------------------------------------------------
# The legacy API: its profile as §1.4.1's sample response and §1.5's tables give it

V1_TIME = {"type": ["string", "null"], "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}\+0000$"}
NULLABLE_TEXT = {"type": ["string", "null"]}
OFFER_TYPE = {"enum": ["free_trial", "pay_as_you_go", "pay_up_front", None]}


def closed(properties: dict[str, Json]) -> Json:
    """An object with exactly these properties, all present."""
    return {"type": "object", "required": list(properties), "additionalProperties": False, "properties": properties}


ACCESS = {
    "is_active": {"type": "boolean"},
    "is_lifetime": {"type": "boolean"},
    "expires_at": V1_TIME,
    "starts_at": V1_TIME,
    "will_renew": {"type": "boolean"},
    "vendor_product_id": NULLABLE_TEXT,
    "base_plan_id": NULLABLE_TEXT,
    "vendor_transaction_id": NULLABLE_TEXT,
    "vendor_original_transaction_id": NULLABLE_TEXT,
    "store": {"type": "string"},
    "activated_at": V1_TIME,
    "renewed_at": V1_TIME,
    "unsubscribed_at": V1_TIME,
    "billing_issue_detected_at": V1_TIME,
    "is_in_grace_period": {"type": "boolean"},
    "active_introductory_offer_type": OFFER_TYPE,
    "active_promotional_offer_type": OFFER_TYPE,
    "active_promotional_offer_id": NULLABLE_TEXT,
    "cancellation_reason": NULLABLE_TEXT,
}
NON_SUBSCRIPTION = closed(
    {
        "purchase_id": {"type": "string"},
        "vendor_product_id": {"type": "string"},
        "vendor_transaction_id": NULLABLE_TEXT,
        "vendor_original_transaction_id": NULLABLE_TEXT,
        "store": {"type": "string"},
        "purchased_at": V1_TIME,
        "is_one_time": {"type": "boolean"},
        "is_sandbox": {"type": "boolean"},
    }
)
PROFILE_FIELDS = {
    "app_id": {"type": "string", "format": "uuid"},
    "profile_id": {"type": "string", "format": "uuid"},
    "customer_user_id": NULLABLE_TEXT,
    "paid_access_levels": {"type": ["object", "null"], "additionalProperties": closed({"id": {"type": "string"}, **ACCESS})},
    "subscriptions": {"type": ["object", "null"], "additionalProperties": closed({**ACCESS, "is_sandbox": {"type": "boolean"}})},
    "non_subscriptions": {"type": ["object", "null"], "additionalProperties": {"type": "array", "items": NON_SUBSCRIPTION}},
    # §1.5's Profile table has these two; the §1.4.1 sample does not (§7 point 6): optional.
    "custom_attributes": {"type": ["object", "null"], "additionalProperties": {"type": ["string", "number"]}},
    "total_revenue_usd": {"type": "number"},
}
OPTIONAL = ("custom_attributes", "total_revenue_usd")
#: What `extended` adds (§1.4.4): `created_at`, and these, each nullable.
EXTENDED = (
    "email phone_number att_status first_name last_name username gender birthday idfa idfv advertising_id appsflyer_id "
    "amplitude_user_id amplitude_device_id mixpanel_user_id appmetrica_profile_id appmetrica_device_id facebook_anonymous_id"
).split()


def legacy_profile(extended: bool = False) -> Json:
    """The legacy answer `{"data": profile}` as JSON Schema."""
    fields = dict(PROFILE_FIELDS)
    if extended:
        fields.update({name: {"type": ["string", "number", "null"]} for name in EXTENDED})
        fields["created_at"] = {**V1_TIME, "type": "string"}
    data = closed(fields)
    data["required"] = [f for f in fields if f not in OPTIONAL]
    return closed({"data": data})


SDK = "/api/v1/sdk"
USER = "conf/legacy+1"
ENCODED = base64.urlsafe_b64encode(USER.encode()).decode()
BY_B64 = "is_user_id_base64url_encoded=1"
GRANT = {
    "starts_at": "2020-01-15T15:10:36.517975+0000",
    "expires_at": "2099-02-15T15:10:36.517975+0000",
    "vendor_product_id": "basic_subscription_1_month",
    "vendor_transaction_id": "1000000630116569",
    "store": "app_store",
    "introductory_offer_type": None,
}


def legacy(
    name: str, method: str, path: str, expect: int, body: Json = None, query: str | None = None, extended: bool = False
) -> Json:
    schema = legacy_profile(extended) if expect < 300 else ENVELOPE
    return judge(f"legacy.{name} {expect}", Answer(*http(method, SDK + path, body=body, query=query)), expect, schema)


def legacy_api() -> None:
    reset(config={"access_levels": ["premium", "vip"]})
    legacy("create", "POST", "/profiles/", 200, body={"customer_user_id": USER, "email": "legacy@example.com"})
    created = legacy("get by Base64URL id", "GET", f"/profiles/{ENCODED}/", 200, query=BY_B64) or {}
    pid = (created.get("data") or {}).get("profile_id", "00000000-0000-4000-8000-000000000000")
    legacy("get extended", "GET", f"/profiles/{pid}/", 200, query="extended=1", extended=True)
    attributes = {"phone_number": "+18003330000", "custom_attributes": {"grade": 10, "favorite_topic": "sports"}}
    legacy("set attributes", "PATCH", f"/profiles/{pid}/", 200, body=attributes)
    legacy("grant", "POST", f"/profiles/{pid}/paid-access-levels/premium/grant/", 200, body=GRANT)
    legacy(
        "grant duration_days",
        "POST",
        f"/profiles/{ENCODED}/paid-access-levels/vip/grant/",
        200,
        body={"duration_days": 7},
        query=BY_B64,
    )
    legacy("revoke", "POST", f"/profiles/{pid}/paid-access-levels/vip/revoke/", 200, body={"is_refund": True})
    legacy("get 404", "GET", "/profiles/conf-nobody/", 404)
    legacy("get 400 not Base64URL", "GET", "/profiles/not+base64/", 400, query=BY_B64)
    judge("legacy.get 401", Answer(*http("GET", f"{SDK}/profiles/{pid}/", auth=False)), 401, ENVELOPE)
    delete = Answer(*http("DELETE", f"{SDK}/profiles/{pid}/delete"))
    harness.REPORT.check(
        "legacy.delete 204", delete.status == 204 and not delete.body.strip(), f"{delete.status} {delete.body[:200]!r}"
    )
    legacy("get after delete", "GET", f"/profiles/{pid}/", 404)


GROUPS: tuple[Callable[[], None], ...] = (unknown_routes, legacy_api)
