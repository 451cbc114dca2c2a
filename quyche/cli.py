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
    why_not: str | None,
    as_of: str | None,
    engine: str,
    rules: str | None,
    amendment: str | None,
) -> None:
    """Explain the decision for one event, in Vietnamese (default) or English."""
    event = _read_event(source)
    reg = _regulation(rules, engine)
    if amendment is not None:
        from quyche.impact import explain_with_amendment

        click.echo(explain_with_amendment(reg, amendment, event, lang, as_of=as_of, why_not=why_not), nl=False)  # type: ignore[arg-type]
        return
    if why_not is not None:
        from quyche.why import why_not_text

        click.echo(why_not_text(reg.why_not(event, why_not, as_of=as_of), lang), nl=False)  # type: ignore[arg-type]
        return
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
@click.option("--format", "fmt", type=click.Choice(["text", "json", "md"]), default="text", show_default=True)
@click.option("--lang", type=click.Choice(["vi", "en"]), default="vi", show_default=True)
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
