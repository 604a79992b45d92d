"""The Web API (`/api/v2/web-api/`, the public `Api-Key`) against tests/spec/adapty-web-api.openapi.yaml:
each of its 3 operations' success and documented errors (400 `parse_error`, `datetime`, `enum`;
401; 404 `VARIATION_DOES_NOT_EXIST_ERROR` and `profile_does_not_exist`)."""

from collections.abc import Callable

import harness
from harness import Disagreement, Doc, Json, Spec, control, reset, schemas

WEB = "/api/v2/web-api"
PAYWALL = WEB + "/paywall/"
VISIT = WEB + "/paywall/visit/"
ATTRIBUTION = WEB + "/attribution/"
ERROR_SCHEMAS = (
    "ParseError",
    "UnauthorizedError",
    "VariationIdNotFoundError",
    "InvalidDateFormatError",
    "InvalidEnumerationMemberError",
    "ProfileNotFoundError",
)


def nullable_source(doc: Doc) -> None:
    for name in ERROR_SCHEMAS:
        schemas(doc)[name]["properties"]["errors"]["items"]["properties"]["source"]["nullable"] = True


def no_body_for_201(doc: Doc) -> None:
    for path in (VISIT, ATTRIBUTION):
        del doc["paths"][path]["post"]["responses"]["201"]["content"]


def nested(code: str, status: int, message: str, source: str | None = None) -> Json:
    return {"errors": [{"source": source, "errors": [message]}], "error_code": code, "status_code": status}


#: The six error schemas type `source` as a string; Adapty's Web API pages (the ParseError,
#: VariationIdNotFound and ProfileResponseNotFound snippets, adapty-other-apis.md §2.3 and §5 A)
#: show `"source": null` for an error that concerns no field, and the emulator answers so.
NULL_SOURCE = Disagreement(
    "web.null-source",
    "the error schemas type `source` as a string; Adapty's Web API examples send null",
    nullable_source,
    evidence=(
        (
            "ParseError.md",
            PAYWALL,
            "POST",
            400,
            nested("parse_error", 400, "JSON parse error - Expecting ',' delimiter: line 4 column 3 (char 67)"),
        ),
        (
            "VariationIdNotFound.md",
            PAYWALL,
            "POST",
            404,
            nested("VARIATION_DOES_NOT_EXIST_ERROR", 404, "Variation for example_onboarding does not exist."),
        ),
        ("ProfileResponseNotFound.md", VISIT, "POST", 404, nested("profile_does_not_exist", 404, "Profile not found")),
    ),
)

#: The two 201s declare an `application/json` object, described "Empty response body"; the
#: attribution one says "The response body is blank". The emulator sends a 201 with no body.
BLANK_201 = Disagreement(
    "web.blank-201",
    "the 201s declare an application/json object described as an empty/blank body; the emulator sends no body",
    no_body_for_201,
)

SPEC = Spec.load("adapty-web-api.openapi.yaml", "ParseError")
ALLOW = (NULL_SOURCE, BLANK_201)
USER = "conf-web"
PID = "6f1c0c7e-2c43-4a8e-9d4b-1d6a3c9b2e10"
NOBODY = {"customer_user_id": "conf-nobody"}


def check(name: str, template: str, expect_status: int, **kw: Json) -> Json:
    """`harness.check` of a POST against the Web API's spec (the public key is any `Api-Key`)."""
    headers = {"authorization": "Api-Key public_live_conformance", **kw.pop("headers", {})}
    return harness.check(SPEC, name, template, "POST", expect_status, headers=headers, allow=ALLOW, **kw)


def setup() -> None:
    reset(profiles=[{"customer_user_id": USER, "profile_id": PID}])


def get_paywall() -> str:
    """The getPaywall checks; the variation id the placement answered."""
    setup()
    asked = {"store": "app_store", "placement_id": "premium", "customer_user_id": USER}
    shown = check("web.paywall 200", PAYWALL, 200, body=asked)
    check(
        "web.paywall 200 by profile_id, locale",
        PAYWALL,
        200,
        body={"store": "stripe", "placement_id": "premium", "profile_id": PID, "locale": "en"},
    )
    decorated = decorate_placement()
    check("web.paywall 200 A/B test, remote config", PAYWALL, 200, body=dict(asked, placement_id=decorated, locale="fr-CA"))
    check(
        "web.paywall 400 parse_error",
        PAYWALL,
        400,
        raw=b'{"store": "app_store"\n "placement_id": 1}',
        headers={"content-type": "application/json"},
        code="parse_error",
    )
    check("web.paywall 400 missing placement_id", PAYWALL, 400, body={"store": "app_store", "customer_user_id": USER})
    check("web.paywall 401", PAYWALL, 401, body=asked, headers={"authorization": None}, code="not_authenticated")
    check(
        "web.paywall 401 Bearer",
        PAYWALL,
        401,
        body=asked,
        headers={"authorization": "Bearer public_live_x"},
        code="not_authenticated",
    )
    missing = dict(asked, placement_id="example_onboarding")
    check("web.paywall 404 VARIATION_DOES_NOT_EXIST_ERROR", PAYWALL, 404, body=missing, code="VARIATION_DOES_NOT_EXIST_ERROR")
    check("web.paywall 404 profile_does_not_exist", PAYWALL, 404, body=dict(asked, **NOBODY), code="profile_does_not_exist")
    variation: str = (shown or {}).get("variation_id", "00000000-0000-0000-0000-000000000000")
    return variation


def decorate_placement() -> str:
    """A placement with an A/B test, over a paywall with remote configs; its id."""
    paywall = control("GET", "config")["placements"][0]["paywall_id"]
    configs = {"remote_configs": [{"locale": "en", "data": '{"title":"Premium"}'}, {"locale": "fr", "data": "{}"}]}
    harness.http("PUT", f"/api/v2/server-side-api/paywalls/{paywall}/", body=configs)
    placements = control("GET", "config")["placements"]
    extra = dict(placements[0], developer_id="conf_ab", name="A/B", ab_test_name="Monthly A/B")
    control("POST", "config", {"placements": [*placements, extra]})
    return "conf_ab"


def record_view(variation: str) -> None:
    seen = {"store": "app_store", "variation_id": variation, "customer_user_id": USER}
    check("web.visit 201", VISIT, 201, body=dict(seen, visited_at="2024-08-24T14:15:22Z"))
    check(
        "web.visit 201 by profile_id, now", VISIT, 201, body={"store": "play_store", "variation_id": variation, "profile_id": PID}
    )
    check("web.visit 400 datetime", VISIT, 400, body=dict(seen, visited_at="yesterday"), code="datetime")
    check("web.visit 401", VISIT, 401, body=seen, headers={"authorization": None}, code="not_authenticated")
    check("web.visit 404 profile_does_not_exist", VISIT, 404, body=dict(seen, **NOBODY), code="profile_does_not_exist")


def add_attribution() -> None:
    full = {
        "status": "organic",
        "attribution_user_id": "attribution_user_id_value",
        "channel": "marketing_channel_value",
        "campaign": "campaign_name_value",
        "ad_group": "ad_group_name_value",
        "ad_set": "ad_set_name_value",
        "creative": "creative_name_value",
        "customer_user_id": USER,
    }
    check("web.attribution 201", ATTRIBUTION, 201, body=full)
    check("web.attribution 201 by profile_id", ATTRIBUTION, 201, body={"status": "non_organic", "profile_id": PID})
    check("web.attribution 400 enum", ATTRIBUTION, 400, body=dict(full, status="non-organic"), code="enum")
    check("web.attribution 401", ATTRIBUTION, 401, body=full, headers={"authorization": None}, code="not_authenticated")
    check(
        "web.attribution 404 profile_does_not_exist", ATTRIBUTION, 404, body=dict(full, **NOBODY), code="profile_does_not_exist"
    )


def web_api() -> None:
    record_view(get_paywall())
    add_attribution()


GROUPS: tuple[Callable[[], None], ...] = (web_api,)
