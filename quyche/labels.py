"""Vietnamese and English words for every identifier, event type, field and value.

The words live next to the vocabulary they name — the parties and offices in
:mod:`quyche.chapters.chuong_1`, the modes in :mod:`~quyche.chapters.chuong_4`, each event type's fields and
values in the chapter that defines the event — one table per field, so a value that two fields share
(``thematic`` as a phase of voter contact and as a kind of report) is worded for each. This module only looks
them up.
"""

from __future__ import annotations

from typing import Any, Literal

from quyche.chapters import chuong_1, chuong_2, chuong_3, chuong_4, chuong_6
from quyche.events_base import FIELD_LABELS as _COMMON_FIELDS

Lang = Literal["vi", "en"]

#: Bodies and modes (docs/reference.md §2), and event types.
LABELS: dict[str, tuple[str, str]] = {
    **chuong_1.LABELS,
    **chuong_4.LABELS,
    **chuong_2.EVENT_LABELS,
    **chuong_3.EVENT_LABELS,
    **chuong_4.EVENT_LABELS,
    **chuong_6.EVENT_LABELS,
}
EVENT_LABELS: dict[str, tuple[str, str]] = {
    **chuong_2.EVENT_LABELS,
    **chuong_3.EVENT_LABELS,
    **chuong_4.EVENT_LABELS,
    **chuong_6.EVENT_LABELS,
}
#: Event fields in words (``received_by`` → "cơ quan tiếp nhận").
FIELD_LABELS: dict[str, tuple[str, str]] = {
    **_COMMON_FIELDS,
    **chuong_2.FIELD_LABELS,
    **chuong_3.FIELD_LABELS,
    **chuong_4.FIELD_LABELS,
    **chuong_6.FIELD_LABELS,
}
#: Values of enumerated fields, per field.
VALUE_LABELS: dict[str, dict[Any, tuple[str, str]]] = {
    **chuong_2.VALUE_LABELS,
    **chuong_3.VALUE_LABELS,
    **chuong_4.VALUE_LABELS,
}
BOOL_PHRASES = chuong_2.BOOL_PHRASES
SET_LABELS = chuong_1.SET_LABELS

PROVENANCE_LABELS: dict[str, tuple[str, str]] = {
    "summary": ("theo bản tóm tắt công khai của Quy chế", "from the public summary of the regulation"),
    "law": ("theo quy định của pháp luật", "from national law"),
    "reconstructed": ("suy luận, chưa đối chiếu văn bản ký", "reconstructed; check against the signed text"),
}


def pick(pair: tuple[str, str], lang: Lang) -> str:
    """The Vietnamese or the English of a pair."""
    return pair[0] if lang == "vi" else pair[1]


def label(identifier: str, lang: Lang = "vi") -> str:
    """The label of an identifier in Vietnamese (default) or English; unknown ones are returned as is."""
    vi, en = LABELS.get(identifier, (identifier, identifier))
    return vi if lang == "vi" else en


def field_label(name: str, lang: Lang = "vi") -> str:
    """An event field in words."""
    return pick(FIELD_LABELS.get(name, (name, name)), lang)


def value_label(name: str, value: Any, lang: Lang = "vi") -> str:
    """A value of an event field in words (a body by its label, a yes/no as có/không)."""
    if isinstance(value, bool):
        return ("có" if value else "không") if lang == "vi" else ("yes" if value else "no")
    words = VALUE_LABELS.get(name, {})
    if value in words:
        return pick(words[value], lang)
    if isinstance(value, str) and value in LABELS:
        return label(value, lang)
    return str(value)
