"""quyche benchmark: load time, cold CLI, events/s of both engines, evaluate_many, memory, and context.

Run on one core of the machine, from the checkout:

    taskset -c 0 .venv/bin/python benchmarks/run.py            # full run (a few minutes)
    taskset -c 0 .venv/bin/python benchmarks/run.py --quick    # smaller counts, a smoke test

Everything is measured in this process except the cold CLI (fresh subprocesses). The event mix is
deterministic (``--seed``): every event type of ``quyche.events.FIELD_SPECS``, every field filled from
its type (enumerations uniformly, optional fields half of the time), 70 % dated (2020–2027, so a few
fall outside the period of validity), 20 % with ``as_of``-free ids.

Context rows, same facts, same process:

* ``durable raw``: durable-rules' C engine alone — ``assert_fact`` + action loop + ``retract_fact`` on
  the adapter's own rulesets, the JSON message prebuilt — i.e. the engine's own limit;
* ``durable match``: quyche's durable adapter ``fire()`` (message building, lock, de-dup, ordering);
* ``python match``: quyche's python engine ``fire()``;
* ``zen``: the lead/coordinating part of the same rules as one zen-engine (GoRules) decision table,
  hit policy ``collect``, checked against quyche's decisions before it is timed.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import quyche  # noqa: E402
from quyche.chapters.chuong_1 import OFFICE_OF, PARTIES, RECIPIENTS  # noqa: E402
from quyche.rules.compile import event_fact  # noqa: E402
from quyche.testing import event_mix  # noqa: E402

TARGETS = {
    "load_ms": 100.0,
    "cold_cli_s": 0.5,
    "events_per_s": 30_000.0,
    "many_per_s": 50_000.0,
    "rss_growth_mb": 10.0,
}


# --------------------------------------------------------------------------- the event mix


def make_events(n: int, seed: int = 20240601) -> list[dict[str, Any]]:
    """A deterministic, realistic mix of all event types (valid events only)."""
    return event_mix(n, seed)


# --------------------------------------------------------------------------- helpers


def rss_mb() -> float:
    """Resident set size of this process, from /proc/self/statm."""
    with open("/proc/self/statm") as fh:
        pages = int(fh.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    k = min(len(values) - 1, max(0, round(p / 100 * (len(values) - 1))))
    return values[k]


def rate(n: int, seconds: float) -> float:
    return n / seconds if seconds > 0 else float("inf")


def timed(fn: Callable[[], Any]) -> float:
    gc.collect()
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def machine() -> dict[str, str]:
    model = platform.processor() or "?"
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout
        for line in out.splitlines():
            if line.startswith("Model name:"):
                model = line.split(":", 1)[1].strip()
    except OSError:
        pass
    cpus = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else set()
    return {
        "cpu": model,
        "cores_total": str(os.cpu_count()),
        "cores_used": ",".join(map(str, sorted(cpus))),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


# --------------------------------------------------------------------------- measurements


def bench_load(repeat: int) -> dict[str, float]:
    times_py, times_dur = [], []
    for _ in range(repeat):
        t = time.perf_counter()
        quyche.load(engine="python")
        times_py.append(time.perf_counter() - t)
        t = time.perf_counter()
        reg = quyche.load(engine="durable")
        times_dur.append(time.perf_counter() - t)
        reg.close()
    return {
        "load_python_ms": statistics.median(times_py) * 1000,
        "load_durable_ms": statistics.median(times_dur) * 1000,
        "load_python_first_ms": times_py[0] * 1000,
    }


def bench_cold_cli(repeat: int) -> dict[str, float]:
    example = ROOT / "examples" / "annual_review_2024.yaml"
    script = Path(sys.executable).with_name("quyche")
    cmd = [str(script)] if script.exists() else [sys.executable, "-m", "quyche"]
    out: dict[str, float] = {}
    for label, extra in (("cold_cli_s", []), ("cold_cli_python_s", ["--engine", "python"])):
        walls = []
        for _ in range(repeat):
            t = time.perf_counter()
            subprocess.run([*cmd, "evaluate", str(example), *extra], check=True, capture_output=True)
            walls.append(time.perf_counter() - t)
        out[label] = statistics.median(walls)
    walls = []
    for _ in range(repeat):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True, capture_output=True)
        walls.append(time.perf_counter() - t)
    out["python_startup_s"] = statistics.median(walls)
    return out


def bench_evaluate(regs: dict[str, quyche.Regulation], events: list[dict[str, Any]], rounds: int) -> dict[str, Any]:
    """Per-event evaluate(), engines interleaved round by round; latency of every call."""
    res: dict[str, Any] = {}
    lat: dict[str, list[float]] = {name: [] for name in regs}
    rates: dict[str, list[float]] = {name: [] for name in regs}
    cpu_rates: dict[str, list[float]] = {name: [] for name in regs}
    clock = time.perf_counter_ns
    for _ in range(rounds):
        for name, reg in regs.items():
            ev = reg.evaluate
            samples = [0.0] * len(events)
            gc.collect()
            t0, c0 = time.perf_counter(), time.process_time()
            for i, e in enumerate(events):
                s = clock()
                ev(e)
                samples[i] = clock() - s
            rates[name].append(rate(len(events), time.perf_counter() - t0))
            cpu_rates[name].append(rate(len(events), time.process_time() - c0))
            lat[name].extend(samples)
    for name in regs:
        res[name] = {
            "events_per_s": statistics.median(rates[name]),
            "cpu_events_per_s": statistics.median(cpu_rates[name]),
            "p50_us": pct(lat[name], 50) / 1000,
            "p99_us": pct(lat[name], 99) / 1000,
        }
    return res


def bench_many(regs: dict[str, quyche.Regulation], events: list[dict[str, Any]], rounds: int) -> dict[str, float]:
    out: dict[str, float] = {}
    for name, reg in regs.items():
        runs: list[float] = []
        for _ in range(rounds):
            runs.append(rate(len(events), timed(lambda r=reg: sum(1 for _ in r.evaluate_many(events)))))
        out[name] = statistics.median(runs)
    return out


def facts_of(events: list[dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    out = []
    for e in events:
        parsed = quyche.parse_event(e)
        fields = {k: getattr(parsed, k) for k in type(parsed).model_fields}
        out.append((e["type"], event_fact(fields, parsed.date)))
    return out


def bench_match(
    regs: dict[str, quyche.Regulation], facts: list[tuple[str, dict[str, Any]]], rounds: int
) -> dict[str, float]:
    """The engines' fire() alone, on prebuilt facts (no validation, no decision)."""
    out: dict[str, float] = {}
    for name, reg in regs.items():
        fire = reg._engine.fire
        out[name] = statistics.median(
            rate(len(facts), timed(lambda f=fire: [f(t, fact) for t, fact in facts])) for _ in range(rounds)
        )
    return out


def bench_durable_raw(reg: quyche.Regulation, facts: list[tuple[str, dict[str, Any]]], rounds: int) -> float:
    """durable-rules' C engine alone: assert_fact, drain the actions, retract_fact; JSON prebuilt."""
    import durable_rules_engine as dre

    engine = reg._engine
    handles = {t: sets[0].handle for t, sets in engine._sets.items() if len(sets) == 1}
    msgs = []
    for i, (t, fact) in enumerate(facts):
        if t in handles:
            m = dict(fact)
            m["__ev"] = i + 1
            msgs.append((handles[t], json.dumps(m)))

    def run() -> None:
        start, complete = dre.start_action_for_state, dre.complete_and_start_action
        for h, msg in msgs:
            code, state = dre.assert_fact(h, msg)
            if code == 0:
                a = start(h, state)
                while a:
                    a = complete(h, state)
                dre.retract_fact(h, msg)

    return statistics.median(rate(len(facts), timed(run)) for _ in range(rounds))


# --------------------------------------------------------------------------- zen-engine


def _zen_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return json.dumps(v)
    return repr(v)


def zen_expr(node: dict[str, Any] | None) -> str:
    """A normalised condition as a ZEN expression with quyche's semantics (absent field: comparisons false)."""
    if node is None:
        return "true"
    if "all" in node:
        return " and ".join(f"({zen_expr(n)})" for n in node["all"])
    if "any" in node:
        return " or ".join(f"({zen_expr(n)})" for n in node["any"])
    f, op = node["field"], node["op"]
    ref = f
    if op == "exists":
        return f"{ref} != null"
    if op == "not_exists":
        return f"{ref} == null"
    sym = {"eq": "==", "ne": "!=", "lt": "<", "le": "<=", "gt": ">", "ge": ">="}[op]
    return f"{ref} != null and {ref} {sym} {_zen_value(node['value'])}"


def zen_body(expr: str) -> str:
    """A body expression as a ZEN expression giving a list of bodies (``lead`` is left to the caller)."""
    if expr == "all_parties":
        return json.dumps(list(PARTIES))
    if expr.startswith("event."):
        f = expr[len("event.") :]
        return f"{f} != null and {f} in {json.dumps(list(RECIPIENTS))} ? [{f}] : []"
    if expr.startswith("office_of("):
        inner = expr[len("office_of(") : -1]
        lookup = "null"
        for k, v in reversed(OFFICE_OF.items()):
            lookup = f"(# == {json.dumps(k)} ? {json.dumps(v)} : {lookup})"
        return f"map(filter({zen_body(inner)}, # in {json.dumps(list(OFFICE_OF))}), {lookup})"
    return json.dumps([expr])


def build_zen(reg: quyche.Regulation) -> Any:
    import zen

    rows = []
    for r in reg.compiled.rules:
        rule = r.rule
        if rule.lead is None and not rule.coordinating:
            continue
        types = " or ".join(f"type == {json.dumps(t)}" for t in r.event_types)
        cond = f"({types}) and ({zen_expr(r.when)})"
        lead = zen_body(rule.lead) if rule.lead else "[]"
        coord = [e for e in rule.coordinating if e != "lead"]
        coord_expr = f"flatten([{', '.join(zen_body(e) for e in coord)}])" if coord else "[]"
        rows.append(
            {
                "_id": r.id,
                "c": cond,
                "r": json.dumps(r.id),
                "l": lead,
                "k": coord_expr,
                "x": "true" if "lead" in rule.coordinating else "false",
            }
        )
    jdm = {
        "nodes": [
            {"id": "in", "type": "inputNode", "name": "Request", "position": {"x": 0, "y": 0}},
            {
                "id": "table",
                "type": "decisionTableNode",
                "name": "lead_coordinating",
                "position": {"x": 200, "y": 0},
                "content": {
                    "hitPolicy": "collect",
                    "inputs": [{"id": "c", "name": "condition", "field": ""}],
                    "outputs": [
                        {"id": "r", "name": "rule", "field": "rule"},
                        {"id": "l", "name": "lead", "field": "lead"},
                        {"id": "k", "name": "coordinating", "field": "coordinating"},
                        {"id": "x", "name": "coordinating_lead", "field": "with_lead"},
                    ],
                    "rules": rows,
                },
            },
            {"id": "out", "type": "outputNode", "name": "Response", "position": {"x": 400, "y": 0}},
        ],
        "edges": [
            {"id": "e1", "sourceId": "in", "targetId": "table", "type": "edge"},
            {"id": "e2", "sourceId": "table", "targetId": "out", "type": "edge"},
        ],
    }
    return zen.ZenEngine().create_decision(json.dumps(jdm))


def zen_lead_coordinating(result: list[dict[str, Any]]) -> tuple[str | None, list[str]]:
    lead: str | None = None
    for row in result:
        if row.get("lead"):
            lead = row["lead"][0]
            break
    coordinating: set[str] = set()
    for row in result:
        coordinating.update(row.get("coordinating") or [])
        if row.get("with_lead") and lead:
            coordinating.add(lead)
    coordinating.discard(lead)  # type: ignore[arg-type]
    return lead, sorted(coordinating)


def bench_zen(reg: quyche.Regulation, events: list[dict[str, Any]], rounds: int) -> dict[str, Any]:
    try:
        decision = build_zen(reg)
    except ImportError as exc:
        return {"error": f"zen-engine not installed ({exc}); pip install -e '.[bench]'"}
    inputs = []
    for (_, fact), e in zip(facts_of(events), events, strict=True):
        inp = dict(fact)
        inp["type"] = e["type"]
        inputs.append(inp)
    mismatches = 0
    for inp, e in zip(inputs, events, strict=True):
        d = reg.evaluate(e)
        got = zen_lead_coordinating(decision.evaluate(inp)["result"])
        if got != (d.lead, d.coordinating):
            mismatches += 1
    runs = [rate(len(inputs), timed(lambda: [decision.evaluate(i) for i in inputs])) for _ in range(rounds)]
    return {"events_per_s": statistics.median(runs), "mismatches": mismatches, "checked": len(inputs)}


def bench_memory(reg: quyche.Regulation, events: list[dict[str, Any]], total: int) -> dict[str, float]:
    n = len(events)
    for e in events:  # warm-up: every lazily built table exists before the first reading
        reg.evaluate(e)
    gc.collect()
    start = rss_mb()
    peak = start
    done = 0
    t = time.perf_counter()
    while done < total:
        for e in events[: min(n, total - done)]:
            reg.evaluate(e)
        done += min(n, total - done)
        peak = max(peak, rss_mb())
    seconds = time.perf_counter() - t
    gc.collect()
    end = rss_mb()
    return {
        "evaluations": total,
        "rss_start_mb": start,
        "rss_end_mb": end,
        "rss_peak_mb": peak,
        "growth_mb": end - start,
        "events_per_s": rate(total, seconds),
    }


# --------------------------------------------------------------------------- report


def report(r: dict[str, Any]) -> str:
    ok = lambda good: "met" if good else "NOT met"  # noqa: E731
    e = r["evaluate"]
    lines = [
        f"quyche benchmark — {r['machine']['cpu']}, CPython {r['machine']['python']}, "
        f"cores used {r['machine']['cores_used']} of {r['machine']['cores_total']}; "
        f"{r['rules']} rules, {r['events']} events of {r['event_types']} types ({r['dated']} % dated)",
        "",
        f"load() python engine      {r['load']['load_python_ms']:8.1f} ms (median; first call "
        f"{r['load']['load_python_first_ms']:.1f} ms)   target ≤ 100 ms: {ok(r['load']['load_python_ms'] <= 100)}",
        f"load() durable engine     {r['load']['load_durable_ms']:8.1f} ms (median)",
    ]
    if "cold_cli" in r:
        c = r["cold_cli"]
        lines.append(
            f"cold `quyche evaluate`    {c['cold_cli_s']:8.3f} s  (python engine {c['cold_cli_python_s']:.3f} s; "
            f"bare interpreter {c['python_startup_s']:.3f} s)   target ≤ 0.5 s: {ok(c['cold_cli_s'] <= 0.5)}"
        )
    lines += ["", "end to end, evaluate() per event (validate, match, decision with trace):"]
    for name in ("durable", "python"):
        if name in e:
            x = e[name]
            lines.append(
                f"  {name:8s} {x['events_per_s']:10,.0f} events/s ({x['cpu_events_per_s']:,.0f}/s of CPU time)   "
                f"p50 {x['p50_us']:6.1f} µs   "
                f"p99 {x['p99_us']:6.1f} µs   target ≥ 30,000/s: {ok(x['events_per_s'] >= 30_000)}"
            )
    if "durable" in e and "python" in e:
        lines.append(f"  ratio durable/python: ×{e['durable']['events_per_s'] / e['python']['events_per_s']:.2f}")
    lines += ["", "evaluate_many(events):"]
    for name, v in r["many"].items():
        lines.append(f"  {name:8s} {v:10,.0f} events/s   target ≥ 50,000/s: {ok(v >= 50_000)}")
    lines += ["", "context (same facts, no validation, no decision):"]
    m = r["match"]
    if "durable_raw" in r:
        lines.append(f"  durable-rules C engine alone (assert+actions+retract) {r['durable_raw']:10,.0f} facts/s")
    for name, v in m.items():
        lines.append(f"  quyche {name} engine fire()                       {v:10,.0f} facts/s")
    z = r.get("zen", {})
    if "events_per_s" in z:
        lines.append(
            f"  zen-engine decision table (lead/coordinating only)   {z['events_per_s']:10,.0f} events/s "
            f"({z['mismatches']} mismatches with quyche in {z['checked']} events)"
        )
    elif z:
        lines.append(f"  zen-engine: {z['error']}")
    if "memory" in r:
        mem = r["memory"]
        lines += [
            "",
            f"memory: {mem['evaluations']:,} evaluations ({r['memory_engine']} engine): RSS "
            f"{mem['rss_start_mb']:.1f} → {mem['rss_end_mb']:.1f} MB (peak {mem['rss_peak_mb']:.1f}), growth "
            f"{mem['growth_mb']:+.1f} MB   target ≤ 10 MB: {ok(mem['growth_mb'] <= 10)}",
        ]
    return "\n".join(lines)


def main(argv: Iterable[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="small counts (smoke test)")
    ap.add_argument("--events", type=int, default=None, help="events per round (default 20,000; quick 2,000)")
    ap.add_argument("--rounds", type=int, default=None, help="rounds per measurement (default 5; quick 2)")
    ap.add_argument("--memory", type=int, default=None, help="evaluations for the memory test (default 1,000,000)")
    ap.add_argument("--seed", type=int, default=20240601)
    ap.add_argument("--no-cli", action="store_true", help="skip the cold-process measurement")
    ap.add_argument("--json", type=Path, default=None, help="also write the figures as JSON here")
    args = ap.parse_args(list(argv) if argv is not None else None)
    n = args.events or (2_000 if args.quick else 20_000)
    rounds = args.rounds or (2 if args.quick else 5)
    mem_total = args.memory if args.memory is not None else (20_000 if args.quick else 1_000_000)

    r: dict[str, Any] = {"machine": machine()}
    r["load"] = bench_load(3 if args.quick else 7)
    if not args.no_cli:
        r["cold_cli"] = bench_cold_cli(3 if args.quick else 7)
    regs = {"durable": quyche.load(engine="durable"), "python": quyche.load(engine="python")}
    events = make_events(n, args.seed)
    r["rules"] = len(regs["python"].compiled.rules)
    r["events"] = n
    r["event_types"] = len({e["type"] for e in events})
    r["dated"] = round(100 * sum("date" in e for e in events) / n)
    # the engines must agree before anything is timed
    for e in events:
        a, b = regs["durable"].evaluate(e), regs["python"].evaluate(e)
        if a.model_dump(mode="json") != b.model_dump(mode="json"):
            raise SystemExit(f"engines disagree on {e}")
    r["evaluate"] = bench_evaluate(regs, events, rounds)
    r["many"] = bench_many(regs, events, rounds)
    facts = facts_of(events)
    r["match"] = bench_match(regs, facts, rounds)
    if hasattr(regs["durable"]._engine, "_sets"):
        r["durable_raw"] = bench_durable_raw(regs["durable"], facts, rounds)
    r["zen"] = bench_zen(regs["python"], events[: min(n, 5_000)], rounds)
    if mem_total:
        r["memory_engine"] = "durable"
        r["memory"] = bench_memory(regs["durable"], events, mem_total)
    text = report(r)
    print(text)
    if args.json:
        args.json.write_text(json.dumps(r, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
