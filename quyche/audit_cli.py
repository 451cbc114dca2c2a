"""``quyche audit CASES.jsonl``: one JSON case per line in, one JSON status per line out, then a summary.

* Input: UTF-8 JSON lines (``-`` reads stdin), one case file's content per line (``{case, event, done,
  today}``). Blank lines are skipped; every other line is one case. Read lazily: memory stays flat.
* Output (stdout, or ``--output FILE``): for each non-blank input line, in order, one line — the case's
  status as compact JSON (``CaseStatus.model_dump_json()``), or, for a line that is not a valid case,
  ``{"line": N, "error": "…"}`` with its 1-based line number. A bad line does not stop the run.
* The summary per body (met, late, overdue, open, undated, and the share on time) goes to stderr, or to
  ``--summary FILE`` (``-``: stdout, after the statuses), as a table (``--format text``, ``--lang``),
  JSON or CSV.
* Exit status: 0 when every line was a valid case; 2 when at least one was not (with a one-line
  ``error: …`` on stderr), or when the input cannot be read or ``--today`` is invalid.
* A progress bar (``tqdm``) is drawn on stderr only when stderr is a terminal and the input size is known.
* ``--workers N`` spreads the chunks over N processes (:mod:`quyche.auditing`); the output is identical.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import IO, Any

from quyche import case_formats
from quyche.auditing import Audit
from quyche.batch import _open
from quyche.regulation import Regulation


def _stderr_is_terminal() -> bool:
    return sys.stderr.isatty()


def _progress(stack: ExitStack, size: int | None) -> Any:
    if size is None or not _stderr_is_terminal():
        return None
    from tqdm import tqdm

    return stack.enter_context(
        tqdm(total=size, unit="B", unit_scale=True, desc="quyche audit", file=sys.stderr, leave=False)
    )


def run_audit(
    source: str,
    reg: Regulation,
    today: str | None,
    workers: int,
    fmt: str,
    lang: str,
    output: str | None,
    summary_path: str | None,
) -> int:
    """Audit a JSON-lines file of cases; return the exit status."""
    with ExitStack() as stack:
        stream, size = _open(source, stack)
        out: IO[bytes]
        if output is None:
            out = sys.stdout.buffer
        else:
            try:
                out = stack.enter_context(Path(output).open("wb"))
            except OSError as exc:
                print(f"error: cannot write {output}: {exc.strerror or exc}", file=sys.stderr)
                return 2
        bar = _progress(stack, size)

        def lines() -> Iterator[bytes]:
            for raw in stream:
                if bar is not None:
                    bar.update(len(raw))
                yield raw

        run = Audit(lines(), today=today, regulation=reg, workers=workers)
        run.write(out)  # with workers, they write to ``out`` themselves
        out.flush()
        if bar is not None:
            bar.close()
    summary = run.summary
    if fmt == "json":
        text = case_formats.summary_json(summary)
    elif fmt == "csv":
        text = case_formats.summary_csv(summary)
    else:
        text = case_formats.summary_text(summary, lang)  # type: ignore[arg-type]
    if summary_path is None:
        sys.stderr.write(text)
        sys.stderr.flush()
    elif summary_path == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        try:
            Path(summary_path).write_text(text, encoding="utf-8")
        except OSError as exc:
            print(f"error: cannot write {summary_path}: {exc.strerror or exc}", file=sys.stderr)
            return 2
    if summary.invalid:
        print(
            f"error: {summary.invalid} of {summary.cases} lines are not valid cases (see their 'error' lines)",
            file=sys.stderr,
        )
        return 2
    return 0
