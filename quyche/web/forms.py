"""The explorer's event form, read off the event models: a new field appears without new HTML.

``event_fields(type)`` lists a type's fields as the form shows them — its kind (a choice, yes/no, a
date, a number, a list, text), whether it is required, its label and its description in Vietnamese
and English (``Field(description=…, json_schema_extra={"description_vi": …})`` on the model, when
given), and the choices of an enumeration in words. ``event_from_form`` turns the submitted
``name=value`` pairs back into an event mapping; validating it is left to ``quyche.parse_event``, so
the form reports exactly the errors the library and the API report.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from quyche.events import EVENT_TYPES, FIELD_SPECS, FieldSpec
from quyche.labels import FIELD_LABELS, LABELS, VALUE_LABELS

_INT = re.compile(r"^-?\d{1,18}$")
#: Fields every event may carry; the form shows them after the type's own fields.
_COMMON = ("date", "id")


class Choice(BaseModel):
    """One value of an enumerated field, with its words."""

    model_config = ConfigDict(frozen=True)

    value: str
    label_vi: str
    label_en: str


class FormField(BaseModel):
    """A field of an event type as the form shows it."""

    model_config = ConfigDict(frozen=True)

    name: str
    kind: Literal["enum", "int", "bool", "date", "str", "list"]
    required: bool
    label_vi: str
    label_en: str
    description_vi: str | None = None
    description_en: str | None = None
    choices: list[Choice] = Field(default_factory=list)
    item_min: int | None = Field(default=None, description="for a list of numbers: the smallest item")
    item_max: int | None = Field(default=None, description="for a list of numbers: the largest item")


def _words(field: str, value: Any) -> tuple[str, str]:
    """A choice in words, as a form shows it: "Khiếu nại", "Complaint" (no article, capitalised)."""
    key = str(value)
    vi, en = VALUE_LABELS.get(field, {}).get(value) or LABELS.get(key) or (key, key)
    return _capital(vi), _capital(_bare(en))


def _bare(en: str) -> str:
    """An English phrase without its leading article ("the receiving body" → "receiving body")."""
    for article in ("a ", "an ", "the "):
        if en.lower().startswith(article):
            return en[len(article) :]
    return en


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _items_bounds(schema: dict[str, Any]) -> tuple[int | None, int | None]:
    options = schema.get("anyOf", [schema])
    for option in options:
        items = option.get("items") if isinstance(option, dict) else None
        if isinstance(items, dict) and items.get("type") == "integer":
            lo, hi = items.get("minimum"), items.get("maximum")
            return (lo if isinstance(lo, int) else None), (hi if isinstance(hi, int) else None)
    return None, None


def event_fields(event_type: str) -> list[FormField]:
    """The fields of an event type, its own first, then ``date`` and ``id`` (raises KeyError if unknown)."""
    model = EVENT_TYPES[event_type]
    specs = FIELD_SPECS[event_type]
    properties = model.model_json_schema().get("properties", {})
    names = [n for n in specs if n not in _COMMON] + [n for n in _COMMON if n in specs]
    out: list[FormField] = []
    for name in names:
        spec = specs[name]
        info = model.model_fields[name]
        extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        description_vi = extra.get("description_vi")
        label_vi, label_en = FIELD_LABELS.get(name, (name.replace("_", " "), name.replace("_", " ")))
        lo, hi = _items_bounds(properties.get(name, {})) if spec.kind == "list" else (None, None)
        out.append(
            FormField(
                name=name,
                kind=spec.kind,
                required=spec.required,
                label_vi=_capital(label_vi),
                label_en=_capital(_bare(label_en)),
                description_vi=description_vi if isinstance(description_vi, str) else None,
                description_en=info.description,
                choices=[
                    Choice(value=str(v), label_vi=_words(name, v)[0], label_en=_words(name, v)[1]) for v in spec.values
                ],
                item_min=lo,
                item_max=hi,
            )
        )
    return out


def _convert(spec: FieldSpec, raw: str) -> Any:
    if spec.kind == "enum":
        return next((v for v in spec.values if str(v) == raw), raw)
    if spec.kind == "bool":
        return {"true": True, "false": False}.get(raw, raw)
    if spec.kind == "int" and _INT.fullmatch(raw):
        return int(raw)
    return raw


def event_from_form(event_type: str, pairs: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """The event a submitted form describes: empty inputs are left out, values typed as the model
    expects where they can be (``"2"`` → 2 for a number, ``"true"`` → True); anything else is passed
    on as given, for ``parse_event`` to reject with the field's name. Inputs that are not fields of the
    type are ignored.
    """
    specs = FIELD_SPECS.get(event_type)
    event: dict[str, Any] = {"type": event_type}
    if specs is None:
        return event
    given: dict[str, list[str]] = {}
    for key, value in pairs:
        if key in specs and value.strip():
            given.setdefault(key, []).append(value.strip())
    for name, values in given.items():
        spec = specs[name]
        if spec.kind == "list":
            items = [part for v in values for part in re.split(r"[,;\s]+", v) if part]
            event[name] = [int(p) if _INT.fullmatch(p) else p for p in items]
        else:
            event[name] = _convert(spec, values[-1])
    return event
