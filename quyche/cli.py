"""The ``quyche`` command (docs/reference.md §6): evaluate, explain, check, validate, events, track, audit,
coverage, serve, site.

Every command's help (its docstring and option texts) is plain text for a terminal, never RST markup,
and names no file the installed package lacks; ``tests/test_help.py`` checks it.

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
from quyche.regulation import Regulation, load
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


def _unreadable(message: str, what: str = "event") -> InvalidEvent:
    return InvalidEvent(f"cannot read the {what}: {message}", [{"loc": [], "msg": message}])


def _read_event(source: str, command: str = "evaluate") -> Any:
    data, name = _read_file(source, command, "event")
    what = _not_an_event(data, name)
    if what is not None:
        raise InvalidEvent(f"{name} {what}", [{"loc": [], "msg": "not an event file"}])
    return data


def _read_file(source: str, command: str, what: str) -> tuple[Any, str]:
    """The YAML or JSON document of a file (or stdin), and the name to give it in messages."""
    limit = yamlsafe.MAX_BYTES
    if source == "-":
        if sys.stdin is None:
            raise _unreadable("stdin is closed", what)
        raw = sys.stdin.buffer.read(limit + 1)
        name = "<stdin>"
        if len(raw) > limit:
            raise _unreadable(f"{name}: too large (more than {limit} bytes)", what)
    else:
        path = Path(source)
        if path.is_dir():
            raise InvalidEvent(
                f"{source} is a folder: quyche {command} takes one {what} file (YAML or JSON); "
                f"to run the scenario files of a folder: quyche check {source}",
                [{"loc": [], "msg": f"a folder, not {'an' if what == 'event' else 'a'} {what} file"}],
            )
        if not path.is_file():
            raise InvalidEvent(f"{source}: no such file", [{"loc": [], "msg": "no such file"}])
        size = path.stat().st_size
        if size > limit:
            raise _unreadable(f"{source}: file too large ({size} bytes; at most {limit})", what)
        raw = path.read_bytes()[: limit + 1]
        name = source
    try:
        return yamlsafe.parse(raw, name).data, name
    except QuycheError as exc:
        text = str(exc)
        if "invalid Unicode character escape code" in text:  # LibYAML's words for "\ud800"
            text = text.replace(
                "invalid YAML: found invalid Unicode character escape code",
                "a \\u escape that is not a character (a lone surrogate such as \\ud800?)",
            )
        raise _unreadable(text, what) from None


def _not_an_event(data: Any, name: str) -> str | None:
    """What a file that holds no event is, and how to use it (None when it may be an event)."""
    if not isinstance(data, dict) or "type" in data:
        return None
    if "scenarios" in data:
        n = len(data["scenarios"]) if isinstance(data["scenarios"], list) else 0
        return (
            f"is a scenario file ({n} scenario{'s' if n != 1 else ''}), not an event: "
            f"run it with: quyche check {name}"
        )
    if "event" in data and ("done" in data or "case" in data or "today" in data):
        return (
            "is a case file (an event and what has been done about it), not an event: "
            f"see its duties and their status with: quyche track {name}"
        )
    fmt = str(data.get("format", ""))
    if fmt.startswith("quyche/rule") or ("article" in data and "rules" in data):
        return "is a rule file, not an event: check the rule files with: quyche validate FOLDER"
    if fmt.startswith("quyche/chapter") or ("chapter" in data and "articles" in data):
        return "is a chapter file, not an event: check the rule files with: quyche validate FOLDER"
    return None


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
_lang_option = click.option(
    "--lang", type=click.Choice(["vi", "en"]), default="vi", show_default=True, help="Vietnamese or English."
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
    help=(
        "FILE is JSON lines: one event per line in, one decision per line out, in order; a bad line gets "
        '{"line": N, "error": ...} in its place and the run goes on (exit 2 if any line was bad).'
    ),
)
@click.option(
    "--workers",
    type=click.IntRange(1, 256),
    default=1,
    show_default=True,
    help="With --batch: spread the lines over this many processes (the same output, in the same order).",
)
@_guard
def evaluate(
    source: str, as_of: str | None, engine: str, rules: str | None, indent: int, batch: bool, workers: int
) -> None:
    """Print the decision for one event (JSON or YAML) as JSON; with --batch, for each line of a JSON-lines file."""
    if workers > 1 and not batch:
        _fail("--workers applies to --batch only")
    if batch:
        from quyche import batch as batch_mod

        if workers > 1:
            sys.exit(batch_mod.run_batch_parallel(source, rules, engine, as_of, workers))
        sys.exit(batch_mod.run_batch(source, _regulation(rules, engine), as_of))
    event = _read_event(source)
    reg = _regulation(rules, engine)
    decision = reg.evaluate(event, as_of=as_of)
    click.echo(json.dumps(decision.model_dump(mode="json"), ensure_ascii=False, indent=indent or None))


@main.command()
@click.argument("source", metavar="FILE|-")
@_lang_option
@click.option(
    "--short",
    is_flag=True,
    help="At most about 15 lines: the roles and, per body, its number of duties and first due date.",
)
@click.option("--why-not", "why_not", metavar="RULE_ID", default=None, help="Say why this rule did not apply.")
@_as_of_option
@_engine_option
@_rules_option
@click.option(
    "--amendment",
    "amendment",
    type=click.Path(dir_okay=False),
    default=None,
    help="Explain under the rules as amended by this file; a proposal's explanation ends with its impact.",
)
@_guard
def explain(
    source: str,
    lang: str,
    short: bool,
    why_not: str | None,
    as_of: str | None,
    engine: str,
    rules: str | None,
    amendment: str | None,
) -> None:
    """Explain the decision for one event, in Vietnamese (default) or English.

    Warnings first, then who chairs, coordinates, is informed and advises, each body's duties with
    their deadlines and provisions, the provisions cited and the reasons.

    With --why-not RULE_ID, say instead why that rule did not apply: the test that failed, a version not in
    force, no row of its table, or the exception that applied instead. With --amendment FILE, explain under
    the amended rules.
    """
    event = _read_event(source, "explain")
    reg = _regulation(rules, engine)
    if amendment is not None:
        from quyche.impact import explain_with_amendment

        text = explain_with_amendment(reg, amendment, event, lang, as_of=as_of, why_not=why_not, short=short)  # type: ignore[arg-type]
        click.echo(text, nl=False)
        return
    if why_not is not None:
        from quyche.why import why_not_text

        click.echo(why_not_text(reg.why_not(event, why_not, as_of=as_of), lang), nl=False)  # type: ignore[arg-type]
        return
    decision = reg.evaluate(event, as_of=as_of)
    from quyche.explain import explain as explain_text  # here: the other commands do not need it

    text = explain_text(decision, lang, regulation=reg, event=event, short=short)  # type: ignore[arg-type]
    click.echo(text, nl=False)


@main.command()
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@_engine_option
@_rules_option
@_guard
def check(paths: tuple[str, ...], engine: str, rules: str | None) -> None:
    """Run scenario files (files, or folders searched for *.yaml).

    Prints a short report for each failing scenario, then "N passed, M failed". Every file is read
    first: each problem of an invalid file is one "error: FILE:LINE: ..." line, and nothing runs.
    Exit 0: all pass; 1: a scenario fails; 2: a file is invalid, or a folder holds no scenario file.
    """
    from quyche.scenarios import format_failure, load_paths, run_one

    for p in paths:
        folder = Path(p)
        if folder.is_dir() and not any(x.is_file() for x in folder.rglob("*.yaml")):
            _fail(f"no scenario files under {p}")
    reg = _regulation(rules, engine)
    loaded, errors = load_paths(reg, list(paths))
    for err in errors:
        for problem in getattr(err, "problems", [err]):
            click.echo(f"error: {str(problem).replace(chr(10), ' ')}", err=True)
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
    reg = load(rules_dir, engine="python", cache="off")  # the files themselves, read and checked now
    n_rules = len(reg.compiled.rules)
    click.echo(
        f"ok: {len(reg.chapters)} chapters, {len(reg.articles)} articles, {n_rules} rules ({reg.compiled.source})"
    )


@main.command()
@click.argument("event_type", required=False, metavar="[TYPE]")
@_lang_option
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True, help="Text or JSON."
)
@_rules_option
@_guard
def events(event_type: str | None, lang: str, fmt: str, rules: str | None) -> None:
    """List the event types, or, for one TYPE, its fields.

    For each field: whether it is required, the values it accepts, what it means and, for a date, the
    deadlines that count from it.
    """
    from quyche.reference import event_docs, event_text, find, types_text

    compiled = load(rules, engine="python").compiled
    if event_type is None:
        docs = event_docs(compiled)
        if fmt == "json":
            click.echo(json.dumps([d.as_json() for d in docs], ensure_ascii=False, indent=2))
        else:
            click.echo(types_text(docs, lang), nl=False)  # type: ignore[arg-type]
        return
    doc = find(event_type, compiled)
    if fmt == "json":
        click.echo(json.dumps(doc.as_json(), ensure_ascii=False, indent=2))
    else:
        click.echo(event_text(doc, lang), nl=False)  # type: ignore[arg-type]


@main.command()
@click.argument("paths", nargs=-1, metavar="[PATH...]")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="The report for people, or JSON.",
)
@click.option(
    "--min-rules",
    "min_rules",
    type=click.FloatRange(0, 100),
    default=None,
    help="Exit 1 when less than this percentage of the rules fire.",
)
@_engine_option
@_rules_option
@_guard
def coverage(paths: tuple[str, ...], fmt: str, min_rules: float | None, engine: str, rules: str | None) -> None:
    """Report which rules and articles the scenario files cover (default: the bundled scenarios).

    Exit 0; 1 when --min-rules is not met; 2 when a scenario file is invalid.
    """
    from quyche import coverage as cov

    reg = _regulation(rules, engine)
    if not paths:
        bundled = cov.bundled_scenarios_dir()
        if bundled is None:
            _fail("no scenario files given, and none are bundled with this installation")
        paths = (str(bundled),)
    runs, errors = cov.run_scenarios(reg, list(paths))
    for err in errors:
        click.echo(f"error: {str(err).replace(chr(10), ' ')}", err=True)
    if errors:
        sys.exit(2)
    report = cov.coverage(reg, runs)
    if fmt == "json":
        click.echo(json.dumps(report.as_json(), ensure_ascii=False, indent=2))
    else:
        click.echo(cov.format_text(report), nl=False)
    if min_rules is not None and report.percent < min_rules:
        click.echo(
            f"error: {report.percent:.1f}% of the rules fire in the scenarios, below the minimum {min_rules:g}%",
            err=True,
        )
        sys.exit(1)


_scenarios_option = click.option(
    "--scenarios",
    "scenarios",
    multiple=True,
    type=click.Path(),
    help="Scenario files or folders the explorer shows (repeatable; default: the bundled scenarios).",
)


def _web(what: str) -> None:
    """Stop with one line when the optional web dependencies are missing."""
    import importlib.util

    missing = [m for m in ("fastapi", "uvicorn", "jinja2") if importlib.util.find_spec(m) is None]
    if missing:
        _fail(f"{what} needs the web extra ({', '.join(missing)} missing): pip install 'quyche[web]'")


def _scenario_paths(scenarios: tuple[str, ...]) -> list[str]:
    if scenarios:
        return list(scenarios)
    from quyche.coverage import bundled_scenarios_dir

    bundled = bundled_scenarios_dir()
    return [str(bundled)] if bundled is not None else []


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (localhost by default).")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port to listen on.")
@_rules_option
@_scenarios_option
@_engine_option
@_guard
def serve(host: str, port: int, rules: str | None, scenarios: tuple[str, ...], engine: str) -> None:
    """Serve the JSON API (/v1/…, /openapi.json) and the explorer for legal staff (/ and /en/)."""
    sys.dont_write_bytecode = True  # the service writes no file, not even a bytecode cache
    _web("quyche serve")
    import uvicorn

    from quyche.web.app import create_app

    reg = load(rules, engine=engine, cache="read")  # type: ignore[arg-type] # reads the cache, never writes it
    from quyche import calendar

    calendar.preload()  # a service sees dates of any year: build every year's calendar now, not in a request
    app = create_app(reg, _scenario_paths(scenarios))
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"quyche: http://{shown}:{port}/ (tiếng Việt), http://{shown}:{port}/en/ (English); Ctrl+C to stop")
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
        server_header=False,
        proxy_headers=False,
        use_colors=False,
    )


@main.command()
@click.argument("out", type=click.Path(file_okay=False))
@_rules_option
@_scenarios_option
@_engine_option
@_guard
def site(out: str, rules: str | None, scenarios: tuple[str, ...], engine: str) -> None:
    """Write the explorer's pages to OUT as static files that open from disk (the form needs the server)."""
    _web("quyche site")
    from quyche.web.site import write_site

    reg = _regulation(rules, engine)
    written = write_site(reg, _scenario_paths(scenarios), Path(out))
    click.echo(f"wrote {len(written)} files to {out} (open {Path(out) / 'index.html'})")


def _read_case(source: str) -> Any:
    """A case file (YAML or JSON), or an InvalidEvent naming the file."""
    return _read_file(source, "track", "case")[0]


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
@_lang_option
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
@_lang_option
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


@main.command()
@click.argument("paths", nargs=-1, metavar="[PATH...]")
@click.option(
    "--amendment", "amendment", type=click.Path(dir_okay=False), default=None, help="An amendment file to compare."
)
@click.option(
    "--rules",
    "rules",
    multiple=True,
    type=click.Path(file_okay=False),
    help="A rules folder: once with --amendment (default: the bundled rules), or twice: before and after.",
)
@click.option(
    "--events", "events", type=click.Choice(["all"]), default=None, help="Also every combination of the event table."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "md"]),
    default="text",
    show_default=True,
    help="The report for people, JSON, or Markdown (for a pull request).",
)
@_lang_option
@click.option(
    "--examples",
    default=None,
    help="Events shown per kind of change: a number, or all (default: all, or 3 with --events all).",
)
@click.option("--fail-on-change", "fail_on_change", is_flag=True, help="Exit 1 when some decision changes.")
@click.option(
    "--engine",
    type=click.Choice(["auto", "durable", "python"]),
    default="python",
    show_default=True,
    help="Rule engine (both give the same decisions; python builds faster).",
)
@_guard
def diff(
    paths: tuple[str, ...],
    amendment: str | None,
    rules: tuple[str, ...],
    events: str | None,
    fmt: str,
    lang: str,
    examples: str | None,
    fail_on_change: bool,
    engine: str,
) -> None:
    """What an amendment (or another rules folder) changes in the decisions of the events of scenario files
    (PATH…) and, with --events all, of every combination of the event table; grouped by kind of change.
    """
    from quyche import impact as I

    examples = examples or ("3" if events == "all" else "all")
    if examples != "all" and not examples.isdigit():
        raise click.BadParameter("a number, or all", param_hint="--examples")
    shown = None if examples == "all" else int(examples)
    result = I.diff(amendment=amendment, rules=rules, paths=paths, sweep=events == "all", engine=engine)  # type: ignore[arg-type]
    if fmt == "json":
        click.echo(json.dumps(result.model_dump(mode="json"), ensure_ascii=False, indent=2))
    elif fmt == "md":
        click.echo(I.render_markdown(result, lang, shown), nl=False)  # type: ignore[arg-type]
    else:
        click.echo(I.render_text(result, lang, shown), nl=False)  # type: ignore[arg-type]
    sys.exit(1 if fail_on_change and result.changed else 0)


if __name__ == "__main__":  # pragma: no cover
    main()
