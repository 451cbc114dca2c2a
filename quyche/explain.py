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

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

from quyche.decision import Citation, Deadline, Decision, Responsibility, TraceEntry
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
    "event": ("Sự việc", "Event"),
    "reference": ("Ngày làm căn cứ áp dụng", "Reference date"),
    "lead": ("Cơ quan chủ trì", "Chairs (chủ trì)"),
    "coordinating": ("Cơ quan phối hợp", "Coordinate (phối hợp)"),
    "notified": ("Gửi để biết", "For information (để biết)"),
    "informed": ("Thông báo, công khai", "Told or made public"),
    "advising": ("Cơ quan tham mưu", "Advise (tham mưu)"),
    "modes": ("Phương thức phối hợp", "Modes of coordination"),
    "duties": ("Trách nhiệm", "Responsibilities"),
    "deadline": ("Thời hạn", "Deadline"),
    "basis": ("Căn cứ", "Basis"),
    "duty_code": ("Mã nhiệm vụ", "Duty code"),
    "warnings": ("Lưu ý", "Warnings"),
    "reasons": ("Các quy định đã áp dụng", "Reasons (rules applied and the conditions met)"),
    "because": ("Căn cứ áp dụng", "Because"),
    "citations": ("Điều khoản viện dẫn", "Provisions cited"),
    "none": ("không có", "none"),
    "no_lead": ("không xác định (xem phần lưu ý)", "none (see the warnings)"),
}

#: The event's own date as a deadline's anchor, by event type, in the law's words ("kể từ ngày tiếp
#: nhận đơn", not "ngày diễn ra sự kiện").
DATE_ANCHOR_LABELS: dict[str, tuple[str, str]] = {
    "propaganda_activity": ("ngày tổ chức hoạt động", "the day of the activity"),
    "draft_consultation": ("ngày gửi lấy ý kiến dự thảo", "the day the draft is sent for comments"),
    "voter_contact": ("ngày tiếp xúc cử tri", "the day of the voter contact"),
    "voter_petition": ("ngày tiếp nhận kiến nghị", "the day the petition is received"),
    "citizen_reception": ("ngày tiếp công dân", "the day of the citizen reception"),
    "petition_received": ("ngày tiếp nhận đơn", "the day the letter is received"),
    "petition_resolved": ("ngày vụ việc được giải quyết", "the day the case is settled"),
    "supervision_planned": ("ngày ra quyết định thành lập đoàn", "the day the delegation is set up"),
    "meeting_convened": ("ngày khai mạc kỳ họp, phiên họp, hội nghị", "the day the session or meeting opens"),
    "report_issued": ("ngày ban hành", "the day of issue"),
    "information_request": ("ngày nhận được đề nghị", "the day the request is received"),
    "annual_review": ("ngày tổ chức hội nghị đánh giá", "the day of the evaluation meeting"),
    "amendment_proposed": ("ngày đề xuất", "the day of the proposal"),
}

#: The dates a deadline counts from, in words (each date field in its own words).
ANCHOR_LABELS: dict[str, tuple[str, str]] = {
    **FIELD_LABELS,
    "date": ("ngày làm căn cứ tính thời hạn", "the event's date"),
}

#: Recipients told directly or by public posting, not sent documents for information (review §4).
_PEOPLE = ("citizen", "public")


def _t(key: str, lang: Lang) -> str:
    vi, en = _TEXT[key]
    return vi if lang == "vi" else en


def _pick(pair: tuple[str, str], lang: Lang) -> str:
    return pair[0] if lang == "vi" else pair[1]


def _bodies(ids: Sequence[str], lang: Lang) -> str:
    return "; ".join(f"{label(i, lang)} ({i})" for i in ids) if ids else _t("none", lang)


def _unit(d: Deadline, lang: Lang) -> str:
    if lang == "vi":
        return "ngày làm việc" if d.unit == "working_days" else "ngày"
    return "working days" if d.unit == "working_days" else "days"


def deadline_text(d: Deadline, lang: Lang = "vi", event_type: str | None = None) -> str:
    """A deadline in words, with the due date when it is known, and the day it moved from when the
    period's last day is a day off (Bộ luật Dân sự 2015, Điều 148 khoản 5).
    """
    labels = DATE_ANCHOR_LABELS.get(event_type or "") if d.anchor == "date" else None
    anchor = _pick(labels or ANCHOR_LABELS.get(d.anchor, (d.anchor, d.anchor)), lang)
    unit = _unit(d, lang)
    if lang == "vi":
        rel = f"trong thời hạn {d.days} {unit} kể từ" if d.relation == "within" else f"chậm nhất {d.days} {unit} trước"
        known = f"hạn: ngày {date_text(d.due, lang)}" if d.due else None
        due = known or "hạn: chưa tính được (chưa có ngày làm căn cứ tính thời hạn)"
        if d.moved_from:
            due += (
                f" (ngày cuối cùng của thời hạn, {date_text(d.moved_from, lang)}, là ngày nghỉ nên thời hạn kết thúc"
                " vào ngày làm việc tiếp theo, theo khoản 5 Điều 148 Bộ luật Dân sự 2015)"
            )
        return f"{rel} {anchor} — {due}"
    rel = f"within {d.days} {unit} of" if d.relation == "within" else f"at least {d.days} {unit} before"
    due = f"due {date_text(d.due, lang)}" if d.due else "due date unknown (the event does not give the date)"
    if d.moved_from:
        due += (
            f" (the period's last day, {date_text(d.moved_from, lang)}, is a day off, so it ends on the next"
            " working day: Civil Code 2015, Article 148(5))"
        )
    return f"{rel} {anchor} — {due}"


def citation_text(c: Citation, lang: Lang = "vi", regulation: Regulation | None = None) -> str:
    """A citation: the Vietnamese label, or in English with the article's English title when known."""
    return cite.citation_text(c, lang, regulation.compiled.outline.articles if regulation else None)


# -- reasons: a rule's condition in words -------------------------------------------------------------


def trace_reason(
    regulation: Regulation,
    event_type: str,
    entry: TraceEntry,
    fact: Mapping[str, Any] | None,
    lang: Lang,
    event: EventBase | None = None,
) -> str:
    """Why a rule applied, in words, from its trace entry: the tests that held (rendered, not re-evaluated),
    the articles of the event it cites (``cites: [event.articles]``), and for a general rule, that none of
    its exceptions applied.
    """
    unit = regulation.compiled.unit_for(entry.rule, entry.row)
    held = set(entry.held)
    truths = {x.index: x.index in held for x in leaves(unit.condition)}
    because = reason_words(event_type, unit.condition, truths, lang, fact)
    because += _cited_from_event(unit.cites_from, event, lang)
    exceptions = sorted(regulation.compiled.exceptions.get(unit.rule_id, ()))
    if exceptions:  # a default rule applied: none of its exceptions did
        word = "không thuộc trường hợp ngoại lệ" if lang == "vi" else "no exception applies"
        because += f"; {word}: {', '.join(exceptions)}"
    return because


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
        because = trace_reason(regulation, decision.event_type, t, fact, lang, parsed)
        ref = t.rule if t.row is None else f"{t.rule}, {'dòng' if lang == 'vi' else 'row'} {t.row}"
        out.append(f"     {_t('because', lang)}: {because}. [{ref}]")
    return out


# -- layout -------------------------------------------------------------------------------------------

#: Headings and words of the layout (the texts above are the regulation's vocabulary).
_LAYOUT: dict[str, tuple[str, str]] = {
    "duty_count": ("{n} nhiệm vụ", "{n} duty|{n} duties"),
    "first_due": ("hạn sớm nhất {d}", "first due {d}"),
    "undated": ("{n} nhiệm vụ chưa tính được hạn", "{n} with a due date not computable yet"),
    "lead_short": ("Chủ trì", "Chairs"),
    "coordinating_short": ("Phối hợp", "Coordinate"),
    "notified_short": ("Để biết", "For information"),
    "advising_short": ("Tham mưu", "Advise"),
    "cited_short": ("Căn cứ", "Provisions"),
    "warning_short": ("Lưu ý", "Warning"),
}

_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def vi_dates(text: str) -> str:
    """ISO dates in a Vietnamese text written as Vietnamese texts write them (``2025-06-30`` → ``30/06/2025``)."""
    return _ISO.sub(lambda m: f"{m.group(3)}/{m.group(2)}/{m.group(1)}", text)


def _layout(key: str, lang: Lang, **values: Any) -> str:
    text = _pick(_LAYOUT[key], lang)
    if "|" in text:  # English singular|plural
        one, many = text.split("|")
        text = one if values.get("n") == 1 else many
    return text.format(**values)


def _words(text: str, lang: Lang) -> str:
    """A text from the rules or a warning, on one line; its dates Vietnamese in the Vietnamese text."""
    text = " ".join(text.split())
    return vi_dates(text) if lang == "vi" else text


def _heading(decision: Decision, lang: Lang) -> list[str]:
    head = f"{_t('event', lang)}: {label(decision.event_type, lang)} ({decision.event_type})"
    if decision.event_id:
        head += f" — {decision.event_id}"
    lines = [head]
    if decision.reference_date:
        lines.append(f"{_t('reference', lang)}: {date_text(decision.reference_date, lang)}")
    return lines


def _warning_lines(decision: Decision, lang: Lang) -> list[str]:
    if not decision.warnings:
        return []
    lines = [f"{_t('warnings', lang)}:"]
    for w in decision.warnings:
        msg = (w.message_vi or w.message) if lang == "vi" else w.message
        lines.append(f"  - {_words(msg, lang)} [{w.code}]")
    return lines


def _role_lines(decision: Decision, lang: Lang) -> list[str]:
    lead = f"{label(decision.lead, lang)} ({decision.lead})" if decision.lead else _t("no_lead", lang)
    modes = "; ".join(label(m, lang) for m in decision.modes) or _t("none", lang)
    # a citizen is told, and the public is told by posting: neither is sent documents "để biết"
    people = [i for i in decision.notified if i in _PEOPLE]
    return [
        f"{_t('lead', lang)}: {lead}",
        f"{_t('coordinating', lang)}: {_bodies(decision.coordinating, lang)}",
        f"{_t('notified', lang)}: {_bodies([i for i in decision.notified if i not in _PEOPLE], lang)}",
        *([f"{_t('informed', lang)}: {_bodies(people, lang)}"] if people else []),
        f"{_t('advising', lang)}: {_bodies(decision.advising, lang)}",
        f"{_t('modes', lang)}: {modes}",
    ]


def duties_by_body(decision: Decision) -> list[tuple[str, list[Responsibility]]]:
    """The duties grouped by the body that bears them: the lead first, then the coordinating bodies,
    then the others in the order the decision names them.
    """
    order = [b for b in (decision.lead, *decision.coordinating) if b is not None]
    groups: dict[str, list[Responsibility]] = {b: [] for b in order}
    for r in decision.responsibilities:
        groups.setdefault(r.party, []).append(r)
    return [(body, duties) for body, duties in groups.items() if duties]


def _duty_lines(decision: Decision, lang: Lang) -> list[str]:
    lines = [f"{_t('duties', lang)}:"]
    if not decision.responsibilities:
        return [*lines, f"  ({_t('none', lang)})"]
    for body, duties in duties_by_body(decision):
        lines.append(f"  {label(body, lang)} ({body}):")
        for r in duties:
            text = r.text_vi if lang == "vi" else r.text_en
            lines.append(f"    - {_words(text, lang)}")
            if r.deadline:
                lines.append(f"      {_t('deadline', lang)}: {deadline_text(r.deadline, lang, decision.event_type)}")
            prov = _pick(PROVENANCE_LABELS[r.provenance], lang)
            basis = f"; {r.basis}" if r.basis else ""
            where = cite.provision(r.citation.article, r.citation.clause, r.citation.point, lang)
            lines.append(f"      {_t('basis', lang)}: {where} [{prov}{basis}]")
            lines.append(f"      {_t('duty_code', lang)}: {r.duty}")  # what a case file's ``done`` entries name
    return lines


def _citation_lines(decision: Decision, lang: Lang, regulation: Regulation | None) -> list[str]:
    return [f"{_t('citations', lang)}:"] + [f"  - {citation_text(c, lang, regulation)}" for c in decision.citations]


def _cited_short(citations: Sequence[Citation], lang: Lang) -> str:
    """The provisions cited, one entry per article: ``Điều 8 (khoản 1, 2, 5); Điều 18`` or
    ``Article 8(1), (2), (5); Article 18``.
    """
    clauses: dict[int, list[str]] = {}
    for c in citations:
        parts = clauses.setdefault(c.article, [])
        if c.clause is not None:
            part = str(c.clause) + (f" {c.point}" if lang == "vi" and c.point else f")({c.point}" if c.point else "")
            if part not in parts:
                parts.append(part)
    out = []
    for article, parts in clauses.items():
        if lang == "vi":
            out.append(f"Điều {article}" + (f" (khoản {', '.join(parts)})" if parts else ""))
        else:
            out.append(f"Article {article}" + ", ".join(f"({p})" for p in parts))
    return "; ".join(out)


def _short(decision: Decision, lang: Lang) -> list[str]:
    """At most about 15 lines: the event, warnings, roles, one line per body with duties, provisions."""
    head = f"{label(decision.event_type, lang)}"
    if decision.event_id:
        head += f" — {decision.event_id}"
    if decision.reference_date:
        head += f" ({_t('reference', lang).lower()} {date_text(decision.reference_date, lang)})"
    warnings = [
        f"{_layout('warning_short', lang)}: {_words((w.message_vi or w.message) if lang == 'vi' else w.message, lang)}"
        for w in decision.warnings
    ]
    lead = label(decision.lead, lang) if decision.lead else _t("no_lead", lang)
    roles = [f"{_layout('lead_short', lang)}: {lead}"]
    named = (("coordinating", decision.coordinating), ("notified", decision.notified), ("advising", decision.advising))
    for key, ids in named:
        if ids:
            roles.append(f"{_layout(key + '_short', lang)}: {'; '.join(label(i, lang) for i in ids)}")
    bodies = []
    for body, duties in duties_by_body(decision):
        parts = [_layout("duty_count", lang, n=len(duties))]
        dues = sorted(r.deadline.due for r in duties if r.deadline and r.deadline.due)
        undated = sum(1 for r in duties if r.deadline and not r.deadline.due)
        if dues:
            parts.append(_layout("first_due", lang, d=date_text(dues[0], lang)))
        if undated:
            parts.append(_layout("undated", lang, n=undated))
        bodies.append(f"  - {label(body, lang)}: {'; '.join(parts)}")
    cited = _cited_short(decision.citations, lang)
    if bodies:
        bodies.insert(0, f"{_t('duties', lang)}:")
    tail = [f"{_layout('cited_short', lang)}: {cited}"] if cited else []
    if len(warnings) > 1 and 1 + len(warnings) + len(roles) + len(bodies) + len(tail) > 15:
        warnings = [f"{_layout('warning_short', lang)}: " + " ".join(w.split(": ", 1)[1] for w in warnings)]
    return [head, *warnings, *roles, *bodies, *tail]
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
    short: bool = False,
) -> str:
    """The decision as text for legal staff (give ``regulation`` and ``event`` for worded reasons).

    The warnings come first, then who chairs, coordinates, is informed and advises, then each body's
    duties (grouped by body, each with its deadline and the provision it rests on), the provisions
    cited (each with its title, once) and the reasons. In Vietnamese every date is written 30/06/2025.
    ``short=True`` gives at most about 15 lines: the roles and, per body, how many duties and the first
    due date.
    """
    if short:
        return "\n".join(_short(decision, lang)) + "\n"
    reasons = _reasons(decision, lang, regulation, event)
    sections = [
        _heading(decision, lang),
        _warning_lines(decision, lang),
        _role_lines(decision, lang),
        _duty_lines(decision, lang),
        _citation_lines(decision, lang, regulation),
        [f"{_t('reasons', lang)}:", *(vi_dates(x) if lang == "vi" else x for x in reasons)],
    ]
    return "\n\n".join("\n".join(sec) for sec in sections if sec) + "\n"
