"""What the generated exception classes (`_generated/exceptions.py`) stand on: the base class, the
attributes each kind of error carries, and building one from the core's error description."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

FieldError = dict[str, Any]
"""One entry of an error body: `{"source": str | None, "errors": list[str]}`."""


class AdaptyError(Exception):
    """Base of every error the SDK raises."""

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.__dict__.update(details)

    def __reduce__(self) -> tuple[Any, ...]:
        details = {k: v for k, v in self.__dict__.items() if k != "message"}
        return (_rebuild, (type(self), self.message, details))


def _rebuild(cls: type[AdaptyError], message: str, details: dict[str, Any]) -> AdaptyError:
    return cls(message, **details)


class _ValidationFields:
    """The attributes of a validation error."""

    field: str
    """Dotted path of the value, e.g. `installation_meta.platform`."""
    rule: str
    """The rule it broke: required, enum, format, max_length, count, range, unique, not_null, type, conflict."""
    error_code: str | None = None
    """The `error_code` Adapty answers the same mistake with (e.g. `expires_date_error`), if it has one."""


class _StatusFields:
    """The attributes of an error status the API answered with."""

    status_code: int
    error_code: str | None
    """Adapty's `error_code`, e.g. `profile_does_not_exist`."""
    errors: list[FieldError]
    request_id: str | None
    body: str
    """The raw response body."""
    retry_after: float | None
    """Seconds the server asked to wait (`Retry-After`), if it said."""


class _PayloadFields:
    """The attributes of a webhook payload error."""

    field: str
    """Dotted path of the wrong value, e.g. `event_properties.price_usd` (`body` for the whole body)."""


def from_core(
    info: Mapping[str, Any], classes: Mapping[str, type[AdaptyError]], rule_classes: Mapping[str, type[AdaptyError]]
) -> AdaptyError:
    """The exception for the core's error description `info` (`Error::to_json`): the class of its
    `api_kind` or `kind` in `classes`, or for a validation error the class of its `rule`."""
    kind = info["kind"]
    message = info["message"]
    if kind == "validation":
        cls = rule_classes.get(info["rule"], classes[kind])
        return cls(message, field=info["field"], rule=info["rule"], error_code=info.get("error_code"))
    if kind == "api":
        return classes.get(info["api_kind"], classes[kind])(
            message,
            status_code=info["status"],
            error_code=info["error_code"],
            errors=info["errors"],
            request_id=info["request_id"],
            body=info["body"],
            retry_after=info["retry_after"],
        )
    if kind == "webhook_payload":
        return classes[kind](message, field=info["field"])
    return classes.get(kind, AdaptyError)(message)
