"""The ``quyche`` command (contract.md §6): evaluate, explain, check, validate.

Exit codes: 0 success; 1 a scenario failed (``check``); 2 bad input — an invalid event, rule file or
scenario file — reported as one ``error: …`` line on stderr, never a traceback.
"""

from __future__ import annotations

import errno
import json
import os
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from quyche.errors import InvalidEvent, QuycheError
from quyche.explain import explain as explain_text
from quyche.regulation import Regulation, _load
from quyche.rules import yamlsafe

F = TypeVar("F", bound=Callable[..., Any])


def _fail(message: str, code: int = 2) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def _guard(func: F) -> F:
    """Turn every error into one ``error: …`` line and exit 2 (bad input, or input/output failing) or 3
    (internal). A reader that goes away (``quyche … | head``) ends the command quietly, with exit 2.
    """

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if sys.stdout is None:  # started with stdout closed (``>&-``): nowhere to write the result
            _fail("cannot write the output: stdout is closed")
        try:
            try:
                return func(*args, **kwargs)
            finally:
                sys.stdout.flush()  # a full disk or a closed pipe shows here, not at interpreter exit
        except QuycheError as exc:
            _fail(str(exc).replace("\n", " "))
        except OSError as exc:
            _io_failed(exc)
        except (click.exceptions.Exit, click.ClickException, SystemExit, KeyboardInterrupt):
            raise
        except Exception as exc:  # noqa: BLE001 - no traceback for users
            _fail(f"internal error: {type(exc).__name__}: {exc}", 3)

    return wrapper  # type: ignore[return-value]


def _io_failed(exc: OSError) -> None:
    """Report a failing read or write (exit 2); the interpreter's own last flush of stdout, which would
    fail again and print a traceback, goes to /dev/null.
    """
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, AttributeError, ValueError):  # no stdout at all: nothing will be flushed
        pass
    if exc.errno == errno.EPIPE:
        sys.exit(2)  # the reader has gone: stop quietly, as Unix tools do
    where = f"{exc.filename}: " if exc.filename else ""
    what = exc.strerror or str(exc)
    if not exc.filename and exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO):
        where = "cannot write the output: "
    _fail(f"{where}{what}")


def _unreadable(message: str) -> InvalidEvent:
    return InvalidEvent(f"cannot read the event: {message}", [{"loc": [], "msg": message}])


def _read_event(source: str) -> Any:
    limit = yamlsafe.MAX_BYTES
    if source == "-":
        if sys.stdin is None:
            raise _unreadable("stdin is closed")
        raw = sys.stdin.buffer.read(limit + 1)
        name = "<stdin>"
        if len(raw) > limit:
            raise _unreadable(f"{name}: too large (more than {limit} bytes)")
    else:
        path = Path(source)
        if path.is_dir():
            raise InvalidEvent(f"{source}: is a folder, not an event file", [{"loc": [], "msg": "is a folder"}])
        if not path.is_file():
            raise InvalidEvent(f"{source}: no such file", [{"loc": [], "msg": "no such file"}])
        size = path.stat().st_size
        if size > limit:
            raise _unreadable(f"{source}: file too large ({size} bytes; at most {limit})")
        raw = path.read_bytes()[: limit + 1]
        name = source
    try:
        return yamlsafe.parse(raw, name).data
    except QuycheError as exc:
        text = str(exc)
        if "invalid Unicode character escape code" in text:  # LibYAML's words for "\ud800"
            text = text.replace(
                "invalid YAML: found invalid Unicode character escape code",
                "a \\u escape that is not a character (a lone surrogate such as \\ud800?)",
            )
        raise _unreadable(text) from None


def _regulation(rules: str | None, engine: str) -> Regulation:
    # one process, one command: build holiday calendars as evaluation needs them (not all years at load)
    return _load(rules, engine, preload_calendar=False)  # type: ignore[arg-type]


_engine_option = click.option(
    "--engine",
    type=click.Choice(["auto", "durable", "python"]),
    default="auto",
    show_default=True,
    help="Rule engine: durable-rules, the pure-Python evaluator, or durable where it imports.",
)
_rules_option = click.option(
    "--rules",
    "rules",
    type=click.Path(file_okay=False),
    default=None,
    help="A rules folder (default: the bundled rules).",
)
_as_of_option = click.option("--as-of", "as_of", default=None, help="Evaluate as of this ISO date (YYYY-MM-DD).")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="quyche")
def main() -> None:
    """Quyche — who leads, coordinates and is informed under the Bình Phước coordination regulation."""


@main.command()
@click.argument("source", metavar="FILE|-")
@_as_of_option
@_engine_option
@_rules_option
@click.option("--indent", type=int, default=2, show_default=True, help="JSON indentation (0: one line).")
@click.option(
    "--batch",
    is_flag=True,
    help="FILE is JSON lines: one event per line in, one decision per line out (see docs/performance.md).",
)
@_guard
def evaluate(source: str, as_of: str | None, engine: str, rules: str | None, indent: int, batch: bool) -> None:
    """Print the decision for one event (JSON or YAML) as JSON; with --batch, for each line of a JSON-lines file."""
    if batch:
        from quyche.batch import run_batch

        sys.exit(run_batch(source, _regulation(rules, engine), as_of))
    event = _read_event(source)
    reg = _regulation(rules, engine)
    decision = reg.evaluate(event, as_of=as_of)
    click.echo(json.dumps(decision.model_dump(mode="json"), ensure_ascii=False, indent=indent or None))


@main.command()
@click.argument("source", metavar="FILE|-")
@click.option("--lang", type=click.Choice(["vi", "en"]), default="vi", show_default=True)
@_as_of_option
@_engine_option
@_rules_option
@_guard
def explain(source: str, lang: str, as_of: str | None, engine: str, rules: str | None) -> None:
    """Explain the decision for one event, in Vietnamese (default) or English."""
    event = _read_event(source)
    reg = _regulation(rules, engine)
    decision = reg.evaluate(event, as_of=as_of)
    click.echo(explain_text(decision, lang, regulation=reg, event=event), nl=False)  # type: ignore[arg-type]


@main.command()
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@_engine_option
@_rules_option
@_guard
def check(paths: tuple[str, ...], engine: str, rules: str | None) -> None:
    """Run scenario files (files, or folders searched for *.yaml).

    Every file is read first: each invalid one is an ``error: file:line: …`` line and the exit code is 2.
    """
    from quyche.scenarios import format_failure, load_paths, run_one

    reg = _regulation(rules, engine)
    loaded, errors = load_paths(reg, list(paths))
    for err in errors:
        click.echo(f"error: {str(err).replace(chr(10), ' ')}", err=True)
    if errors:
        sys.exit(2)
    results = [run_one(reg, sc) for sc in loaded]
    failed = [r for r in results if not r.passed]
    for r in failed:
        click.echo(format_failure(r))
    click.echo(f"{len(results) - len(failed)} passed, {len(failed)} failed")
    sys.exit(1 if failed else 0)


@main.command()
@click.argument("rules_dir", required=False, metavar="[RULES_DIR]")
@_guard
def validate(rules_dir: str | None) -> None:
    """Check the rule files (the bundled ones by default) without evaluating anything."""
    reg = _load(rules_dir, "python", preload_calendar=False)
    n_rules = len(reg.compiled.rules)
    click.echo(
        f"ok: {len(reg.chapters)} chapters, {len(reg.articles)} articles, {n_rules} rules ({reg.compiled.source})"
    )


if __name__ == "__main__":  # pragma: no cover
    main()
