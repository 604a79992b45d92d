"""The exceptions every operation raises, built from the core's errors.

AdaptyError
├── ValidationError (also ValueError)         refused before any request; `field`, `rule`
│   └── ValidationTypeError (also TypeError)  a value of the wrong type
├── APIConnectionError                        no response
│   └── APITimeoutError
└── APIStatusError                            the API answered with an error status
    ├── BadRequestError (400)
    ├── AuthenticationError (401)
    ├── PermissionDeniedError (403)
    ├── NotFoundError (404)
    ├── ConflictError (409)
    ├── UnprocessableEntityError (422)
    ├── RateLimitError (429)                  `retry_after`
    └── InternalServerError (5xx)
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "AdaptyError",
    "ValidationError",
    "ValidationTypeError",
    "APIConnectionError",
    "APITimeoutError",
    "APIStatusError",
    "BadRequestError",
    "AuthenticationError",
    "PermissionDeniedError",
    "NotFoundError",
    "ConflictError",
    "UnprocessableEntityError",
    "RateLimitError",
    "InternalServerError",
    "FieldError",
]

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


class ValidationError(AdaptyError, ValueError):
    """A value was refused before any request was sent."""

    field: str
    """Dotted path of the value, e.g. `installation_meta.platform`."""
    rule: str
    """The rule it broke: required, enum, format, max_length, count, range, unique, not_null, type, conflict."""
    error_code: str | None = None
    """The `error_code` Adapty answers the same mistake with (e.g. `expires_date_error`), if it has one."""


class ValidationTypeError(ValidationError, TypeError):
    """A value of the wrong type (a number where text is expected, ...)."""


class APIConnectionError(AdaptyError):
    """The connection failed or broke before a response arrived."""


class APITimeoutError(APIConnectionError):
    """No complete response within the timeout."""


class APIStatusError(AdaptyError):
    """The API answered with an error status."""

    status_code: int
    error_code: str | None
    """Adapty's `error_code`, e.g. `profile_does_not_exist`."""
    errors: list[FieldError]
    request_id: str | None
    body: str
    """The raw response body."""
    retry_after: float | None
    """Seconds the server asked to wait (`Retry-After`), if it said."""


class BadRequestError(APIStatusError):
    """400."""


class AuthenticationError(APIStatusError):
    """401: the key is missing or wrong."""


class PermissionDeniedError(APIStatusError):
    """403."""


class NotFoundError(APIStatusError):
    """404, e.g. `profile_does_not_exist`."""


class ConflictError(APIStatusError):
    """409."""


class UnprocessableEntityError(APIStatusError):
    """422."""


class RateLimitError(APIStatusError):
    """429; `retry_after` says how long the server asked to wait."""


class InternalServerError(APIStatusError):
    """5xx."""


_BY_API_KIND: dict[str, type[APIStatusError]] = {
    "bad_request": BadRequestError,
    "authentication": AuthenticationError,
    "permission_denied": PermissionDeniedError,
    "not_found": NotFoundError,
    "conflict": ConflictError,
    "unprocessable_entity": UnprocessableEntityError,
    "rate_limit": RateLimitError,
    "internal_server": InternalServerError,
}


def _from_core(info: dict[str, Any]) -> AdaptyError:
    """The exception for an error description made by the native module."""
    kind = info["kind"]
    message = info["message"]
    if kind == "validation":
        cls: type[AdaptyError] = ValidationTypeError if info["rule"] == "type" else ValidationError
        return cls(message, field=info["field"], rule=info["rule"], error_code=info.get("error_code"))
    if kind == "api":
        api_cls = _BY_API_KIND.get(info["api_kind"], APIStatusError)
        return api_cls(
            message,
            status_code=info["status"],
            error_code=info["error_code"],
            errors=info["errors"],
            request_id=info["request_id"],
            body=info["body"],
            retry_after=info["retry_after"],
        )
    if kind == "timeout":
        return APITimeoutError(message)
    if kind == "connection":
        return APIConnectionError(message)
    return AdaptyError(message)
