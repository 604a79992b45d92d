"""Conversions shared by the generated models (`_models.py`)."""

from __future__ import annotations

import datetime as _dt
import re

_FRACTION = re.compile(r"(\.\d{6})\d+")


class Model:
    """Base of every model: frozen dataclasses with `from_dict` and `to_dict`."""

    __slots__ = ()


def datetime_from_json(text: str) -> _dt.datetime:
    """Parses the core's RFC 3339 text (it writes `Z` for UTC) into an aware datetime."""
    text = _FRACTION.sub(r"\1", text)
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    return _dt.datetime.fromisoformat(text)


def datetime_to_json(value: _dt.datetime) -> str:
    return value.isoformat()


def date_from_json(text: str) -> _dt.date:
    return _dt.date.fromisoformat(text)


def date_to_json(value: _dt.date) -> str:
    return value.isoformat()
