"""The event vocabulary as reference data, read from the event models (``quyche events``, the docs).

Every event type, every field with its kind, accepted values (with their Vietnamese and English labels),
whether it is required, and its meaning in both languages — declared next to the field with
:func:`~quyche.events_base.described`. For each date field it also lists the deadlines of the rules
that count from it, and for each event type its later dates: the optional date fields of the case's
later course (the day a complaint is accepted …) that a tracker gives as the case advances, each with
the due dates it makes computable. So a field or a deadline added later appears here by itself.

``quyche events [TYPE]`` prints this for people (``--lang en``) or as JSON (``--format json``);
``python -m quyche.tools docs`` writes it into ``docs/reference.md`` and ``docs/reference.vi.md``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any, Literal

from quyche.chapters.chuong_1 import PARTIES
from quyche.chapters.chuong_2 import LATER_DATE_LABELS
from quyche.events import EVENT_TYPES, FIELD_SPECS, LATER_DATES
from quyche.labels import EVENT_LABELS

if TYPE_CHECKING:
    from quyche.rules.compile import Plan

Lang = Literal["vi", "en"]

#: What kind of value a field takes, in words.
KIND_WORDS: dict[str, tuple[str, str]] = {
    "enum": ("một giá trị trong danh mục dưới đây", "one of the values below"),
    "int": ("số nguyên", "a whole number"),
    "bool": ("true hoặc false", "true or false"),
    "date": ("ngày, viết YYYY-MM-DD", "a date, written YYYY-MM-DD"),
    "str": ("văn bản", "text"),
    "list": ("danh sách", "a list"),
}

_WORDS: dict[str, tuple[str, str]] = {
    "types": ("Các loại sự kiện", "Event types"),
    "article": ("Điều", "Article"),
    "required": ("bắt buộc", "required"),
    "optional": ("không bắt buộc", "optional"),
    "required_fields": ("Trường bắt buộc", "Required fields"),
    "optional_fields": ("Trường không bắt buộc", "Optional fields"),
    "values": ("giá trị", "values"),
    "counts_from": ("thời hạn tính từ ngày này", "deadlines counted from this date"),
    "later": (
        "Các ngày về sau của vụ việc (trường không bắt buộc; khi sự kiện có ngày này thì tính được hạn của "
        "các nhiệm vụ sau, nếu không thì hạn để trống)",
        "Later dates of the case (optional fields; an event that gives one gets the due dates of these "
        "duties, otherwise they stay null)",
    ),
    "example": ("Ví dụ", "Example"),
    "more": ("Các trường của một loại: quyche events LOẠI", "The fields of one type: quyche events TYPE"),
    "type_field": ("loại sự kiện", "the event type"),
}


def _w(key: str, lang: Lang) -> str:
    vi, en = _WORDS[key]
    return vi if lang == "vi" else en


@dataclass(frozen=True)
class ValueDoc:
    """An accepted value of an enumerated field and its labels."""

    value: Any
    label_vi: str
    label_en: str


@dataclass(frozen=True)
class DeadlineUse:
    """A duty whose deadline counts from a date."""

    duty: str
    article: int
    days: int
    unit: str
    relation: str


@dataclass(frozen=True)
class FieldDoc:
    """One field of an event type."""

    name: str
    kind: str
    required: bool
    description_vi: str
    description_en: str
    values: tuple[ValueDoc, ...] = ()
    deadlines: tuple[DeadlineUse, ...] = ()


@dataclass(frozen=True)
class LaterDate:
    """A later date of the case: an optional date field of the event type, and the deadlines counting from it."""

    anchor: str
    label_vi: str
    label_en: str
    deadlines: tuple[DeadlineUse, ...]


@dataclass(frozen=True)
class EventDoc:
    """One event type: its article, labels, fields and later dates."""

    type: str
    article: int
    label_vi: str
    label_en: str
    fields: tuple[FieldDoc, ...]
    later_dates: tuple[LaterDate, ...]

    def example(self) -> dict[str, Any]:
        """A smallest valid event of this type: its required fields, each with its first value."""
        out: dict[str, Any] = {"type": self.type}
        samples = {"int": 2024, "bool": False, "date": "2024-06-03", "str": "HS-2024-001", "list": [19]}
        for f in self.fields:
            if f.required:
                party = next((v.value for v in f.values if v.value in PARTIES), None)
                out[f.name] = party if party is not None else (f.values[0].value if f.values else samples[f.kind])
        return out

    def as_json(self) -> dict[str, Any]:
        """The JSON form (``quyche events TYPE --format json``)."""
        return {**asdict(self), "example": self.example()}


def _value_labels(field: str, value: Any) -> tuple[str, str]:
    from quyche.labels import value_label

    return value_label(field, value, "vi"), value_label(field, value, "en")


def _deadline_uses(compiled: Plan | None, event_type: str) -> dict[str, list[DeadlineUse]]:
    uses: dict[str, list[DeadlineUse]] = {}
    if compiled is None:
        return uses
    for u in compiled.by_type.get(event_type, ()):
        for d in u.duties:
            if d.days is None or d.anchor is None:
                continue
            use = DeadlineUse(d.duty, d.article, d.days, str(d.unit), str(d.relation))
            if use not in uses.setdefault(d.anchor, []):
                uses[d.anchor].append(use)
    return uses


def event_docs(compiled: Plan | None = None) -> list[EventDoc]:
    """Every event type, in the order of the regulation; with ``compiled`` rules, the deadlines too."""
    out: list[EventDoc] = []
    for event_type, model in EVENT_TYPES.items():
        specs = FIELD_SPECS[event_type]
        uses = _deadline_uses(compiled, event_type)
        fields: list[FieldDoc] = []
        for name, info in model.model_fields.items():
            if name == "type":
                continue
            spec = specs[name]
            extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
            values = (
                tuple(ValueDoc(v, *_value_labels(spec.name, v)) for v in spec.values) if spec.kind == "enum" else ()
            )
            fields.append(
                FieldDoc(
                    name=name,
                    kind=spec.kind,
                    required=spec.required,
                    description_vi=str(extra.get("description_vi", "")),
                    description_en=info.description or "",
                    values=values,
                    deadlines=tuple(uses.get(name, ())) if spec.kind == "date" else (),
                )
            )
        fields.sort(key=lambda f: (not f.required, f.name not in ("id", "date"), list(specs).index(f.name)))
        later = tuple(
            LaterDate(name, *LATER_DATE_LABELS.get(name, (name, name)), tuple(uses.get(name, ())))
            for name in LATER_DATES[event_type]
        )
        vi, en = EVENT_LABELS[event_type]
        out.append(EventDoc(event_type, model.ARTICLE, vi, en, tuple(fields), later))
    return out


def find(event_type: str, compiled: Plan | None = None) -> EventDoc:
    """The reference of one event type, or InvalidEvent naming the accepted types."""
    from quyche.errors import InvalidEvent, did_you_mean

    for doc in event_docs(compiled):
        if doc.type == event_type:
            return doc
    raise InvalidEvent(
        f"unknown event type {event_type!r}{did_you_mean(event_type, EVENT_TYPES)}; accepted: "
        + ", ".join(EVENT_TYPES),
        [{"loc": ["type"], "msg": "unknown event type"}],
    )


# -- text, for ``quyche events`` ----------------------------------------------------------------------


def _deadline_words(u: DeadlineUse, lang: Lang) -> str:
    if lang == "vi":
        unit = "ngày làm việc" if u.unit == "working_days" else "ngày"
        when = f"trong {u.days} {unit}" if u.relation == "within" else f"chậm nhất {u.days} {unit} trước"
        return f"{u.duty} ({when}, Điều {u.article})"
    unit = "working days" if u.unit == "working_days" else "days"
    when = f"within {u.days} {unit}" if u.relation == "within" else f"{u.days} {unit} before"
    return f"{u.duty} ({when}, Article {u.article})"


def _pick(v: ValueDoc, lang: Lang) -> str:
    return v.label_vi if lang == "vi" else v.label_en


def _values_text(f: FieldDoc, lang: Lang) -> str:
    shown = (f"{v.value} ({_pick(v, lang)})" if _pick(v, lang) != str(v.value) else str(v.value) for v in f.values)
    return "; ".join(shown)


def types_text(docs: list[EventDoc], lang: Lang = "vi") -> str:
    """The list of event types, one a line."""
    width = max(len(d.type) for d in docs)
    lines = [f"{_w('types', lang)} ({len(docs)}):"]
    for d in docs:
        title = d.label_vi if lang == "vi" else d.label_en
        lines.append(f"  {d.type:<{width}}  {_w('article', lang)} {d.article:<2}  {title}")
    lines.append(_w("more", lang))
    return "\n".join(lines) + "\n"


def event_text(doc: EventDoc, lang: Lang = "vi") -> str:
    """One event type's fields for people: kind, values, required or not, meaning, dates' deadlines."""
    import json

    title = doc.label_vi if lang == "vi" else doc.label_en
    lines = [f"{doc.type} — {title} ({_w('article', lang)} {doc.article})", ""]
    for required in (True, False):
        group = [f for f in doc.fields if f.required == required]
        if not group:
            continue
        lines.append(f"{_w('required_fields' if required else 'optional_fields', lang)}:")
        for f in group:
            kind = KIND_WORDS[f.kind][0 if lang == "vi" else 1]
            meaning = f.description_vi if lang == "vi" else f.description_en
            lines.append(f"  {f.name} ({kind}): {meaning}")
            if f.values:
                lines.append(f"      {_w('values', lang)}: {_values_text(f, lang)}")
            if f.deadlines:
                uses = ", ".join(_deadline_words(u, lang) for u in f.deadlines)
                lines.append(f"      {_w('counts_from', lang)}: {uses}")
        lines.append("")
    if doc.later_dates:
        lines.append(f"{_w('later', lang)}:")
        for d in doc.later_dates:
            uses = ", ".join(_deadline_words(u, lang) for u in d.deadlines)
            lines.append(f"  {d.anchor}: {d.label_vi if lang == 'vi' else d.label_en} — {uses}")
        lines.append("")
    lines.append(f"{_w('example', lang)}: {json.dumps(doc.example(), ensure_ascii=False)}")
    return "\n".join(lines) + "\n"


# -- Markdown, for docs/reference.md and docs/reference.vi.md -----------------------------------------


def _md_deadline(u: DeadlineUse, lang: Lang) -> str:
    text = _deadline_words(u, lang)
    duty, rest = text.split(" ", 1)
    return f"`{duty}` {rest}"


def events_markdown(docs: list[EventDoc], lang: Lang = "en") -> str:
    """The events part of the reference: a summary table, then every type with every field."""
    vi = lang == "vi"
    out: list[str] = []
    if vi:
        out += ["| `type` | Điều | sự kiện | trường bắt buộc |", "|---|---|---|---|"]
    else:
        out += ["| `type` | article | event | required fields |", "|---|---|---|---|"]
    for d in docs:
        req = ", ".join(f"`{f.name}`" for f in d.fields if f.required) or "—"
        title = d.label_vi if vi else d.label_en
        out.append(f"| [`{d.type}`](#{d.type}) | {d.article} | {title} | {req} |")
    out.append("")
    for d in docs:
        title = d.label_vi if vi else d.label_en
        out += [f"### {d.type}", "", f"*{title}* — {'Điều' if vi else 'Article'} {d.article}.", ""]
        for f in d.fields:
            kind = KIND_WORDS[f.kind][0 if vi else 1]
            req = _w("required" if f.required else "optional", lang)
            meaning = f.description_vi if vi else f.description_en
            line = f"- **`{f.name}`** ({req}; {kind}): {meaning}"
            if f.values:
                vals = "; ".join(
                    f"`{v.value}`" + (f" ({_pick(v, lang)})" if _pick(v, lang) != str(v.value) else "")
                    for v in f.values
                )
                line += f" {'Giá trị' if vi else 'Values'}: {vals}."
            if f.deadlines:
                uses = ", ".join(_md_deadline(u, lang) for u in f.deadlines)
                line += f" {'Thời hạn tính từ ngày này' if vi else 'Deadlines counted from this date'}: {uses}."
            out.append(line)
        if d.later_dates:
            out.append(
                "- "
                + (
                    "Các ngày về sau của vụ việc (khi sự kiện có ngày này thì tính được hạn, nếu không thì `due` "
                    "để trống): "
                    if vi
                    else "Later dates of the case (an event that gives one gets the `due` of these duties, "
                    "otherwise it is null): "
                )
                + "; ".join(
                    f"`{x.anchor}` — {x.label_vi if vi else x.label_en} ("
                    + ", ".join(_md_deadline(u, lang) for u in x.deadlines)
                    + ")"
                    for x in d.later_dates
                )
                + "."
            )
        out += ["", f"{'Ví dụ' if vi else 'Example'}: `{_json(d.example())}`", ""]
    return "\n".join(out)


def _json(value: Any) -> str:
    import json

    return json.dumps(value, ensure_ascii=False)
