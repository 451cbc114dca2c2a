"""Conditions in words, in Vietnamese or English: the one renderer of the rule language.

``explain`` (the reasons a rule applied), ``--why-not`` (which test of a rule failed), the trace's reasons,
``docs/regulation.md`` and the explorer all use it. It only renders: which tests held is decided by the
runtime (a decision's trace records it), never re-evaluated here.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from quyche.chapters.chuong_2 import FIELD_PHRASES
from quyche.labels import BOOL_PHRASES, SET_LABELS, Lang, field_label, label, pick, value_label
from quyche.rules.syntax import All, Node, Not, Test

_DATE_WORDS = {
    "vi": {"lt": "trước ngày", "le": "không muộn hơn ngày", "gt": "sau ngày", "ge": "từ ngày"},
    "en": {"lt": "is before", "le": "is on or before", "gt": "is after", "ge": "is on or after"},
}
_NUMBER_WORDS = {
    "vi": {"lt": "nhỏ hơn", "le": "không lớn hơn", "gt": "lớn hơn", "ge": "không nhỏ hơn"},
    "en": {"lt": "is less than", "le": "is at most", "gt": "is greater than", "ge": "is at least"},
}


def date_text(d: date, lang: Lang = "vi") -> str:
    """A date as Vietnamese administrative texts write it (``14/06/2024``), or ISO in English."""
    return f"{d.day:02d}/{d.month:02d}/{d.year}" if lang == "vi" else d.isoformat()


def _value(field: str, value: Any, lang: Lang) -> str:
    if isinstance(value, date):
        return date_text(value, lang)
    if isinstance(value, int) and not isinstance(value, bool) and 10000101 <= value <= 99991231 and _dated(field):
        return date_text(date(value // 10000, value // 100 % 100, value % 100), lang)
    return value_label(field, value, lang)


def value_text(field: str, value: Any, lang: Lang = "vi") -> str:
    """An event's value of ``field`` as the reasons show it (a date as a date, an identifier by its label)."""
    return _value(field, value, lang)


def _dated(field: str) -> bool:
    return field in ("date", "reference_date") or field.endswith(("_date", "_opening", "_start", "_end"))


def _or(items: list[str], lang: Lang) -> str:
    word = " hoặc " if lang == "vi" else " or "
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + word + items[-1]


def test_words(t: Test, lang: Lang = "vi", fact: Mapping[str, Any] | None = None) -> str:
    """One test in words; with the event's values where the test does not state them (``ne``, ``differs_from``)."""
    name = field_label(t.field, lang)

    def shown(field: str) -> str:
        n = field_label(field, lang)
        if fact is not None and field in fact:
            return f"{n} ({_value(field, fact[field], lang)})"
        return n

    vi = lang == "vi"
    if t.op == "given":
        if vi:
            return f"{'có' if t.value else 'không'} nêu {name}"
        return f"{name} is {'given' if t.value else 'not given'}"
    if t.op in ("same_as", "differs_from"):
        same = t.op == "same_as"
        if vi:
            return f"{shown(t.field)} {'cũng là' if same else 'khác'} {shown(t.value)}"
        return f"{shown(t.field)} {'is the same as' if same else 'differs from'} {shown(t.value)}"
    if t.op in ("eq", "ne") and isinstance(t.value, bool):
        truth = t.value == (t.op == "eq")
        default = ((f"{name}: có", f"{name}: không"), (f"{name}: yes", f"{name}: no"))
        vi_pair, en_pair = BOOL_PHRASES.get(t.field, default)
        return (vi_pair if lang == "vi" else en_pair)[0 if truth else 1]
    if t.op in ("in", "not_in"):
        negative = t.op == "not_in"
        if t.set_name is not None:
            values = pick(SET_LABELS[t.set_name], lang)
        else:
            values = _or([_value(t.field, v, lang) for v in t.value], lang)
        target = shown(t.field) if negative else name
        if vi:
            return f"{target} {'không phải là' if negative else 'là'} {values}"
        return f"{target} {'is not' if negative else 'is'} {values}"
    value = _value(t.field, t.value, lang)
    if t.field in FIELD_PHRASES and t.op in ("eq", "ne"):  # "đơn thuộc thẩm quyền giải quyết của …"
        vi_pair, en_pair = FIELD_PHRASES[t.field]
        return (vi_pair if vi else en_pair)[t.op == "ne"].format(value=value)
    if t.op == "eq":
        return f"{name} {'là' if vi else 'is'} {value}"
    if t.op == "ne":
        return f"{shown(t.field)} {'không phải là' if vi else 'is not'} {value}"
    words = (_DATE_WORDS if _dated(t.field) or isinstance(t.value, date) else _NUMBER_WORDS)[lang]
    return f"{shown(t.field)} {words[t.op]} {value}"


def condition_words(
    node: Node | None,
    lang: Lang = "vi",
    truths: Mapping[int, bool] | None = None,
    fact: Mapping[str, Any] | None = None,
) -> str:
    """A condition in words. With ``truths`` (each test's truth by index), an ``any`` shows only the branches
    that held — the reasons a rule applied.
    """
    if node is None:
        return ""
    and_, or_ = (" và ", " hoặc ") if lang == "vi" else (" and ", " or ")
    if isinstance(node, Test):
        return test_words(node, lang, fact)
    if isinstance(node, Not):
        inner = condition_words(node.part, lang, None, fact)
        return f"không phải trường hợp {inner}" if lang == "vi" else f"not the case that {inner}"
    if isinstance(node, All):
        return and_.join(_paren(condition_words(p, lang, truths, fact), lang) for p in node.parts)
    branches = list(node.parts)
    if truths is not None:
        from quyche.rules.conditions import syntax_holds

        branches = [p for p in branches if syntax_holds(p, truths)] or branches
    if len(branches) == 1:
        return condition_words(branches[0], lang, truths, fact)
    return or_.join(_paren(condition_words(p, lang, truths, fact), lang) for p in branches)


def _paren(text: str, lang: Lang) -> str:
    joins = (" và ", " hoặc ") if lang == "vi" else (" and ", " or ")
    return f"({text})" if any(j in text for j in joins) else text


def event_words(event_type: str, lang: Lang = "vi") -> str:
    """The event type in words: "sự kiện là …" / "the event is a …"."""
    kind = label(event_type, lang)
    kind = kind[:1].lower() + kind[1:]
    if lang == "vi":
        return f"thuộc trường hợp {kind}"
    return f"the event is {'an' if kind[:1] in 'aeiou' else 'a'} {kind}"


def reason_words(
    event_type: str,
    node: Node | None,
    truths: Mapping[int, bool] | None,
    lang: Lang = "vi",
    fact: Mapping[str, Any] | None = None,
) -> str:
    """Why a rule applied: the event's type and the tests that held, as one sentence."""
    head = event_words(event_type, lang)
    cond = condition_words(node, lang, truths, fact)
    return f"{head}; {cond}" if cond else head


def failed_tests(node: Node | None, truths: Mapping[int, bool]) -> list[Test]:
    """The tests that made a condition fail: in an ``all``, each failing part's; in an ``any``, every branch's."""
    from quyche.rules.conditions import syntax_holds

    if node is None or syntax_holds(node, truths):
        return []
    if isinstance(node, Test):
        return [node]
    if isinstance(node, Not):
        from quyche.rules.syntax import leaves

        return [t for t in leaves(node.part) if truths[t.index]]
    if isinstance(node, All):
        return [t for p in node.parts for t in failed_tests(p, truths)]
    return [t for p in node.parts for t in failed_tests(p, truths)]
