"""The Decision (docs/reference.md §4): who leads, coordinates, is informed and advises, each
body's duties with deadlines, the provisions relied on, warnings and a trace. Frozen pydantic models whose
JSON form (``decision.model_dump(mode="json")``, ``decision.model_dump_json()``) is stable and reads back
with ``Decision.model_validate_json(text)`` (its JSON Schema: ``schemas/decision.schema.json``).

Identifiers are typed with ``Literal`` aliases (:data:`~quyche.BodyId`, :data:`~quyche.ModeId`,
:data:`~quyche.EventType`), so a misspelt identifier in client code (``d.lead == "ubnd_tinh"``) is a
type error under ``mypy --strict``.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict

from quyche.chapters.chuong_1 import BodyId
from quyche.chapters.chuong_4 import ModeId
from quyche.events import EventType


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)  # built on first use, not at import


class Deadline(_Frozen):
    """A time limit: ``days`` in ``unit``, ``within`` or ``before`` the ``anchor`` date; ``due`` is the
    computed date when the anchor is known. ``moved_from`` is the day the period would have ended when
    that day is a weekend day or an official day off and the period therefore ends on the next working
    day (Bộ luật Dân sự 2015, Điều 148 khoản 5; calendar-day ``within`` periods only), else null.
    """

    days: int
    unit: Literal["days", "working_days"]
    relation: Literal["within", "before"]
    anchor: str
    due: date | None = None
    moved_from: date | None = None


class Citation(_Frozen):
    """A provision of the regulation relied on."""

    chapter: int
    article: int
    clause: int | None = None
    point: str | None = None
    label: str


class Responsibility(_Frozen):
    """One body's duty in this decision."""

    party: BodyId
    duty: str
    text_vi: str
    text_en: str
    mode: ModeId | None = None
    deadline: Deadline | None = None
    citation: Citation
    provenance: Literal["summary", "law", "reconstructed"]
    basis: str | None = None


class DecisionWarning(_Frozen):
    """Something the reader must know about this decision (a stable ``code``, and messages)."""

    code: str
    message: str
    message_vi: str | None = None


class TraceEntry(_Frozen):
    """A rule that applied, in firing order: why (``reason``, in English words), and which of its tests held
    (``held``: their numbers in the rule's condition, in document order, the table row's keys after them), and
    for a rule with a table, the number of the row that matched (``row``, 1-based).
    """

    rule: str
    article: int
    reason: str
    held: list[int] = []
    row: int | None = None


class Decision(_Frozen):
    """What the regulation says about one event."""

    event_type: EventType
    event_id: str | None = None
    reference_date: date | None = None
    lead: BodyId | None
    coordinating: list[BodyId]
    notified: list[BodyId]
    advising: list[BodyId]
    modes: list[ModeId]
    responsibilities: list[Responsibility]
    citations: list[Citation]
    warnings: list[DecisionWarning]
    trace: list[TraceEntry]

    @property
    def warning_codes(self) -> list[str]:
        """The codes of the decision's warnings."""
        return [w.code for w in self.warnings]

    @property
    def cited_articles(self) -> list[int]:
        """The article numbers among the citations, sorted."""
        return sorted({c.article for c in self.citations})
