"""The shared shape of every event: strict, frozen, unknown fields rejected (docs/reference.md §3).

Each field's meaning, in Vietnamese and English, is declared next to it with :func:`described`; the
reference (``docs/reference.md``), ``quyche events TYPE`` and the JSON Schema read it from there.

Later dates (docs/reference.md, "Later dates"): a date of the case's later course that a deadline counts
from — the day a complaint is accepted (*thụ lý*), the day a forwarded case reaches the competent
body … — is an optional date field of its event type, declared with :data:`LaterDate` and documented
with :func:`described`. Such a field may not be before the event's own ``date`` (nor before the other
fields it names): :class:`EventBase` checks it, and the error names the field.
"""

from __future__ import annotations

import re
import reprlib
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any, ClassVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator
from pydantic_core import PydanticCustomError, PydanticUndefined

if TYPE_CHECKING:
    from typing_extensions import Self

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_SHORT = reprlib.Repr()
_SHORT.maxstring = _SHORT.maxother = 60


def described(vi: str, en: str, default: Any = PydanticUndefined) -> Any:
    """A pydantic Field with its meaning in Vietnamese and English (docs, `quyche events`, explorer)."""
    return Field(default, description=en, json_schema_extra={"description_vi": vi})


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
    """Fields every event may carry: an ``id`` echoed back and the ``date`` it happens or is received.

    Building an event model directly (``AnnualReview(year=2024)``, ``model_validate``,
    ``model_validate_json``) with a bad value raises :class:`~quyche.errors.InvalidEvent` naming the
    field and the accepted values, as :func:`quyche.parse_event` does.
    """

    # defer_build: the validator of an event type is built when it is first used, not at import (a command
    # that validates one event builds one)
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, defer_build=True)

    #: The article of the regulation the event type belongs to (set by each event model).
    ARTICLE: ClassVar[int]

    id: str | None = described(
        "Mã hồ sơ, văn bản trong hệ thống của cơ quan sử dụng; được trả lại nguyên văn trong kết quả (event_id).",
        "Your identifier of the event; echoed back in the decision (event_id).",
        None,
    )
    date: IsoDate | None = described(
        "Ngày diễn ra công việc hoặc ngày tiếp nhận; là ngày làm căn cứ tính thời hạn và xác định quy định "
        "được áp dụng tại thời điểm đó.",
        "The day the event happens or is received: deadlines count from it, and it selects the version "
        "of a rule that applies.",
        None,
    )

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

    def __init__(self, /, **data: Any) -> None:
        try:
            super().__init__(**data)
        except ValidationError as exc:
            raise _invalid(type(self), exc) from None

    # validation through a union (``parse_event``) must not call this __init__: pydantic-core builds the
    # model itself, and the union's errors are described by ``parse_event``
    __init__.__pydantic_base_init__ = True  # type: ignore[attr-defined]

    @classmethod
    def model_validate(cls, obj: Any, *args: Any, **kwargs: Any) -> Self:
        """Validate ``obj`` into this event type, or raise InvalidEvent naming the field."""
        try:
            return super().model_validate(obj, *args, **kwargs)
        except ValidationError as exc:
            raise _invalid(cls, exc) from None

    @classmethod
    def model_validate_json(cls, json_data: str | bytes | bytearray, *args: Any, **kwargs: Any) -> Self:
        """Validate a JSON text into this event type, or raise InvalidEvent naming the field."""
        try:
            return super().model_validate_json(json_data, *args, **kwargs)
        except ValidationError as exc:
            raise _invalid(cls, exc) from None


def event_date(vi: str, en: str) -> Any:
    """The optional ``date`` field of one event type, with what the date is for that type."""
    return described(vi, en, None)


def _invalid(cls: type[EventBase], exc: ValidationError) -> Exception:
    from quyche.events import invalid_event

    return invalid_event(exc, cls)


#: Fields every event shares, in words (for conditions and explanations): (Vietnamese, English).
FIELD_LABELS: dict[str, tuple[str, str]] = {
    "type": ("loại sự kiện", "the event type"),
    "id": ("mã hồ sơ", "the event id"),
    "date": ("ngày của sự việc", "the event's date"),
    "reference_date": ("ngày làm căn cứ áp dụng", "the reference date"),
}
