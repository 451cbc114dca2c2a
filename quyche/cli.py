"""The ``quyche`` command (contract.md §6): evaluate, explain, check, validate.

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


@main.command()
@click.argument("paths", nargs=-1, metavar="[PATH...]")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
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
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
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

    reg = _regulation(rules, engine)
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
