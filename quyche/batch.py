"""``quyche evaluate --batch FILE.jsonl``: one JSON event per line in, one JSON decision per line out.

* Input: UTF-8 JSON lines (``-`` reads stdin). Blank lines are skipped; every other line is one event.
* Output (stdout): for each non-blank input line, in order, one line — the decision as compact JSON
  (the same content as ``quyche evaluate``; ``Decision.model_dump_json()``), or, for a line that is not a
  valid event, ``{"line": N, "error": "…"}`` with its 1-based line number. A bad line does not stop
  the run: an archive replay gets every decision it can.
* Exit status: 0 when every line was a valid event; 2 when at least one was not (with a one-line
  ``error: …`` summary on stderr), or when the input cannot be read or ``--as-of`` is invalid.
* A progress bar is drawn on stderr only when stderr is a terminal and the input size is known.
* ``--workers N`` (N > 1) spreads the lines over N processes, in blocks of :data:`BLOCK` lines: each process
  loads the rules once (from the on-disk cache that the first load writes) and evaluates whole blocks; the
  parent reads the input, hands out the blocks and writes the results in input order. The output is the same
  bytes as with one process.

Events are evaluated in one pass of :meth:`quyche.Regulation.evaluate_many` with ``on_invalid="yield"``, each
decision written as JSON straight from the assembler's fragments (the same bytes as ``model_dump_json()``).
"""

from __future__ import annotations

import json
import os
import sys
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from datetime import date
from itertools import islice
from pathlib import Path
from typing import IO, Any

from quyche.errors import InvalidEvent
from quyche.regulation import Regulation
from quyche.rules import yamlsafe

MAX_LINE = yamlsafe.MAX_BYTES  # the size limit of one event, as for a single event file
#: Lines per block handed to a worker process (``--workers``).
BLOCK = 2000


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"duplicate key {key!r}")
        out[key] = value
    return out


#: One decoder for every line (``json.loads`` with a hook would build a new one per call).
_DECODE = json.JSONDecoder(object_pairs_hook=_object).decode


def parse_line(raw: bytes) -> Any:
    """One event from one line of JSON (duplicate keys refused, as in a single event file)."""
    if len(raw) > MAX_LINE:
        raise ValueError(f"line too long ({len(raw)} bytes; at most {MAX_LINE})")
    return _DECODE(raw.decode(json.detect_encoding(raw), "surrogatepass"))  # what json.loads does with bytes


def _stderr_is_terminal() -> bool:
    return sys.stderr.isatty()


def _open(source: str, stack: ExitStack) -> tuple[IO[bytes], int | None]:
    if source == "-":
        stream = sys.stdin.buffer
    else:
        path = Path(source)
        if not path.is_file():
            raise InvalidEvent(f"{source}: no such file", [{"loc": [], "msg": "no such file"}])
        stream = stack.enter_context(path.open("rb"))
    try:
        st = os.fstat(stream.fileno())
        size = st.st_size if st.st_size > 0 and not os.isatty(stream.fileno()) else None
    except (OSError, ValueError, AttributeError):  # a stream without a file descriptor (tests)
        size = None
    return stream, size


def evaluate_lines(
    reg: Regulation, lines: Iterator[tuple[int, bytes]], as_of: date | str | None
) -> Iterator[tuple[bytes, bool]]:
    """For each numbered non-blank line: ``(output line, was it a valid event)``, in order.

    One pass of ``evaluate_many(..., on_invalid="yield")`` over the whole input: a bad line gets its
    error line in its place and the run goes on (nothing is restarted).
    """
    # per item handed to evaluate_many, in order: its line number and, if it is not JSON, why
    pending: deque[tuple[int, str | None]] = deque()

    def events() -> Iterator[Any]:
        for number, raw in lines:
            if not raw.strip():
                continue
            try:
                event = parse_line(raw)
            except (ValueError, RecursionError) as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
                pending.append((number, f"not a JSON event: {exc}"))
                yield None  # rejected by evaluate_many in its place
                continue
            pending.append((number, None))
            yield event

    for result in reg._json_many(events(), as_of=as_of):
        number, not_json = pending.popleft()
        if isinstance(result, InvalidEvent):
            yield _error(number, not_json or result.detail), False
        else:
            yield result, True


def _error(number: int, message: str) -> bytes:
    return json.dumps({"line": number, "error": message}, ensure_ascii=False).encode("utf-8")


def run_batch(source: str, reg: Regulation, as_of: str | None) -> int:
    """Evaluate a JSON-lines file; write JSON lines to stdout; return the exit status."""
    list(reg.evaluate_many([], as_of=as_of))  # a bad --as-of fails the whole run, not every line
    return _run(source, lambda numbered: evaluate_lines(reg, numbered, as_of))


def _progress(stack: ExitStack, size: int | None) -> Callable[[int], None]:
    """Advance a progress bar on stderr by a number of bytes read (only on a terminal, with a known size)."""
    if size is None or not _stderr_is_terminal():
        return lambda n: None
    import click

    bar = stack.enter_context(click.progressbar(length=size, label="quyche", file=sys.stderr))
    return bar.update


def _run(source: str, evaluate: Callable[[Iterator[tuple[int, bytes]]], Iterator[tuple[bytes, bool]]]) -> int:
    out = sys.stdout.buffer
    total = invalid = 0
    with ExitStack() as stack:
        stream, size = _open(source, stack)
        advance = _progress(stack, size)

        def numbered() -> Iterator[tuple[int, bytes]]:
            for number, raw in enumerate(stream, 1):
                advance(len(raw))
                yield number, raw

        for line, ok in evaluate(numbered()):
            out.write(line)
            out.write(b"\n")
            total += 1
            invalid += not ok
    return _finish(out, total, invalid)


# ------------------------------------------------------------------------------------ several processes

_WORKER: dict[str, Any] = {}  # in a worker process: its Regulation and --as-of


def _worker_init(rules: str | None, engine: str, as_of: str | None) -> None:
    from quyche.regulation import load

    _WORKER["reg"] = load(rules, engine=engine)  # type: ignore[arg-type]
    _WORKER["as_of"] = as_of


def _worker_block(first: int, lines: list[bytes]) -> tuple[bytes, int, int]:
    """One block of lines (numbered from ``first``): its output lines, how many, how many were invalid."""
    out: list[bytes] = []
    invalid = 0
    for line, ok in evaluate_lines(_WORKER["reg"], iter(enumerate(lines, first)), _WORKER["as_of"]):
        out.append(line)
        invalid += not ok
    out.append(b"")
    return b"\n".join(out), len(out) - 1, invalid


def run_batch_parallel(source: str, rules: str | None, engine: str, as_of: str | None, workers: int) -> int:
    """``run_batch`` over ``workers`` processes; the same output, in the same order."""
    import multiprocessing
    from concurrent.futures import Future, ProcessPoolExecutor

    from quyche.regulation import load

    # the rules are checked (and the on-disk cache written) here, on the python engine: the parent holds no
    # durable-rules state when the workers are forked, and each worker loads its own Regulation from the cache
    list(load(rules, engine="python").evaluate_many([], as_of=as_of))
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    out = sys.stdout.buffer
    total = invalid = 0
    with ExitStack() as stack:
        stream, size = _open(source, stack)
        advance = _progress(stack, size)
        pool = stack.enter_context(
            ProcessPoolExecutor(
                workers,
                mp_context=multiprocessing.get_context(method),
                initializer=_worker_init,
                initargs=(rules, engine, as_of),
            )
        )
        pending: deque[Future[tuple[bytes, int, int]]] = deque()
        first = 1

        def drain(keep: int) -> None:
            nonlocal total, invalid
            while len(pending) > keep:
                data, n, bad = pending.popleft().result()
                out.write(data)
                total += n
                invalid += bad

        while True:
            lines = list(islice(stream, BLOCK))
            if not lines:
                break
            advance(sum(map(len, lines)))
            pending.append(pool.submit(_worker_block, first, lines))
            first += len(lines)
            drain(2 * workers)  # a few blocks in flight per worker, never the whole input
        drain(0)
    return _finish(out, total, invalid)


def _finish(out: IO[bytes], total: int, invalid: int) -> int:
    out.flush()
    if invalid:
        print(f"error: {invalid} of {total} lines are not valid events (see their 'error' lines)", file=sys.stderr)
        return 2
    return 0
