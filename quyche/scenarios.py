"""Scenario files for legal staff (contract.md §7): events with the decision a reader expects.

A scenario file is YAML with a list ``scenarios``; each scenario has a ``name`` (a sentence stating the
legal expectation), an optional ``as_of`` date, an ``event`` and an ``expect`` block::

    scenarios:
      - name: Năm 2024 UBND tỉnh chủ trì hội nghị đánh giá Quy chế
        as_of: 2024-06-01
        event: {type: annual_review, year: 2024}
        expect: {lead: ubnd, cites: [19], warnings: []}

``load_file`` reads and checks a file: YAML errors, unknown keys (with a "did you mean …?"), dates that
are not ISO, identifiers in ``expect`` that name no body, mode, warning code or duty, and events that
are not valid (unless the scenario expects exactly that: ``expect: {error: invalid_event}``) are each
one :class:`~quyche.errors.ScenarioFileError` with the file, the line and the key. ``run_one`` then
evaluates a scenario and lists what differs from its expectation; ``format_failure`` is the one-line
report that both ``quyche check`` and the pytest plugin print.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from quyche.chapters.chuong_1 import OFFICES, RECIPIENTS, OfficeId, OtherRecipientId, PartyId
from quyche.chapters.chuong_4 import MODES, ModeId
from quyche.decision import Decision
from quyche.errors import InvalidEvent, QuycheError, ScenarioFileError, did_you_mean
from quyche.events import parse_event
from quyche.events_base import IsoDate
from quyche.rules import yamlsafe
from quyche.rules.loader import data_path

if TYPE_CHECKING:
    from quyche.regulation import Regulation

SCENARIO_FORMAT = "quyche/scenario@1"

#: A body a decision may name (a party, an office or another recipient — contract.md §2).
BodyId = Union[PartyId, OfficeId, OtherRecipientId]  # noqa: UP007 - a runtime union of Literals
#: A warning code: checked against the codes the loaded rules can produce.
Code = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=60)]
Bodies = Annotated[list[BodyId], Field(max_length=100)]
Offices = Annotated[list[OfficeId], Field(max_length=100)]
Modes = Annotated[list[ModeId], Field(max_length=100)]
Codes = Annotated[list[Code], Field(max_length=100)]

#: Warnings every decision may carry whatever the rule files say (quyche/rules/assemble.py).
BUILTIN_WARNINGS = ("no_lead", "no_rule_applies", "calendar_unknown")


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
    event: dict[str, Any] = Field(description="the event (contract.md §3): type and its fields")
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


def _validation_error(exc: ValidationError, doc: yamlsafe.Document) -> ScenarioFileError:
    """The first pydantic error as one ScenarioFileError: file, line, key, and what to write instead."""
    errors, seen = [], set()
    for e in exc.errors(include_url=False):  # a union of identifiers reports once per member: keep one
        loc = tuple(data_path(doc.data, tuple(e["loc"])))
        if loc not in seen:
            seen.add(loc)
            errors.append(e)
    # a misspelt key also makes the intended one "missing": name the misspelling first
    err = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
    path = data_path(doc.data, tuple(err["loc"]))
    where = ".".join(str(p) for p in path) or "(file)"
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
        msg = f"unknown {what} {given!r}{did_you_mean(given, choices)}; accepted: {', '.join(choices)}"
    elif key == "cites" and kind in ("less_than_equal", "greater_than_equal"):
        msg = f"there is no article {given!r}: the articles are numbered 1 to 23"
    elif kind == "list_type":
        msg = f"expected a list, e.g. [a, b], got {given!r}"
    elif kind == "value_error" and key in ("as_of", "due"):
        msg = f"{str(err['msg']).removeprefix('Value error, ')} (write an ISO date such as 2024-06-01)"
    else:
        msg = str(err["msg"])
    if len(errors) > 1:
        msg += f" (and {len(errors) - 1} more problem{'s' if len(errors) > 2 else ''})"
    return ScenarioFileError(doc.path, doc.line_of(path), f"{where}: {msg}", where)


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
            warnings.update(w.code for w in r.rule.warnings)
            duties.update(s.duty for s in r.rule.responsibilities)
        return cls(frozenset(warnings), frozenset(duties))


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


def _check_codes(doc: yamlsafe.Document, i: int, expect: Expect, vocab: Vocabulary) -> None:
    def fail(loc: list[int | str], message: str) -> ScenarioFileError:
        where = ".".join(str(p) for p in ["scenarios", i, "expect", *loc])
        return ScenarioFileError(doc.path, doc.line_of(["scenarios", i, "expect", *loc]), f"{where}: {message}", where)

    for key in ("warnings", "warnings_includes"):
        for j, code in enumerate(getattr(expect, key) or []):
            if code not in vocab.warnings:
                known = sorted(vocab.warnings)
                raise fail(
                    [key, j], f"unknown warning code {code!r}{did_you_mean(code, known)}; known: {', '.join(known)}"
                )
    for j, pattern in enumerate(expect.duties_includes or []):
        if pattern.duty is not None and pattern.duty not in vocab.duties:
            raise fail(
                ["duties_includes", j, "duty"],
                f"no rule gives the duty {pattern.duty!r}{did_you_mean(pattern.duty, vocab.duties)}",
            )


def load_file(path: str | Path, regulation: Regulation | None = None) -> list[LoadedScenario]:
    """Read and validate a scenario file (raises ScenarioFileError with file, line and key).

    With a ``regulation``, warning codes and duty codes in ``expect`` are also checked against what
    its rules can produce, so a misspelt code is an error rather than a scenario that can never pass.
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
        raise _validation_error(exc, doc) from None
    vocab = Vocabulary.of(regulation) if regulation is not None else None
    out: list[LoadedScenario] = []
    names: dict[str, int | None] = {}
    for i, sc in enumerate(model.scenarios):
        line = doc.line_of(["scenarios", i])
        if sc.name in names:
            raise ScenarioFileError(
                doc.path,
                doc.line_of(["scenarios", i, "name"]),
                f"scenarios.{i}.name: the same sentence already names the scenario at line {names[sc.name]}; "
                "each scenario needs its own",
                f"scenarios.{i}.name",
            )
        names[sc.name] = line
        if vocab is not None:
            _check_codes(doc, i, sc.expect, vocab)
        if sc.expect.error is None:
            try:
                parse_event(sc.event)
            except InvalidEvent as exc:
                # a misspelt field also makes the intended one "required": name the misspelling first
                errs = exc.errors or [{"loc": [], "msg": f"event: {exc}"}]
                first = next((e for e in errs if "unknown field" in e["msg"]), errs[0])
                more = f" (and {len(errs) - 1} more)" if len(errs) > 1 else ""
                loc = ["scenarios", i, "event", *first["loc"]]
                where = ".".join(str(p) for p in loc)
                # the event's own message starts with the field it names (``yer: unknown field …``)
                prefix = f"scenarios.{i}.event." if first["loc"] else f"scenarios.{i}."
                raise ScenarioFileError(
                    doc.path,
                    doc.line_of(loc),
                    f"{prefix}{first['msg']}{more} — the event is not valid "
                    "(to test a rejection, write expect: {error: invalid_event})",
                    where,
                ) from None
        out.append(LoadedScenario(doc.path, i, line, sc, "lead" in doc.data["scenarios"][i]["expect"]))
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
    """One line for a failing scenario: file:line, name, expected vs actual, rules that fired."""
    where = f"{result.file}:{result.line}" if result.line else result.file
    fired = ", ".join(result.fired) or "none"
    return f"FAIL {where}: {result.name} — {'; '.join(result.failures)} [rules fired: {fired}]"


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
