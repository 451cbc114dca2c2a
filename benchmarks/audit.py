"""quyche audit benchmark: cases/s with 1 and 2 worker processes, and RSS over 1,000,000 cases.

    .venv/bin/python benchmarks/audit.py                 # full run (about 15 minutes on 2 cores)
    .venv/bin/python benchmarks/audit.py --quick         # smaller counts, a smoke test
    .venv/bin/python benchmarks/audit.py --json out.json # also write the figures as JSON

The cases come from ``examples/make_archive.py`` (petitions, transferred results, supervisions, drafts,
voter contacts and requests, with later dates and done entries: every status occurs). ``--distinct``
cases are generated once; the archive of ``--cases`` lines repeats them in turn, each line with its own
case id, so the rules see the variety of the distinct set and the audit sees an archive of any size.

* **throughput**: ``quyche audit FILE --today … -o FILE`` as a fresh process (start-up, rules
  loaded, workers started — what a user waits for), on a file of ``--throughput-cases`` lines, with
  ``--workers 1`` and ``--workers 2``; cases/s = lines / wall time, and the CPU time of the command and
  its workers (``getrusage(RUSAGE_CHILDREN)``), which a machine shared with other work does not
  distort as it does the wall time. The two outputs are compared: they must be identical.
* **memory**: one process audits ``--cases`` lines streamed from a generator (no file, no list) with
  ``quyche.audit(...)``, writing each status line to /dev/null; RSS (``/proc/self/statm``) is sampled
  after the first 10,000 cases and every 10,000 after; the growth is max(RSS) − RSS(10,000), to stay
  within ``--rss-limit-mb`` (20 MB). ``--memory-workers 2`` measures the parent and its two worker
  processes instead (RSS summed).
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import quyche  # noqa: E402

TODAY = "2024-12-31"


def _generator() -> Any:
    spec = importlib.util.spec_from_file_location("make_archive", ROOT / "examples" / "make_archive.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def distinct_cases(n: int, seed: int) -> list[str]:
    """``n`` generated cases as JSON without their ``case`` key (the archive gives each its own id)."""
    out = []
    for case in _generator().cases(n, seed=seed, regulation=quyche.load(engine="python")):
        del case["case"]
        body = json.dumps(case, ensure_ascii=False)
        out.append(body[1:])  # without the opening brace
    return out


def archive_lines(bodies: list[str], n: int) -> Iterator[bytes]:
    """``n`` JSON lines cycling through ``bodies``, each with its own case id."""
    for i in range(n):
        yield f'{{"case": "HS-{i + 1:07d}", {bodies[i % len(bodies)]}\n'.encode()


def rss_mb(pid: int | str = "self") -> float:
    with open(f"/proc/{pid}/statm") as fh:
        pages = int(fh.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def _children_rss() -> float:
    total = 0.0
    me = os.getpid()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
            if ppid == me:
                total += rss_mb(entry)
        except (OSError, ValueError, IndexError):
            continue
    return total


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def throughput(path: Path, workers: int, n: int, sink: Path | None = None) -> tuple[float, float, float, str]:
    """(cases/s of wall time, wall seconds, CPU seconds of the command and its workers, output digest); the statuses
    go to a file beside ``path`` (and are digested), or to ``sink`` (e.g. /dev/null: no digest)."""
    out = sink or path.with_suffix(f".w{workers}.out")
    summary = path.with_suffix(f".w{workers}.summary")
    cmd = [str(ROOT / ".venv" / "bin" / "quyche"), "audit", str(path), "--today", TODAY]
    cmd += ["--workers", str(workers), "--format", "json", "-o", str(out), "--summary", str(summary)]
    cpu = _children_cpu()
    start = time.perf_counter()
    subprocess.run(cmd, check=True)
    seconds = time.perf_counter() - start
    cpu = _children_cpu() - cpu  # the workers were waited for by the command, so their time is included
    digest = ""
    if sink is None:
        digest = hashlib.sha256(out.read_bytes() + summary.read_bytes()).hexdigest()
        out.unlink()
    return n / seconds, seconds, cpu, digest


def memory(bodies: list[str], n: int, workers: int) -> dict[str, Any]:
    reg = quyche.load()
    samples: list[tuple[int, float]] = []
    start = time.perf_counter()
    with open(os.devnull, "w", encoding="utf-8") as sink:
        run = quyche.audit(archive_lines(bodies, n), today=TODAY, regulation=reg, workers=workers)
        for k, line in enumerate(run, 1):
            sink.write(line.json)
            sink.write("\n")
            if k % 10_000 == 0:
                samples.append((k, rss_mb() + (_children_rss() if workers > 1 else 0.0)))
    seconds = time.perf_counter() - start
    base = next(v for k, v in samples if k == 10_000)
    peak = max(v for _, v in samples)
    return {
        "cases": n,
        "workers": workers,
        "seconds": round(seconds, 1),
        "cases_per_s": round(n / seconds),
        "rss_after_10k_mb": round(base, 1),
        "rss_max_mb": round(peak, 1),
        "rss_last_mb": round(samples[-1][1], 1),
        "growth_mb": round(peak - base, 1),
        "samples": [(k, round(v, 1)) for k, v in samples[:: max(1, len(samples) // 20)]],
        "summary_total": run.summary.total.model_dump(),
        "invalid": run.summary.invalid,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small counts (a smoke test)")
    parser.add_argument("--cases", type=int, default=1_000_000, help="cases of the memory run")
    parser.add_argument("--throughput-cases", type=int, default=100_000)
    parser.add_argument("--distinct", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=20240304)
    parser.add_argument("--memory-workers", type=int, default=1)
    parser.add_argument("--rss-limit-mb", type=float, default=20.0)
    parser.add_argument("--rounds", type=int, default=3, help="rounds of the speed-up (one and two workers)")
    parser.add_argument("--large", type=int, default=3, help="also the speed-up on this many times the cases (0: not)")
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    if args.quick:
        args.cases, args.throughput_cases, args.distinct, args.large = 30_000, 5_000, 2_000, 0

    t0 = time.perf_counter()
    bodies = distinct_cases(args.distinct, args.seed)
    print(f"generated {len(bodies)} distinct cases in {time.perf_counter() - t0:.1f} s", flush=True)
    figures: dict[str, Any] = {
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "load_before": os.getloadavg(),
            "engine": quyche.load().engine,
        }
    }
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "archive.jsonl"
        with path.open("wb") as fh:
            fh.writelines(archive_lines(bodies, args.throughput_cases))
        rows = {}
        for workers in (1, 2):
            per_s, seconds, cpu, digest = throughput(path, workers, args.throughput_cases)
            rows[workers] = {
                "cases_per_s": round(per_s),
                "seconds": round(seconds, 1),
                "cpu_seconds": round(cpu, 1),
                "cases_per_cpu_s": round(args.throughput_cases / cpu),
                "sha256": digest,
            }
            print(
                f"throughput, {workers} worker(s), statuses to a file: {per_s:,.0f} cases/s ({seconds:.1f} s wall,"
                f" {cpu:.1f} s CPU: {args.throughput_cases / cpu:,.0f} cases per CPU-second)",
                flush=True,
            )
        figures["throughput"] = {"cases": args.throughput_cases, **{f"workers_{k}": v for k, v in rows.items()}}
        identical = rows[1]["sha256"] == rows[2]["sha256"]
        figures["throughput"]["identical"] = identical
        print(f"--workers 2 output identical to --workers 1: {identical}", flush=True)
        # the speed-up: the statuses to /dev/null (no disk write-back in the figure), one and two workers in turn,
        # the median of the rounds' ratios
        walls: dict[int, list[float]] = {1: [], 2: []}
        for _ in range(args.rounds):
            for workers in (1, 2):
                walls[workers].append(throughput(path, workers, args.throughput_cases, Path(os.devnull))[1])
        speedup = statistics.median(a / b for a, b in zip(walls[1], walls[2], strict=True))
        figures["speedup"] = {
            "rounds": args.rounds,
            "one_cases_per_s": round(args.throughput_cases / statistics.median(walls[1])),
            "two_cases_per_s": round(args.throughput_cases / statistics.median(walls[2])),
            "speedup": round(speedup, 3),
        }
        if args.large:  # the fixed costs (start-up, each worker's warm-up) weigh less on a larger archive
            large = Path(tmp) / "large.jsonl"
            with large.open("wb") as fh:
                fh.writelines(archive_lines(bodies, args.throughput_cases * args.large))
            n_large = args.throughput_cases * args.large
            one = throughput(large, 1, n_large, Path(os.devnull))[1]
            two = throughput(large, 2, n_large, Path(os.devnull))[1]
            figures["speedup"]["large"] = {
                "cases": n_large,
                "one_cases_per_s": round(n_large / one),
                "two_cases_per_s": round(n_large / two),
                "speedup": round(one / two, 3),
            }
            print(f"  on {n_large:,} cases (one run each): x{one / two:.2f}", flush=True)
        print(
            f"--workers 2 against 1, statuses to /dev/null, median of {args.rounds} rounds: "
            f"{figures['speedup']['one_cases_per_s']:,} -> {figures['speedup']['two_cases_per_s']:,} cases/s, "
            f"x{speedup:.2f} (target >= 1.8: {'met' if speedup >= 1.8 else 'NOT met'})",
            flush=True,
        )
    ok = identical
    if not args.skip_memory:
        mem = memory(bodies, args.cases, args.memory_workers)
        figures["memory"] = mem
        within = mem["growth_mb"] <= args.rss_limit_mb
        ok = ok and within
        print(
            f"memory, {mem['cases']:,} cases, {mem['workers']} worker(s):"
            f" RSS {mem['rss_after_10k_mb']} MB after 10,000,"
            f" max {mem['rss_max_mb']} MB, last {mem['rss_last_mb']} MB: growth {mem['growth_mb']} MB"
            f" ({'within' if within else 'OVER'} {args.rss_limit_mb} MB); {mem['cases_per_s']:,} cases/s in process",
            flush=True,
        )
    figures["machine"]["load_after"] = os.getloadavg()
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2), encoding="utf-8")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
