"""Compile validated rule files into rules indexed by event type, ready for either engine.

Compiling is pure and deterministic: the same files, read in any order, give the same rules in the
same order — by priority (lower first; unset counts as 100), then article, then position in the file.
That order is the firing order of both engines, so decisions never depend on the file system.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from quyche.chapters.chuong_1 import PARTIES
from quyche.errors import RuleFileError
from quyche.events import EVENT_TYPES
from quyche.rules import check
from quyche.rules import conditions as C
from quyche.rules.loader import Loaded, RuleSource
from quyche.rules.model import ArticleFile, ChapterFile, InForce, Provenance, Rule, Validity, WarningSpec

DEFAULT_PRIORITY = 100
#: durable-rules keeps at most 31 expressions per rule, two for each all/any group, one group of which
#: is the adapter's guard (MAX_SEQUENCE_EXPRESSIONS in durable's rete.h, measured: 16 groups fail).
#: Checked here, at load time, so that a rule file valid for one engine is valid for both.
MAX_COMPOSITES = 14


@dataclass(frozen=True)
class CompiledRule:
    """A rule with its normalised condition, its place in the regulation and its firing order."""

    id: str
    article: int
    chapter: int
    event_types: tuple[str, ...]
    when: C.Node | None
    rule: Rule
    path: str
    order: tuple[int, int, int]


@dataclass(frozen=True)
class Outline:
    """Chapter and article titles, and which chapter holds each article."""

    chapters: dict[int, ChapterFile]
    articles: dict[int, ArticleFile]

    def chapter_of(self, article: int) -> int:
        """The chapter number of an article."""
        return self.articles[article].chapter


@dataclass(frozen=True)
class CompiledRegulation:
    """Everything an engine and the decision step need, built once at load time."""

    outline: Outline
    rules: tuple[CompiledRule, ...]
    by_type: dict[str, tuple[CompiledRule, ...]]
    by_id: dict[str, CompiledRule]
    validity: Validity | None
    source: str
    files: dict[str, str] = field(default_factory=dict)


def _in_force_node(in_force: InForce | None) -> C.Node | None:
    """A rule version applies from ``from`` until ``until`` (inclusive) by the reference date. An
    event with no date meets the version in force now — the one with no ``until``.
    """
    if in_force is None:
        return None
    parts: list[C.Node] = []
    if in_force.from_ is not None:
        parts.append(
            {
                "any": [
                    {"field": "reference_date", "op": "ge", "value": C.day_number(in_force.from_)},
                    {"field": "reference_date", "op": "not_exists"},
                ]
            }
        )
    if in_force.until is not None:
        parts.append({"field": "reference_date", "op": "le", "value": C.day_number(in_force.until)})
    return C.conjoin(*parts)


def _validity_rule(article: int, validity: Validity) -> Rule:
    lo, hi = validity.from_.isoformat(), validity.until.isoformat()
    return Rule.model_validate(
        {
            "id": f"dieu_{article:02d}.outside_validity",
            "event": "any",
            "when": {
                "any": [
                    {"field": "reference_date", "lt": validity.from_},
                    {"field": "reference_date", "gt": validity.until},
                ]
            },
            "priority": 0,
            "provenance": validity.provenance.model_dump(exclude_none=True),
            "text_vi": f"Quy chế được áp dụng từ {lo} đến {hi}. {validity.note_vi}",
            "text_en": f"The regulation applies from {lo} to {hi}. {validity.note_en}",
            "warnings": [
                WarningSpec(
                    code="outside_validity",
                    message_vi=f"Ngày làm căn cứ áp dụng nằm ngoài thời gian hiệu lực của Quy chế ({lo} – {hi}).",
                    message_en=f"The reference date is outside the regulation's period of validity ({lo} – {hi}).",
                ).model_dump()
            ],
        }
    )


def _lead_conflicts(rules: list[CompiledRule], by_path: dict[str, Loaded]) -> None:
    for event_type in EVENT_TYPES:
        leaders = [r for r in rules if event_type in r.event_types and r.rule.lead is not None]
        for i, a in enumerate(leaders):
            for b in leaders[i + 1 :]:
                if a.rule.lead == b.rule.lead:
                    continue
                if a.order[0] != b.order[0]:  # a declared priority settles who leads
                    continue
                if check.can_fire_together(event_type, a.when, b.when):
                    loaded = by_path[b.path]
                    idx = loaded.model.rules.index(b.rule)
                    raise loaded.error(
                        f"rules {a.id!r} (lead {a.rule.lead}) and {b.id!r} (lead {b.rule.lead}) can both fire "
                        f"on a {event_type} event: give them different priorities or exclusive conditions",
                        "rules",
                        idx,
                        "lead",
                    )


def compile_rules(src: RuleSource) -> CompiledRegulation:
    """Check and compile a rule source (raises RuleFileError on the first problem found)."""
    check.check_outline(src)
    seen: dict[str, str] = {}
    compiled: list[CompiledRule] = []
    validity: Validity | None = None
    by_path: dict[str, Loaded] = {}
    for number in sorted(src.articles):
        loaded = src.articles[number]
        by_path[loaded.path] = loaded
        art: ArticleFile = loaded.model
        check.check_article(loaded, seen)
        rules = list(art.rules)
        if art.validity is not None:
            if validity is not None:
                raise loaded.error("the period of validity is already given in another article", "validity")
            validity = art.validity
            rules.insert(0, _validity_rule(art.article, art.validity))
        for pos, rule in enumerate(rules):
            when = C.conjoin(C.normalise(rule.when) if rule.when is not None else None, _in_force_node(rule.in_force))
            if C.composites(when) > MAX_COMPOSITES:
                raise loaded.error(
                    f"condition too complex: {C.composites(when)} all/any groups once normalised, at most "
                    f"{MAX_COMPOSITES} (a limit of the durable-rules engine); split the rule in two",
                    "rules",
                    pos - (1 if art.validity is not None else 0),
                    "when",
                )
            prio = rule.priority if rule.priority is not None else DEFAULT_PRIORITY
            compiled.append(
                CompiledRule(
                    id=rule.id,
                    article=art.article,
                    chapter=art.chapter,
                    event_types=check.rule_event_types(rule),
                    when=when,
                    rule=rule,
                    path=loaded.path,
                    order=(prio, art.article, pos),
                )
            )
    compiled.sort(key=lambda r: r.order)
    _lead_conflicts(compiled, by_path)
    by_type = {t: tuple(r for r in compiled if t in r.event_types) for t in EVENT_TYPES}
    outline = Outline(
        chapters={n: src.chapters[n].model for n in sorted(src.chapters)},
        articles={n: src.articles[n].model for n in sorted(src.articles)},
    )
    return CompiledRegulation(
        outline=outline,
        rules=tuple(compiled),
        by_type=by_type,
        by_id={r.id: r for r in compiled},
        validity=validity,
        source=src.root,
    )


def event_fact(fields: dict[str, Any], reference: date | None) -> dict[str, Any]:
    """The flat fact both engines match: scalar event fields, dates as ``YYYYMMDD``, and the
    reference date. Lists and absent (``None``) fields are left out.
    """
    fact: dict[str, Any] = {}
    for key, value in fields.items():
        kind = type(value)
        if kind is str or kind is int or kind is bool:  # the common case, first (per-event hot path)
            fact[key] = value
        elif value is None or isinstance(value, (list, tuple, dict)):
            continue
        else:
            fact[key] = C.const(value)
    if reference is not None:
        fact["reference_date"] = C.day_number(reference)
    return fact


__all__ = [
    "CompiledRegulation",
    "CompiledRule",
    "Outline",
    "compile_rules",
    "event_fact",
    "PARTIES",
    "Provenance",
    "RuleFileError",
]
