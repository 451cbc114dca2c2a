"""Scenario files for legal staff (docs/reference.md §7): events with the decision a reader expects.

A scenario file is YAML with a list ``scenarios``; each scenario has a ``name`` (a sentence stating the
legal expectation), an optional ``as_of`` date, an ``event`` and an ``expect`` block::

    scenarios:
      - name: Năm 2024 UBND tỉnh chủ trì hội nghị đánh giá Quy chế
        as_of: 2024-06-01
        event: {type: annual_review, year: 2024}
        expect: {lead: ubnd, cites: [19], warnings: []}

``load_file`` reads and checks a file: YAML errors, unknown keys (with a "did you mean …?"), dates that
are not ISO, identifiers in ``expect`` that name no body, mode, warning code or duty, and events that
are not valid (unless the scenario expects exactly that: ``expect: {error: invalid_event}``) are
problems, each with the file, the line and the key; one :class:`~quyche.errors.ScenarioFileError`
lists every problem of the file (``problems``). ``run_one`` then
evaluates a scenario and lists what differs from its expectation; ``format_failure`` is the short
report for people that both ``quyche check`` and the pytest plugin print.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from quyche.chapters.chuong_1 import OFFICES, PARTIES, RECIPIENTS, BodyId, OfficeId
from quyche.chapters.chuong_4 import MODES, ModeId
from quyche.decision import Decision
from quyche.errors import InvalidEvent, QuycheError, ScenarioFileError, did_you_mean, plain_message
from quyche.events import parse_event
from quyche.events_base import IsoDate
from quyche.rules import yamlsafe
from quyche.rules.read import data_path

if TYPE_CHECKING:
    from quyche.regulation import Regulation

SCENARIO_FORMAT = "quyche/scenario@1"

#: A warning code: checked against the codes the loaded rules can produce.
Code = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=60)]
Bodies = Annotated[list[BodyId], Field(max_length=100)]
Offices = Annotated[list[OfficeId], Field(max_length=100)]
Modes = Annotated[list[ModeId], Field(max_length=100)]
Codes = Annotated[list[Code], Field(max_length=100)]

#: Warnings every decision may carry whatever the rule files say (quyche/rules/assemble.py).
BUILTIN_WARNINGS = ("calendar_unknown", "deadline_already_passed", "no_lead", "no_rule_applies")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class DutyPattern(_Strict):
    """A partial responsibility: some responsibility of the decision must match every key given."""

    party: BodyId | None = Field(default=None, description="the body that bears the duty")
    duty: Code | None = Field(default=None, description="the duty code, e.g. host_annual_evaluation")
    mode: ModeId | None = Field(default=None, description="the mode of coordination of the duty")
    deadline_days: Annotated[int, Field(ge=0, le=3650)] | None = Field(
        default=None, description="the number of days of the deadline"
    )
    deadline_unit: Literal["days", "working_days"] | None = Field(default=None, description="calendar or working days")
    due: IsoDate | None = Field(default=None, description="the computed due date (ISO, e.g. 2024-06-14)")

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
        """The pattern as ``key: value`` pairs, as written in a scenario file."""
        return ", ".join(f"{k}: {v}" for k, v in self.model_dump(exclude_none=True, mode="json").items())


class Expect(_Strict):
    """What the decision must say. List keys are exact sets; ``*_includes`` keys are "at least these"."""

    lead: BodyId | None = Field(default=None, description="the body that chairs (chủ trì); null for none")
    coordinating: Bodies | None = Field(default=None, description="exactly these bodies coordinate (phối hợp)")
    notified: Bodies | None = Field(default=None, description="exactly these recipients are informed (để biết)")
    advising: Offices | None = Field(default=None, description="exactly these offices advise (tham mưu)")
    modes: Modes | None = Field(default=None, description="exactly these modes of coordination")
    warnings: Codes | None = Field(default=None, description="exactly these warning codes ([] for none)")
    coordinating_includes: Bodies | None = Field(default=None, description="at least these bodies coordinate")
    notified_includes: Bodies | None = Field(default=None, description="at least these recipients are informed")
    advising_includes: Offices | None = Field(default=None, description="at least these offices advise")
    modes_includes: Modes | None = Field(default=None, description="at least these modes")
    warnings_includes: Codes | None = Field(default=None, description="at least these warning codes")
    cites: list[Annotated[int, Field(ge=1, le=23)]] | None = Field(
        default=None, description="these articles are among the citations"
    )
    duties_includes: list[DutyPattern] | None = Field(
        default=None, description="each item must match some responsibility of the decision"
    )
    error: Literal["invalid_event"] | None = Field(default=None, description="the event must be rejected")


class Scenario(_Strict):
    """One scenario: a sentence, an event, and what the regulation must decide."""

    name: Annotated[str, Field(min_length=1, max_length=500)] = Field(
        description="a sentence stating the legal expectation"
    )
    as_of: IsoDate | None = Field(default=None, description="evaluate as of this ISO date (else the event's date)")
    event: dict[str, Any] = Field(description="the event (docs/reference.md §3): type and its fields")
    expect: Expect


class ScenarioFile(_Strict):
    """A file of scenarios (``tests/scenarios/dieu_NN.yaml``)."""

    format: Literal["quyche/scenario@1"] | None = None
    scenarios: Annotated[list[Scenario], Field(min_length=1)]


_MODEL_AT: dict[str, type[BaseModel]] = {"scenarios": Scenario, "expect": Expect, "duties_includes": DutyPattern}


def _allowed_keys(path: list[int | str]) -> list[str]:
    """The keys the mapping at ``path`` accepts (for a did-you-mean suggestion)."""
    current: type[BaseModel] = ScenarioFile
    for part in path[:-1]:
        if isinstance(part, str) and part in _MODEL_AT:
            current = _MODEL_AT[part]
    return list(current.model_fields)


def _identifier_kind(key: str) -> tuple[str, tuple[str, ...]]:
    if key in ("advising", "advising_includes"):
        return "office", OFFICES
    if key in ("modes", "modes_includes", "mode"):
        return "mode", MODES
    return "body", RECIPIENTS


def _suggests(message: str) -> str | None:
    """The name a did-you-mean message suggests (``… (did you mean 'year'?)`` → ``year``)."""
    marker = "(did you mean '"
    if marker not in message:
        return None
    return message.split(marker, 1)[1].split("'", 1)[0]


def _problem(doc: yamlsafe.Document, path: list[int | str], message: str) -> ScenarioFileError:
    where = ".".join(str(p) for p in path) or "(file)"
    return ScenarioFileError(doc.path, doc.line_of(path), f"{where}: {message}", where)


def _describe(err: Any, doc: yamlsafe.Document) -> tuple[list[int | str], str]:
    """One pydantic error of a scenario file: its path in the data and what to write instead."""
    path = data_path(doc.data, tuple(err["loc"]))
    kind = err["type"]
    given = err.get("input")
    last = path[-1] if path else ""
    # the key that holds a list item (``coordinating`` for ``coordinating.1``)
    key = str(path[-2]) if isinstance(last, int) and len(path) > 1 else str(last)
    if kind == "extra_forbidden":
        allowed = _allowed_keys(path)
        msg = f"unknown key {str(last)!r}{did_you_mean(str(last), allowed)}; allowed: {', '.join(allowed)}"
    elif kind == "missing":
        msg = "required key is missing"
    elif kind == "literal_error" and key == "format":
        msg = f"unknown format {given!r}; expected {SCENARIO_FORMAT!r}"
    elif kind == "literal_error" and key == "error":
        msg = f"{given!r} is not accepted; the only value is 'invalid_event'"
    elif kind == "literal_error" and key == "deadline_unit":
        units = ["days", "working_days"]
        msg = f"{given!r} is not accepted{did_you_mean(given, units)}; accepted: days, working_days"
    elif kind == "literal_error" and isinstance(given, str):
        what, choices = _identifier_kind(key)
        hint = did_you_mean(given, choices, PARTIES)
        msg = f"unknown {what} {given!r}{hint}; accepted: {', '.join(choices)}"
    elif key == "cites" and kind in ("less_than_equal", "greater_than_equal"):
        msg = f"there is no article {given!r}: the articles are numbered 1 to 23"
    elif kind == "list_type":
        msg = f"expected a list, e.g. [a, b], got {given!r}"
    elif kind == "value_error" and key in ("as_of", "due"):
        msg = f"{plain_message(err)} (write an ISO date such as 2024-06-01)"
    else:
        msg = plain_message(err)
    return path, msg


def _validation_errors(exc: ValidationError, doc: yamlsafe.Document) -> list[ScenarioFileError]:
    """Every pydantic error of a scenario file, each with its file, line, key and what to write instead.

    A union of identifiers reports once per member: one problem per place is kept. A misspelt key
    also makes the intended one "missing": the missing key is then not reported on its own.
    """
    described: list[tuple[list[int | str], str, str]] = []
    seen: set[tuple[int | str, ...]] = set()
    for e in exc.errors(include_url=False):
        path, msg = _describe(e, doc)
        if tuple(path) not in seen:
            seen.add(tuple(path))
            described.append((path, str(e["type"]), msg))
    suggested = {
        (tuple(path[:-1]), _suggests(msg)) for path, kind, msg in described if kind == "extra_forbidden"
    }
    return [
        _problem(doc, path, msg)
        for path, kind, msg in described
        if not (kind == "missing" and path and (tuple(path[:-1]), str(path[-1])) in suggested)
    ]


@dataclass(frozen=True)
class Vocabulary:
    """What the loaded rules can say: warning codes and duty codes (for checking ``expect``)."""

    warnings: frozenset[str]
    duties: frozenset[str]

    @classmethod
    def of(cls, reg: Regulation) -> Vocabulary:
        """The codes a Regulation's rules can produce."""
        warnings = set(BUILTIN_WARNINGS)
        duties: set[str] = set()
        for r in reg.compiled.rules:
            warnings.update(code for code, _, _ in r.warnings)
            duties.update(d.duty for d in r.duties)
        return cls(frozenset(warnings), frozenset(duties))


@dataclass
class ScenarioResult:
    """The outcome of one scenario."""

    file: str
    name: str
    line: int | None
    failures: list[str] = field(default_factory=list)
    fired: list[str] = field(default_factory=list)  # for people: a table's rule with its row
    rules: list[str] = field(default_factory=list)  # the ids of the rules that fired
    #: the decision's duties, one line each, when an expected duty was not found (to compare by eye)
    duties: list[str] = field(default_factory=list)

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


def _check_codes(doc: yamlsafe.Document, i: int, expect: Expect, vocab: Vocabulary) -> list[ScenarioFileError]:
    def fail(loc: list[int | str], message: str) -> ScenarioFileError:
        where = ".".join(str(p) for p in ["scenarios", i, "expect", *loc])
        return ScenarioFileError(doc.path, doc.line_of(["scenarios", i, "expect", *loc]), f"{where}: {message}", where)

    out: list[ScenarioFileError] = []
    for key in ("warnings", "warnings_includes"):
        for j, code in enumerate(getattr(expect, key) or []):
            if code not in vocab.warnings:
                known = sorted(vocab.warnings)
                hint = did_you_mean(code, known)
                out.append(fail([key, j], f"unknown warning code {code!r}{hint}; known: {', '.join(known)}"))
    for j, pattern in enumerate(expect.duties_includes or []):
        if pattern.duty is not None and pattern.duty not in vocab.duties:
            out.append(
                fail(
                    ["duties_includes", j, "duty"],
                    f"no rule gives the duty {pattern.duty!r}{did_you_mean(pattern.duty, vocab.duties)}",
                )
            )
    return out


def _event_problems(doc: yamlsafe.Document, i: int, exc: InvalidEvent) -> list[ScenarioFileError]:
    """Each problem of a scenario's event, at its own line; a misspelt field's "required" is not repeated."""
    errs = exc.errors or [{"loc": [], "msg": f"event: {exc.detail}"}]
    suggested = {_suggests(e["msg"]) for e in errs if "unknown field" in e["msg"]}
    out: list[ScenarioFileError] = []
    for e in errs:
        if e["msg"].endswith(": field required") and e["loc"] and str(e["loc"][-1]) in suggested:
            continue
        loc: list[int | str] = ["scenarios", i, "event", *e["loc"]]
        where = ".".join(str(p) for p in loc)
        # the event's own message starts with the field it names (``yer: unknown field …``)
        prefix = f"scenarios.{i}.event." if e["loc"] else f"scenarios.{i}."
        out.append(
            ScenarioFileError(
                doc.path,
                doc.line_of(loc),
                f"{prefix}{e['msg']} — the event is not valid "
                "(to test a rejection, write expect: {error: invalid_event})",
                where,
            )
        )
    return out


def _raw_event_problems(doc: yamlsafe.Document) -> list[ScenarioFileError]:
    """The problems of the events of a file whose shape is wrong elsewhere (so that all are listed)."""
    scenarios = doc.data.get("scenarios") if isinstance(doc.data, dict) else None
    out: list[ScenarioFileError] = []
    for i, sc in enumerate(scenarios if isinstance(scenarios, list) else []):
        if not isinstance(sc, dict) or not isinstance(sc.get("event"), dict):
            continue
        expect = sc.get("expect")
        if isinstance(expect, dict) and expect.get("error") is not None:
            continue
        try:
            parse_event(sc["event"])
        except InvalidEvent as exc:
            out += _event_problems(doc, i, exc)
    return out


def load_file(path: str | Path, regulation: Regulation | None = None) -> list[LoadedScenario]:
    """Read and validate a scenario file; raise ScenarioFileError listing every problem found in it.

    Each problem has its file, line and key (``problems``). With a ``regulation``, warning codes and
    duty codes in ``expect`` are also checked against what its rules can produce, so a misspelt code
    is an error rather than a scenario that can never pass.
    """
    try:
        doc = yamlsafe.parse_file(path)
    except QuycheError as exc:  # RuleFileError from the YAML layer: same message, scenario class
        line = getattr(exc, "line", None)
        detail = getattr(exc, "detail", str(exc))
        raise ScenarioFileError(getattr(exc, "path", str(path)), line, detail + _source_line(path, line)) from None
    if not isinstance(doc.data, dict):
        raise ScenarioFileError(doc.path, doc.line_of(()), "a scenario file is a mapping with the key 'scenarios'")
    try:
        model = ScenarioFile.model_validate(doc.data)
    except ValidationError as exc:
        raise ScenarioFileError.of(_validation_errors(exc, doc) + _raw_event_problems(doc)) from None
    vocab = Vocabulary.of(regulation) if regulation is not None else None
    out: list[LoadedScenario] = []
    problems: list[ScenarioFileError] = []
    names: dict[str, int | None] = {}
    for i, sc in enumerate(model.scenarios):
        line = doc.line_of(["scenarios", i])
        if sc.name in names:
            problems.append(
                ScenarioFileError(
                    doc.path,
                    doc.line_of(["scenarios", i, "name"]),
                    f"scenarios.{i}.name: the same sentence already names the scenario at line {names[sc.name]}; "
                    "each scenario needs its own",
                    f"scenarios.{i}.name",
                )
            )
        names.setdefault(sc.name, line)
        if vocab is not None:
            problems += _check_codes(doc, i, sc.expect, vocab)
        if sc.expect.error is None:
            try:
                parse_event(sc.event)
            except InvalidEvent as exc:
                problems += _event_problems(doc, i, exc)
        out.append(LoadedScenario(doc.path, i, line, sc, "lead" in doc.data["scenarios"][i]["expect"]))
    if problems:
        raise ScenarioFileError.of(problems)
    return out


def _source_line(path: str | Path, line: int | None) -> str:
    """The text of a line of the file, to show where a YAML error is (empty when unavailable)."""
    if line is None:
        return ""
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            for n, text in enumerate(f, 1):
                if n == line:
                    text = text.strip()
                    return f" — in: {text[:100]}" if text else ""
    except OSError:
        return ""
    return ""


def _show(items: Iterable[str]) -> str:
    return "[" + ", ".join(sorted(items)) + "]"


def _set_diff(key: str, expected: list[str], actual: list[str], exact: bool) -> str | None:
    exp, act = set(expected), set(actual)
    if exact and exp != act:
        extra, missing = sorted(act - exp), sorted(exp - act)
        detail = "; ".join(
            [*(["missing " + _show(missing)] if missing else []), *(["unexpected " + _show(extra)] if extra else [])]
        )
        return f"{key}: expected {_show(exp)}, got {_show(act)} ({detail})"
    if not exact and not exp <= act:
        return f"{key}_includes: expected at least {_show(exp)}, got {_show(act)} (missing {_show(exp - act)})"
    return None


def duty_line(resp: dict[str, Any]) -> str:
    """A responsibility (JSON form) in the words of a scenario file, for a failure report."""
    text = f"{resp['party']}: {resp['duty']}"
    if resp.get("mode"):
        text += f", mode {resp['mode']}"
    dl = resp.get("deadline")
    if dl:
        unit = "working days" if dl["unit"] == "working_days" else "days"
        when = "within" if dl["relation"] == "within" else "before"
        due = dl["due"] or "not computable (chưa tính được)"
        text += f", {dl['days']} {unit} {when} {dl['anchor']}, due: {due}"
    return text


def compare(loaded: LoadedScenario, decision: Decision | None, error: InvalidEvent | None) -> list[str]:
    """What differs between the expectation and the outcome (empty when the scenario passes)."""
    exp = loaded.scenario.expect
    if exp.error == "invalid_event":
        if error is not None:
            return []
        return ["error: expected the event to be rejected (invalid_event), but it was accepted"]
    if error is not None or decision is None:
        return [f"error: the event was rejected: {error}"]
    out: list[str] = []
    data = decision.model_dump(mode="json")
    if loaded.has_lead and exp.lead != decision.lead:
        out.append(f"lead: expected {exp.lead or 'null'}, got {decision.lead or 'null'}")
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
            out.append(f"duties_includes: expected a duty {{{pattern.describe()}}}; no duty of the decision matches")
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
        result.fired = [t.rule if t.row is None else f"{t.rule} (row {t.row})" for t in decision.trace]
        result.rules = [t.rule for t in decision.trace]
        if any(f.startswith("duties_includes:") for f in result.failures):
            lines = [duty_line(r) for r in decision.model_dump(mode="json")["responsibilities"]]
            result.duties = list(dict.fromkeys(lines))  # each duty once, in the decision's order
    return result


def iter_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Scenario files: the files given, and ``*.yaml`` under the folders given (recursively, sorted)."""
    for p in paths:
        path = Path(p)
        if path.is_dir():
            yield from sorted(x for x in path.rglob("*.yaml") if x.is_file())
        elif path.exists():
            yield path
        else:
            raise ScenarioFileError(str(path), None, "no such file or folder")


def load_paths(reg: Regulation, paths: Iterable[str | Path]) -> tuple[list[LoadedScenario], list[ScenarioFileError]]:
    """Every scenario of every file, and one error per file that cannot be read (every file is tried)."""
    loaded: list[LoadedScenario] = []
    errors: list[ScenarioFileError] = []
    try:
        files = list(iter_files(paths))
    except ScenarioFileError as exc:
        return [], [exc]
    for f in files:
        try:
            loaded += load_file(f, reg)
        except ScenarioFileError as exc:
            errors.append(exc)
    return loaded, errors


def run_paths(reg: Regulation, paths: Iterable[str | Path]) -> list[ScenarioResult]:
    """Load every file first (the first invalid file raises), then run every scenario."""
    loaded, errors = load_paths(reg, paths)
    if errors:
        raise errors[0]
    return [run_one(reg, sc) for sc in loaded]


def format_failure(result: ScenarioResult) -> str:
    """A short block for a failing scenario, for people; ``quyche check`` and the pytest plugin print it::

        FAIL tests/scenarios/dieu_08.yaml:12: UBND tỉnh giải quyết khiếu nại trong 30 ngày
          lead: expected ubnd, got btt_ubmttq
          duties_includes: expected a duty {party: ubnd, duty: settle_complaint, due: 2024-04-05}; …
          the decision's duties:
            - ubnd: settle_complaint, 30 days within acceptance_date, due: not computable (chưa tính được)
          rules fired: dieu_08.forward, dieu_18.advise_lead

    The first line is file:line and the scenario's sentence; then one line per expectation that did
    not hold; then, when an expected duty is missing, the decision's duties (each once); then the rules
    that fired.
    """
    where = f"{result.file}:{result.line}" if result.line else result.file
    lines = [f"FAIL {where}: {result.name}"]
    lines += [f"  {f}" for f in result.failures]
    if result.duties:
        lines.append("  the decision's duties:")
        lines += [f"    - {d}" for d in result.duties]
    lines.append(f"  rules fired: {', '.join(result.fired) or 'none'}")
    return "\n".join(lines)


def scenario_file_schema() -> dict[str, Any]:
    """The JSON Schema of a scenario file, for editors; ``event`` offers the event types' fields.

    An event is not required to be valid (a scenario may expect ``error: invalid_event``), so the
    schema offers the event models for completion but also accepts any mapping.
    """
    from pydantic import TypeAdapter

    from quyche.events import Event

    schema = ScenarioFile.model_json_schema()
    event_schema = TypeAdapter(Event).json_schema(ref_template="#/$defs/{model}")
    defs = schema.setdefault("$defs", {})
    defs.update(event_schema.pop("$defs", {}))
    defs["Event"] = event_schema
    props = defs["Scenario"]["properties"]
    props["event"] = {
        "anyOf": [{"$ref": "#/$defs/Event"}, {"type": "object"}],
        "description": props["event"].get("description", ""),
        "title": "Event",
    }
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema
