"""The audit on Dask: cases/s on a LocalCluster of 1 and of 2 worker processes (docs/scaling.md).

    .venv/bin/python benchmarks/dask_audit.py                # 100,000 cases in 8 files
    .venv/bin/python benchmarks/dask_audit.py --cases 20000 --files 4

The archive is the one of ``benchmarks/audit.py`` (generated cases repeated with their own ids), split
into ``--files`` JSON-lines files (one partition each). Timed: ``audit_to_textfiles`` (the statuses written and
the summary computed in one pass), on a cluster already started with the plugin registered
(the start-up is reported apart). The statuses written are compared with a local ``quyche.audit`` of
the same files: they must be identical.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from audit import TODAY, archive_lines, distinct_cases  # noqa: E402

import quyche  # noqa: E402


def _cpu() -> float:
    """CPU seconds of this (worker) process so far."""
    return time.process_time()


def _digest(paths: list[Path]) -> str:
    h = hashlib.sha256()
    for p in paths:
        h.update(p.read_bytes())
    return h.hexdigest()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--files", type=int, default=8)
    parser.add_argument("--distinct", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=20240304)
    args = parser.parse_args()

    from distributed import Client, LocalCluster

    from quyche.dask_audit import audit_to_textfiles, register

    bodies = distinct_cases(args.distinct, args.seed)
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        lines = list(archive_lines(bodies, args.cases))
        per = -(-len(lines) // args.files)
        files = []
        for k in range(args.files):
            path = root / f"part-{k:03d}.jsonl"
            path.write_bytes(b"".join(lines[k * per : (k + 1) * per]))
            files.append(path)
        del lines
        local_out = root / "local.jsonl"
        cpu0 = time.process_time()
        start = time.perf_counter()
        with local_out.open("w", encoding="utf-8") as out:
            for path in files:
                with path.open("rb") as stream:
                    for line in quyche.audit(stream, today=TODAY):
                        out.write(line.json + "\n")
        local_s = time.perf_counter() - start
        local_cpu = time.process_time() - cpu0
        print(
            f"local, 1 process: {args.cases / local_s:,.0f} cases/s ({local_s:.1f} s wall, {local_cpu:.1f} s CPU:"
            f" {args.cases / local_cpu:,.0f} cases per CPU-second)",
            flush=True,
        )
        for workers in (1, 2):
            t0 = time.perf_counter()
            with (
                LocalCluster(
                    n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=40
                ) as cluster,
                Client(cluster) as client,
            ):
                register(client)
                up = time.perf_counter() - t0
                outdir = root / f"dask-{workers}"
                before = sum(client.run(_cpu).values())
                start = time.perf_counter()
                result = audit_to_textfiles([str(p) for p in files], str(outdir / "*.jsonl"), today=TODAY)
                seconds = time.perf_counter() - start
                cpu = sum(client.run(_cpu).values()) - before
            written = sorted(outdir.glob("*.jsonl"), key=lambda p: int(p.stem))
            identical = _digest(written) == _digest([local_out])
            ok = ok and identical and result.cases == args.cases
            print(
                f"dask, {workers} worker process(es): {args.cases / seconds:,.0f} cases/s ({seconds:.1f} s wall;"
                f" workers' CPU {cpu:.1f} s: {args.cases / cpu:,.0f} cases per CPU-second; cluster start {up:.1f} s);"
                f" identical to the local run: {identical}",
                flush=True,
            )
    print(f"load average: {os.getloadavg()}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
