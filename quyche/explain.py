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
from datetime import date
from typing import TYPE_CHECKING, Any, Literal

from quyche.decision import Citation, Deadline, Decision
from quyche.events import FIELD_SPECS, field_descriptions, parse_event
from quyche.events_base import EventBase
from quyche.labels import LABELS, PROVENANCE_LABELS, label
from quyche.rules import conditions as C
from quyche.rules.bodies import roman
from quyche.rules.compile import event_fact

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

#: Event fields in words, for the reasons (``year = 2024`` → "năm đánh giá là 2024").
FIELD_LABELS: dict[str, tuple[str, str]] = {
    "type": ("loại sự kiện", "the event type"),
    "id": ("mã sự kiện", "the event id"),
    "date": ("ngày diễn ra hoặc tiếp nhận", "the event's date"),
    "reference_date": ("ngày tham chiếu", "the reference date"),
    "organized_by": ("cơ quan tổ chức", "the organising body"),
    "topic": ("nội dung tuyên truyền, vận động", "the topic"),
    "document": ("loại dự thảo", "the draft document"),
    "drafted_by": ("cơ quan soạn thảo", "the drafting body"),
    "social_criticism": ("có phản biện xã hội", "social criticism"),
    "submission_date": ("ngày trình dự thảo", "the submission date"),
    "level": ("cấp tiếp xúc cử tri", "the level"),
    "phase": ("thời điểm tiếp xúc cử tri", "the phase"),
    "session_opening": ("ngày khai mạc kỳ họp", "the session's opening date"),
    "received_by": ("cơ quan tiếp nhận", "the receiving body"),
    "competence": ("thẩm quyền giải quyết", "the competence"),
    "reception": ("hình thức tiếp công dân", "the kind of reception"),
    "kind": ("loại đơn", "the kind of petition"),
    "competent_body": ("cơ quan có thẩm quyền giải quyết", "the competent body"),
    "round": ("lần khiếu nại", "the complaint round"),
    "complex": ("vụ việc phức tạp", "a complex case"),
    "remote_area": ("ở vùng sâu, vùng xa", "a remote area"),
    "resolved_by": ("cơ quan giải quyết", "the resolving body"),
    "transferred_by": ("cơ quan đã chuyển đơn", "the transferring body"),
    "activity": ("hoạt động", "the activity"),
    "by": ("cơ quan thực hiện", "the body carrying it out"),
    "subject": ("đối tượng", "the subject"),
    "convened_by": ("cơ quan triệu tập", "the convening body"),
    "meeting": ("loại kỳ họp, cuộc họp", "the meeting"),
    "issued_by": ("cơ quan ban hành", "the issuing body"),
    "report": ("loại báo cáo", "the report"),
    "requested_by": ("cơ quan đề nghị", "the requesting body"),
    "requested_from": ("cơ quan được đề nghị", "the body asked"),
    "mode": ("hình thức đề nghị", "the mode"),
    "year": ("năm đánh giá", "the year"),
    "proposed_by": ("cơ quan đề xuất", "the proposing body"),
    "articles": ("các điều đề xuất sửa đổi", "the articles"),
}

_DATE_FIELD_NAMES = {n for specs in FIELD_SPECS.values() for n, s in specs.items() if s.kind == "date"}
FIELD_LABELS.update({n: d for n, d in field_descriptions().items() if n not in FIELD_LABELS})

#: Values of enumerated event fields in words (parties use their labels).
VALUE_LABELS: dict[str, tuple[str, str]] = {
    "law_dissemination": ("phổ biến, giáo dục pháp luật", "law dissemination"),
    "great_unity": ("xây dựng khối đại đoàn kết toàn dân tộc", "great national unity"),
    "people_diplomacy": ("đối ngoại nhân dân", "people-to-people external relations"),
    "campaign": ("cuộc vận động, phong trào thi đua", "a campaign or emulation movement"),
    "national_law": ("dự án luật, pháp lệnh", "a national law or ordinance"),
    "hdnd_resolution": ("nghị quyết của Hội đồng nhân dân tỉnh", "a resolution of the People's Council"),
    "ubnd_decision": ("quyết định của Ủy ban nhân dân tỉnh", "a decision of the People's Committee"),
    "national_assembly": ("đại biểu Quốc hội", "National Assembly deputies"),
    "people_council": ("đại biểu Hội đồng nhân dân", "People's Council deputies"),
    "joint": ("liên tịch", "joint"),
    "before_session": ("trước kỳ họp", "before the session"),
    "after_session": ("sau kỳ họp", "after the session"),
    "thematic": ("chuyên đề", "thematic"),
    "central": ("Trung ương", "central"),
    "provincial": ("tỉnh", "provincial"),
    "ubnd_chair_periodic": ("Chủ tịch Ủy ban nhân dân tỉnh tiếp công dân định kỳ", "periodic reception by the chair"),
    "na_deputies": ("đại biểu Quốc hội tiếp công dân", "reception by NA deputies"),
    "hdnd_deputies": ("đại biểu Hội đồng nhân dân tiếp công dân", "reception by People's Council deputies"),
    "front": ("Mặt trận tiếp công dân", "reception by the Front"),
    "crowd_or_complex": ("đông người, vụ việc phức tạp", "a crowd or a complex case"),
    "complaint": ("khiếu nại", "a complaint"),
    "denunciation": ("tố cáo", "a denunciation"),
    "feedback": ("phản ánh", "feedback"),
    "recommendation": ("kiến nghị", "a recommendation"),
    "judicial": ("cơ quan tư pháp", "a judicial body"),
    "other_local": ("cơ quan khác ở địa phương", "another local body"),
    "supervision": ("giám sát", "supervision"),
    "social_criticism": ("phản biện xã hội", "social criticism"),
    "inspection": ("thanh tra", "inspection"),
    "examination": ("kiểm tra", "examination"),
    "hdnd_session": ("kỳ họp Hội đồng nhân dân tỉnh", "a People's Council session"),
    "ubnd_meeting": ("phiên họp Ủy ban nhân dân tỉnh", "a People's Committee meeting"),
    "tt_hdnd_meeting": ("phiên họp Thường trực Hội đồng nhân dân tỉnh", "a Standing Committee meeting"),
    "front_conference": ("hội nghị Ủy ban Mặt trận Tổ quốc tỉnh", "a Fatherland Front conference"),
    "joint_meeting": ("hội nghị liên tịch", "a joint meeting"),
    "work_programme": ("chương trình công tác", "a work programme"),
    "six_month": ("báo cáo 6 tháng", "a six-month report"),
    "annual": ("báo cáo năm", "an annual report"),
    "notify": ("thông báo", "notification"),
    "written_comment": ("góp ý bằng văn bản", "written comments"),
}

#: The dates a deadline counts from, in words.
ANCHOR_LABELS: dict[str, tuple[str, str]] = {
    "date": ("ngày diễn ra hoặc tiếp nhận sự kiện", "the event's date"),
    "submission_date": ("ngày trình dự thảo", "the submission date"),
    "session_opening": ("ngày khai mạc kỳ họp", "the session's opening"),
    "reference_date": ("ngày tham chiếu", "the reference date"),
}
# the later dates of a case (and any other documented date field) in the words of their declaration
ANCHOR_LABELS.update(
    {n: d for n, d in field_descriptions().items() if n not in ANCHOR_LABELS and n in _DATE_FIELD_NAMES}
)

#: Yes/no fields as sentences: (Vietnamese when true, when false), (English when true, when false).
BOOL_PHRASES: dict[str, tuple[tuple[str, str], tuple[str, str]]] = {
    "complex": (("vụ việc phức tạp", "vụ việc không phức tạp"), ("the case is complex", "the case is not complex")),
    "remote_area": (
        ("người gửi ở vùng sâu, vùng xa", "người gửi không ở vùng sâu, vùng xa"),
        ("the petitioner lives in a remote area", "the petitioner does not live in a remote area"),
    ),
    "social_criticism": (
        ("dự thảo được đưa ra phản biện xã hội", "dự thảo không đưa ra phản biện xã hội"),
        ("the draft is put to social criticism", "the draft is not put to social criticism"),
    ),
}

_DATE_FIELDS = {"reference_date"} | {n for specs in FIELD_SPECS.values() for n, s in specs.items() if s.kind == "date"}


def _t(key: str, lang: Lang) -> str:
    vi, en = _TEXT[key]
    return vi if lang == "vi" else en


def _pick(pair: tuple[str, str], lang: Lang) -> str:
    return pair[0] if lang == "vi" else pair[1]


def date_text(d: date, lang: Lang = "vi") -> str:
    """A date as Vietnamese administrative texts write it (``14/06/2024``), or ISO in English."""
    return f"{d.day:02d}/{d.month:02d}/{d.year}" if lang == "vi" else d.isoformat()


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


def provision(article: int, clause: int | None, point: str | None, lang: Lang = "vi") -> str:
    """A provision's reference: ``Điểm a khoản 1 Điều 8`` or ``Article 8(1)(a)``."""
    if lang == "en":
        return f"Article {article}" + (f"({clause})" if clause is not None else "") + (f"({point})" if point else "")
    parts = ([f"điểm {point}"] if point else []) + ([f"khoản {clause}"] if clause is not None else [])
    where = " ".join([*parts, f"Điều {article}"])
    return where[:1].upper() + where[1:]


def citation_text(c: Citation, lang: Lang = "vi", regulation: Regulation | None = None) -> str:
    """A citation: the Vietnamese label, or in English with the article's English title when known."""
    if lang == "vi":
        return c.label
    where = provision(c.article, c.clause, c.point, lang)
    title = next((a.title_en for a in regulation.articles if a.number == c.article), None) if regulation else None
    if title is None:
        return f"{where} (Chapter {roman(c.chapter)}) — {c.label}"
    return f"{where} (Chapter {roman(c.chapter)}): {title}"


# -- reasons: a rule's condition in words -------------------------------------------------------------


def _value(fieldname: str, value: Any, lang: Lang) -> str:
    if isinstance(value, bool):
        return ("có" if value else "không") if lang == "vi" else ("yes" if value else "no")
    if isinstance(value, int) and fieldname in _DATE_FIELDS and 10000101 <= value <= 99991231:
        return date_text(date(value // 10000, value // 100 % 100, value % 100), lang)
    if isinstance(value, str):
        if value in VALUE_LABELS:
            return _pick(VALUE_LABELS[value], lang)
        if value in LABELS:
            return label(value, lang)
    return str(value)


def _name(f: str, fact: Mapping[str, Any] | None, lang: Lang, with_value: bool) -> str:
    """A field in words; with its value from the fact when the condition does not state it (``ne``, ``lt`` …)."""
    name = _pick(FIELD_LABELS.get(f, (f, f)), lang)
    if with_value and fact is not None and f in fact:
        name += f" ({_value(f, fact[f], lang)})"
    return name


def _leaf_text(node: C.Node, fact: Mapping[str, Any] | None, lang: Lang) -> str:
    f, op = node["field"], node["op"]
    name = _name(f, fact, lang, op not in ("eq", "exists", "not_exists"))
    if op in ("exists", "not_exists"):
        if lang == "vi":
            return f"sự kiện {'có' if op == 'exists' else 'không'} nêu {name}"
        return f"{name} is {'given' if op == 'exists' else 'not given'}"
    if isinstance(node["value"], bool) and op in ("eq", "ne"):
        truth = node["value"] == (op == "eq")
        default = ((f"{name}: có", f"{name}: không"), (f"{name}: yes", f"{name}: no"))
        vi, en = BOOL_PHRASES.get(f, default)
        return (vi if lang == "vi" else en)[0 if truth else 1]
    value = _value(f, node["value"], lang)
    dated = f in _DATE_FIELDS
    if lang == "vi":
        words = {
            "eq": "là",
            "ne": "không phải là",
            "lt": "trước ngày" if dated else "nhỏ hơn",
            "le": "không muộn hơn ngày" if dated else "không lớn hơn",
            "gt": "sau ngày" if dated else "lớn hơn",
            "ge": "từ ngày" if dated else "không nhỏ hơn",
        }
    else:
        words = {
            "eq": "is",
            "ne": "is not",
            "lt": "is before" if dated else "is less than",
            "le": "is on or before" if dated else "is at most",
            "gt": "is after" if dated else "is greater than",
            "ge": "is on or after" if dated else "is at least",
        }
    return f"{name} {words[op]} {value}"


def _same_field(nodes: list[C.Node], op: str) -> str | None:
    fields = {n.get("field") for n in nodes}
    if len(nodes) > 1 and len(fields) == 1 and all(n.get("op") == op for n in nodes):
        return str(fields.pop())
    return None


def condition_text(node: C.Node | None, fact: Mapping[str, Any] | None, lang: Lang = "vi") -> str:
    """A normalised condition in words; with a fact, an ``any`` shows only the branches that held."""
    if node is None:
        return ""
    and_, or_ = (" và ", " hoặc ") if lang == "vi" else (" and ", " or ")
    if "all" in node:
        parts: list[C.Node] = node["all"]
        f = _same_field(parts, "ne")
        if f is not None:  # ``not_in``: "năm đánh giá không phải là 2022, 2023 hoặc 2024"
            values = [_value(f, n["value"], lang) for n in parts]
            name = _name(f, fact, lang, True)
            neg = "không phải là" if lang == "vi" else "is not"
            return f"{name} {neg} {', '.join(values[:-1])}{or_}{values[-1]}"
        if len(parts) == 1:
            return condition_text(parts[0], fact, lang)
        return and_.join(_paren(condition_text(n, fact, lang), lang) for n in parts)
    if "any" in node:
        branches: list[C.Node] = node["any"]
        if fact is not None:
            branches = [n for n in branches if C.holds(n, fact)] or branches
        f = _same_field(branches, "eq")
        if f is not None:  # ``in``: "loại đơn là khiếu nại hoặc tố cáo"
            values = [_value(f, n["value"], lang) for n in branches]
            name = _name(f, fact, lang, False)
            return f"{name} {'là' if lang == 'vi' else 'is'} {', '.join(values[:-1])}{or_}{values[-1]}"
        if len(branches) == 1:
            return condition_text(branches[0], fact, lang)
        return or_.join(_paren(condition_text(n, fact, lang), lang) for n in branches)
    return _leaf_text(node, fact, lang)


def _paren(text: str, lang: Lang) -> str:
    joins = (" và ", " hoặc ") if lang == "vi" else (" and ", " or ")
    return f"({text})" if any(j in text for j in joins) else text


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def reason_text(event_type: str, node: C.Node | None, fact: Mapping[str, Any] | None, lang: Lang = "vi") -> str:
    """Why a rule applied: the event's type and the conditions that held, as one sentence."""
    kind = _lower_first(label(event_type, lang))
    head = f"sự kiện là {kind}" if lang == "vi" else f"the event is {'an' if kind[:1] in 'aeiou' else 'a'} {kind}"
    cond = condition_text(node, fact, lang)
    if not cond:
        return head
    return f"{head}; {cond}"


def _reasons(decision: Decision, lang: Lang, regulation: Regulation | None, event: Any) -> list[str]:
    if regulation is None or event is None:
        art = "Điều" if lang == "vi" else "Art."
        return [f"  - {t.rule} ({art} {t.article}): {t.reason}" for t in decision.trace]
    parsed: EventBase = parse_event(event)
    fields = {k: getattr(parsed, k) for k in type(parsed).model_fields}
    fact = event_fact(fields, decision.reference_date)
    by_id = regulation.compiled.by_id
    out: list[str] = []
    for i, t in enumerate(decision.trace, 1):
        rule = by_id.get(t.rule)
        if rule is None:  # the decision came from other rules: say what the trace says
            out.append(f"  {i}. {t.rule}: {t.reason}")
            continue
        r = rule.rule
        where = provision(rule.article, r.clause, r.point, lang)
        text = " ".join((r.text_vi if lang == "vi" else r.text_en).split())
        out.append(f"  {i}. {where}: {text}")
        because = reason_text(decision.event_type, rule.when, fact, lang)
        out.append(f"     {_t('because', lang)}: {because}. [{t.rule}]")
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
