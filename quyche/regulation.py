"""Load the regulation and evaluate events: ``quyche.load()`` and :class:`Regulation`."""

from __future__ import annotations

import threading
import warnings
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, NoReturn, overload

from quyche import calendar
from quyche.decision import Decision
from quyche.errors import EngineError, InvalidEvent, QuycheError, RegulationClosed, RuleFileError
from quyche.events import parse_event, parse_events
from quyche.events_base import EventBase, _iso_date
from quyche.rules import durable_adapter
from quyche.rules.assemble import Assembler
from quyche.rules.pyeval import PythonEngine
from quyche.rules.runplan import ArticleOutline, ChapterOutline, RunPlan, RunUnit, from_plan
from quyche.rules.runtime import MEMO_SIZE, Runtime

if TYPE_CHECKING:
    from quyche.amendments import Amendment
    from quyche.auditing import Audit
    from quyche.cases import Case, CaseStatus
    from quyche.rules.compile import Plan
    from quyche.why import WhyNot

EngineName = Literal["durable", "python", "auto"]
CacheMode = Literal["auto", "read", "off"]
#: How many events ``evaluate_many`` validates and matches together (it reads that many ahead).
BATCH = 256


class EngineFallbackWarning(UserWarning):
    """``engine="auto"`` fell back to the python engine because durable-rules does not import."""


#: A chapter of the regulation (number, numeral, titles, its articles) and an article (number, chapter, titles,
#: whether it is encoded and what of it is not): the run plan's own outline records, read-only.
ChapterInfo = ChapterOutline
ArticleInfo = ArticleOutline


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


class _Shared:
    """Everything a Regulation needs that depends only on its compiled rules: built once, immutable,
    and shared by every Regulation loaded from the same rule files (so that each live Regulation costs
    a few objects, and many of them are freed — or left at exit — at once).
    """

    def __init__(self, run: RunPlan, compiled: Plan | None, rebuild: Callable[[], Plan] | None = None) -> None:
        self.run = run
        self._compiled = compiled
        self._rebuild = rebuild
        self._compiling = threading.Lock()
        # durable-rules' capacity is checked for both engines: a rule folder valid for one is valid for both
        self.plan = durable_adapter.plan(run)
        self.assembler = Assembler(run)  # immutable once built: shared by every call and thread
        self.python = PythonEngine(run)  # stateless
        self.chapters: tuple[ChapterInfo, ...] = run.chapters
        self.articles: tuple[ArticleInfo, ...] = tuple(run.articles.values())

    @property
    def compiled(self) -> Plan:
        """The compiled rules; when they came from the on-disk cache, read, checked and compiled on first use."""
        if self._compiled is None:
            with self._compiling:
                if self._compiled is None:
                    if self._rebuild is None:
                        raise QuycheError("this Regulation was built from a run plan alone: no compiled rules")
                    self._compiled = self._rebuild()
        return self._compiled


class Regulation:
    """The loaded regulation: its outline and an engine that evaluates events against its rules.

    A Regulation holds no mutable state between calls: ``evaluate`` may be called from several threads.

    Lifecycle: :meth:`close` releases the engine (durable-rules keeps its rulesets in a process-wide C
    table); ``with quyche.load() as reg: …`` closes on exit. Afterwards ``evaluate`` and
    ``evaluate_many`` raise :class:`~quyche.errors.RegulationClosed`; the outline (``chapters``,
    ``articles``, ``validity``) stays readable. A Regulation that is simply dropped releases its engine
    when it is garbage-collected. It cannot be pickled: load the rules again in the other process.
    """

    def __init__(
        self,
        compiled: Plan | RunPlan,
        engine: EngineName = "auto",
        *,
        memo: int = MEMO_SIZE,
        rebuild: Callable[[], Plan] | None = None,
        _shared: Any = None,
    ) -> None:
        """A Regulation from compiled rules (``quyche.load`` builds one). ``compiled`` is a Plan, or only its run
        form (a RunPlan, from the on-disk cache) with ``rebuild`` giving the Plan when tooling asks for it.
        ``memo``: the size of the memo of fired units in front of the engine (0: none; :mod:`quyche.rules.runtime`).
        """
        if engine not in ("durable", "python", "auto"):
            raise QuycheError(f"unknown engine {engine!r}; use 'durable', 'python' or 'auto'")
        shared: _Shared
        if _shared is not None:
            shared = _shared
        elif isinstance(compiled, RunPlan):
            shared = _Shared(compiled, None, rebuild)
        else:
            shared = _Shared(from_plan(compiled), compiled)
        self._shared = shared
        self._run = shared.run
        self._assembler = shared.assembler
        self._closed = False
        self._engine: PythonEngine | durable_adapter.DurableEngine
        if engine == "python":
            self._engine = shared.python
        elif engine == "durable" or durable_adapter.available():
            self._engine = durable_adapter.DurableEngine(shared.run, shared.plan)
        else:
            warnings.warn(
                f"durable-rules does not import ({durable_adapter.IMPORT_ERROR}); using the python engine",
                EngineFallbackWarning,
                stacklevel=3,
            )
            self._engine = shared.python
        self._runtime = Runtime(shared.run, self._engine, memo)
        self.chapters: tuple[ChapterInfo, ...] = shared.chapters
        self.articles: tuple[ArticleInfo, ...] = shared.articles

    @property
    def engine(self) -> Literal["durable", "python"]:
        """Which engine evaluates: ``"durable"`` or ``"python"``."""
        return self._engine.name  # type: ignore[return-value]

    @property
    def compiled(self) -> Plan:
        """The compiled rules (for tooling: docs, schemas, tests). A Regulation loaded from the on-disk cache
        reads, checks and compiles its rule files the first time this is asked for.
        """
        return self._shared.compiled

    @property
    def validity(self) -> tuple[date, date] | None:
        """The regulation's period of validity, from the rule files."""
        return self._run.validity

    def evaluate(self, event: Mapping[str, Any] | EventBase, as_of: date | str | None = None) -> Decision:
        """The decision for one event. Raises InvalidEvent for a bad event, RegulationClosed after
        :meth:`close`; nothing else escapes.
        """
        if self._closed:
            _raise_closed()
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
        raises InvalidEvent before any event is read; an engine failure raises EngineError. After
        :meth:`close`, the next batch raises RegulationClosed.
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
            if self._closed:
                _raise_closed()
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
        """Release the engine's resources (durable-rules keeps rulesets in a process-wide table).

        Idempotent. Afterwards ``evaluate`` and ``evaluate_many`` raise RegulationClosed.
        """
        self._closed = True
        self._runtime.close()
        self._engine.close()

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` has been called."""
        return self._closed

    def __enter__(self) -> Regulation:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __reduce__(self) -> NoReturn:
        raise TypeError(
            "a quyche Regulation cannot be pickled (it holds a rule engine): pass the rules folder to the "
            "other process and call quyche.load() there"
        )

    def __repr__(self) -> str:
        return f"<Regulation {len(self.chapters)} chapters, {len(self.articles)} articles, engine={self.engine}>"


def _raise_closed() -> NoReturn:
    raise RegulationClosed("this Regulation has been closed: load() the rules again to evaluate")


def _public_error(exc: Exception) -> QuycheError:
    """The error ``evaluate`` raises for ``exc`` (reference §5: only QuycheErrors escape)."""
    if isinstance(exc, QuycheError):
        return exc
    if isinstance(exc, RecursionError):
        return InvalidEvent("invalid event: nested too deeply", [{"loc": [], "msg": "nested too deeply"}])
    return EngineError(f"internal error while evaluating: {type(exc).__name__}: {exc}")


#: The compiled form of each rule folder content that a live Regulation uses, by the key of its files.
_SHARED: weakref.WeakValueDictionary[str, _Shared] = weakref.WeakValueDictionary()
_SHARED_LOCK = threading.Lock()


def load(rules_dir: str | Path | None = None, *, engine: EngineName = "auto", cache: CacheMode = "auto") -> Regulation:
    """Load, check and compile the rule files (the bundled ones by default) into a Regulation.

    ``cache``: ``"auto"`` uses the on-disk cache of compiled rules and writes it when it is missing or stale;
    ``"read"`` uses it but never writes; ``"off"`` always reads, checks and compiles the files (and shares
    nothing). Regulations loaded (not ``"off"``) from identical rule files share their compiled form and, on
    the durable engine, their durable-rules rulesets; each has its own engine state and memo.
    """
    if cache not in ("auto", "read", "off"):
        raise QuycheError(f"unknown cache {cache!r}; use 'auto', 'read' or 'off'")
    root = Path(rules_dir) if rules_dir is not None else bundled_rules_dir()
    if cache == "off":
        plan = _compile(root)
        from quyche.rules.cache import calendar_years

        reg = Regulation(plan, engine)
        calendar_years(reg._run)  # the period's days off, built now (not in an evaluation)
        return reg
    from quyche.rules import cache as disk

    key = disk.rules_key(root)
    shared = _SHARED.get(key) if key is not None else None
    if shared is None:
        found = disk.read(key, str(root)) if key is not None else None
        if found is not None:
            run, years = found
            try:
                calendar.seed(years)
            except (KeyError, TypeError, ValueError):
                pass  # a calendar that does not read back: compile, and write the cache again
            else:
                shared = _Shared(run, None, lambda: _recompile(root, key))
        if shared is None:
            plan = _compile(root)
            shared = _Shared(from_plan(plan), plan)
            years = disk.calendar_years(shared.run)  # the period's days off, built now (not in an evaluation)
            if key is not None and cache == "auto" and disk.rules_key(root) == key:  # unchanged while it was read
                disk.write(key, shared.run, years)
        if key is not None:
            with _SHARED_LOCK:
                shared = _SHARED.setdefault(key, shared)
    return Regulation(shared.run, engine, _shared=shared)


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
