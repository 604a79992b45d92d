"""The Mail API (`/api/v1/profile/...`, `Authorization: Bearer <key>`) against
tests/spec/adapty-mail-api.openapi.yaml: each of its 3 operations' success (200 `{}`, 204) and
documented errors (400 `base_error`, `missing_identifier`; 403; 404)."""

from collections.abc import Callable

import harness
from harness import Disagreement, Doc, Json, Spec, reset, schemas

SAVE = "/api/v1/profile/save/"
DELETE = "/api/v1/profile/delete/"
EVENT = "/api/v1/profile/transaction-event/save/"


def nullable_field_name(doc: Doc) -> None:
    schemas(doc)["Errors"]["properties"]["errors"]["items"]["properties"]["field_name"]["nullable"] = True


#: `Errors.field_name` is typed a string, but described "or `null` if the error isn't
#: field-specific", and every example of the spec's but the 400s has `field_name: null`.
NULL_FIELD_NAME = Disagreement(
    "mail.null-field-name",
    "Errors.field_name is typed a string; the spec's own examples and description give null",
    nullable_field_name,
    evidence=(
        (
            "adapty-mail-api.openapi.yaml, the 403 example of saveProfile",
            SAVE,
            "POST",
            403,
            {
                "errors": [
                    {
                        "message": "Secret key doesn't exist",
                        "error_code": "secret_key_does_not_exist_error",
                        "status_code": 403,
                        "field_name": None,
                    }
                ]
            },
        ),
    ),
)

SPEC = Spec.load("adapty-mail-api.openapi.yaml", "Errors")
PROFILE = {
    "external_profile_id": "user_12345",
    "external_created_at": "2026-06-01T10:30:00Z",
    "email": "jane@example.com",
    "country": "US",
    "custom_attributes": {"plan": "trial"},
}
EVENT_BODY = {
    "event_type": "subscription_started",
    "event_id": "evt_abc123",
    "event_datetime": "2026-06-10T14:20:05Z",
    "external_profile_id": "user_12345",
    "store": "app_store",
    "store_product_id": "premium_monthly",
    "store_transaction_id": "1000000123456789",
    "store_original_transaction_id": "1000000123456789",
    "purchased_at": "2026-06-10T14:20:00Z",
    "originally_purchased_at": "2026-06-10T14:20:00Z",
    "price_usd": "9.99",
    "expires_at": "2026-07-10T14:20:00Z",
}
NO_KEY = {"authorization": None}
API_KEY_FORM = {"authorization": f"Api-Key {harness.KEY}"}


def check(name: str, template: str, expect_status: int, **kw: Json) -> Json:
    """`harness.check` of a POST against the Mail API's spec, with a `Bearer` key."""
    headers = {"authorization": "Bearer secret_live_conformance", **kw.pop("headers", {})}
    return harness.check(SPEC, name, template, "POST", expect_status, headers=headers, allow=(NULL_FIELD_NAME,), **kw)


def save_profile() -> None:
    full = dict(
        PROFILE,
        customer_user_id="conf-mail",
        first_name="Jane",
        last_name="Doe",
        gender="female",
        birthday="1990-05-21",
        store_country="US",
        device_info={
            "platform": "iOS",
            "device": "iPhone15,2",
            "os": "17.5",
            "locale": "en-US",
            "timezone": "America/New_York",
            "app_version": "3.1.0",
        },
    )
    check("mail.save 200", SAVE, 200, body=PROFILE, exactly={})
    check("mail.save 200 every field, again", SAVE, 200, body=full, exactly={})
    missing = {k: v for k, v in PROFILE.items() if k != "email"}
    check("mail.save 400 base_error", SAVE, 400, body=dict(missing, external_profile_id="user_2"), code="base_error")
    check("mail.save 400 base_error bad date", SAVE, 400, body=dict(PROFILE, external_created_at="June"), code="base_error")
    check("mail.save 403 no key", SAVE, 403, body=PROFILE, headers=NO_KEY, code="secret_key_does_not_exist_error")
    check("mail.save 403 Api-Key form", SAVE, 403, body=PROFILE, headers=API_KEY_FORM, code="secret_key_does_not_exist_error")


def transaction_event() -> None:
    check("mail.event 200", EVENT, 200, body=EVENT_BODY, exactly={})
    before = dict(
        EVENT_BODY,
        event_id="evt_2",
        external_profile_id="user_later",
        offer={"category": "introductory", "offer_type": "free_trial"},
    )
    check("mail.event 200 before its profile", EVENT, 200, body=before, exactly={})
    missing = {k: v for k, v in EVENT_BODY.items() if k != "event_type"}
    check("mail.event 400 base_error", EVENT, 400, body=missing, code="base_error")
    check("mail.event 400 base_error event_type", EVENT, 400, body=dict(EVENT_BODY, event_type="bought"), code="base_error")
    check(
        "mail.event 403",
        EVENT,
        403,
        body=EVENT_BODY,
        headers={"authorization": "Bearer "},
        code="secret_key_does_not_exist_error",
    )


def delete_profile() -> None:
    check("mail.delete 204", DELETE, 204, body={"external_profile_id": "user_12345"})
    check("mail.delete 204 again", DELETE, 204, body={"external_profile_id": "user_12345"})
    check("mail.save 200 after erasure", SAVE, 200, body=dict(PROFILE, external_profile_id="user_3", email="three@example.com"))
    check("mail.delete 204 by email", DELETE, 204, body={"email": "three@example.com"})
    check("mail.delete 404 by email again", DELETE, 404, body={"email": "three@example.com"}, code="profile_not_found_error")
    check("mail.delete 404", DELETE, 404, body={"customer_user_id": "conf-nobody"}, code="profile_not_found_error")
    check("mail.delete 400 missing_identifier", DELETE, 400, body={}, code="missing_identifier")
    check("mail.delete 403", DELETE, 403, body={"email": "x@example.com"}, headers=NO_KEY, code="secret_key_does_not_exist_error")


def mail_api() -> None:
    reset()
    save_profile()
    transaction_event()
    delete_profile()


GROUPS: tuple[Callable[[], None], ...] = (mail_api,)
