"""The ``quyche`` command (docs/reference.md §6): evaluate, explain, check, validate, events.

Every command's help (its docstring and option texts) is plain text for a terminal, never RST markup,
and names no file the installed package lacks; ``tests/test_help.py`` checks it.

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


def _read_event(source: str, command: str = "evaluate") -> Any:
    if source == "-":
        raw = sys.stdin.buffer.read(yamlsafe.MAX_BYTES + 1)
        name = "<stdin>"
    else:
        path = Path(source)
        if path.is_dir():
            raise InvalidEvent(
                f"{source} is a folder: quyche {command} takes one event file (YAML or JSON); "
                f"to run the scenario files of a folder: quyche check {source}",
                [{"loc": [], "msg": "a folder, not an event file"}],
            )
        if not path.is_file():
            raise InvalidEvent(f"{source}: no such file", [{"loc": [], "msg": "no such file"}])
        raw = path.read_bytes()[: yamlsafe.MAX_BYTES + 1]
        name = source
    try:
        data = yamlsafe.parse(raw, name).data
    except QuycheError as exc:
        raise InvalidEvent(f"cannot read the event: {exc}", [{"loc": [], "msg": str(exc)}]) from None
    what = _not_an_event(data, name)
    if what is not None:
        raise InvalidEvent(f"{name} {what}", [{"loc": [], "msg": "not an event file"}])
    return data


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
@_guard
def explain(
    source: str, lang: str, short: bool, why_not: str | None, as_of: str | None, engine: str, rules: str | None
) -> None:
    """Explain the decision for one event, in Vietnamese (default) or English.

    Warnings first, then who chairs, coordinates, is informed and advises, each body's duties with
    their deadlines and provisions, the provisions cited and the reasons.

    With --why-not RULE_ID, say instead why that rule did not apply: the test that failed, a version not in
    force, no row of its table, or the exception that applied instead.
    """
    event = _read_event(source, "explain")
    reg = _regulation(rules, engine)
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
    reg = load(rules_dir, engine="python")
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


if __name__ == "__main__":  # pragma: no cover
    main()
