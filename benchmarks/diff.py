"""quyche diff benchmark: the impact of each example amendment over the whole event table (``--events all``).

Run from the checkout (one core, as the other benchmark):

    taskset -c 0 .venv/bin/python benchmarks/diff.py            # 3 cold runs of each command, and the breakdown
    taskset -c 0 .venv/bin/python benchmarks/diff.py --runs 1   # a smoke test

Two measures per example amendment (``examples/amendments/*.yaml``):

* ``cold``: the wall time of ``quyche diff --amendment FILE --events all --format json`` in a fresh process —
  what a legal officer or a CI job waits for (start-up, loading the rules, the amendment, the sweep, every
  evaluation on both sides, the report); the target is under 10 s (issue 12);
* the breakdown in this process: loading the bundled rules, applying and checking the amendment, generating the
  sweep, evaluating and comparing, grouping and rendering the report.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import quyche  # noqa: E402
from quyche.impact import compare, render_markdown, sweep_cases  # noqa: E402

TARGET_S = 10.0
QUYCHE = Path(sys.executable).with_name("quyche")


def cold(path: Path, runs: int) -> list[float]:
    """Wall times of the command in fresh processes."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        out = subprocess.run(
            [str(QUYCHE), "diff", "--amendment", str(path), "--events", "all", "--format", "json"],
            check=True,
            capture_output=True,
            cwd=ROOT,
        )
        times.append(time.perf_counter() - start)
        json.loads(out.stdout)  # the report is complete
    return times


def breakdown(path: Path) -> dict[str, float]:
    """Seconds spent in each step, in this process."""
    t0 = time.perf_counter()
    reg = quyche.load(engine="python")
    t1 = time.perf_counter()
    amended = reg.amend(path)
    t2 = time.perf_counter()
    cases = sweep_cases(reg, amended)
    t3 = time.perf_counter()
    impact = compare(reg, amended, cases, amendment=getattr(amended, "amendment", None))
    t4 = time.perf_counter()
    render_markdown(impact, "vi")
    t5 = time.perf_counter()
    return {
        "events": float(impact.compared),
        "changed": float(impact.changed),
        "load_s": t1 - t0,
        "amend_s": t2 - t1,
        "sweep_s": t3 - t2,
        "compare_s": t4 - t3,
        "render_s": t5 - t4,
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"# quyche diff --events all — {platform.python_version()}, {platform.machine()}")
    ok = True
    results = {}
    for path in sorted((ROOT / "examples" / "amendments").glob("*.yaml")):
        times = cold(path, args.runs)
        steps = breakdown(path)
        median = statistics.median(times)
        ok &= median < TARGET_S
        results[path.name] = {"cold_s": times, "cold_median_s": median, **steps}
        print(
            f"{path.name}: cold median {median:.2f} s (runs {', '.join(f'{t:.2f}' for t in times)}); "
            f"{int(steps['events'])} events, {int(steps['changed'])} changed; load {steps['load_s']:.2f} s, "
            f"amend {steps['amend_s']:.2f} s, sweep {steps['sweep_s']:.2f} s, compare {steps['compare_s']:.2f} s, "
            f"report {steps['render_s']:.2f} s"
        )
    print(json.dumps(results, indent=2))
    print(f"target: cold median under {TARGET_S:.0f} s — {'met' if ok else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
