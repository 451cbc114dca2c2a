"""Load the regulation and evaluate events: ``quyche.load()`` and :class:`Regulation`."""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, overload

from quyche.decision import Decision
from quyche.errors import EngineError, InvalidEvent, QuycheError, RuleFileError
from quyche.events import parse_event, parse_events
from quyche.events_base import EventBase, _iso_date
from quyche.rules import durable_adapter
from quyche.rules.assemble import Assembler
from quyche.rules.check import check
from quyche.rules.compile import Plan, Unit, compile_rules
from quyche.rules.pyeval import PythonEngine
from quyche.rules.read import read_rules
from quyche.rules.runtime import Runtime, event_fact

if TYPE_CHECKING:
    from quyche.amendments import Amendment
    from quyche.auditing import Audit
    from quyche.cases import Case, CaseStatus
    from quyche.why import WhyNot

EngineName = Literal["durable", "python", "auto"]
#: How many events ``evaluate_many`` validates and matches together (it reads that many ahead).
BATCH = 256


class EngineFallbackWarning(UserWarning):
    """``engine="auto"`` fell back to the python engine because durable-rules does not import."""


@dataclass(frozen=True)
class ChapterInfo:
    """A chapter of the regulation."""

    number: int
    numeral: str
    title_vi: str
    title_en: str
    articles: tuple[int, ...]


@dataclass(frozen=True)
class ArticleInfo:
    """An article of the regulation."""

    number: int
    chapter: int
    title_vi: str
    title_en: str
    encoded: bool
    not_encoded: tuple[str, ...]


def bundled_rules_dir() -> Path:
    """The rule files shipped with the package (inside the wheel), or the checkout's ``rules/``."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "bundled_rules", here.parent / "rules"):
        if candidate.is_dir():
            return candidate
    raise RuleFileError(str(here / "bundled_rules"), None, "the bundled rule files are missing from the installation")


def _as_date(value: Any, name: str) -> date | None:
    if value is None:
        return None
    try:
        return _iso_date(value)  # type: ignore[no-any-return]
    except ValueError as exc:
        raise InvalidEvent(f"invalid {name}: {exc}", [{"loc": [name], "msg": str(exc)}]) from None


class Regulation:
    """The loaded regulation: its outline and an engine that evaluates events against its rules.

    A Regulation holds no mutable state between calls: ``evaluate`` may be called from several threads.
    """

    def __init__(self, compiled: Plan, engine: EngineName = "auto") -> None:
        if engine not in ("durable", "python", "auto"):
            raise QuycheError(f"unknown engine {engine!r}; use 'durable', 'python' or 'auto'")
        self._compiled = compiled
        self._assembler = Assembler(compiled)  # immutable once built: shared by every call and thread
        self._engine: PythonEngine | durable_adapter.DurableEngine
        if engine == "python":
            self._engine = PythonEngine(compiled)
        elif engine == "durable" or durable_adapter.available():
            self._engine = durable_adapter.DurableEngine(compiled)
        else:
            warnings.warn(
                f"durable-rules does not import ({durable_adapter.IMPORT_ERROR}); using the python engine",
                EngineFallbackWarning,
                stacklevel=3,
            )
            self._engine = PythonEngine(compiled)
        self._runtime = Runtime(compiled, self._engine)
        outline = compiled.outline
        self.chapters: tuple[ChapterInfo, ...] = tuple(
            ChapterInfo(c.chapter, c.numeral, c.title_vi, c.title_en, tuple(c.articles))
            for c in outline.chapters.values()
        )
        self.articles: tuple[ArticleInfo, ...] = tuple(
            ArticleInfo(
                a.article,
                a.chapter,
                a.title_vi,
                a.title_en,
                bool(a.rules) or a.validity is not None,
                tuple(n.what for n in a.not_encoded),
            )
            for a in outline.articles.values()
        )

    @property
    def engine(self) -> Literal["durable", "python"]:
        """Which engine evaluates: ``"durable"`` or ``"python"``."""
        return self._engine.name  # type: ignore[return-value]

    @property
    def compiled(self) -> Plan:
        """The compiled rules (for tooling: docs, schemas, tests)."""
        return self._compiled

    @property
    def validity(self) -> tuple[date, date] | None:
        """The regulation's period of validity, from the rule files."""
        v = self._compiled.validity
        return (v.from_, v.until) if v else None

    def evaluate(self, event: Mapping[str, Any] | EventBase, as_of: date | str | None = None) -> Decision:
        """The decision for one event. Raises InvalidEvent for a bad event; nothing else escapes."""
        try:
            parsed = parse_event(event)
            reference = _as_date(as_of, "as_of") or parsed.date
            fact = event_fact(parsed.__dict__, reference)
            units = self._runtime.fire(parsed.type, fact)  # type: ignore[attr-defined]
            return self._assembler.decide(parsed, units, fact, reference)
        except Exception as exc:  # noqa: BLE001 - reference §5: nothing else escapes evaluate
            raise _public_error(exc) from (None if isinstance(exc, (QuycheError, RecursionError)) else exc)

    @overload
    def evaluate_many(
        self,
        events: Iterable[Mapping[str, Any] | EventBase],
        as_of: date | str | None = None,
        *,
        on_invalid: Literal["raise"] = "raise",
    ) -> Iterator[Decision]: ...

    @overload
    def evaluate_many(
        self,
        events: Iterable[Mapping[str, Any] | EventBase],
        as_of: date | str | None = None,
        *,
        on_invalid: Literal["yield"],
    ) -> Iterator[Decision | InvalidEvent]: ...

    def evaluate_many(
        self,
        events: Iterable[Mapping[str, Any] | EventBase],
        as_of: date | str | None = None,
        *,
        on_invalid: Literal["raise", "yield"] = "raise",
    ) -> Iterator[Decision] | Iterator[Decision | InvalidEvent]:
        """Decisions for many events, lazily, in order; each equals ``evaluate(event, as_of)``.

        An invalid event is an :class:`InvalidEvent` whose ``index`` is its position in ``events``
        (from 0) and whose message starts with ``events[i]:``. With ``on_invalid="raise"`` (the
        default) it is raised after the decisions of the events before it; with ``on_invalid="yield"``
        it is yielded in its place and the run goes on, so the output has exactly one item per event::

            for i, result in enumerate(reg.evaluate_many(events, on_invalid="yield")):
                if isinstance(result, quyche.InvalidEvent):
                    log(result.index, result.errors)
                else:
                    store(result)

        Events are taken in batches of :data:`BATCH`: a batch is validated, then matched in one engine
        call (durable: one lock acquisition), then its results are yielded one at a time. So the input
        iterator is read up to ``BATCH - 1`` events ahead of the result last yielded. A bad ``as_of``
        raises InvalidEvent before any event is read; an engine failure raises EngineError.
        """
        if on_invalid not in ("raise", "yield"):
            raise QuycheError(f"unknown on_invalid {on_invalid!r}; use 'raise' or 'yield'")
        try:
            given = _as_date(as_of, "as_of")
        except Exception as exc:  # noqa: BLE001
            raise _public_error(exc) from None
        return self._many(iter(events), given, on_invalid == "raise")

    def _many(
        self, it: Iterator[Mapping[str, Any] | EventBase], given: date | None, stop: bool
    ) -> Iterator[Decision | InvalidEvent]:
        """The results of ``evaluate_many``: a Decision or an InvalidEvent per event, in order."""
        assemble = self._assembler.decide
        start = 0
        while True:
            batch = list(islice(it, BATCH))
            if not batch:
                return
            ready: list[tuple[EventBase, date | None, dict[str, Any]]] = []
            results: list[InvalidEvent | int] = []  # per event: its error, or its place in ``ready``
            valid = parse_events(batch)  # all at once when all are valid (most batches): faster
            for i, event in enumerate(batch, start):
                try:
                    parsed = valid[i - start] if valid is not None else parse_event(event)
                    reference = given or parsed.date
                    fact = event_fact(parsed.__dict__, reference)
                except Exception as exc:  # noqa: BLE001 - only QuycheErrors leave evaluate_many
                    error = _public_error(exc)
                    if not isinstance(error, InvalidEvent):
                        raise error from (None if isinstance(exc, QuycheError) else exc)
                    results.append(error.at(i))
                    if stop:
                        break
                    continue
                results.append(len(ready))
                ready.append((parsed, reference, fact))
            start += len(batch)
            fired: list[list[Unit]] = []
            if ready:
                try:
                    fired = self._runtime.fire_many([(p.type, fact) for p, _, fact in ready])  # type: ignore[attr-defined]
                except Exception as exc:  # noqa: BLE001
                    raise _public_error(exc) from (None if isinstance(exc, QuycheError) else exc)
            for result in results:
                if isinstance(result, InvalidEvent):
                    if stop:
                        raise result
                    yield result
                    continue
                p, ref, fact = ready[result]
                try:  # one at a time: a decision the caller has consumed can be freed at once
                    decision = assemble(p, fired[result], fact, ref)
                except Exception as exc:  # noqa: BLE001
                    raise _public_error(exc) from (None if isinstance(exc, QuycheError) else exc)
                yield decision

    def why_not(self, event: Mapping[str, Any], rule_id: str, as_of: date | str | None = None) -> WhyNot:
        """Why the rule ``rule_id`` did (or did not) apply to ``event``: the tests of its condition that failed, a
        version not in force, no row of its table, or an exception that applied instead (:mod:`quyche.why`).
        """
        from quyche.why import why_not

        return why_not(self, event, rule_id, as_of)

    def track(self, case: Mapping[str, Any] | Case, today: date | str | None = None) -> CaseStatus:
        """The status of every duty of a case (docs/cases.en.md): a :class:`quyche.cases.CaseStatus`.

        ``case`` is a case file's content (``{case, event, done, today}``) or a :class:`quyche.cases.Case`;
        ``today`` (default: the case's ``today``, else the current date) is the day the statuses are for.
        """
        from quyche.cases import track

        return track(self, case, today)

    def audit(self, cases: Iterable[Any], today: date | str | None = None) -> Audit:
        """Track many cases in this process, lazily, in order: a :class:`quyche.auditing.Audit` (iterate it for
        one :class:`quyche.auditing.AuditLine` per case, then read its ``summary``). See :func:`quyche.audit`
        for several processes.
        """
        from quyche.auditing import Audit

        return Audit(cases, today=today, regulation=self)
    def amend(self, amendment: str | Path | Mapping[str, Any] | Amendment) -> Regulation:
        """The regulation as amended by an amendment file (a path) or mapping (``format: quyche/amendment@1``,
        :mod:`quyche.amendments`): a new Regulation on the same engine; this one is unchanged. With a date of
        effect, events dated (or evaluated ``as_of``) before it get these rules, later and undated ones the amended
        rules. An invalid amendment, or one whose rules fail a load-time check, is a RuleFileError in its file.
        """
        from quyche.amendments import amend

        return amend(self, amendment)

    def version_for(self, reference: date | None) -> Regulation:
        """The regulation whose rules decide an event of this reference date: this one (an amended regulation
        answers with the rules before the amendment for a date before its date of effect).
        """
        return self

    def close(self) -> None:
        """Release the engine's resources (durable-rules keeps rulesets in a process-wide table)."""
        self._engine.close()

    def __enter__(self) -> Regulation:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<Regulation {len(self.chapters)} chapters, {len(self.articles)} articles, engine={self.engine}>"


def _public_error(exc: Exception) -> QuycheError:
    """The error ``evaluate`` raises for ``exc`` (reference §5: only QuycheErrors escape)."""
    if isinstance(exc, QuycheError):
        return exc
    if isinstance(exc, RecursionError):
        return InvalidEvent("invalid event: nested too deeply", [{"loc": [], "msg": "nested too deeply"}])
    return EngineError(f"internal error while evaluating: {type(exc).__name__}: {exc}")


def load(rules_dir: str | Path | None = None, *, engine: EngineName = "auto") -> Regulation:
    """Load, check and compile the rule files (the bundled ones by default) into a Regulation."""
    root = Path(rules_dir) if rules_dir is not None else bundled_rules_dir()
    return Regulation(compile_rules(check(read_rules(root))), engine)
