"""Amendments as files (``format: quyche/amendment@1``): a proposed change to the rules, applied to their data.

Điều 20 lets any of the four bodies propose to amend or supplement the regulation. An **amendment file** states
such a proposal the way a legal officer reads it beside the draft: who proposes it, the articles it touches, the
day it would take effect, and its changes — each in Vietnamese and English, as the proposal words it::

    format: quyche/amendment@1
    title_vi: Sửa đổi cơ quan chủ trì hội nghị đánh giá năm 2025
    title_en: Change of the host of the 2025 evaluation
    proposed_by: btt_ubmttq
    articles: [19]
    effective_from: 2025-03-01
    changes:
      - change: change_row
        rule: dieu_19.host
        row: {year: 2025}
        set: {host: doan_dbqh}
        text_vi: Năm 2025, Đoàn đại biểu Quốc hội tỉnh chủ trì hội nghị đánh giá.
        text_en: In 2025 the NA Delegation hosts the evaluation.

The changes (``docs/amendments.md``): a rule replaced, added or removed (``replace_rule``, ``add_rule``,
``remove_rule``); a rule's values (``change_rule``: its lead, lists, texts …); a duty changed, added or removed
(``change_duty`` — a deadline's days or unit —, ``add_duty``, ``remove_duty``); a table row changed, added or
removed (``change_row``, ``add_row``, ``remove_row``); a clause's text changed or a clause added
(``change_clause``, ``add_clause``).

An amendment is applied to the **data** of the rule files (:class:`~quyche.rules.read.RuleSource`): the changes
turn the touched article files into new documents, and the amended source goes through the same checks as the
bundled rules (:func:`quyche.rules.check.check`). Every error — in the amendment file itself (an unknown rule, a
missing clause, a date of effect outside the period of validity) or one the amended rules fail (an added rule
whose lead conflicts with another's) — is one :class:`~quyche.errors.RuleFileError` naming the amendment file,
its line and field, worded as every rule-file error is.

:meth:`Regulation.amend <quyche.regulation.Regulation.amend>` returns an :class:`AmendedRegulation`: the rules as
amended, and the original ones for events dated (or evaluated ``as_of``) before the date of effect. An undated
event gets the amended rules, as an undated event gets a rule's version in force now (``in_force``).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, ValidationError

from quyche.chapters.chuong_1 import PartyId
from quyche.chapters.chuong_4 import ModeId
from quyche.decision import Decision
from quyche.errors import RuleFileError, did_you_mean
from quyche.events import parse_event
from quyche.events_base import ArticleNo, EventBase, IsoDate
from quyche.regulation import EngineName, Regulation, _as_date, _public_error
from quyche.rules import conditions as C
from quyche.rules import yamlsafe
from quyche.rules.assemble import Assembler
from quyche.rules.check import CheckedRules, check
from quyche.rules.compile import Plan, compile_rules
from quyche.rules.model import (
    BodyExpr,
    CitedField,
    Clause,
    ClauseNo,
    ColumnRef,
    Condition,
    Identifier,
    InForce,
    PointLetter,
    Provenance,
    ResponsibilitySpec,
    Rule,
    RuleId,
    Scalar,
    Table,
    Text,
    WarningSpec,
)
from quyche.rules.read import Loaded, RuleSource, data_path, format_validation_error, read_rules
from quyche.rules.runplan import RunUnit
from quyche.rules.runtime import Runtime

if TYPE_CHECKING:
    from quyche.why import WhyNot

AMENDMENT_FORMAT = "quyche/amendment@1"
#: At most this many changes in one amendment file (a whole rewrite of the rules stays well below it).
MAX_CHANGES = 1000
#: An article number as a change names it: its existence is checked against the rules amended.
ArticleRef = Annotated[int, Field(ge=1, le=999)]
Loc = tuple[int | str, ...]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, populate_by_name=True)


class _Change(_Strict):
    """Every change says, in Vietnamese and English, what it changes (as the proposal words it)."""

    text_vi: Text = Field(description="the change as the proposal words it, in Vietnamese")
    text_en: Text = Field(description="the change in English")


# --------------------------------------------------------------------------------------------- rules


class ReplaceRule(_Change):
    """A rule replaced by another (the new rule is written whole, in the rule format)."""

    change: Literal["replace_rule"]
    rule: RuleId = Field(description="the id of the rule replaced")
    with_: Rule = Field(alias="with", description="the new rule, whole (format quyche/rule@2)")


class AddRule(_Change):
    """A rule added to an article (at its end, or after another rule of the article)."""

    change: Literal["add_rule"]
    article: ArticleRef = Field(description="the article the rule is added to")
    after: RuleId | None = Field(default=None, description="the rule of the article it comes after")
    rule: Rule = Field(description="the new rule, whole (format quyche/rule@2)")


class RemoveRule(_Change):
    """A rule removed."""

    change: Literal["remove_rule"]
    rule: RuleId = Field(description="the id of the rule removed")


class RuleSettings(_Strict):
    """New values of a rule's keys (``null`` removes a key: no lead, no condition …)."""

    event: Identifier | Annotated[list[Identifier], Field(min_length=1)] | None = None
    when: Condition | None = None
    table: Table | None = None
    exception_to: RuleId | Annotated[list[RuleId], Field(min_length=1)] | None = None
    clause: ClauseNo | None = None
    point: PointLetter | None = None
    priority: Annotated[int, Field(ge=0, le=1000)] | None = None
    in_force: InForce | None = None
    provenance: Provenance | None = None
    text_vi: Text | None = None
    text_en: Text | None = None
    lead: BodyExpr | None = None
    coordinating: list[BodyExpr] | None = None
    notified: list[BodyExpr] | None = None
    advising: list[BodyExpr] | None = None
    modes: list[ModeId] | None = None
    warnings: list[WarningSpec] | None = None
    cites: list[ArticleNo | CitedField] | None = None


class ChangeRule(_Change):
    """Some values of a rule changed: its lead, the bodies it names, its condition, its texts …"""

    change: Literal["change_rule"]
    rule: RuleId = Field(description="the id of the rule changed")
    set: Annotated[RuleSettings, Field(description="the keys of the rule and their new values")]


# --------------------------------------------------------------------------------------------- duties


class DeadlineSettings(_Strict):
    """New values of a deadline's keys (the others are kept)."""

    days: Annotated[int, Field(ge=0, le=3650)] | ColumnRef | None = None
    unit: Literal["days", "working_days"] | None = None
    relation: Literal["within", "before"] | None = None
    anchor: Identifier | None = None


class DutySettings(_Strict):
    """New values of a duty's keys (``deadline`` is merged key by key; ``deadline: null`` removes it)."""

    party: BodyExpr | None = None
    duty: Identifier | None = None
    mode: ModeId | None = None
    deadline: DeadlineSettings | None = None
    text_vi: Text | None = None
    text_en: Text | None = None
    article: ArticleNo | None = None
    clause: ClauseNo | None = None
    point: PointLetter | None = None
    provenance: Provenance | None = None


class ChangeDuty(_Change):
    """A duty of a rule changed: its deadline (days, unit …), party, texts …"""

    change: Literal["change_duty"]
    rule: RuleId = Field(description="the rule that gives the duty")
    duty: Identifier = Field(description="the duty's code")
    party: BodyExpr | None = Field(default=None, description="the duty's party, where the rule has several")
    set: Annotated[DutySettings, Field(description="the keys of the duty and their new values")]


class AddDuty(_Change):
    """A duty added to a rule."""

    change: Literal["add_duty"]
    rule: RuleId = Field(description="the rule that gives the new duty")
    responsibility: ResponsibilitySpec = Field(description="the new duty (as in a rule's responsibilities)")


class RemoveDuty(_Change):
    """A duty removed from a rule."""

    change: Literal["remove_duty"]
    rule: RuleId = Field(description="the rule that gives the duty")
    duty: Identifier = Field(description="the duty's code")
    party: BodyExpr | None = Field(default=None, description="the duty's party, where the rule has several")


# --------------------------------------------------------------------------------------------- tables

Row = Annotated[dict[Identifier, Scalar], Field(min_length=1)]


class ChangeRow(_Change):
    """A row of a rule's table changed (the rotation's host for a year, a period for a case)."""

    change: Literal["change_row"]
    rule: RuleId = Field(description="the rule whose table holds the row")
    row: Row = Field(description="the row's keys and their values (year: 2025)")
    set: Row = Field(description="the columns of the row and their new values (host: ubnd)")


class AddRow(_Change):
    """A row added to a rule's table."""

    change: Literal["add_row"]
    rule: RuleId = Field(description="the rule whose table gets the row")
    row: Row = Field(description="the new row, every key and column")


class RemoveRow(_Change):
    """A row removed from a rule's table."""

    change: Literal["remove_row"]
    rule: RuleId = Field(description="the rule whose table holds the row")
    row: Row = Field(description="the row's keys and their values")


# --------------------------------------------------------------------------------------------- clauses


class ClauseSettings(_Strict):
    """A clause's (or point's) new text."""

    text_vi: Text | None = None
    text_en: Text | None = None


class ChangeClause(_Change):
    """The text of a clause (or of one of its points) changed."""

    change: Literal["change_clause"]
    article: ArticleRef = Field(description="the article")
    clause: ClauseNo = Field(description="the clause")
    point: PointLetter | None = Field(default=None, description="the point, to change a point's text")
    set: Annotated[ClauseSettings, Field(description="the new text")]


class AddClause(_Change):
    """A clause added to an article."""

    change: Literal["add_clause"]
    article: ArticleRef = Field(description="the article")
    clause: Clause = Field(description="the new clause: its number and texts")


CHANGE_MODELS: dict[str, type[_Change]] = {
    "replace_rule": ReplaceRule,
    "add_rule": AddRule,
    "remove_rule": RemoveRule,
    "change_rule": ChangeRule,
    "change_duty": ChangeDuty,
    "add_duty": AddDuty,
    "remove_duty": RemoveDuty,
    "change_row": ChangeRow,
    "add_row": AddRow,
    "remove_row": RemoveRow,
    "change_clause": ChangeClause,
    "add_clause": AddClause,
}


def _kind(value: Any) -> str | None:
    """The union member of a change (named like a schema step, so error locations skip it)."""
    kind = value.get("change") if isinstance(value, dict) else getattr(value, "change", None)
    return f"change[{kind}]" if isinstance(kind, str) and kind in CHANGE_MODELS else None


AnyChange = Annotated[
    Union[  # noqa: UP007 - a runtime union of classes for the discriminator
        Annotated[ReplaceRule, Tag("change[replace_rule]")],
        Annotated[AddRule, Tag("change[add_rule]")],
        Annotated[RemoveRule, Tag("change[remove_rule]")],
        Annotated[ChangeRule, Tag("change[change_rule]")],
        Annotated[ChangeDuty, Tag("change[change_duty]")],
        Annotated[AddDuty, Tag("change[add_duty]")],
        Annotated[RemoveDuty, Tag("change[remove_duty]")],
        Annotated[ChangeRow, Tag("change[change_row]")],
        Annotated[AddRow, Tag("change[add_row]")],
        Annotated[RemoveRow, Tag("change[remove_row]")],
        Annotated[ChangeClause, Tag("change[change_clause]")],
        Annotated[AddClause, Tag("change[add_clause]")],
    ],
    Discriminator(_kind, custom_error_type="unknown_change", custom_error_message="unknown change"),
]


class AmendmentFile(_Strict):
    """A proposed amendment of the regulation (Điều 20): who proposes it, the articles it touches, the day it
    would take effect, and its changes.
    """

    format: Literal["quyche/amendment@1"]
    id: Annotated[str, Field(min_length=1, max_length=100)] | None = Field(
        default=None, description="the proposal's number or code, e.g. 12/TTr-UBND"
    )
    title_vi: Text = Field(description="what the amendment does, in Vietnamese")
    title_en: Text = Field(description="what the amendment does, in English")
    proposed_by: PartyId = Field(description="the body that proposes it (it leads the amendment, Điều 20)")
    proposed_on: IsoDate | None = Field(default=None, description="the date of the proposal")
    articles: Annotated[list[ArticleNo], Field(min_length=1)] = Field(description="the articles it touches")
    effective_from: IsoDate | None = Field(
        default=None,
        description="the day it takes effect: events dated from that day get the amended rules, earlier ones the "
        "original; absent: it applies to every event",
    )
    reason_vi: Text | None = Field(default=None, description="why it is proposed (tờ trình), in Vietnamese")
    reason_en: Text | None = Field(default=None, description="why it is proposed, in English")
    changes: Annotated[list[AnyChange], Field(min_length=1, max_length=MAX_CHANGES)]

    def event(self) -> dict[str, Any]:
        """The ``amendment_proposed`` event of this proposal (contract §3)."""
        event: dict[str, Any] = {"type": "amendment_proposed", "proposed_by": self.proposed_by}
        event["articles"] = list(self.articles)
        if self.id:
            event["id"] = self.id
        if self.proposed_on:
            event["date"] = self.proposed_on.isoformat()
        return event


# --------------------------------------------------------------------------------------------- reading


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    """The pydantic models an annotation names (through Optional, lists, Annotated)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    out: list[type[BaseModel]] = []
    for arg in get_args(annotation):
        out += _models_in(arg)
    if get_origin(annotation) is None and not out:
        return []
    return out


def _field(model: type[BaseModel], key: str) -> Any:
    for name, info in model.model_fields.items():
        if key in (name, info.alias):
            return info.annotation
    return None


def _allowed_keys(data: Any) -> Callable[[tuple[Any, ...]], list[str]]:
    """The keys a mapping at a path of an amendment file accepts (for "did you mean")."""

    def allowed(path: tuple[Any, ...]) -> list[str]:
        current: type[BaseModel] = AmendmentFile
        node = data
        parts = list(path[:-1])
        if len(parts) >= 2 and parts[0] == "changes" and isinstance(parts[1], int):
            change = data["changes"][parts[1]] if _has(data.get("changes") or [], parts[1]) else None
            kind = change.get("change") if isinstance(change, dict) else None
            if not isinstance(kind, str) or kind not in CHANGE_MODELS:
                return []
            current, node, parts = CHANGE_MODELS[kind], change, parts[2:]
        for part in parts:
            node = node[part] if isinstance(node, (dict, list)) and _has(node, part) else None
            if isinstance(part, int):
                continue
            models = _models_in(_field(current, part))
            if not models:
                return []
            current = models[0]
        return [info.alias or name for name, info in current.model_fields.items()]

    return allowed


def _has(node: Any, part: Any) -> bool:
    if isinstance(node, dict):
        return part in node
    return isinstance(part, int) and 0 <= part < len(node)


@dataclass(frozen=True)
class Amendment:
    """A validated amendment file: its model, and the parsed document for line numbers."""

    path: str
    doc: yamlsafe.Document
    model: AmendmentFile

    @property
    def loaded(self) -> Loaded:
        """The file as the rule checker's locator (``Loaded.error``)."""
        return Loaded(self.path, self.doc, self.model)

    def error(self, message: str, *loc: int | str) -> RuleFileError:
        """A RuleFileError at ``loc`` in the amendment file, naming the field."""
        return self.loaded.error(message, *loc)


def read_amendment(source: str | Path | Mapping[str, Any] | Amendment) -> Amendment:
    """Read and validate an amendment file (a path) or mapping; raises RuleFileError with file, line and field."""
    if isinstance(source, Amendment):
        return source
    if isinstance(source, Mapping):
        doc = yamlsafe.Document(data=copy.deepcopy(dict(source)), path="<amendment>")
    else:
        doc = yamlsafe.parse_file(source)
    where = Loaded(doc.path, doc, None)
    if not isinstance(doc.data, dict):
        raise RuleFileError(doc.path, doc.line_of(()), "the file must be a YAML mapping (key: value …)")
    changes = doc.data.get("changes")
    if isinstance(changes, list):  # name a misspelt kind of change before the model's checks
        for i, ch in enumerate(changes):
            if not isinstance(ch, dict):
                raise where.error("a change is a mapping: change: KIND, its keys, text_vi and text_en", "changes", i)
            kind = ch.get("change")
            if kind is None:
                raise where.error("required key is missing: say which change (change: …)", "changes", i, "change")
            if not isinstance(kind, str) or kind not in CHANGE_MODELS:
                raise where.error(
                    f"unknown change {kind!r}{did_you_mean(kind, CHANGE_MODELS)}; accepted: "
                    + ", ".join(CHANGE_MODELS),
                    "changes",
                    i,
                    "change",
                )
    try:
        model = AmendmentFile.model_validate(doc.data)
    except ValidationError as exc:
        raise format_validation_error(exc, doc, AmendmentFile, allowed_keys=_allowed_keys(doc.data)) from None
    return Amendment(doc.path, doc, model)


# --------------------------------------------------------------------------------------------- applying


def _parse_field(text: str | None) -> Loc:
    if not text:
        return ()
    return tuple(int(p) if p.isdigit() else p for p in text.split("."))


@dataclass
class _Applied:
    """The result of applying changes to a rule source: new article data and where each part came from."""

    src: RuleSource
    amendment: Amendment
    data: dict[int, Any] = field(default_factory=dict)  # article number → its amended data
    touched: dict[int, list[int]] = field(default_factory=dict)  # article → the changes that touched it
    # where containers came from: id → (article, path in the original file) or id → path in the amendment
    original: dict[int, tuple[int, Loc]] = field(default_factory=dict)
    from_amendment: dict[int, Loc] = field(default_factory=dict)
    keys: dict[tuple[int, int | str], Loc] = field(default_factory=dict)  # (id of a container, key) → amendment
    keep: list[Any] = field(default_factory=list)  # keeps every registered container alive (ids stay unique)

    # -- data -------------------------------------------------------------------------------------------

    def article(self, number: int, change: int) -> Any:
        """The amended data of an article (copied from the rule source on first use)."""
        if number not in self.src.articles:
            raise self.amendment.error(f"article {number} is not in this rule set", "changes", change, "article")
        if number not in self.data:
            self.data[number] = self._copy(self.src.articles[number].doc.data, (), lambda c, p: (number, p), True)
        self.touched.setdefault(number, [])
        if change not in self.touched[number]:
            self.touched[number].append(change)
        return self.data[number]

    def take(self, loc: Loc) -> Any:
        """A copy of the value at ``loc`` in the amendment file (registered as coming from there)."""
        node = self.amendment.doc.data
        for part in loc:
            node = node[part]
        return self._copy(node, loc, lambda c, p: p, False)

    def _copy(self, value: Any, loc: Loc, origin: Callable[[Any, Loc], Any], original: bool) -> Any:
        if isinstance(value, dict):
            out: Any = {k: self._copy(v, (*loc, k), origin, original) for k, v in value.items()}
        elif isinstance(value, list):
            out = [self._copy(v, (*loc, i), origin, original) for i, v in enumerate(value)]
        else:
            return value
        self.keep.append(out)
        if original:
            self.original[id(out)] = origin(out, loc)
        else:
            self.from_amendment[id(out)] = loc
        return out

    def put(self, container: Any, key: int | str, value: Any, loc: Loc) -> None:
        """Set ``container[key]`` (``None``: remove the key) from the amendment's ``loc``."""
        self.keys[(id(container), key)] = loc
        if value is None:
            if isinstance(container, dict):
                container.pop(key, None)
        else:
            container[key] = value

    # -- rules -------------------------------------------------------------------------------------------

    def _rules_of(self, number: int) -> list[Any]:
        data = self.data.get(number, self.src.articles[number].doc.data)
        rules = data.get("rules") if isinstance(data, dict) else None
        return rules if isinstance(rules, list) else []

    def find_rule(self, rule_id: str, change: int, key: str = "rule") -> tuple[int, Any, int]:
        """The article, its rules list (amended data) and the index of a rule, or an error with did-you-mean."""
        for number in sorted(self.src.articles):
            for idx, r in enumerate(self._rules_of(number)):
                if isinstance(r, dict) and r.get("id") == rule_id:
                    rules = self.article(number, change)["rules"]
                    return number, rules, idx
        known = [r.get("id") for n in sorted(self.src.articles) for r in self._rules_of(n) if isinstance(r, dict)]
        raise self.amendment.error(
            f"no rule {rule_id!r} in the rules{did_you_mean(rule_id, known)}", "changes", change, key
        )

    def find_duty(self, rule: dict[str, Any], rule_id: str, duty: str, party: str | None, change: int) -> int:
        """The index of a rule's duty (by its code, and party where several share it)."""
        duties = rule.get("responsibilities") or []
        found = [
            j for j, d in enumerate(duties) if d.get("duty") == duty and (party is None or d.get("party") == party)
        ]
        if not found:
            codes = sorted({d.get("duty") for d in duties})
            if party is not None and any(d.get("duty") == duty for d in duties):
                parties = ", ".join(sorted(d.get("party") for d in duties if d.get("duty") == duty))
                raise self.amendment.error(
                    f"rule {rule_id!r} has no duty {duty!r} of {party!r} (its parties for it: {parties})",
                    "changes",
                    change,
                    "party",
                )
            shown = ", ".join(codes) or "none"
            raise self.amendment.error(
                f"rule {rule_id!r} has no duty {duty!r}{did_you_mean(duty, codes)} (its duties: {shown})",
                "changes",
                change,
                "duty",
            )
        if len(found) > 1:
            parties = ", ".join(str(duties[j].get("party")) for j in found)
            raise self.amendment.error(
                f"rule {rule_id!r} gives the duty {duty!r} to several parties ({parties}): name one with party:",
                "changes",
                change,
                "duty",
            )
        return found[0]

    def find_row(self, rule: dict[str, Any], rule_id: str, row: dict[str, Any], change: int) -> tuple[list[Any], int]:
        """A rule's table rows and the index of the one row whose keys ``row`` gives."""
        table = rule.get("table")
        if not isinstance(table, dict):
            raise self.amendment.error(f"rule {rule_id!r} has no table", "changes", change, "rule")
        keys = list(table.get("keys") or [])
        for k in row:
            if k not in keys:
                raise self.amendment.error(
                    f"{k!r} is not a key of the table of {rule_id!r}{did_you_mean(k, keys)} (its keys: "
                    + ", ".join(keys)
                    + ")",
                    "changes",
                    change,
                    "row",
                    k,
                )
        rows = table["rows"]
        found = [j for j, r in enumerate(rows) if all(k in r and _same(r[k], v) for k, v in row.items())]
        if not found:
            shown = "; ".join(", ".join(f"{k}: {_show(r.get(k))}" for k in keys) for r in rows)
            wanted = ", ".join(f"{k}: {_show(v)}" for k, v in row.items())
            raise self.amendment.error(
                f"no row of the table of {rule_id!r} has {wanted} (its rows: {shown})", "changes", change, "row"
            )
        if len(found) > 1:
            raise self.amendment.error(
                f"{len(found)} rows of the table of {rule_id!r} match: give every key ({', '.join(keys)})",
                "changes",
                change,
                "row",
            )
        return rows, found[0]

    def find_clause(self, art: dict[str, Any], number: int, clause: int, change: int) -> dict[str, Any]:
        """An article's clause (amended data), or an error naming its clauses."""
        for c in art.get("clauses") or []:
            if c.get("clause") == clause:
                return c  # type: ignore[no-any-return]
        known = ", ".join(str(c.get("clause")) for c in art.get("clauses") or [])
        raise self.amendment.error(
            f"Điều {number} has no clause {clause} (its clauses: {known})", "changes", change, "clause"
        )


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _same(a: Any, b: Any) -> bool:
    return a == b and isinstance(a, bool) == isinstance(b, bool)


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _apply_one(st: _Applied, i: int, ch: _Change) -> None:
    """Apply change ``i`` to the data."""
    at: Loc = ("changes", i)
    if isinstance(ch, ReplaceRule):
        _, rules, idx = st.find_rule(ch.rule, i)
        rules[idx] = st.take((*at, "with"))
        st.keys[(id(rules), idx)] = (*at, "with")
    elif isinstance(ch, AddRule):
        art = st.article(ch.article, i)
        if not isinstance(art.get("rules"), list):
            st.put(art, "rules", [], (*at, "rule"))
        rules = art["rules"]
        position = len(rules)
        if ch.after is not None:
            ids = [r.get("id") for r in rules]
            if ch.after not in ids:
                raise st.amendment.error(
                    f"Điều {ch.article} has no rule {ch.after!r}{did_you_mean(ch.after, ids)}", *at, "after"
                )
            position = ids.index(ch.after) + 1
        rules.insert(position, st.take((*at, "rule")))
    elif isinstance(ch, RemoveRule):
        _, rules, idx = st.find_rule(ch.rule, i)
        del rules[idx]
    elif isinstance(ch, ChangeRule):
        _, rules, idx = st.find_rule(ch.rule, i)
        raw = st.amendment.doc.data["changes"][i]["set"]
        for key in raw:
            st.put(rules[idx], key, st.take((*at, "set", key)), (*at, "set", key))
    elif isinstance(ch, (ChangeDuty, RemoveDuty, AddDuty)):
        _, rules, idx = st.find_rule(ch.rule, i)
        rule = rules[idx]
        if isinstance(ch, AddDuty):
            if not isinstance(rule.get("responsibilities"), list):
                st.put(rule, "responsibilities", [], (*at, "responsibility"))
            rule["responsibilities"].append(st.take((*at, "responsibility")))
            return
        j = st.find_duty(rule, ch.rule, ch.duty, ch.party, i)
        duties = rule["responsibilities"]
        if isinstance(ch, RemoveDuty):
            del duties[j]
            st.keys[(id(rule), "responsibilities")] = at
            return
        duty = duties[j]
        raw = st.amendment.doc.data["changes"][i]["set"]
        given = raw.get("deadline")
        if isinstance(given, dict) and not isinstance(duty.get("deadline"), dict):
            missing = [k for k in ("days", "unit", "relation", "anchor") if k not in given]
            if missing:
                raise st.amendment.error(
                    f"the duty {ch.duty!r} of {ch.rule!r} has no deadline to change: give its " + _and(missing),
                    *at,
                    "set",
                    "deadline",
                )
        for key, value in raw.items():
            if key == "deadline" and isinstance(value, dict) and isinstance(duty.get("deadline"), dict):
                for k2 in value:  # a deadline is merged key by key: days: 10 keeps its unit and anchor
                    st.put(duty["deadline"], k2, st.take((*at, "set", key, k2)), (*at, "set", key, k2))
            else:
                st.put(duty, key, st.take((*at, "set", key)), (*at, "set", key))
    elif isinstance(ch, (ChangeRow, AddRow, RemoveRow)):
        _, rules, idx = st.find_rule(ch.rule, i)
        rule = rules[idx]
        if isinstance(ch, AddRow):
            if not isinstance(rule.get("table"), dict):
                raise st.amendment.error(f"rule {ch.rule!r} has no table", *at, "rule")
            rule["table"]["rows"].append(st.take((*at, "row")))
            return
        rows, j = st.find_row(rule, ch.rule, ch.row, i)
        if isinstance(ch, RemoveRow):
            del rows[j]
            st.keys[(id(rule["table"]), "rows")] = (*at, "row")
            return
        for col in st.amendment.doc.data["changes"][i]["set"]:
            st.put(rows[j], col, st.take((*at, "set", col)), (*at, "set", col))
    elif isinstance(ch, ChangeClause):
        art = st.article(ch.article, i)
        clause = st.find_clause(art, ch.article, ch.clause, i)
        target = clause
        if ch.point is not None:
            points = {p.get("point"): p for p in clause.get("points") or []}
            if ch.point not in points:
                known = ", ".join(points) or "none"
                raise st.amendment.error(
                    f"khoản {ch.clause} Điều {ch.article} has no point {ch.point} (its points: {known})", *at, "point"
                )
            target = points[ch.point]
        for key in st.amendment.doc.data["changes"][i]["set"]:
            st.put(target, key, st.take((*at, "set", key)), (*at, "set", key))
    elif isinstance(ch, AddClause):
        art = st.article(ch.article, i)
        art["clauses"].append(st.take((*at, "clause")))
    else:  # pragma: no cover - every model of CHANGE_MODELS is handled above
        raise TypeError(type(ch).__name__)


def _articles_of(st: _Applied, i: int) -> list[int]:
    """The articles change ``i`` touched."""
    return sorted(n for n, changes in st.touched.items() if i in changes)


def _apply(src: RuleSource, am: Amendment, upto: int | None = None) -> _Applied:
    st = _Applied(src, am)
    for i, ch in enumerate(am.model.changes[:upto]):
        _apply_one(st, i, ch)
    return st


def _documents(st: _Applied) -> list[yamlsafe.Document]:
    """The amended article files as documents, each line taken from where the value came from in the original."""
    docs = []
    for number in sorted(st.touched):
        original = st.src.articles[number].doc
        lines: dict[Loc, int] = {}
        _lines(st, original, st.data[number], (), original.lines.get(()), lines)
        docs.append(yamlsafe.Document(data=st.data[number], path=original.path, lines=lines))
    return docs


def _lines(
    st: _Applied, original: yamlsafe.Document, node: Any, loc: Loc, line: int | None, out: dict[Loc, int]
) -> None:
    origin = st.original.get(id(node))
    if origin is not None:
        line = original.lines.get(origin[1], line)
    if line is not None:
        out[loc] = line
    if isinstance(node, dict):
        for k, v in node.items():
            child = original.lines.get((*origin[1], k)) if origin is not None else None
            _lines(st, original, v, (*loc, k), child if child is not None else line, out)
    elif isinstance(node, list):
        for j, v in enumerate(node):
            _lines(st, original, v, (*loc, j), line, out)


def _locate(st: _Applied, err: RuleFileError) -> tuple[Loc | None, int | None, Loc | None]:
    """Where an error of the amended rules comes from: a path in the amendment file (when the value at fault, or
    one of its parents, came from it), and the article and its path in the original file.
    """
    paths = {st.src.articles[n].path: n for n in st.touched}
    if err.path not in paths:
        return None, None, None
    number = paths[err.path]
    loc = _parse_field(err.field)
    node: Any = st.data[number]
    found: Loc | None = None
    original: Loc | None = st.original.get(id(node), (number, ()))[1]
    for depth, part in enumerate(loc):
        rest = loc[depth + 1 :]
        if (id(node), part) in st.keys:
            found = (*st.keys[(id(node), part)], *rest)
        if not isinstance(node, (dict, list)) or not _has(node, part):
            break
        node = node[part]  # type: ignore[index]
        if id(node) in st.from_amendment:
            found = (*st.from_amendment[id(node)], *rest)
        elif id(node) in st.original:
            original = (*st.original[id(node)][1], *rest)
    return found, number, original


def _message(err: RuleFileError) -> str:
    detail = err.detail
    if err.field and detail.startswith(f"{err.field}: "):
        detail = detail[len(err.field) + 2 :]
    return detail


def _checked(src: RuleSource, am: Amendment, st: _Applied) -> CheckedRules:
    """Check the amended source; an error is reported in the amendment file."""
    try:
        return check(src.with_documents(*_documents(st)))
    except RuleFileError as err:
        raise _in_amendment(src, am, st, err) from None


def _in_amendment(src: RuleSource, am: Amendment, st: _Applied, err: RuleFileError) -> RuleFileError:
    found, number, original = _locate(st, err)
    detail = _message(err)
    if found is not None:
        where = ".".join(str(p) for p in data_path(am.doc.data, found)) or None
        return RuleFileError(
            am.path, am.doc.line_of(list(found)), f"{where}: {detail} (Điều {number} as amended)", where
        )
    # The value at fault is not one the amendment wrote (a rule it left alone now conflicts, or names a rule it
    # removed): name the first change after which the rules fail so, and where they fail.
    culprit = _first_failing(src, am, detail)
    name = Path(err.path or "").name
    line = err.line
    if number is not None and original is not None:
        line = src.articles[number].doc.line_of(list(original))
    at = f"{name}:{line}" if line is not None else name
    field_text = f"{err.field}: " if err.field else ""
    return RuleFileError(
        am.path,
        am.doc.line_of(["changes", culprit]),
        f"changes.{culprit}: with this change the rules are not valid: {at}: {field_text}{detail}",
        f"changes.{culprit}",
    )


def _first_failing(src: RuleSource, am: Amendment, detail: str) -> int:
    """The change after which the rules fail with ``detail``: the first ``k`` such that the first ``k`` changes fail
    so and the first ``k - 1`` do not (found by bisection: no change fails, all of them do).
    """

    def fails(k: int) -> bool:
        if k == 0:
            return False
        try:
            check(src.with_documents(*_documents(_apply(src, am, k))))
        except RuleFileError as e:
            return _message(e) == detail
        return False

    low, high = 0, len(am.model.changes)  # fails(low) is false, fails(high) is true
    while high - low > 1:
        middle = (low + high) // 2
        if fails(middle):
            high = middle
        else:
            low = middle
    return high - 1


def amend_source(src: RuleSource, amendment: str | Path | Mapping[str, Any] | Amendment) -> CheckedRules:
    """The rules of ``src`` as amended, checked (raises RuleFileError in the amendment file)."""
    am = read_amendment(amendment)
    st = _apply(src, am)
    listed = set(am.model.articles)
    for i in range(len(am.model.changes)):
        for number in _articles_of(st, i):
            if number not in listed:
                shown = ", ".join(map(str, am.model.articles))
                raise am.error(
                    f"the change touches Điều {number}, which the amendment's articles ({shown}) do not list",
                    "changes",
                    i,
                    "change",
                )
    for j, number in enumerate(am.model.articles):
        if number not in st.touched:
            raise am.error(f"Điều {number} is listed but no change touches it", "articles", j)
    checked = _checked(src, am, st)
    validity = src_validity(src)
    effective = am.model.effective_from
    if effective is not None and validity is not None and not validity[0] <= effective <= validity[1]:
        raise am.error(
            f"{effective.isoformat()} is outside the regulation's period of validity "
            f"({validity[0].isoformat()} – {validity[1].isoformat()})",
            "effective_from",
        )
    return checked


def src_validity(src: RuleSource) -> tuple[date, date] | None:
    """The period of validity the rule files of ``src`` give."""
    for loaded in src.articles.values():
        v = loaded.model.validity
        if v is not None:
            return (v.from_, v.until)
    return None


def source_of(reg: Regulation) -> RuleSource:
    """The rule files a Regulation was built from."""
    checked = reg.compiled.checked
    return checked.src if checked.src is not None else read_rules(checked.source)


# --------------------------------------------------------------------------------------------- regulation


def amend(reg: Regulation, amendment: str | Path | Mapping[str, Any] | Amendment) -> AmendedRegulation:
    """``reg`` as amended (:meth:`Regulation.amend <quyche.regulation.Regulation.amend>`); ``reg`` is unchanged."""
    am = read_amendment(amendment)
    checked = amend_source(source_of(reg), am)
    return AmendedRegulation(compile_rules(checked), reg.engine, previous=reg, amendment=am)


class AmendedRegulation(Regulation):
    """A regulation as amended: the amended rules, and the ones before the amendment for events dated (or
    evaluated ``as_of``) before its date of effect. An undated event gets the amended rules (as an undated event
    gets the version of a rule in force now). ``previous`` is the regulation that was amended (not changed).

    The choice is made per event where the engine is asked and the decision assembled (:class:`_RuntimeByDate`,
    :class:`_AssemblerByDate`), so ``evaluate`` and ``evaluate_many`` are the regulation's own, unchanged.
    """

    def __init__(self, compiled: Plan, engine: EngineName, *, previous: Regulation, amendment: Amendment) -> None:
        super().__init__(compiled, engine)
        self.previous = previous
        self.amendment = amendment
        self.effective_from: date | None = amendment.model.effective_from
        if self.effective_from is not None:
            self._runtime = _RuntimeByDate(self.effective_from, previous._runtime, self._runtime)  # type: ignore[assignment]
            self._assembler = _AssemblerByDate(self.effective_from, previous._assembler, self._assembler)  # type: ignore[assignment]

    def _before(self, reference: date | None) -> bool:
        return self.effective_from is not None and reference is not None and reference < self.effective_from

    def version_for(self, reference: date | None) -> Regulation:
        """The regulation whose rules decide an event of this reference date (``as_of``, else its date)."""
        if not self._before(reference):
            return self
        return self.previous.version_for(reference)

    def why_not(self, event: Mapping[str, Any], rule_id: str, as_of: date | str | None = None) -> WhyNot:
        """Why a rule did (or did not) apply, by the rules in force on the event's reference date."""
        try:
            parsed = parse_event(event)
            reference = _as_date(as_of, "as_of") or parsed.date
        except Exception as exc:  # noqa: BLE001
            raise _public_error(exc) from None
        version = self.version_for(reference)
        if version is self:
            return super().why_not(event, rule_id, as_of)
        return version.why_not(event, rule_id, as_of)

    def __repr__(self) -> str:
        when = f" from {self.effective_from.isoformat()}" if self.effective_from else ""
        return f"<AmendedRegulation by {self.amendment.path}{when}, engine={self.engine}>"


class _RuntimeByDate:
    """The engine side of an amended regulation: a fact whose reference date is before the date of effect is
    matched by the rules before the amendment, any other (an undated one too) by the amended rules.
    """

    def __init__(self, effective: date, before: Runtime, after: Runtime) -> None:
        self._day = C.day_number(effective)
        self._before, self._after = before, after
        self.engine = after.engine

    def _old(self, fact: Mapping[str, Any]) -> bool:
        reference = fact.get(C.REFERENCE_DATE)
        return reference is not None and reference < self._day

    def fact(self, event_type: str, fields: dict[str, Any], reference: date | None) -> dict[str, Any]:
        """The fact of an event for both versions of the rules (each reads the fields its own rules read)."""
        before = self._before.fact(event_type, fields, reference)
        return {**before, **self._after.fact(event_type, fields, reference)}

    def close(self) -> None:
        """Forget the memos of both versions."""
        self._before.close()
        self._after.close()

    def fire(self, event_type: str, fact: dict[str, Any]) -> tuple[RunUnit, ...]:
        """The units that apply to a fact, by the rules in force on its reference date."""
        return (self._before if self._old(fact) else self._after).fire(event_type, fact)

    def fire_many(self, items: list[tuple[str, dict[str, Any]]]) -> list[tuple[RunUnit, ...]]:
        """``fire`` for each item, in order (one engine call per rule set)."""
        old = [self._old(fact) for _, fact in items]
        if not any(old):
            return self._after.fire_many(items)
        if all(old):
            return self._before.fire_many(items)
        before = iter(self._before.fire_many([x for x, o in zip(items, old, strict=True) if o]))
        after = iter(self._after.fire_many([x for x, o in zip(items, old, strict=True) if not o]))
        return [next(before) if o else next(after) for o in old]

    def overridden(self, rule_id: str, applied: set[str]) -> list[str]:
        """The exceptions to ``rule_id`` among the rules that applied (of the amended rules)."""
        return self._after.overridden(rule_id, applied)


class _AssemblerByDate:
    """The decision step of an amended regulation: by the rules that matched, those in force on the date."""

    def __init__(self, effective: date, before: Assembler, after: Assembler) -> None:
        self._effective = effective
        self._before, self._after = before, after

    def decide(
        self, event: EventBase, units: Sequence[RunUnit], fact: dict[str, Any], reference: date | None
    ) -> Decision:
        """The Decision for ``event`` given the units that applied (from the runtime of the same rules)."""
        old = reference is not None and reference < self._effective
        return (self._before if old else self._after).decide(event, units, fact, reference)

    def decide_json(
        self, event: EventBase, units: Sequence[RunUnit], fact: dict[str, Any], reference: date | None
    ) -> bytes:
        """The Decision's JSON (``Assembler.decide_json``), by the rules in force on the date."""
        old = reference is not None and reference < self._effective
        return (self._before if old else self._after).decide_json(event, units, fact, reference)
