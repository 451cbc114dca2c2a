"""The ``quyche`` command (contract.md §6, §8): evaluate, explain, check, validate, track, audit.

Exit codes: 0 success; 1 a scenario failed (``check``); 2 bad input — an invalid event, rule file or
scenario file — reported as one ``error: …`` line on stderr, never a traceback.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from quyche.errors import InvalidEvent, QuycheError
from quyche.explain import explain as explain_text
from quyche.regulation import Regulation, load
from quyche.rules import yamlsafe

F = TypeVar("F", bound=Callable[..., Any])


def _fail(message: str, code: int = 2) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def _guard(func: F) -> F:
    """Turn every error into one ``error: …`` line and exit 2 (bad input) or 3 (internal)."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except QuycheError as exc:
            _fail(str(exc).replace("\n", " "))
        except (click.exceptions.Exit, click.ClickException, SystemExit, KeyboardInterrupt):
            raise
        except Exception as exc:  # noqa: BLE001 - no traceback for users
            _fail(f"internal error: {type(exc).__name__}: {exc}", 3)

    return wrapper  # type: ignore[return-value]


def _read_event(source: str) -> Any:
    if source == "-":
        raw = sys.stdin.buffer.read(yamlsafe.MAX_BYTES + 1)
        name = "<stdin>"
    else:
        path = Path(source)
        if not path.is_file():
            raise InvalidEvent(f"{source}: no such file", [{"loc": [], "msg": "no such file"}])
        raw = path.read_bytes()[: yamlsafe.MAX_BYTES + 1]
        name = source
    try:
        return yamlsafe.parse(raw, name).data
    except QuycheError as exc:
        raise InvalidEvent(f"cannot read the event: {exc}", [{"loc": [], "msg": str(exc)}]) from None


def _regulation(rules: str | None, engine: str) -> Regulation:
    return load(rules, engine=engine)  # type: ignore[arg-type]


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
    reg = load(rules_dir, engine="python")
    n_rules = len(reg.compiled.rules)
    click.echo(
        f"ok: {len(reg.chapters)} chapters, {len(reg.articles)} articles, {n_rules} rules ({reg.compiled.source})"
    )


def _read_case(source: str) -> Any:
    """A case file (YAML or JSON), or an InvalidEvent naming the file."""
    try:
        return _read_event(source)
    except InvalidEvent as exc:
        raise InvalidEvent(str(exc).replace("cannot read the event", "cannot read the case"), exc.errors) from None


@main.command()
@click.argument("source", metavar="CASE|-")
@click.option(
    "--today", default=None, help="Track as of this ISO date (default: the case's today, else the current date)."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "csv", "ics"]),
    default="text",
    show_default=True,
    help="text for people, JSON, CSV rows, or an iCalendar file (one event per dated duty).",
)
@click.option("--lang", type=click.Choice(["vi", "en"]), default="vi", show_default=True)
@click.option("--output", "-o", "output", type=click.Path(dir_okay=False), default=None, help="Write to FILE.")
@_engine_option
@_rules_option
@_guard
def track(
    source: str, today: str | None, fmt: str, lang: str, output: str | None, engine: str, rules: str | None
) -> None:
    """Track a case (an event and the duties done): each duty met, late, overdue, open or undated."""
    from quyche import case_formats

    case = _read_case(source)
    reg = _regulation(rules, engine)
    status = reg.track(case, today=today)
    data: bytes
    if fmt == "json":
        data = (json.dumps(status.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    elif fmt == "csv":
        data = case_formats.status_csv(status, lang, reg).encode("utf-8")  # type: ignore[arg-type]
    elif fmt == "ics":
        data = case_formats.status_ics(status, lang, reg)  # type: ignore[arg-type]
    else:
        data = case_formats.status_text(status, lang, reg).encode("utf-8")  # type: ignore[arg-type]
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        _write(output, data)


def _write(path: str, data: bytes) -> None:
    try:
        Path(path).write_bytes(data)
    except OSError as exc:
        _fail(f"cannot write {path}: {exc.strerror or exc}")


@main.command()
@click.argument("source", metavar="CASES.jsonl|-")
@click.option(
    "--today", default=None, help="Audit as of this ISO date (default: each case's today, else the current date)."
)
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True, help="Worker processes.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "csv"]),
    default="text",
    show_default=True,
    help="The summary per body: a table for people, JSON or CSV.",
)
@click.option("--lang", type=click.Choice(["vi", "en"]), default="vi", show_default=True)
@click.option(
    "--output", "-o", "output", type=click.Path(dir_okay=False), default=None,
    help="Write the statuses (JSON lines) to FILE instead of stdout.",
)
@click.option(
    "--summary", "summary_path", type=click.Path(dir_okay=False, allow_dash=True), default=None,
    help="Write the summary to FILE ('-': stdout) instead of stderr.",
)
@_engine_option
@_rules_option
@_guard
def audit(
    source: str,
    today: str | None,
    workers: int,
    fmt: str,
    lang: str,
    output: str | None,
    summary_path: str | None,
    engine: str,
    rules: str | None,
) -> None:
    """Audit an archive of cases (one JSON case per line): one status per line out, then a summary per body.

    The statuses go to stdout (or --output), one JSON line per non-blank input line, in order; a bad line
    gives {"line": N, "error": "…"} and the rest go on. The summary goes to stderr (or --summary). Exit 0
    when every line is a valid case, 2 when some are not.
    """
    from quyche.audit_cli import run_audit

    sys.exit(run_audit(source, _regulation(rules, engine), today, workers, fmt, lang, output, summary_path))


if __name__ == "__main__":  # pragma: no cover
    main()
