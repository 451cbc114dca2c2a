"""The shared shape of every event: strict, frozen, unknown fields rejected (contract.md §3)."""

from __future__ import annotations

import re
import reprlib
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_SHORT = reprlib.Repr()
_SHORT.maxstring = _SHORT.maxother = 60


def short_repr(value: Any) -> str:
    """``repr(value)`` cut short, so that an error message never echoes megabytes of input."""
    return _SHORT.repr(value)


def _iso_date(value: Any) -> Any:
    """Accept a ``date`` or an ISO ``YYYY-MM-DD`` string, nothing else (no timestamps, no datetimes)."""
    if isinstance(value, datetime):
        raise ValueError("expected an ISO date YYYY-MM-DD, got a date and time")
    if isinstance(value, date):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError as exc:
            raise ValueError(f"not a valid calendar date: {value!r}") from exc
    raise ValueError(f"expected an ISO date YYYY-MM-DD, got {short_repr(value)}")


#: An ISO calendar date, e.g. ``2024-06-01``.
IsoDate = Annotated[date, BeforeValidator(_iso_date)]
#: An article number of the regulation.
ArticleNo = Annotated[int, Field(ge=1, le=23)]


class EventBase(BaseModel):
    """Fields every event may carry: an ``id`` echoed back and the ``date`` it happens or is received."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    id: str | None = None
    date: IsoDate | None = None


#: Fields every event shares, in words (for conditions and explanations): (Vietnamese, English).
FIELD_LABELS: dict[str, tuple[str, str]] = {
    "type": ("loại sự kiện", "the event type"),
    "id": ("mã hồ sơ", "the event id"),
    "date": ("ngày tiếp nhận hoặc diễn ra", "the event's date"),
    "reference_date": ("ngày làm căn cứ", "the reference date"),
}
