"""Body expressions and citations: what a rule's ``lead``, ``coordinating`` … and ``party`` name for an
event (docs/architecture.md), and how a provision is cited (``Khoản 1 Điều 19 (Chương VI): …``).
"""

from __future__ import annotations

import re

from quyche.chapters.chuong_1 import OFFICE_OF, PARTIES, RECIPIENTS
from quyche.decision import Citation
from quyche.events_base import EventBase
from quyche.rules.compile import CompiledRegulation

_OFFICE = re.compile(r"^office_of\((.+)\)$")


def resolve(expr: str, event: EventBase, lead: str | None) -> list[str]:
    """The bodies a body expression names for this event (see :data:`quyche.rules.model.BodyExpr`)."""
    m = _OFFICE.fullmatch(expr)
    if m:
        return [OFFICE_OF[p] for p in resolve(m.group(1), event, lead) if p in OFFICE_OF]
    if expr == "all_parties":
        return list(PARTIES)
    if expr == "other_parties":
        return [p for p in PARTIES if p != lead]
    if expr == "lead":
        return [lead] if lead else []
    if expr.startswith("event."):
        value = getattr(event, expr[len("event.") :], None)
        return [value] if isinstance(value, str) and value in RECIPIENTS else []
    return [expr]


def roman(n: int) -> str:
    """Chapter numeral (1–7)."""
    return ["", "I", "II", "III", "IV", "V", "VI", "VII"][n] if 0 < n < 8 else str(n)


def citation(reg: CompiledRegulation, article: int, clause: int | None, point: str | None) -> Citation:
    """A citation with its Vietnamese label, e.g. ``Khoản 1 Điều 19 (Chương VI): …``."""
    art = reg.outline.articles[article]
    parts = ([f"điểm {point}"] if point else []) + ([f"khoản {clause}"] if clause is not None else [])
    where = " ".join([*parts, f"Điều {article}"])
    where = where[0].upper() + where[1:]
    label = f"{where} (Chương {roman(art.chapter)}): {art.title_vi}"
    return Citation(chapter=art.chapter, article=article, clause=clause, point=point, label=label)
