"""What the generated models (`_generated/models.py`) share: the immutable base class and date conversions."""

from __future__ import annotations

import datetime as _dt
from typing import Any, ClassVar


class Model:
    """Base of every model: immutable, compared by value, printable, picklable.

    Subclasses list their fields in `_FIELDS` (API order) and `__slots__`; an `extra` slot, when
    present, holds unknown fields and is not compared."""

    __slots__ = ()
    _FIELDS: ClassVar[tuple[str, ...]] = ()

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable; build a new one")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return all(getattr(self, f) == getattr(other, f) for f in self._FIELDS)

    __hash__ = None  # type: ignore[assignment]  # values hold lists

    def __repr__(self) -> str:
        parts = [f"{f}={getattr(self, f)!r}" for f in self._FIELDS]
        extra = getattr(self, "extra", None)
        if extra:
            parts.append(f"extra={extra!r}")
        return f"{type(self).__name__}({', '.join(parts)})"

    def __reduce__(self) -> tuple[Any, ...]:
        names: tuple[str, ...] = self.__slots__
        return (_rebuild, (type(self), {name: getattr(self, name) for name in names}))


def _rebuild(cls: type[Model], fields: dict[str, Any]) -> Model:
    return cls(**fields)


_UTC_LENGTHS = {20: 19, 24: 23, 27: 26, 30: 26}
"""The core writes UTC datetimes with 0, 3, 6 or 9 fraction digits and `Z`: by text length, how
much of it `fromisoformat` reads before `+00:00` (on every Python from 3.10, which reads at most
six fraction digits and no `Z`)."""


def datetime_from_json(text: str) -> _dt.datetime:
    """Parses the core's RFC 3339 text (`Z` for UTC, up to nanoseconds) into an aware datetime."""
    keep = _UTC_LENGTHS.get(len(text))
    if keep is not None and text[-1] == "Z":
        return _dt.datetime.fromisoformat(text[:keep] + "+00:00")
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    dot = text.find(".")
    if dot != -1:
        end = dot + 1
        while end < len(text) and text[end].isdigit():
            end += 1
        fraction = text[dot + 1 : end][:6].ljust(6, "0")
        text = f"{text[:dot]}.{fraction}{text[end:]}"
    return _dt.datetime.fromisoformat(text)


def datetime_to_json(value: _dt.datetime) -> str:
    return value.isoformat()


def date_from_json(text: str) -> _dt.date:
    return _dt.date.fromisoformat(text)


def date_to_json(value: _dt.date) -> str:
    return value.isoformat()
