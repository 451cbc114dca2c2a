"""Events (docs/reference.md §3): one pydantic model per ``type``, validated strictly.

``parse_event`` turns a mapping into an event model or raises :class:`~quyche.errors.InvalidEvent`
naming the field and the accepted values. ``FIELD_SPECS`` describes each event type's fields so the
rule loader can check conditions against them (a misspelt field is a load error, not a silent miss).
"""

from __future__ import annotations

import functools
import types
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, Field, TypeAdapter, ValidationError
from pydantic_core import SchemaValidator

from quyche.chapters.chuong_2 import (
    CitizenReception,
    DraftConsultation,
    PetitionReceived,
    PetitionResolved,
    PropagandaActivity,
    SupervisionPlanned,
    VoterContact,
    VoterPetition,
)
from quyche.chapters.chuong_3 import MeetingConvened, ReportIssued
from quyche.chapters.chuong_4 import InformationRequest
from quyche.chapters.chuong_6 import AmendmentProposed, AnnualReview
from quyche.errors import ErrorDetail, InvalidEvent, did_you_mean, plain_message
from quyche.events_base import LATER_DATE_ERROR, EventBase, later_date_fields, short_repr

#: The ``type`` of an event (one per event model).
EventType = Literal[
    "propaganda_activity",
    "draft_consultation",
    "voter_contact",
    "voter_petition",
    "citizen_reception",
    "petition_received",
    "petition_resolved",
    "supervision_planned",
    "meeting_convened",
    "report_issued",
    "information_request",
    "annual_review",
    "amendment_proposed",
]

#: Any event: the models of every type, told apart by ``type``.
Event = Annotated[
    Union[  # noqa: UP007 - a runtime union of classes for the discriminator
        PropagandaActivity,
        DraftConsultation,
        VoterContact,
        VoterPetition,
        CitizenReception,
        PetitionReceived,
        PetitionResolved,
        SupervisionPlanned,
        MeetingConvened,
        ReportIssued,
        InformationRequest,
        AnnualReview,
        AmendmentProposed,
    ],
    Field(discriminator="type"),
]
EVENT_MODELS: tuple[type[EventBase], ...] = get_args(get_args(Event)[0])


def _type_of(model: type[EventBase]) -> str:
    (value,) = get_args(model.model_fields["type"].annotation)
    return str(value)


EVENT_TYPES: dict[str, type[EventBase]] = {_type_of(m): m for m in EVENT_MODELS}
if tuple(EVENT_TYPES) != get_args(EventType):  # pragma: no cover - a new event type must be named in both
    raise TypeError("EventType must list the event models' types in the same order")


@functools.cache
def _adapter() -> TypeAdapter[Any]:
    """The union of every event type (built on first use: it builds every event type's validator)."""
    return TypeAdapter(Event)


@functools.cache
def _list_adapter() -> TypeAdapter[list[Any]]:
    return TypeAdapter(list[Event])


@dataclass(frozen=True)
class FieldSpec:
    """What a condition may compare an event field with."""

    name: str
    kind: Literal["enum", "int", "bool", "date", "str", "list"]
    values: tuple[Any, ...] = ()  # for enums: the accepted values
    required: bool = False

    @property
    def is_party(self) -> bool:
        """True when every value of the field is one of the four parties (so it can name a body)."""
        from quyche.chapters.chuong_1 import PARTIES

        return self.kind == "enum" and bool(self.values) and set(self.values) <= set(PARTIES)

    @property
    def may_be_party(self) -> bool:
        """True when some value of the field is a party (e.g. ``competent_body``)."""
        from quyche.chapters.chuong_1 import PARTIES

        return self.kind == "enum" and bool(set(self.values) & set(PARTIES))


def _spec(name: str, annotation: Any, required: bool) -> FieldSpec:
    args = [annotation]
    literals: list[Any] = []
    kinds: set[str] = set()
    while args:
        tp = args.pop()
        origin = get_origin(tp)
        if origin is Annotated:
            args.append(get_args(tp)[0])
        elif origin is Union or origin is types.UnionType:
            args.extend(get_args(tp))
        elif origin is Literal:
            literals.extend(get_args(tp))
            kinds.add("enum")
        elif origin is list:
            kinds.add("list")
        elif tp is type(None):
            continue
        elif tp is bool:
            kinds.add("bool")
        elif tp is int:
            kinds.add("int")
        elif tp is date:
            kinds.add("date")
        elif tp is str:
            kinds.add("str")
        else:  # pragma: no cover - a new field type must be taught here
            raise TypeError(f"unsupported event field type for {name}: {tp!r}")
    if len(kinds) != 1:  # pragma: no cover
        raise TypeError(f"event field {name} mixes kinds {sorted(kinds)}")
    kind = kinds.pop()
    return FieldSpec(name, kind, tuple(sorted(set(literals), key=str)), required)  # type: ignore[arg-type]


def _field_specs(model: type[BaseModel]) -> dict[str, FieldSpec]:
    return {
        name: _spec(name, info.annotation, info.is_required())
        for name, info in model.model_fields.items()
        if name != "type"
    }


FIELD_SPECS: dict[str, dict[str, FieldSpec]] = {t: _field_specs(m) for t, m in EVENT_TYPES.items()}

#: The later dates of each event type (docs/reference.md §3): field -> the fields it may not precede.
LATER_DATES: dict[str, dict[str, tuple[str, ...]]] = {t: later_date_fields(m) for t, m in EVENT_TYPES.items()}


def field_descriptions(event_type: str | None = None) -> dict[str, tuple[str, str]]:
    """The meaning of the event fields declared with ``described``: name -> (Vietnamese, English), for one
    event type, or for all (a field's first declaration, in the order of the regulation).
    """
    out: dict[str, tuple[str, str]] = {}
    models = EVENT_TYPES.values() if event_type is None else [EVENT_TYPES[event_type]]
    for model in models:
        for name, info in model.model_fields.items():
            extra = info.json_schema_extra
            vi = extra.get("description_vi") if isinstance(extra, dict) else None
            if isinstance(vi, str) and info.description:
                out.setdefault(name, (vi, info.description))
    return out


def _loc(raw: tuple[int | str, ...], event_type: str | None) -> list[int | str]:
    """The field path of a pydantic error: drop the union tag and the names of union members."""
    loc = list(raw)
    if loc and event_type is not None and loc[0] == event_type:
        loc = loc[1:]
    out: list[int | str] = []
    for part in loc:
        if isinstance(part, int) or part in FIELD_SPECS.get(event_type or "", {}) or not out:
            out.append(part)
        # else: a union member's name such as "literal[...]" or "function-after[...]": not a path
    return out


def _accepted(spec: FieldSpec, value: Any) -> str:
    accepted = ", ".join(repr(v) for v in spec.values)
    return f"{short_repr(value)} is not accepted{did_you_mean(value, spec.values)}; accepted: {accepted}"


def _describe(err: Mapping[str, Any], loc: list[int | str], event_type: str | None) -> str:
    where = ".".join(str(p)[:100] for p in loc) or "event"  # a key may be megabytes long
    msg = str(err.get("msg", "invalid"))
    kind = err.get("type")
    spec = FIELD_SPECS.get(event_type or "", {}).get(str(loc[0])) if len(loc) == 1 else None
    if kind == "union_tag_invalid":
        given = err.get("input", {}).get("type") if isinstance(err.get("input"), dict) else err.get("input")
        hint = did_you_mean(given, EVENT_TYPES)
        msg = f"unknown event type {short_repr(given)}{hint}; accepted: " + ", ".join(sorted(EVENT_TYPES))
    elif kind == "union_tag_not_found":
        msg = "field required; accepted: " + ", ".join(sorted(EVENT_TYPES))
    elif kind == "extra_forbidden":
        known = sorted(FIELD_SPECS.get(event_type or "", {}))
        msg = f"unknown field{did_you_mean(where, known)}; fields of {event_type}: type, " + ", ".join(known)
    elif kind == "missing":
        msg = "field required"
    elif spec is not None and spec.kind == "enum" and kind in ("literal_error", "union_tag_invalid"):
        msg = _accepted(spec, err.get("input"))
    else:
        msg = _bool_hint(spec, err) or plain_message(err)
    return f"{where}: {msg}"


def _bool_hint(spec: FieldSpec | None, err: Mapping[str, Any]) -> str | None:
    """A yes/no field given something else (``complex: no`` in YAML is the text "no")."""
    if spec is None or spec.kind != "bool":
        return None
    return f"write true or false, not {short_repr(err.get('input'))}"


def invalid_event(exc: ValidationError, model: type[EventBase] | None = None) -> InvalidEvent:
    """The InvalidEvent for a pydantic error of an event (through the union, or of one ``model``)."""
    event_type: str | None = _type_of(model) if model is not None else None
    raw = exc.errors(include_url=False)
    if event_type is None:
        first_input = raw[0].get("input") if raw else None
        for err in raw:
            if err["loc"] and err["loc"][0] in EVENT_TYPES:
                event_type = str(err["loc"][0])
                break
        else:
            given = first_input.get("type") if isinstance(first_input, Mapping) else None
            if isinstance(given, str) and given in EVENT_TYPES:
                event_type = given
    errors: list[ErrorDetail] = []
    seen: set[tuple[int | str, ...]] = set()
    for err in raw:
        loc = _loc(tuple(err["loc"]), event_type)
        if err["type"] in ("union_tag_invalid", "union_tag_not_found"):
            loc = ["type"]
        elif err["type"] == LATER_DATE_ERROR:  # a model-level check that names its field
            loc = [str(err.get("ctx", {}).get("field", ""))]
        if tuple(loc) in seen:  # one message per field (a union reports each member)
            continue
        seen.add(tuple(loc))
        errors.append({"loc": loc, "msg": _describe(err, loc, event_type)})
    text = "; ".join(e["msg"] for e in errors) or "invalid event"
    return InvalidEvent(f"invalid event: {text}", errors)
#: How deep an event field's value may nest (event values are scalars or a list of numbers).
MAX_DEPTH = 50


def _too_deep(value: Any) -> bool:
    """Whether a list or mapping nests deeper than MAX_DEPTH (iterative: no recursion on hostile input)."""
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            return True
        items = node.values() if isinstance(node, Mapping) else node
        stack.extend((v, depth + 1) for v in items if isinstance(v, (list, tuple, Mapping)))
    return False


def _precheck(data: Mapping[Any, Any]) -> None:
    """Name the field of two faults pydantic reports badly: values nested too deeply (a RecursionError
    without a field) and strings that are not text (a lone surrogate, which no output can encode).
    """
    for key, value in data.items():
        kind = type(value)
        if (kind is str and value.isascii()) or kind is int or kind is bool or value is None:
            continue  # the common case, first: nothing to check (per-event hot path)
        if isinstance(value, (list, tuple, Mapping)) and _too_deep(value):
            where = short_repr(key) if not isinstance(key, str) else key[:100]
            raise InvalidEvent(
                f"invalid event: {where}: nested too deeply", [{"loc": [key], "msg": f"{where}: nested too deeply"}]
            )
        if kind is str:
            try:
                value.encode("utf-8")
            except UnicodeEncodeError as exc:
                where = str(key)[:100]
                msg = f"{where}: not text: a lone surrogate {value[exc.start]!r} at position {exc.start}"
                raise InvalidEvent(f"invalid event: {msg}", [{"loc": [key], "msg": msg}]) from None


#: Each event type's built validator, once its model has validated an event (the models build theirs on first use).
_VALIDATE: dict[str, Any] = {}


def parse_event(data: Any) -> EventBase:
    """Validate ``data`` (a mapping or an event model) into an event model, or raise InvalidEvent.

    An event model is validated again, from its fields: one built with ``model_construct``, a subclass
    or a bare ``EventBase`` is accepted only if its fields make a valid event (then as the model of its
    ``type``), never trusted as it is.
    """
    if isinstance(data, EventBase):
        data = data.__dict__  # re-validated below (about 2 µs): a model is not proof of validity
    if type(data) is dict:  # the common case: validate with the event type's own model, no copy
        _precheck(data)
        kind = data.get("type")
        if type(kind) is str:
            validate = _VALIDATE.get(kind)
            try:
                if validate is not None:
                    return validate(data)  # type: ignore[no-any-return]
                model = EVENT_TYPES.get(kind)
                if model is not None:
                    parsed = model.model_validate(data)
                    if isinstance(model.__pydantic_validator__, SchemaValidator):
                        _VALIDATE[kind] = model.__pydantic_validator__.validate_python
                    return parsed
            except (ValidationError, InvalidEvent, TypeError, ValueError, RecursionError):
                pass  # the union below says what is wrong, in the same words as for any other event
    elif not isinstance(data, Mapping):
        raise InvalidEvent(
            f"event: expected a mapping with a 'type' field, got {type(data).__name__}",
            [{"loc": [], "msg": "expected a mapping"}],
        )
    try:
        _precheck(data)
        return _adapter().validate_python(dict(data))  # type: ignore[no-any-return]
    except ValidationError as exc:
        raise invalid_event(exc) from None
    except InvalidEvent:
        raise
    except (TypeError, ValueError, RecursionError) as exc:  # defensive: pydantic should not raise these
        raise InvalidEvent(f"invalid event: {exc}", [{"loc": [], "msg": str(exc)}]) from None


def parse_events(batch: list[Any]) -> list[EventBase] | None:
    """Every event of ``batch`` validated in one call, or None when any is not valid (then validate
    each with :func:`parse_event` to know which and why). Same models as ``parse_event``, faster for many.
    """
    if not all(type(e) is dict for e in batch):
        return None
    try:
        for e in batch:  # the faults pydantic reports badly: then each is validated alone, and named
            _precheck(e)
        return _list_adapter().validate_python(batch)
    except (ValidationError, InvalidEvent, TypeError, ValueError, RecursionError):
        return None
