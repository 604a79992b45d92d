"""Receiving Adapty's webhooks: check the `Authorization` header, then read the event.

Adapty signs nothing: it sends the value you configure for the webhook as the `Authorization`
header, unchanged. `construct_event` compares it with your secret in constant time (a missing or
different header raises `WebhookAuthorizationError` without reading the body), then reads the body
into a typed `WebhookEvent` (a body that is not an event raises `WebhookPayloadError`, naming the
field). Answer 2xx to events you accept and to the verification request Adapty sends when the
webhook is saved (`event.is_verification`), 401 to an authorization error. Adapty retries on any
status outside 200-404 and after 10 s without an answer, at least once per event: deduplicate by
`event.properties.profile_event_id`.

    from adapty_server import webhooks

    event = webhooks.construct_event(body, request.headers.get("Authorization"), SECRET)
    if event.type == "access_level_updated":
        ...  # event.properties is an AccessLevelUpdatedProperties
"""

from __future__ import annotations

from collections.abc import Mapping

from . import _native
from ._generated.exceptions import AdaptyError, WebhookAuthorizationError, WebhookPayloadError
from ._generated.models import AccessLevelUpdatedProperties, EventProperties, WebhookEvent, WebhookEventType

__all__ = [
    "construct_event",
    "parse_event",
    "WebhookEvent",
    "WebhookEventType",
    "EventProperties",
    "AccessLevelUpdatedProperties",
    "AdaptyError",
    "WebhookAuthorizationError",
    "WebhookPayloadError",
]

Body = bytes | bytearray | memoryview | str


def construct_event(
    body: Body, authorization: str | None, secret: str, *, event_names: Mapping[str, WebhookEventType] | None = None
) -> WebhookEvent:
    """The webhook request's event, after checking its `Authorization` header against `secret`.

    Args:
        body: The request body as received (bytes, or text).
        authorization: The request's `Authorization` header, None if it had none.
        secret: The value configured as the webhook's Authorization header in Adapty.
        event_names: Names you gave events in Adapty's webhook settings, mapped to Adapty's
            types (e.g. `{"purchase": "subscription_started"}`); any other unknown name reads
            as type `"unknown"`, the name kept in `raw_type`.

    Raises:
        WebhookAuthorizationError: The header is missing or is not `secret` (answer 401).
        WebhookPayloadError: The body is not an event; `field` names the wrong value.
    """
    if not isinstance(body, (bytes, bytearray, memoryview, str)):
        # A request that is not Adapty's is refused for its header first, whatever its body.
        _native.webhook_event(b"", authorization, secret)
    return WebhookEvent.from_dict(_native.webhook_event(_bytes(body), authorization, secret, _names(event_names)))


def parse_event(body: Body, *, event_names: Mapping[str, WebhookEventType] | None = None) -> WebhookEvent:
    """The webhook request's event, without checking who sent it: for a webhook configured
    without an Authorization value, and for tests. Raises `WebhookPayloadError` as
    `construct_event` does."""
    return WebhookEvent.from_dict(_native.webhook_event(_bytes(body), None, None, _names(event_names)))


def _bytes(body: Body) -> bytes:
    if isinstance(body, str):
        return body.encode()
    if isinstance(body, (bytes, bytearray, memoryview)):
        return bytes(body)
    raise TypeError(f"body must be bytes or str, got {type(body).__name__}")


def _names(event_names: Mapping[str, WebhookEventType] | None) -> dict[str, str] | None:
    return None if event_names is None else dict(event_names)
