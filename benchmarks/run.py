"""quyche benchmark (issue 15): every figure beside its target, in one run.

    taskset -c 0 .venv/bin/python benchmarks/run.py            # the full run (about 6 minutes here)
    .venv/bin/python benchmarks/run.py --quick                 # smaller counts: a smoke test

Each figure is the median of several rounds, and is also given as a ratio to a **plain-Python reference loop**
measured in the same run, round by round: looking up the finished decision of each event in a dict, by a key made
of its type and field values — the least work a call could possibly do, the limit on this machine. On a machine
shared with other work the absolute figures move between runs; the ratios move much less.

What is measured (the event mix of ``quyche.testing.event_mix``: every event type, every field filled from its
type, 70 % dated 2020–2027):

* ``evaluate`` returning a Decision, on both engines, three ways: **warm** (the same events every round, after a
  pass that filled the memos), **new events** (each round events this process has not seen, the memo of fired
  units on) and **uncached** (new events, ``Regulation(..., memo=0)``: every event goes to the engine);
* ``quyche evaluate --batch``: JSON lines in, JSON lines out — in this process (warm and new events), and as the
  command on a file (one process, then ``--workers 2``);
* cold start: ``import quyche``, ``quyche evaluate FILE`` (cache warm, and with an empty cache);
* ``quyche.load()``: warm (the on-disk cache present) and cold (an empty cache: read, check, compile, write);
* the first working-day deadline of a process against the next ones;
* scale: generated rule sets ×2, ×4, ×8 (``benchmarks/generate_rules.py``), per-event cost against ×1;
* where the time goes: each stage of ``evaluate`` on its own, per event.

The engines must agree on every event before anything is timed (the script stops otherwise). Times are
process CPU time for in-process figures, wall time for subprocesses.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import io
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import quyche  # noqa: E402
from quyche import batch  # noqa: E402
from quyche.events import parse_event, parse_events  # noqa: E402
from quyche.regulation import Regulation  # noqa: E402
from quyche.rules.runtime import event_fact  # noqa: E402
from quyche.testing import event_mix  # noqa: E402

ENGINES = ("durable", "python")
TARGETS = {
    "evaluate_per_s": 50_000.0,  # ≥, per engine, returning a Decision
    "durable_over_python": 0.9,  # ≥, same run
    "batch_per_s": 40_000.0,  # ≥, JSON lines in and out
    "workers_speedup": 1.8,  # ≥, --workers 2 against one
    "cold_cli_s": 0.3,  # ≤
    "import_s": 0.15,  # ≤
    "load_warm_ms": 50.0,  # ≤
    "load_cold_ms": 150.0,  # ≤
    "scale_ratio": 1.25,  # ≤ per-event cost of ×8 against ×1 ("flat")
    "first_deadline_ratio": 2.0,  # ≤ the first working-day deadline against the median of the next ones
}


def make_events(n: int, seed: int = 20240601) -> list[dict[str, Any]]:
    """A deterministic mix of all event types (valid events only)."""
    return event_mix(n, seed)


# --------------------------------------------------------------------------- helpers


def cpu(fn: Callable[[], Any]) -> float:
    """CPU seconds of one call (after a collection, so garbage of earlier work is not charged here)."""
    gc.collect()
    t = time.process_time()
    fn()
    return time.process_time() - t


def wall(
    cmd: list[str], env: dict[str, str] | None = None, stdin: bytes | None = None, stdout: Path | None = None
) -> float:
    """Wall seconds of a command; its output captured, or written to the file ``stdout``."""
    with open(stdout, "wb") if stdout is not None else contextlib.nullcontext() as out:
        t = time.perf_counter()
        if out is None:
            subprocess.run(cmd, check=False, capture_output=True, env=env, input=stdin)
        else:
            subprocess.run(cmd, check=False, stdout=out, stderr=subprocess.DEVNULL, env=env, input=stdin)
        return time.perf_counter() - t


def med(values: Iterable[float]) -> float:
    return statistics.median(list(values))


def key_of(event: dict[str, Any]) -> tuple[str, ...]:
    return (event["type"], *[str(v) for v in event.values()])


class Reference:
    """The plain-Python reference loop: the finished decision of each event looked up in a dict."""

    def __init__(self, reg: Regulation, events: list[dict[str, Any]]) -> None:
        self.events = events
        self.finished = {key_of(e): reg.evaluate(e) for e in events}
        self.rates: list[float] = []

    def round(self) -> float:
        finished, events = self.finished, self.events

        def run() -> None:
            for e in events:
                finished[key_of(e)]

        rate = len(events) / cpu(run)
        self.rates.append(rate)
        return rate

    @property
    def rate(self) -> float:
        return med(self.rates)


def rated(n: int, seconds: list[float], ref: list[float]) -> dict[str, Any]:
    """Median events/s of the rounds, and the median of each round's rate over the reference's in that round."""
    rates = [n / s for s in seconds]
    return {"per_s": med(rates), "ratio": med(r / x for r, x in zip(rates, ref, strict=True)), "rounds": rates}


# --------------------------------------------------------------------------- evaluate


def bench_evaluate(base: Regulation, ref: Reference, n: int, rounds: int, seed: int) -> dict[str, Any]:
    regs = {e: quyche.load(engine=e) for e in ENGINES}  # type: ignore[arg-type]
    plain = {e: Regulation(base._run, e, memo=0) for e in ENGINES}  # type: ignore[arg-type]
    warm_events = ref.events
    for reg in regs.values():
        for e in warm_events:
            reg.evaluate(e)
    out: dict[str, Any] = {}
    times: dict[str, list[float]] = {}
    refs: list[float] = []
    for r in range(rounds):
        refs.append(ref.round())
        for j, name in enumerate(ENGINES):
            # each engine its own new events: the two Regulations share the compiled rules and their assembly
            # memos (one per rule set), so events the other engine has just decided would not be new to them
            fresh = make_events(n, seed + 1000 + 10 * r + j)
            fresh_plain = make_events(n, seed + 2000 + 10 * r + j)
            ev, pv = regs[name].evaluate, plain[name].evaluate
            times.setdefault(f"{name} warm", []).append(cpu(lambda ev=ev: _each(ev, warm_events)))
            times.setdefault(f"{name} new events", []).append(cpu(lambda ev=ev, f=fresh: _each(ev, f)))
            times.setdefault(f"{name} uncached", []).append(cpu(lambda pv=pv, f=fresh_plain: _each(pv, f)))
    for label, secs in times.items():
        out[label] = rated(n, secs, refs)
    for reg in (*regs.values(), *plain.values()):
        reg.close()
    return out


def _each(fn: Callable[[Any], Any], events: list[Any]) -> None:
    for e in events:
        fn(e)


def _star(fn: Callable[..., Any], args: Iterable[tuple[Any, ...]]) -> None:
    """``fn(*a)`` for each ``a``, the results dropped (holding them would make the collector's work count)."""
    for a in args:
        fn(*a)


# --------------------------------------------------------------------------- batch (JSON lines)


def _lines(events: list[dict[str, Any]]) -> list[bytes]:
    return [json.dumps(e, ensure_ascii=False).encode() + b"\n" for e in events]


def bench_batch(ref: Reference, n: int, rounds: int, seed: int) -> dict[str, Any]:
    regs = {e: quyche.load(engine=e) for e in ENGINES}  # type: ignore[arg-type]
    warm = _lines(ref.events)
    for reg in regs.values():
        _pipe(reg, warm)
    times: dict[str, list[float]] = {}
    refs: list[float] = []
    for r in range(rounds):
        refs.append(ref.round())
        for j, (name, reg) in enumerate(regs.items()):
            fresh = _lines(make_events(n, seed + 3000 + 10 * r + j))  # each engine its own (see bench_evaluate)
            times.setdefault(f"{name} warm", []).append(cpu(lambda reg=reg: _pipe(reg, warm)))
            times.setdefault(f"{name} new events", []).append(cpu(lambda reg=reg, f=fresh: _pipe(reg, f)))
    for reg in regs.values():
        reg.close()
    return {label: rated(n, secs, refs) for label, secs in times.items()}


def _pipe(reg: Regulation, lines: list[bytes]) -> None:
    """What ``quyche evaluate --batch`` does with the lines of a file: JSON in, JSON lines out (to a buffer)."""
    sink = io.BytesIO()
    for line, _ in batch.evaluate_lines(reg, iter(enumerate(lines, 1)), None):
        sink.write(line)
        sink.write(b"\n")


def bench_batch_cli(
    n: int, rounds: int, seed: int, env: dict[str, str], sizes: tuple[int, ...] | None = None
) -> dict[str, Any]:
    """``quyche evaluate --batch FILE``, one process and ``--workers 2``, on ``n`` lines of new events (and on each
    of ``sizes``): the output to /dev/null (what the command itself costs: the same write calls, no disk) and, for
    ``n`` lines, to a file in a temporary folder (a disk's page cache and write-back included, which on these
    machines moves a run by up to a second). The two outputs must be the same bytes.
    """
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    out: dict[str, Any] = {"lines": n, "cpus": cpus}
    with tempfile.TemporaryDirectory() as tmp:
        for size in sorted({n, *(sizes or ())}):
            path = Path(tmp) / f"events{size}.jsonl"
            path.write_bytes(b"".join(_lines(make_events(size, seed + 4000))))
            cmd = [sys.executable, "-m", "quyche", "evaluate", "--batch", str(path)]
            subprocess.run([*cmd, "--workers", "2"], check=False, capture_output=True, env=env)  # the cache is warm
            sinks = {"devnull": Path(os.devnull)} if size != n else {"devnull": Path(os.devnull), "file": None}
            for sink, target in sinks.items():
                one_out = target or Path(tmp) / "one.jsonl"
                two_out = target or Path(tmp) / "two.jsonl"
                one, two = [], []
                for _ in range(rounds):
                    one.append(wall(cmd, env, stdout=one_out))
                    two.append(wall([*cmd, "--workers", "2"], env, stdout=two_out))
                if target is None and one_out.read_bytes() != two_out.read_bytes():
                    raise SystemExit("--workers 2 wrote other output than one process")
                out[f"{size} {sink}"] = {
                    "lines": size,
                    "one_per_s": size / med(one),
                    "two_per_s": size / med(two),
                    "speedup": med(a / b for a, b in zip(one, two, strict=True)),
                }
    return out


def bench_audit_cli(n: int, rounds: int, seed: int) -> dict[str, Any]:
    """``quyche audit FILE -o /dev/null``, one worker and ``--workers 2``, on ``n`` cases (``benchmarks/audit.py``'s
    archive: its distinct cases repeated with their own ids): the median of the rounds' ratios. The full audit
    benchmark (the output compared, CPU time, memory over 1,000,000 cases) is ``benchmarks/audit.py``.
    """
    import audit

    bodies = audit.distinct_cases(min(n, 20_000), seed)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "archive.jsonl"
        with path.open("wb") as fh:
            fh.writelines(audit.archive_lines(bodies, n))
        audit.throughput(path, 2, n, Path(os.devnull))  # the cache and the page cache warm
        one, two = [], []
        for _ in range(rounds):
            one.append(audit.throughput(path, 1, n, Path(os.devnull))[1])
            two.append(audit.throughput(path, 2, n, Path(os.devnull))[1])
    return {
        "cases": n,
        "one_per_s": n / med(one),
        "two_per_s": n / med(two),
        "speedup": med(a / b for a, b in zip(one, two, strict=True)),
    }


# --------------------------------------------------------------------------- cold start, load, first deadline


def bench_cold(rounds: int, env: dict[str, str], empty_env: dict[str, str], empty: Path) -> dict[str, float]:
    example = str(ROOT / "examples" / "annual_review_2024.yaml")
    script = Path(sys.executable).with_name("quyche")
    cli = [str(script)] if script.exists() else [sys.executable, "-m", "quyche"]
    subprocess.run([*cli, "evaluate", example], check=True, capture_output=True, env=env)  # cache written
    bare = [wall([sys.executable, "-c", "pass"], env) for _ in range(rounds)]
    imp = [wall([sys.executable, "-c", "import quyche"], env) for _ in range(rounds)]
    imp_load = [wall([sys.executable, "-c", "import quyche; quyche.load()"], env) for _ in range(rounds)]
    warm = [wall([*cli, "evaluate", example], env) for _ in range(rounds)]
    warm_python = [wall([*cli, "evaluate", example, "--engine", "python"], env) for _ in range(rounds)]
    cold = []
    for _ in range(rounds):
        for f in empty.glob("*"):
            f.unlink()
        cold.append(wall([*cli, "evaluate", example], empty_env))
    return {
        "bare_s": med(bare),
        "import_s": med(imp),
        "import_load_s": med(imp_load),
        "cli_s": med(warm),
        "cli_python_s": med(warm_python),
        "cli_empty_cache_s": med(cold),
    }


def bench_load(rounds: int, empty: Path) -> dict[str, float]:
    """Load times: warm (the cache file present) and cold (an empty cache folder), each as the first load of its
    rules in the process (the table of compiled rules that live Regulations share is emptied before it), and
    shared (another Regulation of the same rules is alive: nothing is read).
    """
    from quyche import regulation

    out: dict[str, float] = {}
    for engine in ENGINES:
        quyche.load(engine=engine).close()  # type: ignore[arg-type]
        warm, cold, shared = [], [], []
        for _ in range(rounds):
            alive = quyche.load(engine=engine)  # type: ignore[arg-type]
            t = time.perf_counter()
            quyche.load(engine=engine).close()  # type: ignore[arg-type]
            shared.append(time.perf_counter() - t)
            alive.close()
            regulation._SHARED.clear()
            t = time.perf_counter()
            quyche.load(engine=engine).close()  # type: ignore[arg-type]
            warm.append(time.perf_counter() - t)
            regulation._SHARED.clear()
            saved = os.environ.get("QUYCHE_CACHE_DIR")
            os.environ["QUYCHE_CACHE_DIR"] = str(empty)
            for f in empty.glob("*"):
                f.unlink()
            t = time.perf_counter()
            quyche.load(engine=engine).close()  # type: ignore[arg-type]
            cold.append(time.perf_counter() - t)
            if saved is None:
                del os.environ["QUYCHE_CACHE_DIR"]
            else:
                os.environ["QUYCHE_CACHE_DIR"] = saved
        out[f"{engine}_warm_ms"] = med(warm) * 1000
        out[f"{engine}_cold_ms"] = med(cold) * 1000
        out[f"{engine}_shared_ms"] = med(shared) * 1000
    return out


FIRST_DEADLINE = r"""
import gc, json, statistics, sys, time
import quyche
reg = quyche.load()
def petition(day):
    return {"type": "petition_received", "received_by": "btt_ubmttq", "kind": "complaint",
            "competent_body": "ubnd", "date": day}
# the same decisions in another year, on 16 days: every path but that year's calendar has run, often enough for
# the interpreter to have specialised it (CPython 3.11 quickens a code path after a few runs)
for day in [f"2022-{m:02d}-{d:02d}" for m in (3, 4, 5, 6) for d in (7, 14, 21, 28)]:
    reg.evaluate(petition(day))
gc.disable()  # one collection falling on one timed call would be timed as that call's
ratios, firsts, nexts = [], [], []
for year in (2023, 2024, 2025, 2026):  # in each year: its first working-day deadline, then six more
    times = []
    for day in [f"{year}-{m:02d}-{d:02d}" for m in (3, 5, 7, 9) for d in (4, 18)][:7]:
        t = time.perf_counter()
        d = reg.evaluate(petition(day))
        times.append(time.perf_counter() - t)
        assert any(r.deadline and r.deadline.unit == "working_days" and r.deadline.due for r in d.responsibilities)
    firsts.append(times[0])
    nexts.append(statistics.median(times[1:]))
    ratios.append(times[0] / nexts[-1])
print(json.dumps({"first": statistics.median(firsts), "next": statistics.median(nexts),
                  "ratio": statistics.median(ratios), "worst": max(ratios),
                  "holidays_imported": "holidays" in sys.modules}))
"""


def bench_first_deadline(env: dict[str, str]) -> dict[str, Any]:
    """The first working-day deadline of a year against the next ones of that year, in fresh processes (four years
    each; the median of the years' ratios, and the worst), and whether ``holidays`` was imported.
    """
    runs = []
    for _ in range(5):
        done = subprocess.run([sys.executable, "-c", FIRST_DEADLINE], capture_output=True, text=True, env=env)
        runs.append(json.loads(done.stdout))
    return {
        "first_us": med(r["first"] for r in runs) * 1e6,
        "next_us": med(r["next"] for r in runs) * 1e6,
        "ratio": med(r["ratio"] for r in runs),
        "worst": max(r["worst"] for r in runs),
        "holidays_imported": any(r["holidays_imported"] for r in runs),
    }


# --------------------------------------------------------------------------- scale


def bench_scale(n: int, rounds: int, seed: int, ks: tuple[int, ...] = (1, 2, 4, 8)) -> dict[str, Any]:
    """µs per event on each generated rule set, the sets interleaved round by round (they share the machine's
    noise), and each set's cost over ×1's as the median of the rounds' ratios.
    """
    from generate_rules import generate

    warm_events = make_events(n, seed)
    fresh = [make_events(n, seed + 5000 + r) for r in range(rounds)]
    regs: dict[tuple[str, str, str], Regulation] = {}
    units: dict[str, int] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for k in ks:
            folder = ROOT / "rules" if k == 1 else generate(k, Path(tmp) / f"x{k}")
            base = quyche.load(folder, engine="python", cache="off")
            units[f"x{k}"] = len(base._run.units)
            for engine in ENGINES:
                regs[(f"x{k}", engine, "warm")] = memo = Regulation(base._run, engine)  # type: ignore[arg-type]
                regs[(f"x{k}", engine, "uncached")] = Regulation(base._run, engine, memo=0)  # type: ignore[arg-type]
                _each(memo.evaluate, warm_events)
    costs: dict[tuple[str, str, str], list[float]] = {key: [] for key in regs}
    for r in range(rounds):
        for key, reg in regs.items():
            events = warm_events if key[2] == "warm" else fresh[r]
            costs[key].append(cpu(lambda reg=reg, events=events: _each(reg.evaluate, events)) / n)
    out: dict[str, Any] = {f"x{k}": {"units": units[f"x{k}"]} for k in ks}
    for (size, engine, mode), values in costs.items():
        first = costs[(f"x{ks[0]}", engine, mode)]
        out[size][f"{engine} {mode}"] = med(values)
        out[size][f"{engine} {mode} ratio"] = med(v / f for v, f in zip(values, first, strict=True))
    for reg in regs.values():
        reg.close()
    return out


# --------------------------------------------------------------------------- where the time goes


def bench_stages(n: int, rounds: int, seed: int) -> dict[str, float]:
    """Per event, each stage of evaluate on its own (µs): the memos warm, except for the engines alone."""
    events = make_events(n, seed + 6000)
    regs = {e: quyche.load(engine=e) for e in ENGINES}  # type: ignore[arg-type]
    for reg in regs.values():
        _each(reg.evaluate, events)
    parsed = [parse_event(e) for e in events]
    facts = [event_fact(p.__dict__, p.date) for p in parsed]
    out: dict[str, float] = {}

    def stage(label: str, fn: Callable[[], Any]) -> None:
        out[label] = med(cpu(fn) for _ in range(rounds)) / n * 1e6

    stage("validate (parse_event)", lambda: _each(parse_event, events))
    stage(
        "validate, in batches of 256 (parse_events)",
        lambda: _star(parse_events, [(events[i : i + 256],) for i in range(0, n, 256)]),
    )
    stage("fact", lambda: _star(event_fact, [(p.__dict__, p.date) for p in parsed]))
    for name, reg in regs.items():
        engine = reg._runtime.engine
        rt = reg._runtime
        units = [rt.fire(p.type, f) for p, f in zip(parsed, facts, strict=True)]
        typed = [(p.type, f) for p, f in zip(parsed, facts, strict=True)]
        stage(f"match: {name} engine alone", lambda e=engine, t=typed: _star(e.fire, t))
        stage(f"match: {name} through the memo", lambda rt=rt, t=typed: _star(rt.fire, t))
        asm = reg._assembler
        args = [(p, x, f, p.date) for p, x, f in zip(parsed, units, facts, strict=True)]
        stage(f"assemble: Decision ({name})", lambda a=asm, x=args: _star(a.decide, x))
        stage(f"assemble: JSON bytes ({name})", lambda a=asm, x=args: _star(a.decide_json, x))
        stage(f"evaluate, end to end ({name})", lambda r=reg: _each(r.evaluate, events))
    decisions = [regs["python"].evaluate(e) for e in events]
    stage(
        "Decision.model_dump_json() (for comparison)",
        lambda: _star(quyche.Decision.model_dump_json, [(d,) for d in decisions]),
    )
    lines = _lines(events)
    stage("JSON line in (batch.parse_line)", lambda: _each(batch.parse_line, lines))
    for reg in regs.values():
        reg.close()
    return out


def bench_new_stages(n: int, rounds: int, seed: int) -> dict[str, dict[str, float]]:
    """Per event, on events this process has not seen (the memos on, as in "new events"), what each stage of
    ``evaluate`` costs inside the call: the steps of ``Regulation.evaluate`` and ``Assembler.decide``, called one by
    one and timed around each (``perf_counter_ns``; the timer's own cost, about 0.1 µs a stage, is included),
    summed over ``rounds`` rounds of ``n`` events, per engine.
    """
    from time import perf_counter_ns as clock

    out: dict[str, dict[str, float]] = {}
    for j, name in enumerate(ENGINES):
        reg = quyche.load(engine=name)  # type: ignore[arg-type]
        _each(reg.evaluate, make_events(n, seed + 7000 + j))  # the memos as after a first stream
        rt, asm = reg._runtime, reg._assembler
        acc = dict.fromkeys(("validate", "fact", "match", "skeleton", "duties and due dates", "trace", "Decision"), 0)
        for r in range(rounds):
            for event in make_events(n, seed + 7100 + 10 * r + j):
                t0 = clock()
                p = parse_event(event)
                reference = p.date
                t1 = clock()
                fact = rt.fact(p.type, p.__dict__, reference)
                t2 = clock()
                units = rt.fire(p.type, fact)
                t3 = clock()
                fields = p.__dict__
                sk = asm._skeleton_of(fields, units)
                t4 = clock()
                duties, warnings = asm._responsibilities(sk, fields, reference)
                t5 = clock()
                trace = asm._trace(sk, fact)
                t6 = clock()
                asm._decision(sk, fields, reference, duties, warnings, trace)
                t7 = clock()
                stamps = (t0, t1, t2, t3, t4, t5, t6, t7)
                for k, key in enumerate(acc):
                    acc[key] += stamps[k + 1] - stamps[k]
        out[name] = {k: v / (rounds * n) / 1000 for k, v in acc.items()}
        reg.close()
    return out


# --------------------------------------------------------------------------- report


def _ok(good: bool) -> str:
    return "met" if good else "NOT met"


def _speedup(head: str, x: dict[str, Any], unit: str) -> str:
    """One line of a one-process / ``--workers 2`` comparison."""
    met = _ok(x["speedup"] >= TARGETS["workers_speedup"])
    return (
        f"{head} {x['one_per_s']:,.0f} {unit}/s; --workers 2 {x['two_per_s']:,.0f} {unit}/s: "
        f"×{x['speedup']:.2f} (≥ 1.8: {met})"
    )


def report(r: dict[str, Any]) -> str:
    m = r["machine"]
    ref = r["reference_per_s"]
    lines = [
        f"quyche benchmark — {m['cpu']}, {m['cores_total']} cores (this process on {m['cores_used']}), "
        f"CPython {m['python']}, load average {m['load_before']} → {m['load_after']}",
        f"{r['units']} rules (units); {r['events']:,} events per round, {r['rounds']} rounds, medians",
        f"reference loop (a dict lookup of a finished decision): {ref:,.0f} events/s = 1.0",
        "",
        "evaluate() → Decision                      events/s   × reference   target",
    ]
    e = r["evaluate"]
    for mode in ("warm", "new events", "uncached"):
        for name in ENGINES:
            x = e[f"{name} {mode}"]
            lines.append(
                f"  {name:8s} {mode:12s}               {x['per_s']:10,.0f}   {x['ratio']:9.4f}   "
                f"≥ 50,000: {_ok(x['per_s'] >= TARGETS['evaluate_per_s'])}"
            )
        pairs = zip(e[f"durable {mode}"]["rounds"], e[f"python {mode}"]["rounds"], strict=True)
        ratio = med(d / p for d, p in pairs)  # the rounds' ratios: each round ran both engines
        lines.append(
            f"  durable / python ({mode}): ×{ratio:.2f}   ≥ 0.9: {_ok(ratio >= TARGETS['durable_over_python'])}"
        )
    b = r["batch"]
    lines += ["", "evaluate --batch, JSON lines in and out (in process)   events/s   × reference   target"]
    for mode in ("warm", "new events"):
        for name in ENGINES:
            x = b[f"{name} {mode}"]
            lines.append(
                f"  {name:8s} {mode:12s}                           {x['per_s']:10,.0f}   {x['ratio']:9.4f}   "
                f"≥ 40,000: {_ok(x['per_s'] >= TARGETS['batch_per_s'])}"
            )
    if "batch_cli" in r:
        c = r["batch_cli"]
        lines.append(f"  the command, lines of new events (process start and load included; {c['cpus']} CPUs):")
        for key, x in c.items():
            if isinstance(x, dict):
                where = "to /dev/null" if key.endswith("devnull") else "to a file"
                lines.append(_speedup(f"    {x['lines']:,} lines {where:12s} one process", x, "lines"))
    if "audit_cli" in r:
        a = r["audit_cli"]
        lines.append(_speedup(f"  quyche audit, {a['cases']:,} cases to /dev/null: one worker", a, "cases"))
    if "cold" in r:
        c = r["cold"]
        lines += [
            "",
            f"cold start (wall, median): bare interpreter {c['bare_s']:.3f} s",
            f"  import quyche                       {c['import_s']:.3f} s   ≤ 0.15 s: {_ok(c['import_s'] <= 0.15)}",
            f"  import quyche; quyche.load()        {c['import_load_s']:.3f} s",
            f"  quyche evaluate FILE                {c['cli_s']:.3f} s   ≤ 0.3 s: {_ok(c['cli_s'] <= 0.3)}"
            f"   (--engine python {c['cli_python_s']:.3f} s; with an empty cache {c['cli_empty_cache_s']:.3f} s)",
        ]
    lo = r["load"]
    lines += ["", "quyche.load() in a process that has imported quyche (median)"]
    for name in ENGINES:
        lines.append(
            f"  {name:8s} warm (cache present) {lo[f'{name}_warm_ms']:6.1f} ms   ≤ 50 ms: "
            f"{_ok(lo[f'{name}_warm_ms'] <= 50)}    cold (empty cache) {lo[f'{name}_cold_ms']:6.1f} ms   ≤ 150 ms: "
            f"{_ok(lo[f'{name}_cold_ms'] <= 150)}    shared (another alive) {lo[f'{name}_shared_ms']:5.1f} ms"
        )
    if "first_deadline" in r:
        f = r["first_deadline"]
        lines.append(
            f"  the first working-day deadline of a year in a process {f['first_us']:.0f} µs, the next ones "
            f"{f['next_us']:.0f} µs "
            f"(×{f['ratio']:.2f}, worst ×{f['worst']:.2f}; "
            f"≤ ×2: {_ok(f['ratio'] <= TARGETS['first_deadline_ratio'])}); "
            f"holidays imported: {f['holidays_imported']}"
        )
    if "scale" in r:
        s = r["scale"]
        lines += ["", "scale: µs per event as the rules grow (generated versions)   ×1 → ×8 ratio   target ≤ ×1.25"]
        heads = list(s)
        lines.append("  " + " " * 18 + "".join(f"{h} ({s[h]['units']}) ".rjust(14) for h in heads))
        for label in (f"{e} {m}" for m in ("warm", "uncached") for e in ENGINES):
            ratio = s[heads[-1]][f"{label} ratio"]
            lines.append(
                f"  {label:18s}"
                + "".join(f"{s[h][label] * 1e6:14.1f}" for h in heads)
                + f"   ×{ratio:.2f}: {_ok(ratio <= TARGETS['scale_ratio'])}"
            )
    if "new_stages" in r:
        ns = r["new_stages"]
        lines += ["", "where the time goes on new events, per event (µs, each stage timed inside the call)"]
        lines.append("  " + " " * 20 + "".join(f"{name:>10s}" for name in ns))
        for label in next(iter(ns.values())):
            lines.append(f"  {label:20s}" + "".join(f"{ns[name][label]:10.2f}" for name in ns))
        lines.append(f"  {'total':20s}" + "".join(f"{sum(ns[name].values()):10.2f}" for name in ns))
    if "stages" in r:
        lines += ["", "where the time goes, per event (µs; memos warm except 'engine alone')"]
        for label, us in r["stages"].items():
            lines.append(f"  {label:48s} {us:8.2f}")
    return "\n".join(lines)


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
        "load_before": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def main(argv: Iterable[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="small counts (smoke test)")
    ap.add_argument("--events", type=int, default=None, help="events per round (default 20,000; quick 2,000)")
    ap.add_argument("--rounds", type=int, default=None, help="rounds per figure (default 5; quick 2)")
    ap.add_argument("--seed", type=int, default=20240601)
    ap.add_argument("--no-subprocess", action="store_true", help="skip cold start, the command and workers")
    ap.add_argument("--no-scale", action="store_true", help="skip the generated rule sets")
    ap.add_argument("--json", type=Path, default=None, help="also write the figures as JSON here")
    args = ap.parse_args(list(argv) if argv is not None else None)
    n = args.events or (2_000 if args.quick else 20_000)
    rounds = args.rounds or (2 if args.quick else 5)

    with tempfile.TemporaryDirectory() as tmp:
        cache, empty = Path(tmp) / "cache", Path(tmp) / "empty"
        empty.mkdir()
        os.environ["QUYCHE_CACHE_DIR"] = str(cache)  # this run's own cache, never the user's
        env = {**os.environ}
        empty_env = {**os.environ, "QUYCHE_CACHE_DIR": str(empty)}
        r: dict[str, Any] = {"machine": machine(), "events": n, "rounds": rounds}
        base = quyche.load(engine="python")
        r["units"] = len(base._run.units)
        events = make_events(n, args.seed)
        durable = quyche.load(engine="durable")
        for e in events:  # the engines must agree before anything is timed
            if durable.evaluate(e).model_dump_json() != base.evaluate(e).model_dump_json():
                raise SystemExit(f"the engines disagree on {e}")
        durable.close()
        ref = Reference(base, events)
        r["evaluate"] = bench_evaluate(base, ref, n, rounds, args.seed)
        r["batch"] = bench_batch(ref, n, rounds, args.seed)
        r["load"] = bench_load(max(rounds, 5), empty)
        if not args.no_subprocess:
            r["batch_cli"] = bench_batch_cli(
                max(n * 5, 20_000), max(3, rounds // 2 + 1), args.seed, env, sizes=(max(n * 15, 60_000),)
            )
            r["audit_cli"] = bench_audit_cli(max(n * 5, 5_000), max(3, rounds // 2 + 1), args.seed)
            r["cold"] = bench_cold(max(rounds, 7), env, empty_env, empty)
            r["first_deadline"] = bench_first_deadline(env)
        if not args.no_scale:
            r["scale"] = bench_scale(max(n // 4, 1000), max(3, rounds // 2 + 1), args.seed)
        r["stages"] = bench_stages(max(n // 2, 1000), rounds, args.seed)
        r["new_stages"] = bench_new_stages(n, max(2, rounds // 2), args.seed)
        r["reference_per_s"] = ref.rate
        r["machine"]["load_after"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    text = report(r)
    print(text)
    if args.json:
        args.json.write_text(json.dumps(r, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
