"""What the generated models (`_generated/models.py`) inherit beyond their data: methods whose
rules the core decides, each a call into it (codegen's `python.METHODS` names the model of each)."""

from __future__ import annotations

import datetime as _dt
import json
from typing import TYPE_CHECKING

from . import _native

if TYPE_CHECKING:
    from ._generated.models import AccessLevel


class ProfileMethods:
    """`Profile`'s methods."""

    __slots__ = ()

    if TYPE_CHECKING:
        access_levels: list[AccessLevel]

    def has_active_access(self, access_level_id: str, at: _dt.datetime | None = None) -> bool:
        """Whether the profile has the access level `access_level_id` (e.g. `"premium"`) at `at`.

        The server-side API has no `is_active`; the core derives it as Adapty's guide says: a level
        of that id whose `starts_at` is absent or not after `at`, and whose `expires_at` is null
        (lifetime) or after `at`, or that is in a grace period. A refunded level
        (`cancellation_reason == "refund"`) is never active. A level the profile does not have
        gives False.

        Args:
            access_level_id: The access level's id, as the dashboard names it.
            at: The instant asked about, a timezone-aware datetime; None (the default) is now.

        Raises:
            ValidationError: `at` is a naive datetime (field `at`).
        """
        if at is not None and not isinstance(at, _dt.datetime):
            raise TypeError(f"at must be a datetime or None, got {type(at).__name__}")
        levels = json.dumps([level.to_dict() for level in self.access_levels])
        return _native.has_active_access(levels, access_level_id, None if at is None else at.isoformat())
