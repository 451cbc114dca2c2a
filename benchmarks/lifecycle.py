"""quyche benchmark: memory over many load() → drop / close() cycles, the cost of a live Regulation,
and interpreter exit with many live Regulations (issue 16, defect 5).

    taskset -c 0 .venv/bin/python benchmarks/lifecycle.py            # full run (a few minutes)
    taskset -c 0 .venv/bin/python benchmarks/lifecycle.py --quick    # smaller counts, a smoke test

Each measurement runs in a fresh interpreter (``python -c``), so that one does not inherit another's
memory. RSS is read from ``/proc/self/statm`` (Linux).

* ``cycles``: ``load()`` then drop (every other one also ``close()``), each evaluating two events
  first, N times; RSS after the first 100 cycles and at the end.
* ``distinct``: the same with a different rule folder each time (a copy of the bundled rules with one
  constant changed), as an amendment analysis would build them: durable rulesets cannot be shared.
* ``live``: RSS before and after loading N Regulations that all stay alive, same rules, then the
  time from the last statement to the end of the process (interpreter exit); also with K distinct
  rule folders alive.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

PRELUDE = f"""
import gc, json, shutil, sys, tempfile, time
from pathlib import Path
sys.path.insert(0, {str(ROOT)!r})
import quyche
from quyche.regulation import bundled_rules_dir

def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096 / 2**20

EVENTS = [{{"type": "annual_review", "year": 2024}},
          {{"type": "petition_received", "received_by": "ubnd", "kind": "complaint",
            "competent_body": "ubnd", "date": "2024-03-01"}}]

def variant(tmp, i):
    root = Path(tmp) / f"rules{{i}}"
    shutil.copytree(bundled_rules_dir(), root)
    p = root / "dieu_19.yaml"
    text = p.read_text(encoding="utf-8").replace("eq: 2025}}", "eq: " + str(3000 + i) + "}}")
    p.write_text(text, encoding="utf-8")
    return root
"""

CYCLES = """
engine, n, distinct = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "1"
tmp = tempfile.mkdtemp()
t0 = time.perf_counter()
for i in range(n):
    reg = quyche.load(variant(tmp, i) if distinct else None, engine=engine)
    for e in EVENTS:
        reg.evaluate(e)
    if i % 2:
        reg.close()
    del reg
    if distinct:
        shutil.rmtree(Path(tmp) / f"rules{i}")
    if i == 99:
        gc.collect()
        start = rss()
gc.collect()
print(json.dumps({"start": start, "end": rss(), "ms_per_cycle": (time.perf_counter() - t0) / n * 1000}))
"""

LIVE = """
engine, n, distinct = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "1"
tmp = tempfile.mkdtemp()
roots = [variant(tmp, i) if distinct else None for i in range(n)]
keep = [quyche.load(engine=engine)]
for e in EVENTS:
    keep[0].evaluate(e)
gc.collect()
before = rss()
for root in roots:
    reg = quyche.load(root, engine=engine)
    for e in EVENTS:
        reg.evaluate(e)
    keep.append(reg)
gc.collect()
print(json.dumps({"before": before, "after": rss(), "per_regulation_mb": (rss() - before) / n}), flush=True)
print(time.time(), flush=True)
"""


def run(script: str, *args: str) -> tuple[dict[str, float], float]:
    """Run a measurement; return its JSON result and the wall time from its last line to its exit."""
    proc = subprocess.Popen(
        [sys.executable, "-c", PRELUDE + script, *args], stdout=subprocess.PIPE, text=True, cwd=ROOT
    )
    assert proc.stdout is not None
    result = json.loads(proc.stdout.readline())
    last = proc.stdout.readline()
    proc.wait()
    exit_s = time.time() - float(last) if last.strip() else float("nan")
    if proc.returncode:
        raise SystemExit(f"measurement failed: {args}")
    return result, exit_s


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    n_cycles, n_distinct, n_live, n_live_distinct = (300, 150, 50, 10) if args.quick else (2000, 500, 200, 20)
    out: dict[str, dict[str, Any]] = {}
    for engine in ("durable", "python"):
        r: dict[str, Any] = {}
        res, _ = run(CYCLES, engine, str(n_cycles), "0")
        r["cycles"] = {"n": n_cycles, **res}
        res, _ = run(CYCLES, engine, str(n_distinct), "1")
        r["distinct"] = {"n": n_distinct, **res}
        res, exit_s = run(LIVE, engine, str(n_live), "0")
        r["live"] = {"n": n_live, **res, "exit_s": exit_s}
        res, exit_s = run(LIVE, engine, str(n_live_distinct), "1")
        r["live_distinct"] = {"n": n_live_distinct, **res, "exit_s": exit_s}
        out[engine] = r
        c, d = r["cycles"], r["distinct"]
        print(f"{engine}:")
        print(
            f"  load→evaluate→drop/close ×{c['n']} (same rules): RSS {c['start']:.1f} → {c['end']:.1f} MB "
            f"({c['end'] - c['start']:+.1f} MB), {c['ms_per_cycle']:.1f} ms/cycle"
        )
        print(
            f"  load→evaluate→drop/close ×{d['n']} (a new rule folder each time): RSS {d['start']:.1f} → "
            f"{d['end']:.1f} MB ({d['end'] - d['start']:+.1f} MB), {d['ms_per_cycle']:.1f} ms/cycle"
        )
        for key, label in (("live", "same rules"), ("live_distinct", "distinct rule folders")):
            v = r[key]
            print(
                f"  {v['n']} live Regulations ({label}): {v['per_regulation_mb'] * 1024:.0f} kB each, "
                f"interpreter exit {v['exit_s']:.2f} s"
            )
    if args.json:
        args.json.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
