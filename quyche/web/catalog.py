"""What the explorer and ``/v1/articles`` show about the rules, as plain frozen data.

This module is the only place the pages and the JSON API look into the rules: the outline, each
article's text and clauses, each rule with its condition in words (Vietnamese and English), what it
decides, its provenance and national-law basis, the scenarios that make it fire (with pass/fail), the
coverage figures, and — for an evaluated event — the reasons of the rules that fired and, for the
rules that did not, the conditions that did not hold. Everything it returns is a pydantic model, so
the JSON API describes it in ``/openapi.json`` from these same classes.

It reads the checked rules of ``Regulation.compiled`` and renders conditions with ``quyche.render``; the
reasons of a decision come from its trace (the tests that held), and the rules that did not apply are
explained by ``Regulation.why_not``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from quyche import coverage as cov
from quyche.decision import Deadline, Decision
from quyche.events import EVENT_TYPES, parse_event
from quyche.events_base import EventBase
from quyche.explain import _PEOPLE, deadline_text, explain, trace_reason
from quyche.labels import EVENT_LABELS, FIELD_LABELS, field_label, label, value_label
from quyche.render import condition_words
from quyche.rules.check import CheckedRule
from quyche.rules.cite import provision, roman
from quyche.rules.model import DeadlineSpec
from quyche.rules.model import Provenance as RuleProvenance
from quyche.rules.runtime import event_fact
from quyche.rules.syntax import FIELD_OPS, leaves

if TYPE_CHECKING:
    from quyche.regulation import Regulation

Source = Literal["summary", "law", "reconstructed"]

#: The provenance badges (legal review 2026-12 §4: "suy luận", not "tái dựng").
BADGES: dict[str, tuple[str, str]] = {
    "summary": ("theo bản tóm tắt", "from the summary"),
    "law": ("theo luật", "from national law"),
    "reconstructed": ("suy luận, cần đối chiếu văn bản ký", "inferred; check against the signed text"),
}


class _View(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ProvenanceView(_View):
    """Where a rule, a duty or an article comes from."""

    source: Source = Field(description="summary | law | reconstructed")
    badge_vi: str = Field(description="the badge shown to legal staff, in Vietnamese")
    badge_en: str = Field(description="the badge, in English")
    basis: str | None = Field(default=None, description="for law: the instrument and article")
    note: str | None = Field(default=None, description="what was read or inferred, and what to check")


class ScenarioRef(_View):
    """A scenario of a scenario file, and whether it passes."""

    file: str = Field(description="the scenario file, relative to the folder it was read from")
    line: int | None = Field(default=None, description="the line of the scenario in its file")
    name: str = Field(description="the sentence that states the legal expectation")
    event_type: str | None = None
    passed: bool
    failures: list[str] = Field(default_factory=list, description="what differed from the expectation")


class ResponsibilityView(_View):
    """A duty a rule gives, in words (the body as the rule names it, e.g. "the receiving body")."""

    party: str = Field(description="the body expression of the rule file, e.g. ubnd, event.received_by, lead")
    party_vi: str
    party_en: str
    duty: str
    text_vi: str
    text_en: str
    mode: str | None = None
    deadline_vi: str | None = None
    deadline_en: str | None = None
    article: int | None = Field(default=None, description="the article the duty is cited to, when not the rule's")
    provenance: ProvenanceView | None = Field(default=None, description="when it differs from the rule's")


class WarningView(_View):
    """A warning the rule puts on the decision."""

    code: str
    message_vi: str
    message_en: str


class RuleView(_View):
    """One rule: when it applies (in words), what it decides, where it comes from, which scenarios fire it."""

    id: str
    article: int
    clause: int | None = None
    point: str | None = None
    provision_vi: str = Field(description="e.g. Khoản 1 Điều 8")
    provision_en: str = Field(description="e.g. Article 8(1)")
    event_types: list[str]
    events_vi: str = Field(description="the event types in words")
    events_en: str
    condition_vi: str = Field(description="the condition in words; empty when the rule applies to every such event")
    condition_en: str
    text_vi: str
    text_en: str
    provenance: ProvenanceView
    lead: str | None = Field(default=None, description="the lead body, in Vietnamese words")
    lead_en: str | None = None
    coordinating_vi: list[str] = Field(default_factory=list)
    coordinating_en: list[str] = Field(default_factory=list)
    notified_vi: list[str] = Field(default_factory=list, description="bodies sent documents for information (để biết)")
    notified_en: list[str] = Field(default_factory=list)
    informed_vi: list[str] = Field(
        default_factory=list, description="people told or the public informed (thông báo, công khai): citizen, public"
    )
    informed_en: list[str] = Field(default_factory=list)
    advising_vi: list[str] = Field(default_factory=list)
    advising_en: list[str] = Field(default_factory=list)
    modes: list[str] = Field(default_factory=list)
    responsibilities: list[ResponsibilityView] = Field(default_factory=list)
    warnings: list[WarningView] = Field(default_factory=list)
    cites: list[int] = Field(default_factory=list, description="other articles the rule cites")
    cites_from_vi: list[str] = Field(
        default_factory=list, description="the event fields whose listed articles the rule cites, in words"
    )
    cites_from_en: list[str] = Field(default_factory=list)
    exception_to: list[str] = Field(default_factory=list, description="the general rules this rule overrides")
    exceptions: list[str] = Field(default_factory=list, description="the narrower rules that override this one")
    table: TableView | None = Field(default=None, description="the rule's table of cases, one row per case")
    fired_by: int = Field(description="how many scenarios make this rule fire")
    scenarios: list[ScenarioRef] = Field(default_factory=list, description="the scenarios that make it fire")


class TableView(_View):
    """A rule's table: the columns (the keys first) and one row of values per case, as written."""

    keys: list[str]
    columns: list[str]
    rows: list[list[str]]
    if_absent: dict[str, str] = Field(default_factory=dict, description="what an absent key counts as")


class ClauseView(_View):
    """A clause of an article (number, Vietnamese text, English gloss), when the rule files give them."""

    number: int
    text_vi: str
    text_en: str


class StandingDutyView(_View):
    """A standing responsibility of a body (Chương V), not tied to one event."""

    party: str
    party_vi: str
    party_en: str
    duty: str
    clause: int | None = None
    text_vi: str
    text_en: str
    provenance: ProvenanceView


class NotEncodedView(_View):
    """Something the article says that is deliberately not encoded, and why."""

    what: str
    reason: str


class ArticleCoverageView(_View):
    """How far the scenarios cover an article."""

    rules: int = Field(description="the article's rules")
    rules_fired: int = Field(description="of them, those some scenario fires")
    scenarios: int = Field(description="scenarios that fire at least one of the article's rules")
    passed: int
    failed: int


class ArticleView(_View):
    """An article: its text beside its rules, the scenarios that cover it and its coverage."""

    number: int
    chapter: int
    chapter_numeral: str
    title_vi: str
    title_en: str
    text_vi: str | None = Field(default=None, description="a paraphrase (the signed text is not available)")
    text_en: str | None = None
    provenance: ProvenanceView
    clauses: list[ClauseView] = Field(default_factory=list)
    rules: list[RuleView] = Field(default_factory=list)
    standing_duties: list[StandingDutyView] = Field(default_factory=list)
    not_encoded: list[NotEncodedView] = Field(default_factory=list)
    validity_vi: str | None = Field(default=None, description="the period of validity, when this article gives it")
    validity_en: str | None = None
    scenarios: list[ScenarioRef] = Field(default_factory=list)
    coverage: ArticleCoverageView


class ArticleSummary(_View):
    """An article as listed in its chapter."""

    number: int
    title_vi: str
    title_en: str
    provenance: Source
    coverage: ArticleCoverageView


class ChapterView(_View):
    """A chapter and its articles."""

    number: int
    numeral: str
    title_vi: str
    title_en: str
    provenance: ProvenanceView
    articles: list[ArticleSummary]


class CoverageSummary(_View):
    """The coverage of the rules by the scenarios, for the whole regulation."""

    rules_total: int
    rules_fired: int
    percent: float
    scenarios: int
    failed: int
    files: int
    unfired_rules: list[str]
    uncovered_articles: list[int]
    scenario_errors: list[str] = Field(description="scenario files that could not be read")


class EventTypeView(_View):
    """An event type: its label and the article it belongs to."""

    type: str
    label_vi: str
    label_en: str
    articles: list[int]


class RuleRef(_View):
    """A rule, briefly: for the reasons of a decision."""

    id: str
    article: int
    provision_vi: str
    provision_en: str
    text_vi: str
    text_en: str
    provenance: ProvenanceView


class FiredRule(_View):
    """A rule that fired and the conditions of the event that made it fire."""

    rule: RuleRef
    because_vi: str
    because_en: str


class FailedCondition(_View):
    """A condition of a rule that the event did not meet, and what the event said."""

    text_vi: str
    text_en: str
    given_vi: str = Field(description="the event's values of the fields the condition reads")
    given_en: str


class NotFiredRule(_View):
    """A rule for this type of event that did not fire, and why not."""

    rule: RuleRef
    condition_vi: str
    condition_en: str
    failed: list[FailedCondition]
    reasons_vi: list[str] = Field(default_factory=list, description="why not, in words (Regulation.why_not)")
    reasons_en: list[str] = Field(default_factory=list)


class Evaluation(_View):
    """An event evaluated for the explorer: the decision, its explanation, why and why not."""

    event: dict[str, Any]
    decision: Decision
    explanation_vi: str
    explanation_en: str
    fired: list[FiredRule]
    not_fired: list[NotFiredRule]


# -- words ------------------------------------------------------------------------------------------------


def _provenance(p: RuleProvenance) -> ProvenanceView:
    vi, en = BADGES[p.source]
    return ProvenanceView(source=p.source, badge_vi=vi, badge_en=en, basis=p.basis, note=p.note)


def _field_words(name: str) -> tuple[str, str]:
    return FIELD_LABELS.get(name, (name, name))


def body_words(expr: str) -> tuple[str, str]:
    """A rule's body expression in words, capitalised: ``event.received_by`` → "Cơ quan tiếp nhận"."""
    vi, en = _body_words(expr)
    return vi[:1].upper() + vi[1:], en[:1].upper() + en[1:]


def _body_words(expr: str) -> tuple[str, str]:
    if expr.startswith("row."):
        return f"cơ quan theo bảng (cột {expr[4:]})", f"the body in the table (column {expr[4:]})"
    if expr.startswith("office_of(") and expr.endswith(")"):
        vi, en = _body_words(expr[len("office_of(") : -1])
        return f"văn phòng tham mưu cho {vi}", f"the office advising {en}"
    if expr == "lead":
        return "cơ quan chủ trì", "the lead body"
    if expr == "all_parties":
        return "cả bốn cơ quan", "all four bodies"
    if expr == "other_parties":
        return "các cơ quan còn lại", "the other bodies"
    if expr.startswith("event."):
        return _field_words(expr[len("event.") :])
    return label(expr, "vi"), label(expr, "en")


def _bodies(exprs: Sequence[str]) -> tuple[list[str], list[str]]:
    words = [body_words(e) for e in exprs]
    return [w[0] for w in words], [w[1] for w in words]


def _deadline(spec: DeadlineSpec | None) -> tuple[str | None, str | None]:
    if spec is None:
        return None, None
    if isinstance(spec.days, str):  # a table's column: the number of days is read from the row
        d = Deadline(days=0, unit=spec.unit, relation=spec.relation, anchor=spec.anchor)
        vi, en = deadline_text(d, "vi").split(" — ")[0], deadline_text(d, "en").split(" — ")[0]
        column = spec.days[len("row.") :]
        return vi.replace(" 0 ", f" (số ngày theo cột {column} của bảng) "), en.replace(
            " 0 ", f" ({column} in the table) "
        )
    d = Deadline(days=spec.days, unit=spec.unit, relation=spec.relation, anchor=spec.anchor)
    return deadline_text(d, "vi").split(" — ")[0], deadline_text(d, "en").split(" — ")[0]


def _cell(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value.isoformat() if isinstance(value, date) else str(value)


def _table(r: CheckedRule) -> TableView | None:
    if not r.rows:
        return None
    columns = [*r.table_keys, *r.rows[0].columns]
    return TableView(
        keys=list(r.table_keys),
        columns=columns,
        rows=[[_cell({**row.keys, **row.columns}[c]) for c in columns] for row in r.rows],
        if_absent={k: _cell(v) for k, v in r.if_absent.items()},
    )


def _events_words(types: Sequence[str]) -> tuple[str, str]:
    if set(types) >= set(EVENT_TYPES):
        return "mọi loại sự kiện", "every type of event"
    vi = "; ".join(EVENT_LABELS.get(t, (t, t))[0] for t in types)
    en = "; ".join(EVENT_LABELS.get(t, (t, t))[1] for t in types)
    return vi, en


def _value_words(name: str, fact: Mapping[str, Any], lang: Literal["vi", "en"]) -> str:
    field = _field_words(name)[0 if lang == "vi" else 1]
    if name not in fact:
        return f"{field}: không nêu" if lang == "vi" else f"{field}: not given"
    value = fact[name]
    if isinstance(value, int) and not isinstance(value, bool) and name.endswith(("date", "_opening", "_start", "_end")):
        value = date(value // 10000, value // 100 % 100, value % 100)
        return f"{field}: {value:%d/%m/%Y}" if lang == "vi" else f"{field}: {value.isoformat()}"
    return f"{field}: {value_label(name, value, lang)}"


# -- the catalog ------------------------------------------------------------------------------------------


class Catalog:
    """The views of one Regulation and one set of scenario runs, built once (immutable afterwards)."""

    def __init__(self, regulation: Regulation, scenario_paths: Sequence[str | Path] = ()) -> None:
        self.regulation = regulation
        roots = [Path(p) for p in scenario_paths]
        runs, errors = cov.run_scenarios(regulation, roots) if roots else ([], [])
        self._errors = [str(e).replace("\n", " ") for e in errors]
        self._runs = runs
        self._coverage = cov.coverage(regulation, runs)
        refs = [self._ref(r, roots) for r in runs]
        by_rule: dict[str, list[ScenarioRef]] = {}
        for ref, run in zip(refs, runs, strict=True):
            for rule in run.fired:
                by_rule.setdefault(rule, []).append(ref)
        self._by_rule = by_rule
        self._checked = regulation.compiled.checked.rules
        self._rules = {r.id: self._rule_view(r) for r in self._checked}
        self._articles = {a.number: self._article_view(a.number) for a in regulation.articles}
        self._chapters = {c.number: self._chapter_view(c.number) for c in regulation.chapters}

    # -- building -----------------------------------------------------------------------------------

    @staticmethod
    def _ref(run: cov.ScenarioRun, roots: Sequence[Path]) -> ScenarioRef:
        path = Path(run.file)
        shown = path.name
        for root in roots:
            try:
                shown = path.resolve().relative_to(root.resolve()).as_posix() if root.is_dir() else path.name
                break
            except ValueError:
                continue
        return ScenarioRef(
            file=shown,
            line=run.line,
            name=run.name,
            event_type=run.event_type,
            passed=run.passed,
            failures=list(run.failures),
        )

    def _rule_view(self, r: CheckedRule) -> RuleView:
        rule = r.rule
        events_vi, events_en = _events_words(r.event_types)
        coord = _bodies(rule.coordinating)
        # a citizen is told, and the public is told by posting: neither is sent documents "để biết" (as explain)
        notified = _bodies([b for b in rule.notified if b not in _PEOPLE])
        informed = _bodies([b for b in rule.notified if b in _PEOPLE])
        advising = _bodies(rule.advising)
        lead = body_words(rule.lead) if rule.lead else None
        duties = []
        for s in rule.responsibilities:
            party_vi, party_en = body_words(s.party)
            dl_vi, dl_en = _deadline(s.deadline)
            duties.append(
                ResponsibilityView(
                    party=s.party,
                    party_vi=party_vi,
                    party_en=party_en,
                    duty=s.duty,
                    text_vi=" ".join(s.text_vi.split()),
                    text_en=" ".join(s.text_en.split()),
                    mode=s.mode,
                    deadline_vi=dl_vi,
                    deadline_en=dl_en,
                    article=s.article,
                    provenance=_provenance(s.provenance) if s.provenance else None,
                )
            )
        scenarios = self._by_rule.get(r.id, [])
        return RuleView(
            id=r.id,
            article=r.article,
            clause=rule.clause,
            point=rule.point,
            provision_vi=provision(r.article, rule.clause, rule.point, "vi"),
            provision_en=provision(r.article, rule.clause, rule.point, "en"),
            event_types=list(r.event_types),
            events_vi=events_vi,
            events_en=events_en,
            condition_vi=condition_words(r.when, "vi"),
            condition_en=condition_words(r.when, "en"),
            text_vi=" ".join(rule.text_vi.split()),
            text_en=" ".join(rule.text_en.split()),
            provenance=_provenance(rule.provenance),
            lead=lead[0] if lead else None,
            lead_en=lead[1] if lead else None,
            coordinating_vi=coord[0],
            coordinating_en=coord[1],
            notified_vi=notified[0],
            notified_en=notified[1],
            informed_vi=informed[0],
            informed_en=informed[1],
            advising_vi=advising[0],
            advising_en=advising[1],
            modes=list(rule.modes),
            responsibilities=duties,
            warnings=[
                WarningView(
                    code=w.code, message_vi=" ".join(w.message_vi.split()), message_en=" ".join(w.message_en.split())
                )
                for w in rule.warnings
            ],
            cites=[a for a in rule.cites if isinstance(a, int)],
            cites_from_vi=[field_label(a[len("event.") :], "vi") for a in rule.cites if isinstance(a, str)],
            cites_from_en=[field_label(a[len("event.") :], "en") for a in rule.cites if isinstance(a, str)],
            exception_to=list(r.exception_to),
            exceptions=sorted(self.regulation.compiled.exceptions.get(r.id, ())),
            table=_table(r),
            fired_by=len(scenarios),
            scenarios=list(scenarios),
        )

    def _article_coverage(self, number: int) -> ArticleCoverageView:
        a = next(x for x in self._coverage.articles if x.article == number)
        refs = self._article_scenarios(number)
        passed = sum(1 for s in refs if s.passed)
        return ArticleCoverageView(
            rules=a.rules, rules_fired=a.rules_fired, scenarios=a.scenarios, passed=passed, failed=len(refs) - passed
        )

    def _article_scenarios(self, number: int) -> list[ScenarioRef]:
        seen: dict[tuple[str, int | None, str], ScenarioRef] = {}
        for r in self._checked:
            if r.article == number:
                for s in self._by_rule.get(r.id, []):
                    seen.setdefault((s.file, s.line, s.name), s)
        return sorted(seen.values(), key=lambda s: (s.file, s.line or 0))

    def _article_view(self, number: int) -> ArticleView:
        compiled = self.regulation.compiled
        art = compiled.outline.articles[number]
        rules = sorted((r for r in self._checked if r.article == number), key=lambda r: r.order[2])
        validity_vi = validity_en = None
        if art.validity is not None:
            v = art.validity
            validity_vi = f"Từ ngày {v.from_:%d/%m/%Y} đến ngày {v.until:%d/%m/%Y}. {' '.join(v.note_vi.split())}"
            validity_en = f"From {v.from_.isoformat()} to {v.until.isoformat()}. {' '.join(v.note_en.split())}"
        return ArticleView(
            number=number,
            chapter=art.chapter,
            chapter_numeral=roman(art.chapter),
            title_vi=art.title_vi,
            title_en=art.title_en,
            provenance=_provenance(art.provenance),
            clauses=[ClauseView(number=c.clause, text_vi=c.text_vi, text_en=c.text_en) for c in art.clauses],
            rules=[self._rules[r.id] for r in rules],
            standing_duties=[
                StandingDutyView(
                    party=d.party,
                    party_vi=label(d.party, "vi"),
                    party_en=label(d.party, "en"),
                    duty=d.duty,
                    clause=d.clause,
                    text_vi=" ".join(d.text_vi.split()),
                    text_en=" ".join(d.text_en.split()),
                    provenance=_provenance(d.provenance),
                )
                for d in art.standing_duties
            ],
            not_encoded=[NotEncodedView(what=n.what, reason=n.reason) for n in art.not_encoded],
            validity_vi=validity_vi,
            validity_en=validity_en,
            scenarios=self._article_scenarios(number),
            coverage=self._article_coverage(number),
        )

    def _chapter_view(self, number: int) -> ChapterView:
        ch = self.regulation.compiled.outline.chapters[number]
        return ChapterView(
            number=number,
            numeral=ch.numeral,
            title_vi=ch.title_vi,
            title_en=ch.title_en,
            provenance=_provenance(ch.provenance),
            articles=[
                ArticleSummary(
                    number=n,
                    title_vi=self._articles[n].title_vi,
                    title_en=self._articles[n].title_en,
                    provenance=self._articles[n].provenance.source,
                    coverage=self._articles[n].coverage,
                )
                for n in ch.articles
            ],
        )

    # -- reading ------------------------------------------------------------------------------------

    def chapters(self) -> list[ChapterView]:
        """The chapters in order, with their articles."""
        return list(self._chapters.values())

    def chapter(self, number: int) -> ChapterView | None:
        """One chapter, or None."""
        return self._chapters.get(number)

    def articles(self) -> list[ArticleView]:
        """Every article in order, with its rules and scenarios."""
        return list(self._articles.values())

    def article(self, number: int) -> ArticleView | None:
        """One article, or None."""
        return self._articles.get(number)

    def summary(self) -> CoverageSummary:
        """The coverage of the rules by the scenarios."""
        c = self._coverage
        return CoverageSummary(
            rules_total=c.total_rules,
            rules_fired=c.fired_rules,
            percent=round(c.percent, 1),
            scenarios=c.scenarios,
            failed=c.failed,
            files=c.files,
            unfired_rules=[r.rule for r in c.unfired],
            uncovered_articles=[a.article for a in c.uncovered_articles],
            scenario_errors=list(self._errors),
        )

    def event_types(self) -> list[EventTypeView]:
        """The event types, with the articles whose rules they trigger."""
        out = []
        for t in EVENT_TYPES:
            arts = sorted({r.article for r in self._checked if r.event_types == (t,)})
            vi, en = EVENT_LABELS.get(t, (t, t))
            out.append(EventTypeView(type=t, label_vi=vi, label_en=en, articles=arts))
        return out

    def _rule_ref(self, r: CheckedRule) -> RuleRef:
        v = self._rules[r.id]
        return RuleRef(
            id=v.id,
            article=v.article,
            provision_vi=v.provision_vi,
            provision_en=v.provision_en,
            text_vi=v.text_vi,
            text_en=v.text_en,
            provenance=v.provenance,
        )

    def evaluate(self, event: Mapping[str, Any] | EventBase, as_of: date | str | None = None) -> Evaluation:
        """Evaluate an event and say why each rule of its type fired or did not (raises InvalidEvent)."""
        reg = self.regulation
        decision = reg.evaluate(event, as_of=as_of)
        parsed = parse_event(event)
        fields = {k: getattr(parsed, k) for k in type(parsed).model_fields}
        fact = event_fact(fields, decision.reference_date)
        by_id = reg.compiled.checked.by_id
        fired_ids = {t.rule for t in decision.trace}
        fired = [
            FiredRule(
                rule=self._rule_ref(by_id[t.rule]),
                because_vi=trace_reason(reg, decision.event_type, t, fact, "vi", parsed),
                because_en=trace_reason(reg, decision.event_type, t, fact, "en", parsed),
            )
            for t in decision.trace
            if t.rule in by_id
        ]
        not_fired = [
            self._why_not(r, parsed, as_of)
            for r in sorted(
                (x for x in self._checked if decision.event_type in x.event_types),
                key=lambda r: (r.article, r.order[2]),
            )
            if r.id not in fired_ids
        ]
        return Evaluation(
            event=parsed.model_dump(mode="json", exclude_none=True),
            decision=decision,
            explanation_vi=explain(decision, "vi", regulation=reg, event=parsed),
            explanation_en=explain(decision, "en", regulation=reg, event=parsed),
            fired=fired,
            not_fired=not_fired,
        )

    def _why_not(self, r: CheckedRule, event: EventBase, as_of: date | str | None) -> NotFiredRule:
        why = self.regulation.why_not(event.model_dump(exclude_none=True), r.id, as_of=as_of)
        fact = event_fact({k: getattr(event, k) for k in type(event).model_fields}, why_reference(event, as_of))
        tests = {t.index: t for t in leaves(r.when)}
        failed = []
        for t in why.tests:
            if t.held:
                continue
            test = tests[t.index]
            names = [test.field] + ([test.value] if test.op in FIELD_OPS else [])
            failed.append(
                FailedCondition(
                    text_vi=t.text_vi,
                    text_en=t.text_en,
                    given_vi="; ".join(_value_words(f, fact, "vi") for f in names),
                    given_en="; ".join(_value_words(f, fact, "en") for f in names),
                )
            )
        if not failed:  # a version not in force, no row of a table, an exception outside its rule, or overridden
            failed = [
                FailedCondition(text_vi=x.message_vi, text_en=x.message_en, given_vi="", given_en="")
                for x in why.reasons
            ]
        return NotFiredRule(
            rule=self._rule_ref(r),
            condition_vi=condition_words(r.when, "vi"),
            condition_en=condition_words(r.when, "en"),
            failed=failed,
            reasons_vi=[x.message_vi for x in why.reasons],
            reasons_en=[x.message_en for x in why.reasons],
        )


def why_reference(event: EventBase, as_of: date | str | None) -> date | None:
    """The reference date of an evaluation: ``as_of``, else the event's date."""
    if isinstance(as_of, str):
        return date.fromisoformat(as_of)
    return as_of or event.date
