"""Pydantic models of the rule files (``format: quyche/rule@1`` and ``quyche/chapter@1``).

A chapter file (``rules/chuong_N.yaml``) gives the chapter's number, titles and articles. An article
file (``rules/dieu_NN.yaml``) gives the article's titles, a paraphrase, its rules and what it
deliberately does not encode. A rule says when it applies (event types and a condition) and what it
decides (lead, coordinating, notified, advising, modes, responsibilities with deadlines, warnings),
with the clause it cites and its provenance.

Conditions are data: a leaf compares one event field with a constant (``eq``, ``ne``, ``in``,
``not_in``, ``lt``, ``le``, ``gt``, ``ge``) or tests its presence (``exists``); ``all``, ``any`` and
``not`` combine them. Nothing in a rule file is ever evaluated as code.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Discriminator, Field, StrictBool, Tag, model_validator

from quyche.chapters.chuong_4 import ModeId

RULE_FORMAT = "quyche/rule@1"
CHAPTER_FORMAT = "quyche/chapter@1"

Scalar = Union[StrictBool, int, date, str]  # noqa: UP007 - order matters: bool before int
Identifier = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=60)]
RuleId = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$", max_length=100)]
Text = Annotated[str, Field(min_length=1, max_length=4000)]
#: A body named by a rule: an identifier (``ubnd``), an event field (``event.received_by``), ``lead``,
#: ``all_parties``, ``other_parties`` (the parties except the lead), or ``office_of(X)`` for the office
#: that advises X (Điều 18).
BodyExpr = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_.()]*$", max_length=80)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class Provenance(_Strict):
    """Where a rule comes from: the public ``summary``, a national ``law`` (``basis`` names the
    instrument and article), or ``reconstructed`` (inferred; to check against the signed text).
    """

    source: Literal["summary", "law", "reconstructed"]
    basis: Text | None = None
    note: Text | None = None

    @model_validator(mode="after")
    def _law_has_basis(self) -> Provenance:
        if self.source == "law" and not self.basis:
            raise ValueError("a 'law' provenance must name the instrument and article in 'basis'")
        return self


class Leaf(_Strict):
    """Compare one event field with a constant, or test that it is present (exactly one operator)."""

    field: Identifier
    eq: Scalar | None = None
    ne: Scalar | None = None
    in_: Annotated[list[Scalar], Field(min_length=1, max_length=50)] | None = Field(default=None, alias="in")
    not_in: Annotated[list[Scalar], Field(min_length=1, max_length=50)] | None = None
    lt: Scalar | None = None
    le: Scalar | None = None
    gt: Scalar | None = None
    ge: Scalar | None = None
    exists: StrictBool | None = None

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, populate_by_name=True)

    @model_validator(mode="after")
    def _one_operator(self) -> Leaf:
        ops = self.operators()
        if len(ops) != 1:
            raise ValueError(
                "a condition on a field needs exactly one of eq, ne, in, not_in, lt, le, gt, ge, exists"
                + (f" (found {', '.join(ops)})" if ops else "")
            )
        return self

    def operators(self) -> list[str]:
        """The operators this leaf sets (exactly one once validated)."""
        names = ("eq", "ne", "in_", "not_in", "lt", "le", "gt", "ge", "exists")
        return [n.rstrip("_") for n in names if getattr(self, n) is not None]

    @property
    def op(self) -> str:
        """The operator's name as written in the file."""
        return self.operators()[0]

    @property
    def value(self) -> Any:
        """The constant the field is compared with."""
        return getattr(self, "in_" if self.op == "in" else self.op)


class AllOf(_Strict):
    """True when every condition holds."""

    all: Annotated[list[Condition], Field(min_length=1, max_length=50)]


class AnyOf(_Strict):
    """True when at least one condition holds."""

    any: Annotated[list[Condition], Field(min_length=1, max_length=50)]


class NotOf(_Strict):
    """True when the condition does not hold."""

    not_: Condition = Field(alias="not")
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, populate_by_name=True)


def _condition_kind(value: Any) -> str | None:
    if isinstance(value, BaseModel):
        return {Leaf: "leaf", AllOf: "all", AnyOf: "any", NotOf: "not"}.get(type(value))
    if isinstance(value, dict):
        for key in ("all", "any", "not"):
            if key in value:
                return key
        return "leaf"
    return None


Condition = Annotated[
    Union[  # noqa: UP007
        Annotated[Leaf, Tag("leaf")],
        Annotated[AllOf, Tag("all")],
        Annotated[AnyOf, Tag("any")],
        Annotated[NotOf, Tag("not")],
    ],
    Discriminator(
        _condition_kind,
        custom_error_type="condition",
        custom_error_message="a condition is a mapping: {field: …, eq: …}, {all: […]}, {any: […]} or {not: …}",
    ),
]
AllOf.model_rebuild()
AnyOf.model_rebuild()
NotOf.model_rebuild()


class DeadlineSpec(_Strict):
    """A time limit: ``days`` counted in calendar or working days, ``within`` or ``before`` an anchor
    date named by an event field (``date``, ``submission_date``, ``session_opening``).
    """

    days: Annotated[int, Field(ge=0, le=3650)]
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
    clause: Annotated[int, Field(ge=1, le=50)] | None = None
    point: Annotated[str, Field(pattern=r"^[a-zđ]$")] | None = None
    article: Annotated[int, Field(ge=1, le=23)] | None = None
    provenance: Provenance | None = None


class WarningSpec(_Strict):
    """A warning the decision carries when the rule fires."""

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


class Rule(_Strict):
    """One rule: when it applies, what it decides, the clause it cites and where it comes from."""

    id: RuleId
    event: Identifier | Annotated[list[Identifier], Field(min_length=1)]
    when: Condition | None = None
    clause: Annotated[int, Field(ge=1, le=50)] | None = None
    point: Annotated[str, Field(pattern=r"^[a-zđ]$")] | None = None
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
    cites: list[Annotated[int, Field(ge=1, le=23)]] = []

    @property
    def event_types(self) -> tuple[str, ...]:
        """The event types this rule applies to (``any`` is expanded by the checker)."""
        return (self.event,) if isinstance(self.event, str) else tuple(self.event)


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
    clause: Annotated[int, Field(ge=1, le=50)] | None = None
    text_vi: Text
    text_en: Text
    provenance: Provenance


class ArticleFile(_Strict):
    """``rules/dieu_NN.yaml``: one article of the regulation."""

    format: Literal["quyche/rule@1"]
    article: Annotated[int, Field(ge=1, le=23)]
    chapter: Annotated[int, Field(ge=1, le=7)]
    title_vi: Text
    title_en: Text
    provenance: Provenance
    text_vi: Text | None = None
    text_en: Text | None = None
    rules: list[Rule] = []
    standing_duties: list[StandingDuty] = []
    not_encoded: list[NotEncoded] = []
    validity: Validity | None = None


class ChapterFile(_Strict):
    """``rules/chuong_N.yaml``: one chapter and the articles it holds."""

    format: Literal["quyche/chapter@1"]
    chapter: Annotated[int, Field(ge=1, le=7)]
    numeral: Annotated[str, Field(pattern=r"^[IVX]+$")]
    title_vi: Text
    title_en: Text
    provenance: Provenance
    articles: Annotated[list[Annotated[int, Field(ge=1, le=23)]], Field(min_length=1)]
