"""``quyche evaluate --batch FILE.jsonl``: one JSON event per line in, one JSON decision per line out.

* Input: UTF-8 JSON lines (``-`` reads stdin). Blank lines are skipped; every other line is one event.
* Output (stdout): for each non-blank input line, in order, one line — the decision as compact JSON
  (the same content as ``quyche evaluate``; ``Decision.model_dump_json()``), or, for a line that is not a
  valid event, ``{"line": N, "error": "…"}`` with its 1-based line number. A bad line does not stop
  the run: an archive replay gets every decision it can.
* Exit status: 0 when every line was a valid event; 2 when at least one was not (with a one-line
  ``error: …`` summary on stderr), or when the input cannot be read or ``--as-of`` is invalid.
* A progress bar is drawn on stderr only when stderr is a terminal and the input size is known.
* ``--workers N`` (N > 1) spreads the lines over N processes, in blocks of whole lines of about
  :data:`BLOCK_BYTES`: each process loads the rules once (from the on-disk cache that the first load writes)
  and evaluates whole blocks, and writes their results to standard output itself, in input order; the parent
  only cuts the input into blocks. The output is the same bytes as with one process.

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
from pathlib import Path
from typing import IO, Any

from quyche.errors import InvalidEvent
from quyche.regulation import Regulation
from quyche.rules import yamlsafe

MAX_LINE = yamlsafe.MAX_BYTES  # the size limit of one event, as for a single event file
#: About how many bytes of whole lines make a block handed to a worker process (``--workers``).
BLOCK_BYTES = 256 * 1024


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
    try:
        text = raw.decode("utf-8")  # JSON lines are UTF-8 (json.loads would guess UTF-16 from a NUL)
    except UnicodeDecodeError as exc:
        raise ValueError(f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} at position {exc.start})") from None
    try:
        return _DECODE(text)
    except RecursionError:
        raise ValueError("nested too deeply") from None


def _stderr_is_terminal() -> bool:
    return sys.stderr.isatty()


def _open(source: str, stack: ExitStack) -> tuple[IO[bytes], int | None]:
    if source == "-":
        if sys.stdin is None:
            raise InvalidEvent("cannot read the events: stdin is closed", [{"loc": [], "msg": "stdin is closed"}])
        stream = sys.stdin.buffer
    else:
        path = Path(source)
        if path.is_dir():
            raise InvalidEvent(f"{source}: is a folder, not a file of events", [{"loc": [], "msg": "is a folder"}])
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

_WORKER: dict[str, Any] = {}  # in a worker process: its Regulation, --as-of, and where and when to write


def _worker_init(
    rules: str | None, engine: str, as_of: str | None, fd: int | None, turn: Any, next_block: Any, abort: Any
) -> None:
    from quyche.regulation import load

    reg = load(rules, engine=engine)  # type: ignore[arg-type]
    _WORKER.update(reg=reg, as_of=as_of, fd=fd, turn=turn, next=next_block, abort=abort)


def _worker_block(index: int, first: int, chunk: bytes) -> tuple[bytes, int, int]:
    """Block ``index`` of the input (its first line is number ``first``): written to the output when its turn
    comes (blocks are written in input order), or returned when the output is not a file the worker can write;
    with how many lines it gave and how many were invalid.
    """
    out: list[bytes] = []
    invalid = 0
    parts = chunk.split(b"\n")  # lines as iterating over the file gives them (only b"\n" ends a line)
    lines = [p + b"\n" for p in parts[:-1]] + ([parts[-1]] if parts[-1] else [])
    for line, ok in evaluate_lines(_WORKER["reg"], iter(enumerate(lines, first)), _WORKER["as_of"]):
        out.append(line)
        invalid += not ok
    out.append(b"")
    data = b"\n".join(out)
    fd, turn, next_block, abort = _WORKER["fd"], _WORKER["turn"], _WORKER["next"], _WORKER["abort"]
    if fd is None:
        return data, len(out) - 1, invalid
    with turn:  # the number of the next block to write, under a Condition
        while next_block.value != index:
            if abort.value:
                raise RuntimeError("the batch was stopped")
            turn.wait(0.5)
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        next_block.value = index + 1
        turn.notify_all()
    return b"", len(out) - 1, invalid


def run_batch_parallel(source: str, rules: str | None, engine: str, as_of: str | None, workers: int) -> int:
    """``run_batch`` over ``workers`` processes; the same output, in the same order.

    The parent reads the input and hands out blocks; each worker evaluates whole blocks and, when standard output
    is a file, pipe or terminal, writes its results there itself, in input order (a shared turn), so the
    decisions never pass through the parent.
    """
    import multiprocessing
    from concurrent.futures import Future, ProcessPoolExecutor

    from quyche.regulation import load

    # the rules are checked (and the on-disk cache written) here, on the python engine: the parent holds no
    # durable-rules state when the workers are forked. Kept alive, its compiled rules are shared with the workers
    # (forked): each loads its own Regulation, on its own engine, without reading the cache again
    checked = load(rules, engine="python")
    list(checked.evaluate_many([], as_of=as_of))
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    out = sys.stdout.buffer
    out.flush()
    try:
        fd: int | None = out.fileno()
    except (AttributeError, OSError, ValueError):  # an in-memory stream (tests): results come back to the parent
        fd = None
    turn, next_block, abort = context.Condition(), context.Value("q", 0, lock=False), context.Value("b", 0, lock=False)
    total = invalid = 0
    with ExitStack() as stack:
        stream, size = _open(source, stack)
        advance = _progress(stack, size)
        pool = stack.enter_context(
            ProcessPoolExecutor(
                workers,
                mp_context=context,
                initializer=_worker_init,
                initargs=(rules, engine, as_of, fd, turn, next_block, abort),
            )
        )
        stack.callback(setattr, abort, "value", 1)  # on the way out (an error, Ctrl+C): waiting workers stop
        pending: deque[Future[tuple[bytes, int, int]]] = deque()
        first = index = 0

        def drain(keep: int) -> None:
            nonlocal total, invalid
            while len(pending) > keep:
                data, n, bad = pending.popleft().result()
                out.write(data)
                total += n
                invalid += bad

        first = 1
        rest = b""
        while True:  # blocks of whole lines, about BLOCK_BYTES each: the parent only cuts the input
            data = stream.read(BLOCK_BYTES)
            chunk = rest + data
            cut = chunk.rfind(b"\n") + 1 if data else len(chunk)
            chunk, rest = chunk[:cut], chunk[cut:]
            if chunk:
                advance(len(chunk))
                pending.append(pool.submit(_worker_block, index, first, chunk))
                first += chunk.count(b"\n") + (not chunk.endswith(b"\n"))
                index += 1
                drain(2 * workers)  # a few blocks in flight per worker, never the whole input
            if not data:
                break
        drain(0)
    checked.close()
    return _finish(out, total, invalid)


def _finish(out: IO[bytes], total: int, invalid: int) -> int:
    out.flush()
    if invalid:
        print(f"error: {invalid} of {total} lines are not valid events (see their 'error' lines)", file=sys.stderr)
        return 2
    return 0
