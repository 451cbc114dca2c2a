"""Load the regulation and evaluate events: ``quyche.load()`` and :class:`Regulation`."""

from __future__ import annotations

import threading
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping
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
from quyche.rules.pyeval import PythonEngine
from quyche.rules.runplan import RunPlan, RunUnit, from_plan
from quyche.rules.runtime import MEMO_SIZE, Runtime

if TYPE_CHECKING:
    from quyche.rules.compile import Plan
    from quyche.why import WhyNot

EngineName = Literal["durable", "python", "auto"]
CacheMode = Literal["auto", "read", "off"]
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

    def __init__(
        self,
        compiled: Plan | RunPlan,
        engine: EngineName = "auto",
        *,
        memo: int = MEMO_SIZE,
        rebuild: Callable[[], Plan] | None = None,
    ) -> None:
        """A Regulation from compiled rules (``quyche.load`` builds one). ``compiled`` is a Plan, or only its run
        form (a RunPlan, from the on-disk cache) with ``rebuild`` giving the Plan when tooling asks for it.
        ``memo``: the size of the memo of fired units in front of the engine (0: none; :mod:`quyche.rules.runtime`).
        """
        if engine not in ("durable", "python", "auto"):
            raise QuycheError(f"unknown engine {engine!r}; use 'durable', 'python' or 'auto'")
        run = compiled if isinstance(compiled, RunPlan) else from_plan(compiled)
        self._compiled: Plan | None = None if isinstance(compiled, RunPlan) else compiled
        self._rebuild = rebuild
        self._compiling = threading.Lock()
        self._run = run
        self._assembler = Assembler(run)  # immutable once built: shared by every call and thread
        self._engine: PythonEngine | durable_adapter.DurableEngine
        if engine == "python":
            self._engine = PythonEngine(run)
        elif engine == "durable" or durable_adapter.available():
            self._engine = durable_adapter.DurableEngine(run)
        else:
            warnings.warn(
                f"durable-rules does not import ({durable_adapter.IMPORT_ERROR}); using the python engine",
                EngineFallbackWarning,
                stacklevel=3,
            )
            self._engine = PythonEngine(run)
        self._runtime = Runtime(run, self._engine, memo)
        self.chapters: tuple[ChapterInfo, ...] = tuple(
            ChapterInfo(c.number, c.numeral, c.title_vi, c.title_en, c.articles) for c in run.chapters
        )
        self.articles: tuple[ArticleInfo, ...] = tuple(
            ArticleInfo(a.number, a.chapter, a.title_vi, a.title_en, a.encoded, a.not_encoded)
            for a in run.articles.values()
        )

    @property
    def engine(self) -> Literal["durable", "python"]:
        """Which engine evaluates: ``"durable"`` or ``"python"``."""
        return self._engine.name  # type: ignore[return-value]

    @property
    def compiled(self) -> Plan:
        """The compiled rules (for tooling: docs, schemas, tests). A Regulation loaded from the on-disk cache
        reads, checks and compiles its rule files the first time this is asked for.
        """
        if self._compiled is None:
            with self._compiling:
                if self._compiled is None:
                    if self._rebuild is None:
                        raise QuycheError("this Regulation was built from a run plan alone: no compiled rules")
                    self._compiled = self._rebuild()
        return self._compiled

    @property
    def validity(self) -> tuple[date, date] | None:
        """The regulation's period of validity, from the rule files."""
        return self._run.validity

    def evaluate(self, event: Mapping[str, Any] | EventBase, as_of: date | str | None = None) -> Decision:
        """The decision for one event. Raises InvalidEvent for a bad event; nothing else escapes."""
        try:
            parsed = parse_event(event)
            reference = _as_date(as_of, "as_of") or parsed.date
            fact = self._runtime.fact(parsed.type, parsed.__dict__, reference)  # type: ignore[attr-defined]
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
        return self._many(iter(events), given, on_invalid == "raise")  # type: ignore[return-value]

    def _json_many(
        self, events: Iterable[Mapping[str, Any] | EventBase], as_of: date | str | None = None
    ) -> Iterator[bytes | InvalidEvent]:
        """``evaluate_many(events, as_of, on_invalid="yield")`` with each decision as its JSON form (UTF-8 bytes of
        ``Decision.model_dump_json()``, written without building the Decision): ``quyche evaluate --batch``.
        """
        try:
            given = _as_date(as_of, "as_of")
        except Exception as exc:  # noqa: BLE001
            raise _public_error(exc) from None
        return self._many(iter(events), given, False, as_json=True)  # type: ignore[return-value]

    def _many(
        self, it: Iterator[Mapping[str, Any] | EventBase], given: date | None, stop: bool, as_json: bool = False
    ) -> Iterator[Decision | bytes | InvalidEvent]:
        """The results of ``evaluate_many``: a Decision (or its JSON) or an InvalidEvent per event, in order."""
        assemble: Callable[..., Decision | bytes] = self._assembler.decide_json if as_json else self._assembler.decide
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
                    fact = self._runtime.fact(parsed.type, parsed.__dict__, reference)  # type: ignore[attr-defined]
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
            fired: list[tuple[RunUnit, ...]] = []
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

    def close(self) -> None:
        """Release the engine's resources (durable-rules keeps rulesets in a process-wide table)."""
        self._runtime.close()
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


def load(rules_dir: str | Path | None = None, *, engine: EngineName = "auto", cache: CacheMode = "auto") -> Regulation:
    """Load, check and compile the rule files (the bundled ones by default) into a Regulation.

    ``cache``: ``"auto"`` uses the on-disk cache of compiled rules and writes it when it is missing or stale;
    ``"read"`` uses it but never writes; ``"off"`` always compiles (:mod:`quyche.rules.cache`).
    """
    if cache not in ("auto", "read", "off"):
        raise QuycheError(f"unknown cache {cache!r}; use 'auto', 'read' or 'off'")
    root = Path(rules_dir) if rules_dir is not None else bundled_rules_dir()
    if cache == "off":
        return Regulation(_compile(root), engine)
    from quyche import calendar
    from quyche.rules import cache as disk

    key = disk.rules_key(root)
    found = disk.read(key, str(root)) if key is not None else None
    if found is not None:
        run, years = found
        try:
            calendar.seed(years)
        except (KeyError, TypeError, ValueError):
            pass  # a calendar that does not read back: the library answers instead
        else:
            return Regulation(run, engine, rebuild=lambda: _recompile(root, key))
    plan = _compile(root)
    reg = Regulation(plan, engine)
    if key is not None and cache == "auto" and disk.rules_key(root) == key:  # unchanged while it was read
        disk.write(key, reg._run, disk.calendar_years(reg._run))
    return reg


def _compile(root: Path) -> Plan:
    from quyche.rules.check import check
    from quyche.rules.compile import compile_rules
    from quyche.rules.read import read_rules

    return compile_rules(check(read_rules(root)))


def _recompile(root: Path, key: str | None) -> Plan:
    """The Plan of rule files loaded from the cache, which must still be the files the cache was made from."""
    from quyche.rules import cache as disk

    plan = _compile(root)
    if key is None or disk.rules_key(root) != key:
        raise RuleFileError(str(root), None, "the rule files changed after they were loaded: load them again")
    return plan
