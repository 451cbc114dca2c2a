"""Events (contract.md §3): one pydantic model per ``type``, validated strictly.

``parse_event`` turns a mapping into an event model or raises :class:`~quyche.errors.InvalidEvent`
naming the field and the accepted values. ``FIELD_SPECS`` describes each event type's fields so the
rule loader can check conditions against them (a misspelt field is a load error, not a silent miss).
"""

from __future__ import annotations

import types
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, Field, TypeAdapter, ValidationError

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
from quyche.errors import InvalidEvent, did_you_mean
from quyche.events_base import EventBase, short_repr

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
_ADAPTER: TypeAdapter[Any] = TypeAdapter(Event)


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
    return f"{where}: {msg}"


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
        if isinstance(value, (list, tuple, Mapping)) and _too_deep(value):
            where = short_repr(key) if not isinstance(key, str) else key[:100]
            raise InvalidEvent(
                f"invalid event: {where}: nested too deeply", [{"loc": [key], "msg": f"{where}: nested too deeply"}]
            )
        if type(value) is str and not value.isascii():
            try:
                value.encode("utf-8")
            except UnicodeEncodeError as exc:
                where = str(key)[:100]
                msg = f"{where}: not text: a lone surrogate {value[exc.start]!r} at position {exc.start}"
                raise InvalidEvent(f"invalid event: {msg}", [{"loc": [key], "msg": msg}]) from None


def parse_event(data: Any) -> EventBase:
    """Validate ``data`` (a mapping or an event model) into an event model, or raise InvalidEvent.

    An event model is validated again, from its fields: one built with ``model_construct``, a subclass
    or a bare ``EventBase`` is accepted only if its fields make a valid event (then as the model of its
    ``type``), never trusted as it is.
    """
    if isinstance(data, EventBase):
        data = data.__dict__  # re-validated below (about 2 µs): a model is not proof of validity
    if not isinstance(data, Mapping):
        raise InvalidEvent(
            f"event: expected a mapping with a 'type' field, got {type(data).__name__}",
            [{"loc": [], "msg": "expected a mapping"}],
        )
    event_type = data.get("type") if isinstance(data.get("type"), str) else None
    if event_type not in EVENT_TYPES:
        event_type = None
    try:
        _precheck(data)
        return _ADAPTER.validate_python(dict(data))  # type: ignore[no-any-return]
    except ValidationError as exc:
        errors: list[dict[str, Any]] = []
        seen: set[tuple[int | str, ...]] = set()
        for err in exc.errors(include_url=False):
            loc = _loc(tuple(err["loc"]), event_type)
            if err["type"] in ("union_tag_invalid", "union_tag_not_found"):
                loc = ["type"]
            if tuple(loc) in seen:  # one message per field (a union reports each member)
                continue
            seen.add(tuple(loc))
            errors.append({"loc": loc, "msg": _describe(err, loc, event_type)})
        first = errors[0]["msg"] if errors else "invalid event"
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise InvalidEvent(f"invalid event: {first}{more}", errors) from None
    except InvalidEvent:
        raise
    except (TypeError, ValueError, RecursionError) as exc:  # defensive: pydantic should not raise these
        raise InvalidEvent(f"invalid event: {exc}", [{"loc": [], "msg": str(exc)}]) from None
