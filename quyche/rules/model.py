"""Pydantic models of the rule files (``format: quyche/rule@2`` and ``quyche/chapter@1``): the *read* stage's
output, checked for shape only (keys, types, ranges). What the values mean — event fields, bodies, clauses,
exceptions — is checked by :mod:`quyche.rules.check`.

A chapter file (``rules/chuong_N.yaml``) gives the chapter's number, titles and articles. An article file
(``rules/dieu_NN.yaml``) gives the article's titles, its clauses (number, Vietnamese text, English gloss), its
rules, its standing duties and what it deliberately does not encode (``docs/rule-format.md``).

A rule says when it applies (event types, a condition, optionally a table of cases), whether it is an
exception to a more general rule, what it decides (lead, coordinating, notified, advising, modes, duties with
deadlines, warnings), the clause it cites and its provenance. Conditions are data (a mapping of event fields to
tests, see :mod:`quyche.rules.syntax`); nothing in a rule file is ever evaluated as code.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, StrictBool, model_validator

from quyche.chapters.chuong_4 import ModeId
from quyche.events_base import ArticleNo

RULE_FORMAT = "quyche/rule@2"
CHAPTER_FORMAT = "quyche/chapter@1"

Scalar = Union[StrictBool, int, date, str]  # noqa: UP007 - order matters: bool before int
Identifier = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=60)]
RuleId = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$", max_length=100)]
Text = Annotated[str, Field(min_length=1, max_length=4000)]
ClauseNo = Annotated[int, Field(ge=1, le=50)]
PointLetter = Annotated[str, Field(pattern=r"^[a-zđ]$")]
#: A body named by a rule (parsed by :func:`quyche.rules.syntax.parse_body`): an identifier (``ubnd``), an event
#: field (``event.received_by``), a table column (``row.host``), ``lead``, ``all_parties``, ``other_parties``
#: (the parties but the lead), or ``office_of(X)`` for the office that advises X (Điều 18).
BodyExpr = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_.()]*$", max_length=80)]
#: An event field that lists article numbers, cited by a rule: ``event.articles``.
CitedField = Annotated[str, Field(pattern=r"^event\.[a-z][a-z0-9_]*$", max_length=80)]
#: A table column that holds a number: ``row.days``.
ColumnRef = Annotated[str, Field(pattern=r"^row\.[a-z][a-z0-9_]*$", max_length=80)]
#: A condition: a mapping of event fields to tests, and ``all`` / ``any`` / ``not`` (:mod:`quyche.rules.syntax`).
Condition = Annotated[
    dict[str, Any],
    Field(
        min_length=1,
        json_schema_extra={
            "description": "event field: value | {eq|ne|lt|le|gt|ge: value} | {in|not_in: [values] or a named set} | "
            "{given: true|false} | {same_as|differs_from: another field}; and all: [..], any: [..], not: {..}"
        },
    ),
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class Provenance(_Strict):
    """Where a rule comes from: the public ``summary``, a national ``law`` (``basis`` names the instrument and
    article), or ``reconstructed`` (inferred; to check against the signed text).
    """

    source: Literal["summary", "law", "reconstructed"]
    basis: Text | None = None
    note: Text | None = None

    @model_validator(mode="after")
    def _law_has_basis(self) -> Provenance:
        if self.source == "law" and not self.basis:
            raise ValueError("a 'law' provenance must name the instrument and article in 'basis'")
        return self


class Point(_Strict):
    """A point (điểm a, b …) of a clause."""

    point: PointLetter
    text_vi: Text
    text_en: Text


class Clause(_Strict):
    """A clause (khoản) of an article: its number, its text in Vietnamese (our paraphrase: the signed text is not
    available) and an English gloss, and its points if it has some.
    """

    clause: ClauseNo
    text_vi: Text
    text_en: Text
    points: list[Point] = []


class DeadlineSpec(_Strict):
    """A time limit: ``days`` (a number, or a table column ``row.X``) counted in calendar or working days,
    ``within`` or ``before`` an anchor date named by a date field of the event (``date``, ``submission_date`` …).
    """

    days: Annotated[int, Field(ge=0, le=3650)] | ColumnRef
    unit: Literal["days", "working_days"]
    relation: Literal["within", "before"]
    anchor: Identifier


class ResponsibilitySpec(_Strict):
    """A duty of one body (or of each body an expression names)."""

    party: BodyExpr
    duty: Identifier
    text_vi: Text
    text_en: Text
    mode: ModeId | None = None
    deadline: DeadlineSpec | None = None
    article: ArticleNo | None = None
    clause: ClauseNo | None = None
    point: PointLetter | None = None
    provenance: Provenance | None = None


class WarningSpec(_Strict):
    """A warning the decision carries when the rule applies."""

    code: Identifier
    message_vi: Text
    message_en: Text


class InForce(_Strict):
    """The dates between which a rule version applies (by the event's date or ``as_of``)."""

    from_: date | None = Field(default=None, alias="from")
    until: date | None = None
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, populate_by_name=True)

    @model_validator(mode="after")
    def _ordered(self) -> InForce:
        if self.from_ is None and self.until is None:
            raise ValueError("in_force needs 'from', 'until' or both")
        if self.from_ is not None and self.until is not None and self.until < self.from_:
            raise ValueError("in_force: 'until' is before 'from'")
        return self


class Table(_Strict):
    """A table of cases: the rule applies to an event whose ``keys`` fields match a row, and reads the row's other
    columns (``row.X`` in a body, a deadline's ``days``, ``{X}`` in a text). One row per case, no duplicates;
    where the keys have finitely many values, every case the rule's condition admits must have a row.
    ``if_absent`` gives the value an absent key field counts as (``complex: false``).
    """

    keys: Annotated[list[Identifier], Field(min_length=1, max_length=6)]
    if_absent: dict[Identifier, Scalar] = {}
    rows: Annotated[list[dict[Identifier, Scalar]], Field(min_length=1, max_length=500)]


class Rule(_Strict):
    """One rule: when it applies, what it decides, the clause it cites and where it comes from."""

    id: RuleId
    event: Identifier | Annotated[list[Identifier], Field(min_length=1)] | None = None  # default: the article's
    when: Condition | None = None
    table: Table | None = None
    exception_to: RuleId | Annotated[list[RuleId], Field(min_length=1)] | None = None
    clause: ClauseNo | None = None
    point: PointLetter | None = None
    priority: Annotated[int, Field(ge=0, le=1000)] | None = None
    in_force: InForce | None = None
    provenance: Provenance
    text_vi: Text
    text_en: Text
    lead: BodyExpr | None = None
    coordinating: list[BodyExpr] = []
    notified: list[BodyExpr] = []
    advising: list[BodyExpr] = []
    modes: list[ModeId] = []
    responsibilities: list[ResponsibilitySpec] = []
    warnings: list[WarningSpec] = []
    #: further articles relied on: numbers, or ``event.FIELD`` for the articles an event lists (Điều 20)
    cites: list[ArticleNo | CitedField] = []

    @property
    def event_types(self) -> tuple[str, ...]:
        """The event types as written (``any`` is expanded by the checker; none: the article's)."""
        if self.event is None:
            return ()
        return (self.event,) if isinstance(self.event, str) else tuple(self.event)

    @property
    def exceptions_to(self) -> tuple[str, ...]:
        """The rules this rule is an exception to."""
        if self.exception_to is None:
            return ()
        return (self.exception_to,) if isinstance(self.exception_to, str) else tuple(self.exception_to)


class NotEncoded(_Strict):
    """Something the article says that is deliberately not encoded, and why."""

    what: Text
    reason: Text


class Validity(_Strict):
    """The regulation's period of validity (data, with provenance)."""

    from_: date = Field(alias="from")
    until: date
    nominal_end: date | None = None
    provenance: Provenance
    note_vi: Text
    note_en: Text
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, populate_by_name=True)


class StandingDuty(_Strict):
    """A standing responsibility of a body under Chương V (not tied to one event)."""

    party: Identifier
    duty: Identifier
    clause: ClauseNo | None = None
    text_vi: Text
    text_en: Text
    provenance: Provenance


class ArticleFile(_Strict):
    """``rules/dieu_NN.yaml``: one article of the regulation."""

    format: Literal["quyche/rule@2"]
    article: ArticleNo
    chapter: Annotated[int, Field(ge=1, le=7)]
    title_vi: Text
    title_en: Text
    provenance: Provenance
    #: the event type(s) the article's rules apply to unless a rule says otherwise
    event: Identifier | Annotated[list[Identifier], Field(min_length=1)] | None = None
    clauses: Annotated[list[Clause], Field(min_length=1, max_length=50)]
    rules: list[Rule] = []
    standing_duties: list[StandingDuty] = []
    not_encoded: list[NotEncoded] = []
    validity: Validity | None = None

    def clause(self, number: int) -> Clause | None:
        """The clause with this number, if the article has it."""
        return next((c for c in self.clauses if c.clause == number), None)


class ChapterFile(_Strict):
    """``rules/chuong_N.yaml``: one chapter and the articles it holds."""

    format: Literal["quyche/chapter@1"]
    chapter: Annotated[int, Field(ge=1, le=7)]
    numeral: Annotated[str, Field(pattern=r"^[IVX]+$")]
    title_vi: Text
    title_en: Text
    provenance: Provenance
    articles: Annotated[list[ArticleNo], Field(min_length=1)]
