"""Render a Decision for people, in Vietnamese (default) or English.

The text says who chairs (chủ trì), who coordinates (phối hợp), who is informed (để biết) and which
offices advise (tham mưu); each duty with its deadline, due date, article and clause; the warnings; and
the reasons — each rule that applied, the provision it encodes and the conditions of the event that
made it apply, written in the reader's language ("năm đánh giá là 2024").

Given the ``regulation`` and the ``event``, the reasons are rebuilt from the rules' conditions in
Vietnamese or English, and English citations use the articles' English titles. Without them (a bare
Decision) the reasons fall back to the decision's trace, which is in English.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal

from quyche.decision import Citation, Deadline, Decision
from quyche.events import parse_event
from quyche.events_base import EventBase
from quyche.labels import FIELD_LABELS, PROVENANCE_LABELS, field_label, label
from quyche.render import date_text, reason_words
from quyche.rules import cite
from quyche.rules.runtime import event_fact
from quyche.rules.syntax import leaves

if TYPE_CHECKING:
    from quyche.regulation import Regulation

Lang = Literal["vi", "en"]

_TEXT: dict[str, tuple[str, str]] = {
    "event": ("Sự kiện", "Event"),
    "reference": ("Ngày tham chiếu", "Reference date"),
    "lead": ("Cơ quan chủ trì", "Chairs (chủ trì)"),
    "coordinating": ("Cơ quan phối hợp", "Coordinate (phối hợp)"),
    "notified": ("Gửi để biết", "For information (để biết)"),
    "advising": ("Cơ quan tham mưu", "Advise (tham mưu)"),
    "modes": ("Phương thức phối hợp", "Modes of coordination"),
    "duties": ("Trách nhiệm", "Responsibilities"),
    "deadline": ("Thời hạn", "Deadline"),
    "basis": ("Căn cứ", "Basis"),
    "warnings": ("Lưu ý", "Warnings"),
    "reasons": ("Lý do (quy định đã áp dụng và điều kiện thỏa mãn)", "Reasons (rules applied and the conditions met)"),
    "because": ("Vì", "Because"),
    "citations": ("Điều khoản viện dẫn", "Provisions cited"),
    "none": ("không có", "none"),
    "no_lead": ("không xác định (xem phần lưu ý)", "none (see the warnings)"),
}

#: The dates a deadline counts from, in words (the field's own words, for the event's date the law's).
ANCHOR_LABELS: dict[str, tuple[str, str]] = {
    **FIELD_LABELS,
    "date": ("ngày tiếp nhận hoặc diễn ra", "the event's date"),
}


def _t(key: str, lang: Lang) -> str:
    vi, en = _TEXT[key]
    return vi if lang == "vi" else en


def _pick(pair: tuple[str, str], lang: Lang) -> str:
    return pair[0] if lang == "vi" else pair[1]


def _bodies(ids: list[str], lang: Lang) -> str:
    return "; ".join(f"{label(i, lang)} ({i})" for i in ids) if ids else _t("none", lang)


def _unit(d: Deadline, lang: Lang) -> str:
    if lang == "vi":
        return "ngày làm việc" if d.unit == "working_days" else "ngày"
    return "working days" if d.unit == "working_days" else "days"


def deadline_text(d: Deadline, lang: Lang = "vi") -> str:
    """A deadline in words, with the due date when it is known."""
    anchor = _pick(ANCHOR_LABELS.get(d.anchor, (d.anchor, d.anchor)), lang)
    unit = _unit(d, lang)
    if lang == "vi":
        rel = f"trong thời hạn {d.days} {unit} kể từ" if d.relation == "within" else f"chậm nhất {d.days} {unit} trước"
        known = f"hạn: ngày {date_text(d.due, lang)}" if d.due else None
        due = known or "hạn: chưa tính được (chưa có ngày mốc)"
        return f"{rel} {anchor} — {due}"
    rel = f"within {d.days} {unit} of" if d.relation == "within" else f"at least {d.days} {unit} before"
    due = f"due {date_text(d.due, lang)}" if d.due else "due date unknown (the event does not give the date)"
    return f"{rel} {anchor} — {due}"


def citation_text(c: Citation, lang: Lang = "vi", regulation: Regulation | None = None) -> str:
    """A citation: the Vietnamese label, or in English with the article's English title when known."""
    return cite.citation_text(c, lang, regulation.compiled.outline.articles if regulation else None)


# -- reasons: a rule's condition in words -------------------------------------------------------------


def _reasons(decision: Decision, lang: Lang, regulation: Regulation | None, event: Any) -> list[str]:
    """Each rule that applied: the provision, what it says, and the tests of its condition that held (from the
    decision's trace: rendered, never re-evaluated).
    """
    if regulation is None:
        art = "Điều" if lang == "vi" else "Art."
        return [f"  - {t.rule} ({art} {t.article}): {t.reason}" for t in decision.trace]
    fact: dict[str, Any] | None = None
    parsed: EventBase | None = None
    if event is not None:
        parsed = parse_event(event)
        fact = event_fact({k: getattr(parsed, k) for k in type(parsed).model_fields}, decision.reference_date)
    units = regulation.compiled.by_id
    out: list[str] = []
    for i, t in enumerate(decision.trace, 1):
        unit = units.get(t.rule if t.row is None else f"{t.rule}#{t.row}")  # Plan.unit_for, tolerant
        if unit is None:  # the decision came from other rules: say what the trace says
            out.append(f"  {i}. {t.rule}: {t.reason}")
            continue
        where = cite.provision(unit.article, unit.rule.clause, unit.rule.rule.point, lang)
        text = " ".join((unit.text_vi if lang == "vi" else unit.text_en).split())
        out.append(f"  {i}. {where}: {text}")
        held = set(t.held)
        truths = {x.index: x.index in held for x in leaves(unit.condition)}
        because = reason_words(decision.event_type, unit.condition, truths, lang, fact)
        because += _cited_from_event(unit.cites_from, parsed, lang)
        exceptions = sorted(regulation.compiled.exceptions.get(unit.rule_id, ()))
        if exceptions:  # a default rule applied: none of its exceptions did
            word = "không thuộc trường hợp ngoại lệ" if lang == "vi" else "no exception applies"
            because += f"; {word}: {', '.join(exceptions)}"
        ref = t.rule if t.row is None else f"{t.rule}, {'dòng' if lang == 'vi' else 'row'} {t.row}"
        out.append(f"     {_t('because', lang)}: {because}. [{ref}]")
    return out


def _cited_from_event(fields: tuple[str, ...], event: EventBase | None, lang: Lang) -> str:
    """The articles an event lists that the rule cites (``cites: [event.articles]``), named: ``; các điều đề xuất
    sửa đổi, bổ sung: Điều 8, Điều 19``.
    """
    out = ""
    for name in fields:
        numbers = sorted(set(getattr(event, name, None) or ()))
        if numbers:
            out += f"; {field_label(name, lang)}: " + ", ".join(cite.provision(n, lang=lang) for n in numbers)
    return out


def explain(
    decision: Decision,
    lang: Lang = "vi",
    *,
    regulation: Regulation | None = None,
    event: Mapping[str, Any] | EventBase | None = None,
) -> str:
    """The decision as text for legal staff (give ``regulation`` and ``event`` for worded reasons)."""
    lines: list[str] = []
    head = f"{_t('event', lang)}: {label(decision.event_type, lang)} ({decision.event_type})"
    if decision.event_id:
        head += f" — {decision.event_id}"
    lines.append(head)
    if decision.reference_date:
        lines.append(f"{_t('reference', lang)}: {date_text(decision.reference_date, lang)}")
    lead = f"{label(decision.lead, lang)} ({decision.lead})" if decision.lead else _t("no_lead", lang)
    lines.append(f"{_t('lead', lang)}: {lead}")
    lines.append(f"{_t('coordinating', lang)}: {_bodies(decision.coordinating, lang)}")
    lines.append(f"{_t('notified', lang)}: {_bodies(decision.notified, lang)}")
    lines.append(f"{_t('advising', lang)}: {_bodies(decision.advising, lang)}")
    modes = "; ".join(label(m, lang) for m in decision.modes) or _t("none", lang)
    lines.append(f"{_t('modes', lang)}: {modes}")
    lines.append(f"{_t('duties', lang)}:")
    if not decision.responsibilities:
        lines.append(f"  ({_t('none', lang)})")
    for i, r in enumerate(decision.responsibilities, 1):
        text = r.text_vi if lang == "vi" else r.text_en
        lines.append(f"  {i}. {label(r.party, lang)}: {' '.join(text.split())}")
        if r.deadline:
            lines.append(f"     {_t('deadline', lang)}: {deadline_text(r.deadline, lang)}")
        prov = _pick(PROVENANCE_LABELS[r.provenance], lang)
        basis = f"; {r.basis}" if r.basis else ""
        lines.append(f"     {_t('basis', lang)}: {citation_text(r.citation, lang, regulation)} [{prov}{basis}]")
    if decision.warnings:
        lines.append(f"{_t('warnings', lang)}:")
        for w in decision.warnings:
            msg = (w.message_vi or w.message) if lang == "vi" else w.message
            lines.append(f"  - {' '.join(msg.split())} [{w.code}]")
    lines.append(f"{_t('citations', lang)}:")
    for c in decision.citations:
        lines.append(f"  - {citation_text(c, lang, regulation)}")
    lines.append(f"{_t('reasons', lang)}:")
    lines += _reasons(decision, lang, regulation, event)
    return "\n".join(lines) + "\n"
