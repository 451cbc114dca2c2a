"""Batches and the fast paths: evaluate_many, ``quyche evaluate --batch``, and the load-time
assembler against the reference ``decide`` (decisions must stay byte-identical in JSON)."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import quyche
from quyche import batch as batch_mod
from quyche.cli import main
from quyche.events import parse_event
from quyche.regulation import BATCH
from quyche.rules import conditions as C
from quyche.testing import event_mix

EVENTS = event_mix(700, seed=7)


@pytest.fixture(scope="module", params=["durable", "python"])
def reg(request: pytest.FixtureRequest) -> quyche.Regulation:
    return quyche.load(engine=request.param)


def _json(d: quyche.Decision) -> str:
    return json.dumps(d.model_dump(mode="json"), ensure_ascii=False)


@pytest.mark.parametrize("as_of", [None, "2024-06-01", "2030-01-01"])
def test_decisions_built_without_validation_equal_validated_ones(reg: quyche.Regulation, as_of: str | None) -> None:
    """The assembler builds its models from valid values without re-validating them: each decision is
    exactly what pydantic gives when it validates the same data."""
    for ev in EVENTS:
        got = reg.evaluate(ev, as_of=as_of)
        validated = quyche.Decision.model_validate(got.model_dump())
        assert got == validated, ev
        assert _json(got) == _json(validated)
        assert got.model_dump_json() == validated.model_dump_json()
        assert got.model_fields_set == validated.model_fields_set
        for mine, theirs in zip(got.responsibilities, validated.responsibilities, strict=True):
            assert mine.model_fields_set == theirs.model_fields_set


def test_evaluate_many_equals_evaluate_across_batches(reg: quyche.Regulation) -> None:
    events = EVENTS * 2  # more than two batches, identical events within one batch
    assert len(events) > 2 * BATCH
    many = list(reg.evaluate_many(events, as_of="2024-06-01"))
    assert [_json(d) for d in many] == [_json(reg.evaluate(e, as_of="2024-06-01")) for e in events]
    assert list(reg.evaluate_many([])) == []
    assert list(reg.evaluate_many(iter(EVENTS[:3]))) == [reg.evaluate(e) for e in EVENTS[:3]]


def test_evaluate_many_accepts_models(reg: quyche.Regulation) -> None:
    models = [parse_event(e) for e in EVENTS[:50]]
    assert list(reg.evaluate_many(models)) == [reg.evaluate(e) for e in EVENTS[:50]]


@pytest.mark.parametrize("position", [0, 5, BATCH - 1, BATCH, BATCH + 3])
def test_evaluate_many_yields_the_valid_prefix_then_raises(reg: quyche.Regulation, position: int) -> None:
    events: list[Any] = list(EVENTS[: BATCH + 10])
    events.insert(position, {"type": "annual_review", "year": "2024"})
    got = []
    with pytest.raises(quyche.InvalidEvent, match="year"):
        for d in reg.evaluate_many(events):
            got.append(d)
    assert got == [reg.evaluate(e) for e in events[:position]]
    # the regulation is still usable, and the durable engine kept nothing from the batch
    assert list(reg.evaluate_many(events[position + 1 : position + 4])) == [
        reg.evaluate(e) for e in events[position + 1 : position + 4]
    ]


@pytest.mark.parametrize("position", [0, 5, BATCH - 1, BATCH, BATCH + 3])
def test_the_raised_error_says_which_item(reg: quyche.Regulation, position: int) -> None:
    events: list[Any] = list(EVENTS[: BATCH + 10])
    events.insert(position, {"type": "annual_review", "year": "2024"})
    with pytest.raises(quyche.InvalidEvent) as info:
        list(reg.evaluate_many(events))
    assert info.value.index == position
    assert str(info.value).startswith(f"events[{position}]: invalid event: year: ")
    assert info.value.errors == [{"loc": ["year"], "msg": "year: expected a whole number, got '2024'"}]


def test_yield_mode_gives_one_result_per_item_in_order(reg: quyche.Regulation) -> None:
    """Issue 14 item 5: per item and in order, the decision or the InvalidEvent carrying its index."""
    bad = {
        3: {"type": "annual_review", "year": "2024"},
        BATCH - 1: ["not", "a", "mapping"],
        BATCH: {"type": "nope"},
        BATCH + 7: {"type": "petition_received", "received_by": "mttq", "kind": "complaint", "competent_body": "ubnd"},
    }
    events: list[Any] = list(EVENTS[: BATCH + 20])
    for i, event in sorted(bad.items()):
        events.insert(i, event)
    results = list(reg.evaluate_many(events, as_of="2024-06-01", on_invalid="yield"))
    assert len(results) == len(events)
    for i, (event, result) in enumerate(zip(events, results, strict=True)):
        if i in bad:
            assert isinstance(result, quyche.InvalidEvent) and result.index == i, (i, result)
            assert str(result).startswith(f"events[{i}]: ")
            with pytest.raises(quyche.InvalidEvent) as single:
                reg.evaluate(event)
            assert result.errors == single.value.errors and result.detail == str(single.value)
        else:
            assert result == reg.evaluate(event, as_of="2024-06-01")


def test_yield_mode_is_lazy(reg: quyche.Regulation) -> None:
    read = 0

    def source() -> Any:
        nonlocal read
        for e in [*EVENTS[:5], {"type": "x"}, *EVENTS[5:BATCH * 3]]:
            read += 1
            yield e

    it = reg.evaluate_many(source(), on_invalid="yield")
    first = [next(it) for _ in range(7)]
    assert isinstance(first[5], quyche.InvalidEvent) and first[5].index == 5
    assert read <= BATCH  # one batch read ahead at most


def test_batch_validation_gives_the_same_models_as_one_by_one() -> None:
    from quyche.events import parse_events

    models = parse_events(list(EVENTS))
    assert models is not None and models == [parse_event(e) for e in EVENTS]
    assert parse_events([EVENTS[0], {"type": "x"}]) is None
    assert parse_events([parse_event(EVENTS[0])]) is None  # models are not dicts: validated one by one


def test_unknown_on_invalid_is_refused(reg: quyche.Regulation) -> None:
    with pytest.raises(quyche.QuycheError, match="on_invalid"):
        reg.evaluate_many(EVENTS[:1], on_invalid="skip")  # type: ignore[call-overload]


def test_evaluate_many_bad_input_types(reg: quyche.Regulation) -> None:
    with pytest.raises(quyche.InvalidEvent, match="as_of"):
        list(reg.evaluate_many(EVENTS[:2], as_of="2024-13-01"))
    with pytest.raises(quyche.InvalidEvent, match="mapping"):
        list(reg.evaluate_many([EVENTS[0], ["not", "an", "event"]]))


def test_durable_batch_leaves_no_facts() -> None:
    import durable_rules_engine

    with quyche.load(engine="durable") as reg:
        list(reg.evaluate_many(EVENTS))
        for sets in reg._engine._sets.values():  # type: ignore[union-attr]
            for rs in sets:
                assert json.loads(durable_rules_engine.get_facts(rs.handle, "0")) == []


def test_compiled_predicates_match_holds() -> None:
    rng = random.Random(3)
    values = [1, 2, True, False, "a", "b", 20240101]
    fields = ["f", "g", "h"]

    def node(depth: int = 0) -> C.NormalNode:
        if depth > 2 or rng.random() < 0.4:
            op = rng.choice(["eq", "ne", "lt", "le", "gt", "ge", "exists", "not_exists", "eq_ref", "ne_ref"])
            leaf: C.NormalNode = {"field": rng.choice(fields), "op": op.removesuffix("_ref")}
            if op.endswith("_ref"):
                leaf["ref"] = rng.choice(fields)
            elif op not in ("exists", "not_exists"):
                leaf["value"] = rng.choice(values)
            return leaf
        return {rng.choice(["all", "any"]): [node(depth + 1) for _ in range(rng.randint(1, 3))]}

    for _ in range(1500):
        n = node()
        pred = C.compile_predicate(n)
        for _ in range(8):
            fact = {f: rng.choice(values) for f in fields if rng.random() < 0.7}
            assert pred(fact) == C.holds(n, fact), (n, fact)
    assert C.compile_predicate(None)({}) is True


# --------------------------------------------------------------------------- quyche evaluate --batch


def _write(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "events.jsonl"
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


@pytest.mark.parametrize("engine", ["durable", "python"])
def test_cli_batch_writes_one_decision_per_line(tmp_path: Path, engine: str) -> None:
    events = EVENTS[:300]
    path = _write(tmp_path, [json.dumps(e, ensure_ascii=False) for e in events])
    result = CliRunner().invoke(main, ["evaluate", "--batch", str(path), "--engine", engine, "--as-of", "2024-06-01"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    reg = quyche.load(engine=engine)  # type: ignore[arg-type]
    assert [json.loads(x) for x in lines] == [
        reg.evaluate(e, as_of="2024-06-01").model_dump(mode="json") for e in events
    ]
    assert result.stderr == ""


def test_cli_batch_reports_bad_lines_and_goes_on(tmp_path: Path) -> None:
    good = {"type": "annual_review", "year": 2024, "id": "ok"}
    lines = [
        json.dumps(good),
        "",
        "{not json",
        json.dumps({"type": "annual_review", "year": "2024"}),
        json.dumps(["a", "list"]),
        '{"type": "annual_review", "year": 2024, "year": 2025}',
        json.dumps({"type": "nope"}),
        json.dumps(good),
    ]
    result = CliRunner().invoke(main, ["evaluate", "--batch", str(_write(tmp_path, lines))])
    assert result.exit_code == 2
    out = [json.loads(x) for x in result.stdout.splitlines()]
    assert len(out) == 7  # the blank line gives nothing
    assert out[0]["event_id"] == "ok" and out[-1]["event_id"] == "ok"
    errors = out[1:-1]
    assert [e["line"] for e in errors] == [3, 4, 5, 6, 7]
    assert "not a JSON event" in errors[0]["error"]
    assert "year" in errors[1]["error"]
    assert "mapping" in errors[2]["error"]
    assert "duplicate key 'year'" in errors[3]["error"]
    assert "unknown event type" in errors[4]["error"]
    assert result.stderr.count("\n") == 1 and "5 of 7 lines" in result.stderr


def test_cli_batch_reads_the_input_in_one_pass(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A bad line does not restart evaluate_many (its JSON twin): one call for the whole file."""
    calls = []
    original = quyche.Regulation._json_many

    def counting(self: quyche.Regulation, *args: Any, **kwargs: Any) -> Any:
        calls.append("yield")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(quyche.Regulation, "_json_many", counting)
    lines = [json.dumps(e) for e in EVENTS[:40]]
    for i in (3, 9, 17, 30):
        lines[i] = json.dumps({"type": "annual_review", "year": "bad"}) if i % 2 else "{not json"
    result = CliRunner().invoke(main, ["evaluate", "--batch", "--engine", "python", str(_write(tmp_path, lines))])
    assert result.exit_code == 2
    assert calls.count("yield") == 1
    out = [json.loads(x) for x in result.stdout.splitlines()]
    assert [o["line"] for o in out if "error" in o] == [4, 10, 18, 31]
    assert len(out) == 40


def test_cli_batch_stdin_and_errors(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["evaluate", "--batch", "-"], input='{"type": "annual_review", "year": 2023}\n')
    assert result.exit_code == 0
    assert json.loads(result.stdout)["lead"] == "tt_hdnd"
    missing = runner.invoke(main, ["evaluate", "--batch", str(tmp_path / "nothing.jsonl")])
    assert missing.exit_code == 2 and missing.stderr.startswith("error:") and missing.stdout == ""
    bad_as_of = runner.invoke(main, ["evaluate", "--batch", "-", "--as-of", "2024-02-30"], input="")
    assert bad_as_of.exit_code == 2 and "as_of" in bad_as_of.stderr
    empty = runner.invoke(main, ["evaluate", "--batch", "-"], input="\n\n")
    assert empty.exit_code == 0 and empty.stdout == ""


def test_cli_batch_progress_bar_only_on_a_terminal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _write(tmp_path, [json.dumps(e) for e in EVENTS[:40]])
    quiet = CliRunner().invoke(main, ["evaluate", "--batch", str(path)])
    assert quiet.exit_code == 0 and quiet.stderr == ""
    monkeypatch.setattr(batch_mod, "_stderr_is_terminal", lambda: True)
    shown = CliRunner().invoke(main, ["evaluate", "--batch", str(path)])
    assert shown.exit_code == 0
    assert shown.stdout == quiet.stdout  # the bar never touches stdout
    assert "quyche" in shown.stderr
