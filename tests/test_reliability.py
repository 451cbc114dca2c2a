"""Reliability (issue 16; issue 14 items 6 and 7): no deadlock, no hang, no leak, durable-rules' capacity
kept at load time, every valid event decided, fork-safe, events re-validated, CLI I/O errors reported.

Anything that could hang (a deadlock, durable-rules spinning in C, a child process stuck on a lock) runs
in a subprocess with a timeout, so a regression fails the test instead of stalling CI. The timeouts are
guards against hangs, not timing targets (those are in ``benchmarks/``).
"""

from __future__ import annotations

import gc
import json
import os
import pickle
import random
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import quyche
from quyche.chapters.chuong_2 import PetitionReceived
from quyche.chapters.chuong_6 import AnnualReview
from quyche.cli import main
from quyche.events_base import EventBase
from quyche.regulation import bundled_rules_dir
from quyche.rules import conditions as C
from quyche.rules.compile import Plan
from quyche.rules.durable_adapter import DurableEngine
from quyche.rules.pyeval import PythonEngine
from quyche.testing import article_file, compile_article

ENGINES = ["python", "durable"]
PETITION = {
    "type": "petition_received",
    "received_by": "doan_dbqh",
    "kind": "recommendation",
    "competent_body": "judicial",
}


def run_py(
    code: str, timeout: float = 240, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a fresh interpreter (``env``: variables added to this one's); a hang fails the test."""
    try:
        return subprocess.run(
            [sys.executable, "-c", textwrap.dedent(code)],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            cwd=cwd,
            env=None if env is None else {**os.environ, **env},
        )
    except subprocess.TimeoutExpired as exc:
        err = exc.stderr.decode(errors="replace") if isinstance(exc.stderr, bytes) else (exc.stderr or "")
        pytest.fail(f"still running after {timeout} s (a hang); stderr:\n{err[-3000:]}")


def run_cli(*args: str, timeout: float = 120, **kw: Any) -> subprocess.CompletedProcess[str]:
    kw.setdefault("stdout", subprocess.PIPE)
    try:
        return subprocess.run(
            [sys.executable, "-m", "quyche", *args],
            stderr=subprocess.PIPE,
            text=True,
            timeout=timeout,
            check=False,
            **kw,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"quyche {' '.join(args)}: still running after {timeout} s (a hang)")


def codes(decision: quyche.Decision) -> list[str]:
    return [w.code for w in decision.warnings]


# --- defect 1: a finalizer must never take the engine lock ------------------------------------------


def test_garbage_collection_inside_an_evaluation_does_not_deadlock() -> None:
    """The review's deadlock, made deterministic: the GC frees a durable Regulation (a reference cycle)
    on a thread that holds the engine lock — which is where it runs when it interrupts an evaluation."""
    result = run_py(
        """
        import gc, quyche
        from quyche.rules import durable_adapter
        reg = quyche.load(engine="durable")
        g = quyche.load(engine="durable"); g.me = g; del g   # a cycle: only the GC frees it
        with durable_adapter._LOCK:                         # the GC running inside an evaluation
            gc.collect()
        print(reg.evaluate({"type": "annual_review", "year": 2024}).lead)
        """,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == ["ubnd"]


@pytest.mark.slow
def test_review_scenario_regulations_freed_by_the_gc_while_a_thread_evaluates() -> None:
    """The reviewer's reproducer (bounded): one thread evaluates without pause while the main thread
    builds durable Regulations in reference cycles, which the GC frees at any moment, on either thread."""
    result = run_py(
        """
        import gc, threading, quyche
        gc.set_threshold(100, 2, 2)  # collect often, so that some collections run inside evaluations
        reg = quyche.load(engine="durable")
        ev = {"type": "petition_received", "received_by": "ubnd", "kind": "complaint",
              "competent_body": "ubnd", "date": "2024-03-01"}
        done = []
        def work():
            while not done:
                assert all(d.lead == "ubnd" for d in reg.evaluate_many([ev] * 256))
        t = threading.Thread(target=work, daemon=True)
        t.start()
        for i in range(40):
            g = quyche.load(engine="durable"); g.me = g; del g
        done.append(1)
        t.join(60)
        assert not t.is_alive()
        print("ok", i + 1)
        """,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == ["ok", "40"]


# --- defect 2: durable-rules' capacity is kept at load time -------------------------------------------

#: Extra ``annual_review`` rules appended to Điều 19, one shape per limit of durable-rules' C engine
#: (docs/architecture.md). ``{i}`` numbers the rule; ``{n}`` is the count.
SHAPES = {
    # distinct children of one alpha node: 511 fit; 512 breaks evaluation (error 303), 513 spins in C
    "siblings": "{{year: {v}}}",
    # rules with one identical condition share its alpha node: 255 fit, 256 give wrong answers, 257 fail
    "identical": "{{year: 2024}}",
    # alpha nodes that one event can match at once: durable's stack holds 64 (error 303 beyond)
    "all_match": "{{year: {{ge: {i1}}}}}",
    # three-value ``in``: three children per rule (the review: a hang near 170 rules)
    "any3": "{{year: {{in: [{a}, {b}, {c}]}}}}",
    # an ``any`` whose first branch is shared: each rule adds one entry to that node's list (128 at most)
    "shared_branch": "{{any: [{{year: 2024}}, {{year: {v}}}]}}",
}
CAPACITY_SCRIPT = """
import json, shutil, sys
from pathlib import Path
import quyche
from quyche.regulation import bundled_rules_dir

root = Path(sys.argv[1]) / "rules"
shutil.copytree(bundled_rules_dir(), root)
extra = sys.argv[2]
path = root / "dieu_19.yaml"
lines = path.read_text(encoding="utf-8").split("\\n")
start = lines.index("rules:") + 1
tops = (k for k in range(start, len(lines)) if lines[k] and not lines[k].startswith((" ", "-", "#")))
end = next(tops, len(lines))
lines[end:end] = ["", *extra.split("\\n")]
path.write_text("\\n".join(lines), encoding="utf-8")
years = [int(y) for y in sys.argv[3].split(",")]
events = [{"type": "annual_review", "year": y} for y in years]
out = {}
for engine in ("python", "durable"):
    try:
        reg = quyche.load(root, engine=engine)
    except quyche.QuycheError as exc:
        out[engine] = f"load: {type(exc).__name__}: {exc}"
        continue
    try:
        out[engine] = [[t.rule for t in reg.evaluate(e).trace] for e in events]
    except quyche.QuycheError as exc:
        out[engine] = f"evaluate: {type(exc).__name__}: {exc}"
    reg.close()
print(json.dumps(out))
"""


def _extra_rules(shape: str, n: int, base: int = 3000) -> tuple[str, list[int]]:
    """The YAML of ``n`` extra rules of a shape, and years to evaluate (hitting the first, the last and
    none of them)."""
    items = []
    for i in range(n):
        v = base + i
        when = SHAPES[shape].format(v=v, i1=i + 1, a=base + 3 * i, b=base + 3 * i + 1, c=base + 3 * i + 2)
        items.append(
            f"  - id: dieu_19.extra_{i}\n    event: annual_review\n    when: {when}\n"
            f"    provenance: {{source: reconstructed}}\n    text_vi: Quy tắc thử {i}.\n    text_en: Test rule {i}.\n"
            f"    notified: [tt_tinh_uy]"
        )
    top = base + (3 * n if shape == "any3" else n)
    return "\n".join(items), sorted({1, n, 2022, 2024, 2025, 2026, base, base + 1, top - 1, top, top + 1})


def _run_capacity(tmp_path: Path, extra: str, years: list[int]) -> dict[str, Any]:
    script = tmp_path / "capacity.py"
    script.write_text(CAPACITY_SCRIPT, encoding="utf-8")
    try:
        result = subprocess.run(
            [sys.executable, str(script), str(tmp_path), extra, ",".join(map(str, years))],
            capture_output=True,
            text=True,
            timeout=240,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("load() or evaluate() still running after 240 s: durable-rules spins in its C code")
    assert result.returncode == 0, f"exit {result.returncode}: {result.stderr[-2000:]}"
    out: dict[str, Any] = json.loads(result.stdout)
    return out


@pytest.mark.slow
@pytest.mark.parametrize(
    ("shape", "n"),
    [
        ("siblings", 504),  # 7 + 504 = 511 children of the guard node: the most one node holds
        ("siblings", 505),  # 512: durable's evaluation loops, error 303
        ("siblings", 506),  # 513: createRuleset spins forever
        ("identical", 254),  # 255 rules on the node of ``year == 2024``
        ("identical", 255),  # 256: wrong answers
        ("identical", 256),  # 257: error 108 at load
        ("all_match", 62),  # 64 nodes on the stack for year 2024
        ("all_match", 63),  # 65: error 303
        ("any3", 168),  # 7 + 504 = 511 children
        ("any3", 169),  # 514: spins
        ("shared_branch", 125),
        ("shared_branch", 126),  # error 303 (127 forward nodes pushed)
        ("shared_branch", 129),  # 130 entries in one list: error 107 at load
    ],
)
def test_rule_sets_just_below_and_above_durables_limits(tmp_path: Path, shape: str, n: int) -> None:
    """Contract §4: both engines give identical decisions for every rule folder ``validate`` accepts, and
    ``load()`` returns within seconds — the adapter spreads an event type's rules over as many durable
    rulesets as its limits need (docs/architecture.md)."""
    extra, years = _extra_rules(shape, n)
    out = _run_capacity(tmp_path, extra, years)
    assert isinstance(out["python"], list), out["python"]
    assert out["durable"] == out["python"]
    assert any(t.startswith("dieu_19.extra_") for fired in out["python"] for t in fired)


@pytest.mark.slow
def test_one_rule_with_600_branches_is_split_across_rulesets(tmp_path: Path) -> None:
    """One rule whose ``any`` has 600 branches (12 ``in`` lists of 50) needs more children than one
    alpha node holds: its branches are spread over several rulesets, and it still fires once."""
    lists = ", ".join(
        "{year: {in: [" + ", ".join(str(9000 + 50 * j + k) for k in range(50)) + "]}}" for j in range(12)
    )
    extra = (
        f"  - id: dieu_19.extra_big\n    event: annual_review\n    when: {{any: [{lists}]}}\n"
        "    provenance: {source: reconstructed}\n    text_vi: Quy tắc thử.\n    text_en: Test rule.\n"
        "    notified: [tt_tinh_uy]"
    )
    out = _run_capacity(tmp_path, extra, [2024, 8999, 9000, 9299, 9300, 9599, 9600])
    assert isinstance(out["python"], list), out["python"]
    assert out["durable"] == out["python"]
    assert [fired.count("dieu_19.extra_big") for fired in out["python"]] == [0, 0, 1, 1, 1, 1, 0]


@pytest.mark.parametrize("engine", ENGINES)
def test_a_rule_beyond_durables_stack_is_a_rule_file_error(tmp_path: Path, engine: str) -> None:
    """A single rule no split can bring under durable-rules' evaluation stack (five ``any`` of 50
    comparisons that can all hold at once) is refused at load time, naming the event type, the count
    and the limit — on both engines, so that a folder valid for one is valid for the other."""
    anys = ", ".join(
        "{any: [" + ", ".join(f"{{year: {{gt: {100 * j + k}}}}}" for k in range(50)) + "]}" for j in range(5)
    )
    extra = (
        f"  - id: dieu_19.extra_wide\n    event: annual_review\n    when: {{all: [{anys}]}}\n"
        "    provenance: {source: reconstructed}\n    text_vi: Quy tắc thử.\n    text_en: Test rule.\n"
        "    notified: [tt_tinh_uy]"
    )
    root = tmp_path / "rules"
    shutil.copytree(bundled_rules_dir(), root)
    path = root / "dieu_19.yaml"
    lines = path.read_text(encoding="utf-8").split("\n")
    start = lines.index("rules:") + 1
    tops = (k for k in range(start, len(lines)) if lines[k] and not lines[k].startswith((" ", "-", "#")))
    end = next(tops, len(lines))
    lines[end:end] = ["", *extra.split("\n")]
    path.write_text("\n".join(lines), encoding="utf-8")
    result = run_py(
        f"""
        import quyche
        try:
            quyche.load({str(root)!r}, engine={engine!r})
        except quyche.RuleFileError as exc:
            print("RuleFileError", exc.path)
            print(exc)
        else:
            print("loaded")
        """,
        timeout=240,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    first, message = result.stdout.split("\n", 1)
    assert first == f"RuleFileError {path}"
    assert "annual_review" in message and "dieu_19.extra_wide" in message
    assert "246" in message and "48" in message  # the count and the limit


def _compiled(conditions: list[dict[str, Any] | None], event_type: str = "annual_review") -> Plan:
    """Rules of one event type checked and compiled in memory, as ``quyche.load`` would (article 21)."""
    rules = []
    for pos, when in enumerate(conditions):
        raw: dict[str, Any] = {
            "id": f"dieu_21.w{pos}",
            "event": event_type,
            "provenance": {"source": "reconstructed"},
            "text_vi": "Quy tắc sinh tự động để kiểm thử.",
            "text_en": "A generated rule for testing.",
        }
        if when is not None:
            raw["when"] = when
        rules.append(raw)
    return compile_article(article_file(rules))  # type: ignore[no-any-return]


def _wide_rule(kind: str, v: int) -> dict[str, Any] | None:
    return {
        "always": None,
        "eq": {"year": v},
        "same": {"year": 2024},
        "ge": {"year": {"ge": v}},
        "ne": {"year": {"ne": v}},
        "in3": {"year": {"in": [v, v + 1, v + 2]}},
        "in50": {"year": {"in": list(range(v, v + 50))}},
        "shared": {"any": [{"year": 2024}, {"year": v}]},
        "no_id": {"id": {"given": False}},
        "ne_any": {"any": [{"year": {"ne": v}}, {"year": {"gt": v + 7}}]},
        "all_any": {"all": [{"any": [{"year": {"gt": v}}, {"id": "x"}]}, {"year": {"lt": v + 9}}]},
    }[kind]


WIDE_KINDS = ["always", "eq", "same", "ge", "ne", "in3", "in50", "shared", "no_id", "ne_any", "all_any"]


@pytest.mark.slow
@settings(max_examples=max(6, settings.default.max_examples // 10), deadline=None)
@given(
    n=st.integers(100, 1200),
    seed=st.integers(0, 2**32),
    piled=st.lists(st.sampled_from(WIDE_KINDS), min_size=1, max_size=3),
    years=st.lists(st.integers(0, 3100), min_size=3, max_size=12),
)
def test_wide_generated_rule_sets_fit_in_durable(n: int, seed: int, piled: list[str], years: list[int]) -> None:
    """Generated rule sets of 200–2,400 rules of one event type, half of them of one to three shapes so
    that they pile up on the same nodes: the plan keeps every ruleset within durable-rules' limits, so
    durable fires exactly what the python engine fires (a spin in C is killed by the hang guard)."""
    from quyche.testing import hang_guard

    rnd = random.Random(seed)
    conditions = [_wide_rule(rnd.choice(WIDE_KINDS), rnd.randrange(1, 3000)) for _ in range(n)]
    conditions += [_wide_rule(piled[i % len(piled)], 2000 + i) for i in range(n)]
    reg = _compiled(conditions)
    oracle = PythonEngine(reg)
    with hang_guard(600, hard_exit_after=30):
        engine = DurableEngine(reg)
        try:
            for y in [*years, 2024, 2025, 2000, 2000 + n // 2]:
                for fact in ({"year": y}, {"year": y, "id": "x"}, {"year": y, "id": "z"}):
                    assert engine.fire("annual_review", fact) == oracle.fire("annual_review", fact), fact
        finally:
            engine.close()


def test_an_event_type_needing_too_many_rulesets_is_a_rule_file_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """An event type whose rules need more than MAX_RULESETS rulesets is refused, naming the event type,
    the count and the limit (tested with a small limit: 3 rulesets of at most 2 rules)."""
    from quyche.rules import durable_adapter

    monkeypatch.setitem(durable_adapter.LIMITS, "rules", durable_adapter.Limit("rules in one ruleset", 4096, 2))
    monkeypatch.setattr(durable_adapter, "MAX_RULESETS", 2)
    reg = _compiled([{"year": 2000 + i} for i in range(5)])
    expected = r"5 rules of annual_review events need 3 durable-rules rulesets, at most 2"
    with pytest.raises(quyche.RuleFileError, match=expected):
        durable_adapter.plan(reg)
    monkeypatch.setattr(durable_adapter, "MAX_RULESETS", 3)
    plan = durable_adapter.plan(reg)
    assert len(plan.rulesets["annual_review"]) == 3
    engine = DurableEngine(reg, plan)
    try:
        assert engine.rulesets == 3
        assert engine.fire("annual_review", {"year": 2004}) == ["dieu_21.w4"]
    finally:
        engine.close()


# --- defect 3: every valid event gets a decision -----------------------------------------------------


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("day", ["0001-01-01", "1989-12-31", "2101-01-01", "2150-06-01", "9999-12-31"])
def test_dates_outside_the_known_calendar_are_decided(engine: str, day: str) -> None:
    """Contract §3: every date is a valid event. Where the calendar of working days is unknown (the
    ``holidays`` library covers 1990–2100) the deadline's ``due`` is null and a warning says why."""
    reg = quyche.load(engine=engine)
    d = reg.evaluate({**PETITION, "date": day})
    dated = [r for r in d.responsibilities if r.deadline is not None and r.deadline.anchor == "date"]
    assert dated and all(r.deadline is not None and r.deadline.due is None for r in dated)
    assert "calendar_unknown" in codes(d)
    assert "outside_validity" in codes(d)
    warning = next(w for w in d.warnings if w.code == "calendar_unknown")
    assert "1990" in warning.message and "2100" in warning.message
    assert "1990" in warning.message_vi and "2100" in warning.message_vi
    json.dumps(d.model_dump(mode="json"))


@pytest.mark.parametrize("engine", ENGINES)
def test_a_deadline_that_crosses_2100_is_decided(engine: str) -> None:
    reg = quyche.load(engine=engine)
    inside = reg.evaluate({**PETITION, "date": "2100-06-01"})
    assert "calendar_unknown" not in codes(inside)
    dated = [r.deadline for r in inside.responsibilities if r.deadline and r.deadline.anchor == "date"]
    assert dated and all(d.due is not None for d in dated)
    crossing = reg.evaluate({**PETITION, "date": "2100-12-28"})  # 10 working days end in 2101
    assert "calendar_unknown" in codes(crossing)
    assert [r.deadline.due for r in crossing.responsibilities if r.deadline and r.deadline.anchor == "date"] == [None]
    before = reg.evaluate({"type": "citizen_reception", "reception": "na_deputies", "date": "1990-01-03"})
    assert "calendar_unknown" in codes(before)  # 10 working days before: in 1989


def test_batch_check_and_explain_go_on_past_an_undecidable_deadline(tmp_path: Path) -> None:
    lines = [{**PETITION, "date": d} for d in ("2024-03-01", "2150-06-01", "2024-03-04")]
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(e) + "\n" for e in lines), encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(main, ["evaluate", "--batch", str(src), "--engine", "python"])
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(out) == 3 and "calendar_unknown" in [w["code"] for w in out[1]["warnings"]]

    scenario = tmp_path / "s.yaml"
    scenario.write_text(
        "format: quyche/scenario@1\nscenarios:\n"
        "  - name: Kiến nghị nhận năm 2150\n"
        "    event: {type: petition_received, received_by: doan_dbqh, kind: recommendation,"
        " competent_body: judicial, date: 2150-06-01}\n"
        "    expect:\n      warnings_includes: [calendar_unknown, outside_validity]\n"
        "      duties_includes: [{party: doan_dbqh, duty: answer_citizen, due: null}]\n",
        encoding="utf-8",
    )
    result = runner.invoke(main, ["check", str(scenario), "--engine", "python"])
    assert result.exit_code == 0, result.output

    event = tmp_path / "e.json"
    event.write_text(json.dumps({**PETITION, "date": "2150-06-01"}), encoding="utf-8")
    for lang in ("vi", "en"):
        result = runner.invoke(main, ["explain", str(event), "--lang", lang, "--engine", "python"])
        assert result.exit_code == 0, result.output
        assert "2100" in result.output


# --- defect 4: fork -----------------------------------------------------------------------------------

FORK_SCRIPT = """
import multiprocessing as mp, sys, threading
import quyche

EV = {"type": "petition_received", "received_by": "ubnd", "kind": "complaint", "competent_body": "ubnd",
      "date": "2024-03-01"}


def child(q):
    try:
        out = [quyche.load(engine="durable").evaluate(EV).lead]
        reg = globals().get("REG")
        if reg is not None:  # inherited through fork
            out.append(reg.evaluate(EV).lead)
            out.append(list(reg.evaluate_many([EV] * 300))[-1].lead)
        q.put(out)
    except BaseException as exc:
        q.put(f"{type(exc).__name__}: {exc}")


if __name__ == "__main__":
    method = sys.argv[1]
    REG = quyche.load(engine="durable")
    done = []

    def work():
        while not done:
            assert all(d.lead == "ubnd" for d in REG.evaluate_many([EV] * 256))

    t = threading.Thread(target=work, daemon=True)
    t.start()
    ctx = mp.get_context(method)
    results = []
    for _ in range(int(sys.argv[2])):
        q = ctx.Queue()
        p = ctx.Process(target=child, args=(q,))
        p.start()
        p.join(90)
        if p.is_alive():
            p.kill()
            print("child hung")
            sys.exit(1)
        results.append(q.get(timeout=10))
    done.append(1)
    t.join(60)
    print(results)
"""


@pytest.mark.slow
@pytest.mark.parametrize(("method", "children"), [("fork", 12), ("spawn", 2)])
def test_children_evaluate_while_a_thread_of_the_parent_evaluates(tmp_path: Path, method: str, children: int) -> None:
    """A child started (fork or spawn) while another thread of the parent is inside durable-rules gets a
    usable engine: the inherited Regulation and a new one both answer."""
    script = tmp_path / "fork.py"
    script.write_text(FORK_SCRIPT, encoding="utf-8")
    try:
        result = subprocess.run(
            [sys.executable, str(script), method, str(children)],
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("a child process hung")
    assert result.returncode == 0, (result.stdout, result.stderr[-2000:])
    expected = ["ubnd", "ubnd", "ubnd"] if method == "fork" else ["ubnd"]
    assert result.stdout.strip() == repr([expected] * children)


# --- defect 5: memory ------------------------------------------------------------------------------


@pytest.mark.parametrize("engine", ENGINES)
def test_regulations_of_the_same_rules_share_their_compiled_form(engine: str) -> None:
    """Each live Regulation loaded from the same rule files costs a few objects, not a copy of the whole
    compiled regulation (the review: 200 live Regulations took seconds to free at exit)."""
    keep = [quyche.load(engine=engine)]
    gc.collect()
    before = len(gc.get_objects())
    keep += [quyche.load(engine=engine) for _ in range(10)]
    gc.collect()
    per_regulation = (len(gc.get_objects()) - before) / 10
    assert per_regulation < 500, per_regulation
    event = {**PETITION, "date": "2024-03-01"}
    assert len({r.evaluate(event).model_dump_json() for r in keep}) == 1
    for r in keep:
        r.close()


@pytest.mark.slow
@pytest.mark.parametrize("engine", ENGINES)
def test_load_evaluate_close_in_a_loop_does_not_grow(engine: str) -> None:
    """The review: durable ``load()`` then drop leaked ~0.2 MB a time (37 → 453 MB over 2,000). A
    regression guard with a wide margin (the 2,000-loop figure is measured by the benchmark)."""
    result = run_py(
        f"""
        import gc, quyche
        def rss():
            with open("/proc/self/statm") as f:
                return int(f.read().split()[1]) * 4096 / 2**20
        ev = {{"type": "annual_review", "year": 2024}}
        for i in range(250):
            reg = quyche.load(engine={engine!r})
            reg.evaluate(ev)
            reg.evaluate({{**ev, "year": 2030}})
            if i % 2:
                reg.close()
            del reg
            if i == 25:
                gc.collect()
                start = rss()
        gc.collect()
        print(round(rss() - start, 1))
        """,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert float(result.stdout) < 15, f"RSS grew by {result.stdout.strip()} MB over 225 loads"


# --- defect 6: events re-validated -------------------------------------------------------------------


class _Subclassed(AnnualReview):
    note: str = ""


class _SameFields(AnnualReview):
    pass


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    ("make", "loc"),
    [
        (lambda: AnnualReview.model_construct(type="annual_review", year="2024"), ["year"]),
        (lambda: AnnualReview.model_construct(type="petition_received", year=2024), None),
        (lambda: AnnualReview.model_construct(type="annual_review"), ["year"]),
        (lambda: PetitionReceived.model_construct(type="petition_received", received_by="ubnd"), None),
        (lambda: EventBase(), ["type"]),
        (lambda: _Subclassed(type="annual_review", year=2024, note="x"), ["note"]),
    ],
    ids=["string_year", "wrong_tag", "missing_year", "missing_fields", "bare_base", "subclass_extra_field"],
)
def test_event_models_are_validated_again(engine: str, make: Any, loc: list[str] | None) -> None:
    reg = quyche.load(engine=engine)
    with pytest.raises(quyche.InvalidEvent) as info:
        reg.evaluate(make())
    if loc is not None:
        assert [e["loc"] for e in info.value.errors][:1] == [loc]
    with pytest.raises(quyche.InvalidEvent):
        list(reg.evaluate_many([{"type": "annual_review", "year": 2023}, make()]))


@pytest.mark.parametrize("engine", ENGINES)
def test_valid_event_models_give_the_decision_of_their_mapping(engine: str) -> None:
    reg = quyche.load(engine=engine)
    mapping = {"type": "annual_review", "year": 2024}
    expected = reg.evaluate(mapping)
    assert reg.evaluate(quyche.parse_event(mapping)) == expected
    assert reg.evaluate(AnnualReview.model_construct(type="annual_review", year=2024)) == expected
    assert reg.evaluate(_SameFields(type="annual_review", year=2024)) == expected


# --- defect 8: CLI I/O errors and odd entries in a rules folder ----------------------------------------


def _example(tmp_path: Path) -> Path:
    event = tmp_path / "ev.json"
    event.write_text('{"type": "annual_review", "year": 2024}', encoding="utf-8")
    return event


@pytest.mark.parametrize("args", [["evaluate", "-"], ["explain", "-"], ["evaluate", "--batch", "-"]])
def test_closed_stdin_is_an_error_line(args: list[str]) -> None:
    command = " ".join([sys.executable, "-m", "quyche", *args])
    result = subprocess.run(f"{command} <&-", shell=True, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("error: ") and "internal error" not in result.stderr
    assert "stdin" in result.stderr


def test_closed_stdout_is_an_error_line(tmp_path: Path) -> None:
    command = " ".join([sys.executable, "-m", "quyche", "evaluate", str(_example(tmp_path))])
    result = subprocess.run(f"{command} >&-", shell=True, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 2, result.stderr
    assert result.stderr == "error: cannot write the output: stdout is closed\n"


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize(
    "args", [["evaluate", "{event}"], ["explain", "{event}"], ["evaluate", "--batch", "{lines}"], ["validate"]]
)
def test_a_full_disk_is_an_error_line(tmp_path: Path, args: list[str]) -> None:
    event = _example(tmp_path)
    lines = tmp_path / "in.jsonl"
    lines.write_text((event.read_text(encoding="utf-8") + "\n") * 2000, encoding="utf-8")
    argv = [a.format(event=event, lines=lines) for a in args]
    with open("/dev/full", "w") as full:
        result = run_cli(*argv, stdout=full)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("error: ") and "internal error" not in result.stderr
    assert "No space left on device" in result.stderr
    assert result.stderr.count("\n") == 1  # one line, no traceback


def test_a_broken_pipe_exits_quietly(tmp_path: Path) -> None:
    """``quyche evaluate --batch big.jsonl | head -1``: the reader has gone; exit without a word."""
    lines = tmp_path / "in.jsonl"
    lines.write_text('{"type": "annual_review", "year": 2024}\n' * 20000, encoding="utf-8")
    with subprocess.Popen(
        [sys.executable, "-m", "quyche", "evaluate", "--batch", str(lines)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        assert json.loads(proc.stdout.readline())["lead"] == "ubnd"
        proc.stdout.close()
        try:
            err = proc.stderr.read().decode()
            code = proc.wait(timeout=120)
        finally:
            proc.kill()
    assert err == ""
    assert code == 2


def _replace_with(entry: Path, kind: str, tmp_path: Path) -> None:
    if entry.exists() or entry.is_symlink():
        entry.unlink()
    if kind == "fifo":
        os.mkfifo(entry)
    elif kind == "directory":
        entry.mkdir()
    elif kind == "dangling_symlink":
        entry.symlink_to(tmp_path / "nowhere.yaml")
    elif kind == "symlink_to_dev_zero":
        entry.symlink_to("/dev/zero")
    elif kind == "symlink_to_device":
        entry.symlink_to("/dev/null")
    elif kind == "symlink_to_directory":
        entry.symlink_to(tmp_path)


KINDS = ["fifo", "directory", "dangling_symlink", "symlink_to_dev_zero", "symlink_to_device", "symlink_to_directory"]


@pytest.mark.parametrize("name", ["dieu_05.yaml", "dieu_24.yaml", "chuong_8.yaml"])
@pytest.mark.parametrize("kind", KINDS)
def test_a_rule_file_that_is_not_a_regular_file_is_named(tmp_path: Path, kind: str, name: str) -> None:
    """A FIFO, a directory, a dangling symlink or a device named like a rule file (a required one, or an
    extra one) is an error naming it — never skipped, never opened (a FIFO would block the read)."""
    root = tmp_path / "rules"
    shutil.copytree(bundled_rules_dir(), root)
    _replace_with(root / name, kind, tmp_path)
    result = run_cli("validate", str(root), timeout=60)
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.startswith(f"error: {root / name}: ") and "not a regular file" in result.stderr


def test_a_symlink_to_a_regular_rule_file_is_read(tmp_path: Path) -> None:
    root = tmp_path / "rules"
    shutil.copytree(bundled_rules_dir(), root)
    real = tmp_path / "elsewhere.yaml"
    shutil.move(root / "dieu_05.yaml", real)
    (root / "dieu_05.yaml").symlink_to(real)
    assert len(quyche.load(root, engine="python").compiled.rules) == len(quyche.load(engine="python").compiled.rules)


# --- issue 14 items 6 and 7: the calendar is built at load(); the lifecycle -------------------------


@pytest.mark.parametrize("cache", ["auto", "off"])
def test_evaluation_does_not_build_the_holiday_calendar(cache: str, tmp_path: Path) -> None:
    """Issue 14 item 6, issue 15: load() builds (or reads from the cache) the calendar of the regulation's
    period and the years around it (2019–2030), so a working-day deadline in those years never calls the
    holidays library: the first costs no more than any other. Cold (no cache file) and from the cache."""
    code = """
        import holidays, quyche
        quyche.load(engine="python", cache="CACHE")  # (writes the cache file, with "auto")
        reg = quyche.load(engine="python", cache="CACHE")
        def boom(*a, **k):
            raise AssertionError("the holiday calendar was built during evaluation")
        holidays.country_holidays = boom
        ev = {"type": "petition_received", "received_by": "doan_dbqh", "kind": "recommendation",
              "competent_body": "judicial"}
        for year in (2019, 2020, 2022, 2024, 2026, 2027, 2028, 2030):
            d = reg.evaluate({**ev, "date": f"{year}-06-03"})
            assert [r.deadline.due for r in d.responsibilities if r.deadline][0] is not None
        print("ok")
        """.replace("CACHE", cache)
    result = run_py(code, timeout=120, env={"QUYCHE_CACHE_DIR": str(tmp_path / "cache")})
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "ok"


def test_the_preloaded_calendar_is_the_one_built_year_by_year() -> None:
    """``calendar.preload()`` builds all years in one call to the holidays library: the same days off and
    make-up Saturdays as building each year with its neighbours."""
    from quyche import calendar

    calendar.preload()
    saved = dict(calendar._PRELOADED)
    assert sorted(saved) == list(range(1990, 2101))
    try:
        calendar._PRELOADED.clear()
        for year in range(1990, 2101):
            assert calendar._library_year.__wrapped__(year) == saved[year], year
    finally:
        calendar._PRELOADED.update(saved)


@pytest.mark.parametrize("engine", ENGINES)
def test_evaluate_after_close_raises_regulation_closed(engine: str) -> None:
    """Issue 14 item 7: after close(), evaluate and evaluate_many raise quyche.RegulationClosed (a
    QuycheError) on both engines; close() is idempotent; ``with`` closes."""
    assert issubclass(quyche.RegulationClosed, quyche.QuycheError)
    event = {"type": "annual_review", "year": 2024}
    with quyche.load(engine=engine) as reg:
        assert reg.evaluate(event).lead == "ubnd"
        assert not reg.closed
    assert reg.closed
    reg.close()
    with pytest.raises(quyche.RegulationClosed, match="closed"):
        reg.evaluate(event)
    with pytest.raises(quyche.RegulationClosed):
        list(reg.evaluate_many([event]))
    assert reg.chapters and reg.articles  # the outline stays readable


@pytest.mark.parametrize("engine", ENGINES)
def test_a_generator_of_a_closed_regulation_stops_with_regulation_closed(engine: str) -> None:
    reg = quyche.load(engine=engine)
    event = {"type": "annual_review", "year": 2024}
    many = reg.evaluate_many([event] * 600)
    assert next(many).lead == "ubnd"
    reg.close()
    with pytest.raises(quyche.RegulationClosed):
        list(many)


# --- item 10: pickling and the review's cosmetic messages ----------------------------------------------


@pytest.mark.parametrize("engine", ENGINES)
def test_pickling_a_regulation_says_what_to_do(engine: str) -> None:
    reg = quyche.load(engine=engine)
    with pytest.raises(TypeError, match=r"cannot be pickled.*quyche\.load"):
        pickle.dumps(reg)


def test_nesting_too_deep_names_the_field() -> None:
    reg = quyche.load(engine="python")
    deep: dict[str, Any] = {}
    node = deep
    for _ in range(100_000):
        node["a"] = {}
        node = node["a"]
    with pytest.raises(quyche.InvalidEvent) as info:
        reg.evaluate({"type": deep, "year": 2024})
    assert info.value.errors[0]["loc"] == ["type"]
    assert "nested too deeply" in str(info.value)


def test_evaluate_a_folder_says_it_is_a_folder(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["evaluate", str(tmp_path)])
    assert result.exit_code == 2
    assert "is a folder" in result.output and "no such file" not in result.output


def test_a_large_event_file_is_reported_with_its_size(tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    big.write_text('{"type": "annual_review", "year": 2024, "id": "' + "x" * 2_000_000 + '"}', encoding="utf-8")
    result = CliRunner().invoke(main, ["evaluate", str(big)])
    assert result.exit_code == 2
    assert f"{big.stat().st_size} bytes" in result.output and "1000001" not in result.output


def test_batch_line_that_is_not_utf8_says_so(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_bytes(b'{\x00"type": 1}\n{"type": "annual_review", "year": 2024, "id": "a\xff"}\n')
    result = CliRunner().invoke(main, ["evaluate", "--batch", str(src), "--engine", "python"])
    assert result.exit_code == 2
    errors = [json.loads(line)["error"] for line in result.stdout.splitlines()]
    assert "utf-16" not in " ".join(errors)
    assert "not valid UTF-8" in errors[1]


@pytest.mark.parametrize("engine", ENGINES)
def test_a_lone_surrogate_is_an_invalid_event(tmp_path: Path, engine: str) -> None:
    reg = quyche.load(engine=engine)
    with pytest.raises(quyche.InvalidEvent) as info:
        reg.evaluate({"type": "annual_review", "year": 2024, "id": "a\ud800"})
    assert info.value.errors[0]["loc"] == ["id"]
    src = tmp_path / "in.jsonl"
    src.write_text('{"type": "annual_review", "year": 2024, "id": "\\ud800"}\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["evaluate", "--batch", str(src), "--engine", engine])
    assert result.exit_code == 2 and "internal error" not in result.output
    assert "surrogate" in json.loads(result.stdout.splitlines()[0])["error"]
    single = tmp_path / "one.json"
    single.write_text('{"type": "annual_review", "year": 2024, "id": "\\ud800"}', encoding="utf-8")
    result = CliRunner().invoke(main, ["evaluate", str(single), "--engine", engine])
    assert result.exit_code == 2 and "surrogate" in result.output and "invalid YAML" not in result.output


def test_the_python_engines_index_stays_linear_on_wide_rule_sets(monkeypatch: pytest.MonkeyPatch) -> None:
    """Found by the slow test above on Python 3.13: 2,400 rules comparing ``year`` with 3,000 constants made
    the python engine's index try every rule on every class of values (millions of partial evaluations, minutes
    of ``load()``). A field whose index would cost more than ``INDEX_BUDGET`` is not indexed; the engine
    fires the same rules as trying each rule's condition."""
    from quyche.rules import pyeval

    rnd = random.Random(7)
    conditions = [_wide_rule(rnd.choice(WIDE_KINDS), rnd.randrange(1, 3000)) for _ in range(1200)]
    reg = _compiled(conditions)
    calls = 0
    real = C.partial

    def counting(*args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(C, "partial", counting)
    engine = PythonEngine(reg)
    assert calls <= 2 * pyeval.INDEX_BUDGET, calls  # two fields (year, id), each within the budget
    every = engine._by_type["annual_review"]
    for y in (0, 1, 999, 1500, 2024, 2999, 3000, 3100):
        for fact in ({"year": y}, {"year": y, "id": "x"}, {"year": y, "id": "z"}):
            assert engine.fire("annual_review", fact) == [rid for rid, holds in every if holds(fact)], fact
