"""A case's statuses and an audit's summary for people and programs (``quyche track``, ``quyche audit``).

* :func:`status_text` — for people, in Vietnamese (default) or English: the duties grouped by body, the
  bodies with overdue duties first, and in each body the overdue duties first, each with its due date,
  its deadline in words and its citation.
* :func:`status_csv` — one row per duty (columns :data:`CSV_COLUMNS`).
* :func:`status_ics` — an iCalendar file (RFC 5545, through the maintained ``icalendar`` library): one
  all-day event per dated duty on its due date, its status in the summary and its text, deadline and
  citation in the description.
* :func:`summary_text`, :func:`summary_csv`, :func:`summary_json` — an audit's summary per body.
"""

from __future__ import annotations

import csv
import hashlib
import io
from datetime import datetime, time, timedelta, timezone
from typing import TYPE_CHECKING

from quyche.auditing import AuditSummary, BodyCounts
from quyche.cases import STATUSES, CaseStatus, DutyStatus
from quyche.decision import Responsibility
from quyche.explain import Lang, citation_text, deadline_text
from quyche.labels import label
from quyche.render import date_text

if TYPE_CHECKING:
    from quyche.regulation import Regulation

#: The columns of ``quyche track --format csv``.
CSV_COLUMNS = (
    "case",
    "party",
    "duty",
    "due",
    "status",
    "done_on",
    "days_late",
    "unit",
    "article",
    "clause",
    "point",
    "citation",
    "text",
)
#: The columns of ``quyche audit --format csv`` (one row per body, then ``total``).
SUMMARY_COLUMNS = ("body", *STATUSES, "on_time")

_ORDER = {"overdue": 0, "open": 1, "undated": 2, "late": 3, "met": 4}

_TEXT: dict[str, tuple[str, str]] = {
    "case": ("Hồ sơ", "Case"),
    "event": ("Sự kiện", "Event"),
    "of": ("ngày", "of"),
    "as_of": ("Tình hình thực hiện đến ngày", "Status as of"),
    "due": ("Thời hạn", "Deadline"),
    "done": ("Đã thực hiện ngày", "Done on"),
    "basis": ("Căn cứ", "Basis"),
    "none": ("Không có trách nhiệm nào.", "No duties."),
    "summary": ("Tổng hợp", "Summary"),
    "cases": ("hồ sơ", "cases"),
    "invalid": ("dòng không hợp lệ", "invalid lines"),
    "body": ("Cơ quan", "Body"),
    "total": ("Tổng cộng", "Total"),
    "on_time": ("Tỷ lệ đúng hạn", "On time"),
}
_STATUS: dict[str, tuple[str, str]] = {
    "met": ("Đã thực hiện đúng hạn", "Done on time"),
    "late": ("Thực hiện chậm hạn", "Done late"),
    "overdue": ("Quá hạn", "Overdue"),
    "open": ("Đang trong thời hạn", "Not yet due"),
    "undated": ("Chưa xác định được hạn", "Due date unknown"),
}
_COLUMN: dict[str, tuple[str, str]] = {
    "met": ("Đúng hạn", "Met"),
    "late": ("Chậm hạn", "Late"),
    "overdue": ("Quá hạn", "Overdue"),
    "open": ("Trong hạn", "Open"),
    "undated": ("Chưa xác định hạn", "Undated"),
}


def _t(key: str, lang: Lang) -> str:
    vi, en = _TEXT[key]
    return vi if lang == "vi" else en


def _days(n: int, unit: str, lang: Lang) -> str:
    if lang == "vi":
        return f"{n} {'ngày làm việc' if unit == 'working_days' else 'ngày'}"
    word = "working day" if unit == "working_days" else "day"
    return f"{n} {word}{'' if n == 1 else 's'}"


def status_label(d: DutyStatus, r: Responsibility, lang: Lang = "vi") -> str:
    """A duty's status in words, with how late it is (``Quá hạn 3 ngày làm việc``)."""
    unit = r.deadline.unit if r.deadline else "days"
    if d.status == "late" and d.days_late:
        return (
            f"Thực hiện chậm {_days(d.days_late, unit, lang)}"
            if lang == "vi"
            else (f"Done {_days(d.days_late, unit, lang)} late")
        )
    if d.status == "overdue" and d.days_late:
        return (
            f"Quá hạn {_days(d.days_late, unit, lang)}, chưa thực hiện"
            if lang == "vi"
            else (f"Overdue by {_days(d.days_late, unit, lang)}")
        )
    if d.status == "open" and r.deadline is None:
        return "Chưa thực hiện (không quy định thời hạn)" if lang == "vi" else "Not done (no time limit)"
    if d.status == "met" and d.due is None:
        return "Đã thực hiện" if lang == "vi" else "Done"
    vi, en = _STATUS[d.status]
    return vi if lang == "vi" else en


def _text_of(r: Responsibility, lang: Lang) -> str:
    return " ".join((r.text_vi if lang == "vi" else r.text_en).split())


def status_text(status: CaseStatus, lang: Lang = "vi", regulation: Regulation | None = None) -> str:
    """A case's statuses for people: by body, overdue first, with due dates and citations."""
    decision = status.decision
    lines: list[str] = []
    if status.case:
        lines.append(f"{_t('case', lang)}: {status.case}")
    head = f"{_t('event', lang)}: {label(decision.event_type, lang)} ({decision.event_type})"
    if decision.reference_date:
        head += f", {_t('of', lang)} {date_text(decision.reference_date, lang)}"
    lines.append(head)
    counts = ", ".join(
        f"{_COLUMN[s][0 if lang == 'vi' else 1].lower()}: {status.count(s)}" for s in STATUSES if status.count(s)
    )
    lines.append(f"{_t('as_of', lang)} {date_text(status.today, lang)}" + (f" — {counts}" if counts else ""))
    pairs = status.pairs()
    if not pairs:
        lines += ["", _t("none", lang)]
    groups: dict[str, list[tuple[DutyStatus, Responsibility]]] = {}
    for d, r in pairs:
        groups.setdefault(d.party, []).append((d, r))
    order = sorted(groups, key=lambda p: (-sum(d.status == "overdue" for d, _ in groups[p]), list(groups).index(p)))
    for party in order:
        lines += ["", f"{label(party, lang)} ({party})"]
        items = sorted(groups[party], key=lambda dr: (_ORDER[dr[0].status], -(dr[0].days_late or 0)))
        for d, r in items:
            lines.append(f"  [{status_label(d, r, lang)}] {_text_of(r, lang)} ({r.duty})")
            if r.deadline is not None:
                lines.append(f"      {_t('due', lang)}: {deadline_text(r.deadline, lang)}")
            if d.done_on is not None:
                lines.append(f"      {_t('done', lang)}: {date_text(d.done_on, lang)}")
            lines.append(f"      {_t('basis', lang)}: {citation_text(r.citation, lang, regulation)}")
    return "\n".join(lines) + "\n"


def status_csv(status: CaseStatus, lang: Lang = "vi", regulation: Regulation | None = None) -> str:
    """One CSV row per duty, with a header row (:data:`CSV_COLUMNS`)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for d, r in status.pairs():
        c = d.citation
        writer.writerow(
            [
                status.case or "",
                d.party,
                d.duty,
                d.due.isoformat() if d.due else "",
                d.status,
                d.done_on.isoformat() if d.done_on else "",
                "" if d.days_late is None else d.days_late,
                r.deadline.unit if r.deadline else "",
                c.article,
                "" if c.clause is None else c.clause,
                c.point or "",
                citation_text(c, lang, regulation),
                _text_of(r, lang),
            ]
        )
    return buf.getvalue()


def _uid_base(status: CaseStatus) -> str:
    if status.case:
        return status.case
    return hashlib.sha256(status.decision.model_dump_json().encode("utf-8")).hexdigest()[:16]


def status_ics(status: CaseStatus, lang: Lang = "vi", regulation: Regulation | None = None) -> bytes:
    """An iCalendar file with one all-day event per dated duty (on its due date)."""
    try:
        import icalendar
    except ImportError as exc:  # pragma: no cover - icalendar is a dependency
        from quyche.errors import QuycheError

        raise QuycheError("the iCalendar format needs the icalendar package (pip install icalendar)") from exc
    cal = icalendar.Calendar()
    cal.add("prodid", "-//quyche//quyche track//VI" if lang == "vi" else "-//quyche//quyche track//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    name = f"{_t('case', lang)} {status.case}" if status.case else label(status.decision.event_type, lang)
    cal.add("x-wr-calname", name)
    stamp = datetime.combine(status.today, time(0, 0), tzinfo=timezone.utc)  # reproducible: the tracking day
    base = _uid_base(status)
    for i, (d, r) in enumerate(status.pairs()):
        if d.due is None:
            continue
        event = icalendar.Event()
        event.add("uid", f"{base}-{i}-{d.party}-{d.duty}@quyche")
        event.add("dtstamp", stamp)
        event.add("dtstart", d.due)
        event.add("dtend", d.due + timedelta(days=1))
        event.add("summary", f"[{status_label(d, r, lang)}] {label(d.party, lang)}: {_text_of(r, lang)}")
        details = [
            _text_of(r, lang),
            f"{_t('due', lang)}: {deadline_text(r.deadline, lang)}" if r.deadline else "",
            f"{_t('done', lang)}: {date_text(d.done_on, lang)}" if d.done_on else "",
            f"{_t('basis', lang)}: {citation_text(r.citation, lang, regulation)}",
            f"{_t('case', lang)}: {status.case}" if status.case else "",
            f"quyche: {d.party} {d.duty} {d.status}",
        ]
        event.add("description", "\n".join(x for x in details if x))
        event.add("categories", [d.status])
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    return bytes(cal.to_ical())


# -- an audit's summary -----------------------------------------------------------------------------


def _share(c: BodyCounts) -> str:
    return "—" if c.on_time is None else f"{c.on_time * 100:.1f} %"


def summary_text(summary: AuditSummary, lang: Lang = "vi") -> str:
    """The summary per body as a table for people."""
    head = (
        f"{_t('summary', lang)} ({date_text(summary.today, lang)}): {summary.cases} {_t('cases', lang)}, "
        f"{summary.invalid} {_t('invalid', lang)}"
    )
    rows = [[_t("body", lang), *(_COLUMN[s][0 if lang == "vi" else 1] for s in STATUSES), _t("on_time", lang)]]
    for body, c in summary.bodies.items():
        rows.append([f"{label(body, lang)} ({body})", *(str(getattr(c, s)) for s in STATUSES), _share(c)])
    t = summary.total
    rows.append([_t("total", lang), *(str(getattr(t, s)) for s in STATUSES), _share(t)])
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    out = [head, ""]
    for row in rows:
        cells = [row[0].ljust(widths[0])] + [cell.rjust(w) for cell, w in zip(row[1:], widths[1:], strict=True)]
        out.append("  ".join(cells).rstrip())
    return "\n".join(out) + "\n"


def summary_csv(summary: AuditSummary) -> str:
    """One CSV row per body, then ``total`` (:data:`SUMMARY_COLUMNS`)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(SUMMARY_COLUMNS)
    for body, c in [*summary.bodies.items(), ("total", summary.total)]:
        writer.writerow([body, *(getattr(c, s) for s in STATUSES), "" if c.on_time is None else c.on_time])
    return buf.getvalue()


def summary_json(summary: AuditSummary) -> str:
    """The summary as JSON (``AuditSummary.model_dump_json``, indented)."""
    return summary.model_dump_json(indent=2) + "\n"
