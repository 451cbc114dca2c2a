"""``quyche evaluate --batch FILE.jsonl``: one JSON event per line in, one JSON decision per line out.

* Input: UTF-8 JSON lines (``-`` reads stdin). Blank lines are skipped; every other line is one event.
* Output (stdout): for each non-blank input line, in order, one line — the decision as compact JSON
  (the same content as ``quyche evaluate``; ``Decision.model_dump_json()``), or, for a line that is not a
  valid event, ``{"line": N, "error": "…"}`` with its 1-based line number. A bad line does not stop
  the run: an archive replay gets every decision it can.
* Exit status: 0 when every line was a valid event; 2 when at least one was not (with a one-line
  ``error: …`` summary on stderr), or when the input cannot be read or ``--as-of`` is invalid.
* A progress bar is drawn on stderr only when stderr is a terminal and the input size is known.

Events are evaluated in one pass of :meth:`quyche.Regulation.evaluate_many` with ``on_invalid="yield"``.
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


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"duplicate key {key!r}")
        out[key] = value
    return out


def parse_line(raw: bytes) -> Any:
    """One event from one line of JSON (duplicate keys refused, as in a single event file)."""
    if len(raw) > MAX_LINE:
        raise ValueError(f"line too long ({len(raw)} bytes; at most {MAX_LINE})")
    try:
        text = raw.decode("utf-8")  # JSON lines are UTF-8 (json.loads would guess UTF-16 from a NUL)
    except UnicodeDecodeError as exc:
        raise ValueError(f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} at position {exc.start})") from None
    try:
        return json.loads(text, object_pairs_hook=_object)
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

    for result in reg.evaluate_many(events(), as_of=as_of, on_invalid="yield"):
        number, not_json = pending.popleft()
        if isinstance(result, InvalidEvent):
            yield _error(number, not_json or result.detail), False
        else:
            yield result.model_dump_json().encode("utf-8"), True


def _error(number: int, message: str) -> bytes:
    return json.dumps({"line": number, "error": message}, ensure_ascii=False).encode("utf-8")


def run_batch(source: str, reg: Regulation, as_of: str | None) -> int:
    """Evaluate a JSON-lines file; write JSON lines to stdout; return the exit status."""
    list(reg.evaluate_many([], as_of=as_of))  # a bad --as-of fails the whole run, not every line
    out = sys.stdout.buffer
    total = invalid = 0
    with ExitStack() as stack:
        stream, size = _open(source, stack)
        advance: Callable[[int], None] = lambda n: None  # noqa: E731
        if size is not None and _stderr_is_terminal():
            import click

            bar = stack.enter_context(click.progressbar(length=size, label="quyche", file=sys.stderr))
            advance = bar.update

        def numbered() -> Iterator[tuple[int, bytes]]:
            for number, raw in enumerate(stream, 1):
                advance(len(raw))
                yield number, raw

        for line, ok in evaluate_lines(reg, numbered(), as_of):
            out.write(line)
            out.write(b"\n")
            total += 1
            invalid += not ok
    out.flush()
    if invalid:
        print(f"error: {invalid} of {total} lines are not valid events (see their 'error' lines)", file=sys.stderr)
        return 2
    return 0
