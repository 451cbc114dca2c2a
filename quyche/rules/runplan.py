"""The *run* form of a compiled plan: what evaluating an event needs, and nothing else, as plain data.

A :class:`~quyche.rules.compile.Plan` carries the checked rule files (pydantic models, line numbers, notes) that
tooling reads — ``explain``, ``why_not``, coverage, the explorer. Evaluation needs far less: per unit its id, its
condition in the normal form and as numbered tests (for the trace), the bodies, duties, warnings and citations it
decides. :class:`RunPlan` is that part. The engines, the runtime and the assembler are built from it alone, and
it converts to and from plain JSON data (:func:`to_data`, :func:`from_data`) — strings, numbers, booleans, lists
and mappings, never code — so the on-disk cache (:mod:`quyche.rules.cache`) can store it and a later process can
evaluate without reading, checking or compiling the rule files again.

``from_data(to_data(p)) == p`` for every plan (``tests/test_cache.py``): the cached form loses nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from quyche.rules.syntax import All, AnyOf, Body, Node, Not, Test

if TYPE_CHECKING:
    from quyche.rules.compile import Plan

#: Bumped whenever the data layout below changes (old cache files are then ignored and rebuilt).
FORMAT = "quyche/run-plan@1"


@dataclass(frozen=True, slots=True)
class RunProvenance:
    """Where a duty comes from (``summary`` / ``law`` / ``reconstructed``) and, for ``law``, the instrument."""

    source: str
    basis: str | None


@dataclass(frozen=True)
class RunDuty:
    """A duty as a unit decides it (:class:`~quyche.rules.compile.UnitDuty` without the rule file behind it)."""

    party: Body
    duty: str
    text_vi: str
    text_en: str
    mode: str | None
    days: int | None
    unit: str | None
    relation: str | None
    anchor: str | None
    article: int
    clause: int | None
    point: str | None
    provenance: RunProvenance


@dataclass(frozen=True)
class RunUnit:
    """A unit (a rule, or one row of its table) as the engines and the assembler use it."""

    id: str
    rule_id: str
    article: int
    row: int | None
    clause: int | None  # the rule's clause and point (its citation)
    point: str | None
    event_types: tuple[str, ...]
    when: dict[str, Any] | None
    condition: Node | None
    lead: Body | None
    coordinating: tuple[Body, ...]
    notified: tuple[Body, ...]
    advising: tuple[Body, ...]
    modes: tuple[str, ...]
    duties: tuple[RunDuty, ...]
    warnings: tuple[tuple[str, str, str], ...]  # (code, message_vi, message_en)
    cites: tuple[int, ...]
    #: event fields whose listed articles the unit cites (``cites: [event.articles]``, Điều 20)
    cites_from: tuple[str, ...] = ()
    #: the rule file the unit comes from (named by errors found when the engines are built)
    path: str = ""


@dataclass(frozen=True, slots=True)
class ChapterOutline:
    """A chapter: number, numeral, titles and its articles."""

    number: int
    numeral: str
    title_vi: str
    title_en: str
    articles: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class ArticleOutline:
    """An article: number, chapter, titles, whether it is encoded and what of it is not."""

    number: int
    chapter: int
    title_vi: str
    title_en: str
    encoded: bool
    not_encoded: tuple[str, ...]


@dataclass(frozen=True)
class RunPlan:
    """Everything evaluation needs, built once: from a Plan (:func:`from_plan`) or from the cache."""

    units: tuple[RunUnit, ...]
    by_type: dict[str, tuple[RunUnit, ...]]
    by_id: dict[str, RunUnit]
    exceptions: dict[str, frozenset[str]]
    chapters: tuple[ChapterOutline, ...]
    articles: dict[int, ArticleOutline]
    validity: tuple[date, date] | None
    source: str

    @property
    def rules(self) -> tuple[RunUnit, ...]:
        """The units in firing order (the engines' rules)."""
        return self.units


def from_plan(plan: Plan) -> RunPlan:
    """The run form of a compiled plan."""
    units = tuple(
        RunUnit(
            id=u.id,
            rule_id=u.rule_id,
            article=u.article,
            row=u.row,
            clause=u.rule.rule.clause,
            point=u.rule.rule.point,
            event_types=tuple(u.event_types),
            when=u.when,
            condition=u.condition,
            lead=u.lead,
            coordinating=tuple(u.coordinating),
            notified=tuple(u.notified),
            advising=tuple(u.advising),
            modes=tuple(u.modes),
            duties=tuple(
                RunDuty(
                    party=d.party,
                    duty=d.duty,
                    text_vi=d.text_vi,
                    text_en=d.text_en,
                    mode=d.mode,
                    days=d.days,
                    unit=d.unit,
                    relation=d.relation,
                    anchor=d.anchor,
                    article=d.article,
                    clause=d.clause,
                    point=d.point,
                    provenance=RunProvenance(d.provenance.source, d.provenance.basis),
                )
                for d in u.duties
            ),
            warnings=tuple(u.warnings),
            cites=tuple(u.cites),
            cites_from=tuple(u.cites_from),
            path=str(u.rule.path),
        )
        for u in plan.units
    )
    outline = plan.outline
    chapters = tuple(
        ChapterOutline(c.chapter, c.numeral, c.title_vi, c.title_en, tuple(c.articles))
        for c in outline.chapters.values()
    )
    articles = {
        n: ArticleOutline(
            a.article,
            a.chapter,
            a.title_vi,
            a.title_en,
            bool(a.rules) or a.validity is not None,
            tuple(x.what for x in a.not_encoded),
        )
        for n, a in outline.articles.items()
    }
    v = plan.validity
    return _assemble(
        units,
        tuple(plan.by_type),
        plan.exceptions,
        chapters,
        articles,
        (v.from_, v.until) if v is not None else None,
        plan.source,
    )


def _assemble(
    units: tuple[RunUnit, ...],
    event_types: tuple[str, ...],
    exceptions: dict[str, frozenset[str]],
    chapters: tuple[ChapterOutline, ...],
    articles: dict[int, ArticleOutline],
    validity: tuple[date, date] | None,
    source: str,
) -> RunPlan:
    return RunPlan(
        units=units,
        by_type={t: tuple(u for u in units if t in u.event_types) for t in event_types},
        by_id={u.id: u for u in units},
        exceptions=exceptions,
        chapters=chapters,
        articles=articles,
        validity=validity,
        source=source,
    )


# ----------------------------------------------------------------------------------- to and from plain data


def _scalar(value: Any) -> Any:
    """A constant of a test as JSON data: a date becomes ``{"date": "YYYY-MM-DD"}`` (JSON has no dates)."""
    return {"date": value.isoformat()} if isinstance(value, date) else value


def _unscalar(data: Any) -> Any:
    if isinstance(data, dict):
        return date.fromisoformat(data["date"])
    if isinstance(data, (str, int, bool)) or data is None:
        return data
    raise ValueError(f"not a constant: {data!r}")


def _node(node: Node | None) -> Any:
    if node is None:
        return None
    if isinstance(node, Test):
        value = [_scalar(v) for v in node.value] if isinstance(node.value, tuple) else _scalar(node.value)
        return {
            "test": [node.index, node.field, node.op, value, list(node.loc), node.when_absent, node.set_name],
            "tuple": isinstance(node.value, tuple),
        }
    if isinstance(node, Not):
        return {"not": _node(node.part), "loc": list(node.loc)}
    kind = "all" if isinstance(node, All) else "any"
    return {kind: [_node(p) for p in node.parts], "loc": list(node.loc)}


def _unnode(data: Any) -> Node | None:
    if data is None:
        return None
    if "test" in data:
        index, field, op, value, loc, when_absent, set_name = data["test"]
        value = tuple(_unscalar(v) for v in value) if data["tuple"] else _unscalar(value)
        return Test(int(index), str(field), op, value, tuple(loc), bool(when_absent), set_name)
    if "not" in data:
        part = _unnode(data["not"])
        assert part is not None
        return Not(part, tuple(data["loc"]))
    kind = "all" if "all" in data else "any"
    parts = tuple(p for p in (_unnode(x) for x in data[kind]) if p is not None)
    return All(parts, tuple(data["loc"])) if kind == "all" else AnyOf(parts, tuple(data["loc"]))


def _body(body: Body | None) -> Any:
    return None if body is None else [body.kind, body.name, _body(body.inner)]


def _unbody(data: Any) -> Body | None:
    if data is None:
        return None
    kind, name, inner = data
    return Body(kind, name, _unbody(inner))


def _bodies(data: Any) -> tuple[Body, ...]:
    out = tuple(_unbody(b) for b in data)
    return tuple(b for b in out if b is not None)


_DUTY_FIELDS = (
    "duty",
    "text_vi",
    "text_en",
    "mode",
    "days",
    "unit",
    "relation",
    "anchor",
    "article",
    "clause",
    "point",
)


def to_data(plan: RunPlan) -> dict[str, Any]:
    """The plan as plain JSON data."""
    units = []
    for u in plan.units:
        units.append(
            {
                "id": u.id,
                "rule_id": u.rule_id,
                "article": u.article,
                "row": u.row,
                "clause": u.clause,
                "point": u.point,
                "event_types": list(u.event_types),
                "when": u.when,
                "condition": _node(u.condition),
                "lead": _body(u.lead),
                "coordinating": [_body(b) for b in u.coordinating],
                "notified": [_body(b) for b in u.notified],
                "advising": [_body(b) for b in u.advising],
                "modes": list(u.modes),
                "duties": [
                    {
                        "party": _body(d.party),
                        **{f: getattr(d, f) for f in _DUTY_FIELDS},
                        "provenance": [d.provenance.source, d.provenance.basis],
                    }
                    for d in u.duties
                ],
                "warnings": [list(w) for w in u.warnings],
                "cites": list(u.cites),
                "cites_from": list(u.cites_from),
                "path": u.path,
            }
        )
    return {
        "format": FORMAT,
        "units": units,
        "event_types": list(plan.by_type),
        "exceptions": {k: sorted(v) for k, v in plan.exceptions.items()},
        "chapters": [[c.number, c.numeral, c.title_vi, c.title_en, list(c.articles)] for c in plan.chapters],
        "articles": [
            [a.number, a.chapter, a.title_vi, a.title_en, a.encoded, list(a.not_encoded)]
            for a in plan.articles.values()
        ],
        "validity": None if plan.validity is None else [d.isoformat() for d in plan.validity],
    }


def from_data(data: dict[str, Any], source: str) -> RunPlan:
    """A plan from :func:`to_data`'s form (raises KeyError, TypeError or ValueError when it is not that form)."""
    if data.get("format") != FORMAT:
        raise ValueError(f"not a {FORMAT} document")
    units = []
    for u in data["units"]:
        duties = []
        for d in u["duties"]:
            party = _unbody(d["party"])
            assert party is not None
            source_, basis = d["provenance"]
            duties.append(
                RunDuty(party=party, **{f: d[f] for f in _DUTY_FIELDS}, provenance=RunProvenance(source_, basis))
            )
        units.append(
            RunUnit(
                id=u["id"],
                rule_id=u["rule_id"],
                article=u["article"],
                row=u["row"],
                clause=u["clause"],
                point=u["point"],
                event_types=tuple(u["event_types"]),
                when=u["when"],
                condition=_unnode(u["condition"]),
                lead=_unbody(u["lead"]),
                coordinating=_bodies(u["coordinating"]),
                notified=_bodies(u["notified"]),
                advising=_bodies(u["advising"]),
                modes=tuple(u["modes"]),
                duties=tuple(duties),
                warnings=tuple((str(c), str(vi), str(en)) for c, vi, en in u["warnings"]),
                cites=tuple(u["cites"]),
                cites_from=tuple(str(f) for f in u["cites_from"]),
                path=str(u["path"]),
            )
        )
    validity = data["validity"]
    return _assemble(
        tuple(units),
        tuple(data["event_types"]),
        {k: frozenset(v) for k, v in data["exceptions"].items()},
        tuple(ChapterOutline(n, num, vi, en, tuple(arts)) for n, num, vi, en, arts in data["chapters"]),
        {a[0]: ArticleOutline(a[0], a[1], a[2], a[3], a[4], tuple(a[5])) for a in data["articles"]},
        None if validity is None else (date.fromisoformat(validity[0]), date.fromisoformat(validity[1])),
        source,
    )
