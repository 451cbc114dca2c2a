"""Audit an archive of cases (docs/cases.en.md): every case tracked, one status per case, a summary per body.

:class:`Audit` (``quyche.audit(...)``, ``Regulation.audit(...)``) streams: it reads the cases lazily,
in chunks of :data:`CHUNK`, tracks them (:func:`quyche.cases.track`) and yields one
:class:`AuditLine` per case, in input order, while counting each body's duties by status into
:class:`AuditSummary`. Memory stays flat whatever the archive's size: at most a few chunks are in
memory at once. A case that is not valid does not stop the run: its line is an error line,
``{"line": N, "error": "…"}``, and the rest go on.

``workers=N`` (N > 1) spreads the chunks over N worker processes, each started fresh as
``python -m quyche._audit_worker`` (no state inherited from the parent, no fork, and the parent's main
module never re-run, so it works from any script, notebook or ``python -``), each holding one
:class:`Regulation` built from the parent's (:func:`recipe`: the run form of its rules and its engine; an
amended regulation with the one it amends). Chunks go to the workers in turn, at most ``4 N`` in flight,
and come back in input order, so the output is identical to one worker's. :meth:`Audit.write` to a file
lets the workers write their chunks' lines there themselves, in turn, and only the errors and counts come
back. A worker that dies is an :class:`~quyche.errors.EngineError` naming it, never a hang.

``today``: the day given to the audit overrides each case's own ``today``; without it, a case's
``today`` is used, else the day the audit started (the same for every case and every worker).
"""

from __future__ import annotations

import json
import os
import pickle
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import IO, TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, computed_field

from quyche.cases import STATUSES, Case, CaseStatus, _date, parse_case, track
from quyche.errors import EngineError, InvalidEvent, QuycheError

if TYPE_CHECKING:
    from quyche.regulation import EngineName, Regulation

#: Cases per chunk (a unit of work for a worker process).
CHUNK = 256
#: Chunks in flight per worker process.
WINDOW = 4

#: One chunk's counts: party -> [met, late, overdue, open, undated].
Counts = dict[str, list[int]]


class BodyCounts(BaseModel):
    """One body's duties by status; ``on_time`` is the share of those decided (met, late or overdue) that
    were met, or null when none is decided yet.
    """

    model_config = ConfigDict(extra="ignore")  # ``on_time`` in the JSON form is computed, not read back

    met: int = 0
    late: int = 0
    overdue: int = 0
    open: int = 0
    undated: int = 0

    @computed_field  # type: ignore[prop-decorator]
    @property
    def on_time(self) -> float | None:
        """The share met: met / (met + late + overdue), to 4 places; null when none is decided."""
        decided = self.met + self.late + self.overdue
        return round(self.met / decided, 4) if decided else None

    @property
    def total(self) -> int:
        """All duties of the body."""
        return self.met + self.late + self.overdue + self.open + self.undated


class AuditSummary(BaseModel):
    """The summary of an audit: the day it is for (the day given, else the day the audit started; a case
    may carry its own), how many cases (lines), how many were invalid, each body's duties by status
    (bodies sorted by identifier) and the totals.
    """

    model_config = ConfigDict(extra="forbid")

    today: date
    cases: int
    invalid: int
    bodies: dict[str, BodyCounts]
    total: BodyCounts


@dataclass(frozen=True)
class AuditLine:
    """One case of the audit: its 1-based ``number`` in the input, and its ``json`` line — the status
    (``CaseStatus.model_dump_json()``) or ``{"line": N, "error": "…"}`` — with the ``error`` message.
    """

    number: int
    json: str
    error: str | None = None

    @property
    def ok(self) -> bool:
        """True when the case was valid."""
        return self.error is None

    def status(self) -> CaseStatus | None:
        """The case's status as a model (parsed back from ``json``), or None for an error line."""
        return None if self.error is not None else CaseStatus.model_validate_json(self.json)


# -- the work on one chunk (in this process or a worker) ------------------------------------------


def _parse_item(item: Any) -> Any:
    if isinstance(item, (bytes, bytearray, str)):
        from quyche.batch import parse_line

        raw = item.encode("utf-8") if isinstance(item, str) else bytes(item)
        try:
            return parse_line(raw)
        except (ValueError, RecursionError) as exc:
            raise InvalidEvent(f"not a JSON case: {exc}", [{"loc": [], "msg": str(exc)}]) from None
    return item


def _one(reg: Regulation, given: date | None, default: date, item: Any) -> CaseStatus:
    case = parse_case(_parse_item(item))
    return track(reg, case, given or case.today or default)


def process_chunk(
    reg: Regulation, given: date | None, default: date, chunk: list[tuple[int, Any]]
) -> tuple[list[tuple[int, str, str | None]], Counts]:
    """Track a chunk of numbered cases: the output lines (number, JSON, error) and the counts by body."""
    out: list[tuple[int, str, str | None]] = []
    counts: Counts = {}
    index = {s: i for i, s in enumerate(STATUSES)}
    for number, item in chunk:
        try:
            status = _one(reg, given, default, item)
        except QuycheError as exc:
            message = str(exc).replace("\n", " ")
            out.append((number, json.dumps({"line": number, "error": message}, ensure_ascii=False), message))
            continue
        for d in status.duties:
            counts.setdefault(d.party, [0] * len(STATUSES))[index[d.status]] += 1
        out.append((number, status.model_dump_json(), None))
    return out, counts


def write_chunk(
    reg: Regulation, given: date | None, default: date, chunk: list[tuple[int, Any]]
) -> tuple[bytes, list[str | None], Counts]:
    """Track a chunk for a file: its lines as one block of UTF-8 JSON lines (encoded once), each line's error
    (None: valid) and the counts by body.
    """
    lines, counts = process_chunk(reg, given, default, chunk)
    return _block(lines), [error for _, _, error in lines], counts


def _block(lines: list[tuple[int, str, str | None]]) -> bytes:
    return "".join([text + "\n" for _, text, _ in lines]).encode("utf-8")


def recipe(reg: Regulation) -> tuple[Any, ...]:
    """What a worker process needs to build the same Regulation (picklable): the run form of its rules, or for an
    amended regulation its amended rules, the amendment and the recipe of the regulation it amends.
    """
    from quyche.amendments import AmendedRegulation

    if isinstance(reg, AmendedRegulation):
        return ("amended", reg.compiled, reg.engine, recipe(reg.previous), reg.amendment)
    return ("run", reg._run, reg.engine)


def rebuild(made: tuple[Any, ...]) -> Regulation:
    """The Regulation of a :func:`recipe`."""
    from quyche.regulation import Regulation

    if made[0] == "amended":
        from quyche.amendments import AmendedRegulation

        _, compiled, engine, previous, amendment = made
        return AmendedRegulation(compiled, engine, previous=rebuild(previous), amendment=amendment)
    _, run, engine = made
    return Regulation(run, engine)


# -- the audit --------------------------------------------------------------------------------------


def _blank(item: Any) -> bool:
    return isinstance(item, (bytes, bytearray, str)) and not item.strip()


def _chunks(items: Iterable[Any], size: int) -> Iterator[list[tuple[int, Any]]]:
    chunk: list[tuple[int, Any]] = []
    for number, item in enumerate(items, 1):
        if _blank(item):
            continue
        chunk.append((number, item))
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


@dataclass
class Audit:
    """An audit of ``cases`` (mappings, :class:`~quyche.cases.Case` models, or JSON lines as ``str`` or
    ``bytes``; blank lines are skipped but counted in the numbering). Iterate it once for one
    :class:`AuditLine` per case, in order; ``summary`` is complete once the iteration is.

    ``regulation`` (default: the bundled rules, ``engine``) tracks the cases; with ``workers`` > 1, each
    worker process builds its own Regulation from the same compiled rules and engine.
    """

    cases: Iterable[Any]
    today: date | str | None = None
    regulation: Regulation | None = None
    workers: int = 1
    engine: EngineName = "auto"
    chunk: int = CHUNK
    summary: AuditSummary = field(init=False)
    _counts: Counts = field(init=False, default_factory=dict)
    _started: bool = field(init=False, default=False)

    def __post_init__(self) -> None:
        if isinstance(self.workers, bool) or not isinstance(self.workers, int) or self.workers < 1:
            raise QuycheError(f"workers must be a whole number of at least 1, got {self.workers!r}")
        if self.chunk < 1:
            raise QuycheError(f"chunk must be at least 1, got {self.chunk!r}")
        self._given = None if self.today is None else _date(self.today, ["today"])
        self._default = self._given or date.today()
        if self.regulation is None:
            from quyche.regulation import load

            self.regulation = load(engine=self.engine)
        self.summary = AuditSummary(today=self._default, cases=0, invalid=0, bodies={}, total=BodyCounts())

    def __iter__(self) -> Iterator[AuditLine]:
        if self._started:
            raise QuycheError("an Audit can be iterated only once")
        self._started = True
        results = self._serial() if self.workers == 1 else self._parallel()
        for lines, counts in results:
            for number, text, error in lines:
                self.summary.cases += 1
                self.summary.invalid += error is not None
                yield AuditLine(number, text, error)
            self._add(counts)

    def run(self) -> AuditSummary:
        """Go through every case without keeping the lines; return the summary."""
        for _ in self:
            pass
        return self.summary

    def write(self, out: IO[bytes]) -> AuditSummary:
        """Go through every case, writing each line (UTF-8 JSON and a newline) to the binary file ``out``, in
        input order; return the summary. The same bytes as writing ``line.json`` of each :class:`AuditLine`.

        With ``workers`` > 1 and an ``out`` that is a file, pipe or terminal (it has a file descriptor), the worker
        processes write their lines there themselves, in turn, so the lines never pass through this process.
        """
        if self._started:
            raise QuycheError("an Audit can be iterated only once")
        self._started = True
        fd = None
        if self.workers > 1 and os.name == "posix":  # the workers are given the file (subprocess's pass_fds)
            try:
                fd = out.fileno()
            except (AttributeError, OSError, ValueError):  # an in-memory stream: the lines come back here
                fd = None
        if fd is None:
            for data, errors, counts in self._blocks():
                out.write(data)
                self._tally(errors, counts)
            return self.summary
        out.flush()  # what this process wrote before comes first
        for errors, counts in self._parallel(fd):
            self._tally(errors, counts)
        return self.summary

    def _tally(self, errors: list[str | None], counts: Counts) -> None:
        self.summary.cases += len(errors)
        self.summary.invalid += sum(error is not None for error in errors)
        self._add(counts)

    def _blocks(self) -> Iterator[tuple[bytes, list[str | None], Counts]]:
        """Each chunk's lines as one block, with the lines' errors and the counts (in this process, or from the
        workers).
        """
        assert self.regulation is not None
        if self.workers == 1:
            for chunk in _chunks(self.cases, self.chunk):
                yield write_chunk(self.regulation, self._given, self._default, chunk)
            return
        for lines, counts in self._parallel():
            yield _block(lines), [error for _, _, error in lines], counts

    def _serial(self) -> Iterator[tuple[list[tuple[int, str, str | None]], Counts]]:
        assert self.regulation is not None
        for chunk in _chunks(self.cases, self.chunk):
            yield process_chunk(self.regulation, self._given, self._default, chunk)

    def _parallel(self, fd: int | None = None) -> Iterator[tuple[Any, Counts]]:
        """Each chunk's result from the workers, in input order: its lines and counts, or with ``fd`` (the workers
        write the lines there) the lines' errors and the counts.
        """
        assert self.regulation is not None
        pool = _Workers(self.workers, (recipe(self.regulation), self._given, self._default), fd)
        pending: deque[int] = deque()
        try:
            for k, chunk in enumerate(_chunks(self.cases, self.chunk)):
                worker = k % self.workers  # in turn: also the order in which the workers pass the turn to write
                pool.send(worker, chunk)
                pending.append(worker)
                if len(pending) >= WINDOW * self.workers:
                    yield pool.receive(pending.popleft())
            while pending:
                yield pool.receive(pending.popleft())
        finally:
            pool.close()

    def _add(self, counts: Counts) -> None:
        for party, row in counts.items():
            total = self._counts.setdefault(party, [0] * len(STATUSES))
            for i, n in enumerate(row):
                total[i] += n
        bodies = {p: BodyCounts(**dict(zip(STATUSES, row, strict=True))) for p, row in sorted(self._counts.items())}
        grand = [sum(row[i] for row in self._counts.values()) for i in range(len(STATUSES))]
        self.summary.bodies = bodies
        self.summary.total = BodyCounts(**dict(zip(STATUSES, grand, strict=True)))


def _above_stdio(fd: int, own: bool = False) -> int:
    """A descriptor of the same file numbered 3 or more (not inherited unless passed); ``own``: close ``fd``."""
    import fcntl

    high = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 3)
    if own:
        os.close(fd)
    return high


class _Workers:
    """N worker processes (``python -m quyche._audit_worker``), each fed chunks in turn over a pipe.

    With ``fd`` (a file descriptor open for writing), the workers write their chunks' lines there themselves
    and answer only each chunk's errors and counts. Worker ``i`` has chunks ``i``, ``i + N``, …; it writes a
    chunk when it holds the turn, a byte on a pipe from worker ``i - 1`` (the parent gives worker 0 the first),
    and then passes it on to worker ``i + 1``: the chunks are written in input order. A worker that dies closes
    its end of the next pipe, so the next worker stops too, and the parent raises: never a hang.
    """

    def __init__(self, n: int, init: tuple[Any, ...], fd: int | None = None) -> None:
        import subprocess
        import sys
        import tempfile
        from pathlib import Path

        import quyche

        env = dict(os.environ)
        here = str(Path(quyche.__file__).resolve().parent.parent)  # the same quyche, wherever it was imported from
        env["PYTHONPATH"] = os.pathsep.join([here, *([env["PYTHONPATH"]] if env.get("PYTHONPATH") else [])])
        self.procs: list[subprocess.Popen[bytes]] = []
        self.errors: list[IO[bytes]] = []
        # the descriptors a worker is given are numbered 3 and up (its 0, 1 and 2 are its own pipes and file)
        high = [_above_stdio(fd)] if fd is not None else []
        pipes = [os.pipe() for _ in range(n)] if high else []
        turns = [(_above_stdio(r, own=True), _above_stdio(w, own=True)) for r, w in pipes]
        try:
            for i in range(n):
                err = tempfile.TemporaryFile()
                self.errors.append(err)
                writer = None if not high else (high[0], turns[i][0], turns[(i + 1) % n][1])
                self.procs.append(
                    subprocess.Popen(
                        [sys.executable, "-m", "quyche._audit_worker"],
                        stdin=subprocess.PIPE,
                        stdout=subprocess.PIPE,
                        stderr=err,
                        env=env,
                        pass_fds=writer or (),
                    )
                )
                self._write(i, pickle.dumps((*init, writer), protocol=pickle.HIGHEST_PROTOCOL))
            if turns:
                os.write(turns[0][1], b"\x00")  # worker 0 writes first
        except BaseException:
            self.close()
            raise
        finally:
            for r, w in turns:  # the workers hold their ends; ours would keep a dead worker's pipe open
                os.close(r)
                os.close(w)
            for d in high:
                os.close(d)

    def _write(self, i: int, payload: bytes) -> None:
        from quyche._audit_worker import write_frame

        stdin = self.procs[i].stdin
        assert stdin is not None
        try:
            write_frame(stdin, payload)
        except (BrokenPipeError, OSError):
            raise self._died(i) from None

    def send(self, i: int, chunk: list[tuple[int, Any]]) -> None:
        """Give worker ``i`` a chunk."""
        self._write(i, pickle.dumps(chunk, protocol=pickle.HIGHEST_PROTOCOL))

    def receive(self, i: int) -> tuple[Any, Counts]:
        """The result of worker ``i``'s oldest chunk: its lines and counts, or (writing to a file) the lines' errors
        and the counts.
        """
        from quyche._audit_worker import read_frame

        stdout = self.procs[i].stdout
        assert stdout is not None
        frame = read_frame(stdout)
        if frame is None:
            raise self._died(i)
        result: tuple[Any, Counts] = pickle.loads(frame)  # noqa: S301 - our worker
        return result

    def _died(self, i: int) -> EngineError:
        proc = self.procs[i]
        try:
            code = proc.wait(timeout=10)
        except Exception:  # noqa: BLE001 - still running: it closed its output
            code = None
        err = self.errors[i]
        err.seek(0)
        tail = err.read()[-600:].decode("utf-8", "replace").strip().splitlines()
        last = tail[-1] if tail else "no message"
        return EngineError(f"audit worker {i + 1} stopped (exit code {code}): {last}")

    def close(self) -> None:
        """Close the pipes and wait for the workers (killing any that does not stop)."""
        for proc in self.procs:
            for stream in (proc.stdin, proc.stdout):
                try:
                    if stream is not None:
                        stream.close()
                except OSError:
                    pass
        for proc in self.procs:
            try:
                proc.wait(timeout=30)
            except Exception:  # noqa: BLE001
                proc.kill()
                proc.wait()
        for err in self.errors:
            err.close()


def audit(
    cases: Iterable[Mapping[str, Any] | Case | str | bytes],
    today: date | str | None = None,
    *,
    workers: int = 1,
    regulation: Regulation | None = None,
    engine: EngineName = "auto",
) -> Audit:
    """Audit many cases (docs/cases.en.md): iterate the result for one :class:`AuditLine` per case, in input
    order, then read its ``summary`` (:class:`AuditSummary`); ``workers`` > 1 spreads the work over that
    many processes with identical results. See :class:`Audit`.

    >>> import quyche
    >>> run = quyche.audit([{"event": {"type": "annual_review", "year": 2024}}], today="2024-06-01")
    >>> [line.ok for line in run]
    [True]
    >>> run.summary.cases
    1
    """
    return Audit(cases, today=today, regulation=regulation, workers=workers, engine=engine)
