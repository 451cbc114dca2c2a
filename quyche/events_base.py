"""The shared shape of every event: strict, frozen, unknown fields rejected (contract.md §3).

Later dates (contract §3, "Later dates"): a date of the case's later course that a deadline counts
from — the day a complaint is accepted (*thụ lý*), the day a forwarded case reaches the competent
body … — is an optional date field of its event type, declared with :data:`LaterDate` (or
:func:`later_date`) and documented with :func:`described`. Such a field may not be before the event's
own ``date`` (nor before the other fields it names): :class:`EventBase` checks it, and the error names
the field.
"""

from __future__ import annotations

import re
import reprlib
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError, PydanticUndefined

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


def described(vi: str, en: str, default: Any = PydanticUndefined) -> Any:
    """A pydantic Field with its meaning in Vietnamese and English (docs, `quyche events`, explorer)."""
    return Field(default, description=en, json_schema_extra={"description_vi": vi})


@dataclass(frozen=True)
class OnOrAfter:
    """Marks a later date (``Annotated`` metadata): it may not be before the fields named here."""

    fields: tuple[str, ...] = ("date",)


#: A later date of the case (optional): on or after the event's own ``date`` when both are given. A
#: later date that must also follow another one is ``Annotated[IsoDate | None, OnOrAfter(("date", X))]``.
LaterDate = Annotated[IsoDate | None, OnOrAfter()]

#: The error type of a later date before a date it must follow (``err["ctx"]["field"]`` names it).
LATER_DATE_ERROR = "later_date_before"


def later_date_fields(model: type[BaseModel]) -> dict[str, tuple[str, ...]]:
    """The later dates of an event model: field name -> the fields it may not precede."""
    out: dict[str, tuple[str, ...]] = {}
    for name, info in model.model_fields.items():
        for meta in info.metadata:
            if isinstance(meta, OnOrAfter):
                out[name] = meta.fields
    return out


class EventBase(BaseModel):
    """Fields every event may carry: an ``id`` echoed back and the ``date`` it happens or is received."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    id: str | None = None
    date: IsoDate | None = None

    #: The later dates of this event type and the fields each may not precede (set per subclass).
    later_dates: ClassVar[tuple[tuple[str, tuple[str, ...]], ...]] = ()

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        cls.later_dates = tuple(later_date_fields(cls).items())

    @model_validator(mode="after")
    def _later_dates_in_order(self) -> EventBase:
        for name, after in self.later_dates:
            value = self.__dict__.get(name)
            if value is None:
                continue
            for other in after:
                earlier = self.__dict__.get(other)
                if earlier is not None and value < earlier:
                    what = "the event's date" if other == "date" else other
                    raise PydanticCustomError(
                        LATER_DATE_ERROR,
                        f"{value.isoformat()} is before {what} {earlier.isoformat()}: "
                        "a later date of the case cannot precede it",
                        {"field": name, "after": other},
                    )
        return self
