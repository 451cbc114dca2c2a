"""Render a Decision for people, in Vietnamese (default) or English."""

from __future__ import annotations

from typing import Literal

from quyche.decision import Deadline, Decision
from quyche.labels import PROVENANCE_LABELS, label

Lang = Literal["vi", "en"]

_TEXT: dict[str, tuple[str, str]] = {
    "event": ("Sự kiện", "Event"),
    "reference": ("Ngày tham chiếu", "Reference date"),
    "lead": ("Cơ quan chủ trì", "Leads (chủ trì)"),
    "coordinating": ("Cơ quan phối hợp", "Coordinate (phối hợp)"),
    "notified": ("Gửi để biết", "For information (để biết)"),
    "advising": ("Cơ quan tham mưu", "Advise (tham mưu)"),
    "modes": ("Phương thức phối hợp", "Modes of coordination"),
    "duties": ("Trách nhiệm", "Responsibilities"),
    "deadline": ("Thời hạn", "Deadline"),
    "basis": ("Căn cứ", "Basis"),
    "warnings": ("Lưu ý", "Warnings"),
    "reasons": ("Lý do (các quy định đã áp dụng)", "Reasons (rules applied)"),
    "citations": ("Điều khoản viện dẫn", "Provisions cited"),
    "none": ("không có", "none"),
    "no_lead": ("không xác định (xem lưu ý)", "none (see warnings)"),
}


def _t(key: str, lang: Lang) -> str:
    vi, en = _TEXT[key]
    return vi if lang == "vi" else en


def _bodies(ids: list[str], lang: Lang) -> str:
    return "; ".join(f"{label(i, lang)} ({i})" for i in ids) if ids else _t("none", lang)


def _unit(d: Deadline, lang: Lang) -> str:
    if lang == "vi":
        return "ngày làm việc" if d.unit == "working_days" else "ngày"
    return "working days" if d.unit == "working_days" else "days"


def deadline_text(d: Deadline, lang: Lang = "vi") -> str:
    """A deadline in words, with the due date when it is known."""
    if lang == "vi":
        rel = (
            f"trong thời hạn {d.days} {_unit(d, lang)} kể từ"
            if d.relation == "within"
            else (f"chậm nhất {d.days} {_unit(d, lang)} trước")
        )
        text = f"{rel} ngày [{d.anchor}]"
        return text + (f" — hạn: {d.due.isoformat()}" if d.due else " — hạn: chưa tính được (thiếu ngày mốc)")
    rel = (
        f"within {d.days} {_unit(d, lang)} of"
        if d.relation == "within"
        else f"at least {d.days} {_unit(d, lang)} before"
    )
    text = f"{rel} [{d.anchor}]"
    return text + (f" — due {d.due.isoformat()}" if d.due else " — due date unknown (anchor date not given)")


def explain(decision: Decision, lang: Lang = "vi") -> str:
    """The decision as text for legal staff."""
    lines: list[str] = []
    head = f"{_t('event', lang)}: {label(decision.event_type, lang)} ({decision.event_type})"
    if decision.event_id:
        head += f" — {decision.event_id}"
    lines.append(head)
    if decision.reference_date:
        lines.append(f"{_t('reference', lang)}: {decision.reference_date.isoformat()}")
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
        lines.append(f"  {i}. {label(r.party, lang)}: {text}")
        if r.deadline:
            lines.append(f"     {_t('deadline', lang)}: {deadline_text(r.deadline, lang)}")
        prov_vi, prov_en = PROVENANCE_LABELS[r.provenance]
        prov = prov_vi if lang == "vi" else prov_en
        basis = f"; {r.basis}" if r.basis else ""
        lines.append(f"     {_t('basis', lang)}: {r.citation.label} [{prov}{basis}]")
    if decision.warnings:
        lines.append(f"{_t('warnings', lang)}:")
        for w in decision.warnings:
            msg = (w.message_vi or w.message) if lang == "vi" else w.message
            lines.append(f"  - [{w.code}] {msg}")
    lines.append(f"{_t('citations', lang)}:")
    for c in decision.citations:
        lines.append(f"  - {c.label}")
    lines.append(f"{_t('reasons', lang)}:")
    for t in decision.trace:
        lines.append(
            f"  - {t.rule} (Điều {t.article}): {t.reason}"
            if lang == "vi"
            else f"  - {t.rule} (Art. {t.article}): {t.reason}"
        )
    return "\n".join(lines) + "\n"
