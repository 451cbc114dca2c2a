"""Scenario files for legal staff (contract.md §7): events with the decision a reader expects.

A scenario file is YAML with a list ``scenarios``; each scenario has a ``name`` (a sentence stating the
legal expectation), an optional ``as_of`` date, an ``event`` and an ``expect`` block. ``run_file``
checks each scenario against a Regulation and reports what differs. A file with an unknown key, a bad
event (unless ``expect: {error: invalid_event}``) or a YAML error raises ScenarioFileError with the file
and line.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from quyche.decision import Decision
from quyche.errors import InvalidEvent, ScenarioFileError
from quyche.events import parse_event
from quyche.regulation import Regulation
from quyche.rules import yamlsafe
from quyche.rules.loader import validate_document

SCENARIO_FORMAT = "quyche/scenario@1"
IdList = Annotated[list[Annotated[str, Field(max_length=60)]], Field(max_length=100)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class DutyPattern(_Strict):
    """A partial responsibility: some responsibility of the decision must match every key given."""

    party: str | None = None
    duty: str | None = None
    mode: str | None = None
    deadline_days: int | None = None
    deadline_unit: Literal["days", "working_days"] | None = None
    due: date | None = None

    def matches(self, resp: dict[str, Any]) -> bool:
        """Whether a responsibility (JSON form) matches every key this pattern gives."""
        dl = resp.get("deadline") or {}
        checks = {
            "party": resp.get("party"),
            "duty": resp.get("duty"),
            "mode": resp.get("mode"),
            "deadline_days": dl.get("days"),
            "deadline_unit": dl.get("unit"),
            "due": dl.get("due"),
        }
        for key, actual in checks.items():
            expected = getattr(self, key)
            if expected is None:
                continue
            if isinstance(expected, date):
                expected = expected.isoformat()
            if expected != actual:
                return False
        return True

    def describe(self) -> str:
        """The pattern as ``key=value`` pairs."""
        return ", ".join(f"{k}={v}" for k, v in self.model_dump(exclude_none=True, mode="json").items())


class Expect(_Strict):
    """What the decision must say. List keys are exact sets; ``*_includes`` keys are "at least these"."""

    lead: str | None = None
    coordinating: IdList | None = None
    notified: IdList | None = None
    advising: IdList | None = None
    modes: IdList | None = None
    warnings: IdList | None = None
    coordinating_includes: IdList | None = None
    notified_includes: IdList | None = None
    advising_includes: IdList | None = None
    modes_includes: IdList | None = None
    warnings_includes: IdList | None = None
    cites: list[Annotated[int, Field(ge=1, le=23)]] | None = None
    duties_includes: list[DutyPattern] | None = None
    error: Literal["invalid_event"] | None = None


class Scenario(_Strict):
    """One scenario: a sentence, an event, and what the regulation must decide."""

    name: Annotated[str, Field(min_length=1, max_length=500)]
    as_of: date | None = None
    event: dict[str, Any]
    expect: Expect


class ScenarioFile(_Strict):
    """A file of scenarios."""

    format: Literal["quyche/scenario@1"] | None = None
    scenarios: Annotated[list[Scenario], Field(min_length=1)]


@dataclass
class ScenarioResult:
    """The outcome of one scenario."""

    file: str
    name: str
    line: int | None
    failures: list[str] = field(default_factory=list)
    fired: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        """True when every expectation held."""
        return not self.failures


@dataclass(frozen=True)
class LoadedScenario:
    """A validated scenario with its place in the file."""

    file: str
    index: int
    line: int | None
    scenario: Scenario
    has_lead: bool  # whether ``expect`` gives ``lead`` (it may be null)


def load_file(path: str | Path) -> list[LoadedScenario]:
    """Read and validate a scenario file (raises ScenarioFileError with file and line)."""
    try:
        doc = yamlsafe.parse_file(path)
    except ScenarioFileError:
        raise
    except Exception as exc:  # RuleFileError from the YAML layer: same message, scenario class
        err = exc
        raise ScenarioFileError(
            getattr(err, "path", str(path)), getattr(err, "line", None), getattr(err, "detail", str(err))
        ) from None
    model = validate_document(doc, ScenarioFile, ScenarioFileError)
    out: list[LoadedScenario] = []
    for i, sc in enumerate(model.scenarios):
        raw_expect = doc.data["scenarios"][i]["expect"]
        if sc.expect.error is None:
            try:
                parse_event(sc.event)
            except InvalidEvent as exc:
                loc = exc.errors[0]["loc"] if exc.errors else []
                line = doc.line_of(["scenarios", i, "event", *loc])
                raise ScenarioFileError(
                    doc.path,
                    line,
                    f"scenarios.{i}.event: {exc} (to test a rejection, expect: {{error: invalid_event}})",
                ) from None
        out.append(LoadedScenario(doc.path, i, doc.line_of(["scenarios", i]), sc, "lead" in raw_expect))
    return out


def _set_diff(key: str, expected: list[str], actual: list[str], exact: bool) -> str | None:
    exp, act = set(expected), set(actual)
    if exact and exp != act:
        return f"{key}: expected {sorted(exp)}, got {sorted(act)}"
    if not exact and not exp <= act:
        return f"{key}_includes: expected at least {sorted(exp)}, got {sorted(act)} (missing {sorted(exp - act)})"
    return None


def compare(loaded: LoadedScenario, decision: Decision | None, error: InvalidEvent | None) -> list[str]:
    """What differs between the expectation and the outcome (empty when the scenario passes)."""
    exp = loaded.scenario.expect
    if exp.error == "invalid_event":
        return (
            []
            if error is not None
            else ["error: expected the event to be rejected (invalid_event), but it was accepted"]
        )
    if error is not None or decision is None:
        return [f"error: the event was rejected: {error}"]
    out: list[str] = []
    data = decision.model_dump(mode="json")
    if loaded.has_lead and exp.lead != decision.lead:
        out.append(f"lead: expected {exp.lead}, got {decision.lead}")
    codes = [w["code"] for w in data["warnings"]]
    for key in ("coordinating", "notified", "advising", "modes", "warnings"):
        actual = codes if key == "warnings" else data[key]
        exact = getattr(exp, key)
        if exact is not None and (msg := _set_diff(key, exact, actual, True)):
            out.append(msg)
        atleast = getattr(exp, f"{key}_includes")
        if atleast is not None and (msg := _set_diff(key, atleast, actual, False)):
            out.append(msg)
    if exp.cites is not None:
        cited = {c["article"] for c in data["citations"]}
        missing = sorted(set(exp.cites) - cited)
        if missing:
            out.append(
                f"cites: expected articles {sorted(set(exp.cites))} among the citations, "
                f"missing {missing} (cited: {sorted(cited)})"
            )
    for pattern in exp.duties_includes or []:
        if not any(pattern.matches(r) for r in data["responsibilities"]):
            have = [
                f"{r['party']}/{r['duty']}"
                + (
                    f"/{r['deadline']['days']} {r['deadline']['unit']} due {r['deadline']['due']}"
                    if r["deadline"]
                    else ""
                )
                for r in data["responsibilities"]
            ]
            out.append(f"duties_includes: no responsibility matches {{{pattern.describe()}}}; have {have}")
    return out


def run_one(reg: Regulation, loaded: LoadedScenario) -> ScenarioResult:
    """Evaluate one scenario and compare."""
    sc = loaded.scenario
    decision: Decision | None = None
    error: InvalidEvent | None = None
    try:
        decision = reg.evaluate(sc.event, as_of=sc.as_of)
    except InvalidEvent as exc:
        error = exc
    result = ScenarioResult(loaded.file, sc.name, loaded.line, compare(loaded, decision, error))
    if decision is not None:
        result.fired = [t.rule for t in decision.trace]
    return result


def iter_files(paths: list[str | Path]) -> Iterator[Path]:
    """Scenario files: the files given, and ``*.yaml`` under the folders given (recursively, sorted)."""
    for p in paths:
        path = Path(p)
        if path.is_dir():
            yield from sorted(x for x in path.rglob("*.yaml") if x.is_file())
        elif path.exists():
            yield path
        else:
            raise ScenarioFileError(str(path), None, "no such file or folder")


def run_paths(reg: Regulation, paths: list[str | Path]) -> list[ScenarioResult]:
    """Load every file first (any invalid file raises), then run every scenario."""
    loaded = [sc for f in iter_files(paths) for sc in load_file(f)]
    return [run_one(reg, sc) for sc in loaded]


def format_failure(result: ScenarioResult) -> str:
    """One line for a failing scenario: file:line, name, expected vs actual, rules that fired."""
    where = f"{result.file}:{result.line}" if result.line else result.file
    fired = ", ".join(result.fired) or "none"
    return f"FAIL {where}: {result.name} — {'; '.join(result.failures)} [rules fired: {fired}]"
