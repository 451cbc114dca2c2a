"""Load test of ``quyche serve``: POST /v1/evaluate on localhost, a fixed number of requests.

    .venv/bin/python benchmarks/serve_load.py [--requests 10000] [--clients 1 8] [--engine auto]

Starts ``quyche serve`` as a subprocess on a free port of 127.0.0.1 (never another address), sends
the same deterministic mix of events (``quyche.testing.event_mix``) with 1 and with 8 concurrent
clients — each client one keep-alive HTTP/1.1 connection in its own thread — and prints requests per
second and the p50 / p99 latency of each run. Every answer must be a 200 whose decision equals the
library's (checked after the run, outside the timing): any error makes the exit code 1. Each run is
bounded by the request count and by ``--max-seconds``. Figures: docs/performance.md.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import quyche  # noqa: E402
from quyche.testing import event_mix  # noqa: E402

HOST = "127.0.0.1"  # localhost only


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def start(port: int, engine: str) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "quyche", "serve", "--host", HOST, "--port", str(port), "--engine", engine],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        cwd=ROOT,
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"quyche serve exited: {proc.stderr.read().decode() if proc.stderr else ''}")
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=5)
            conn.request("GET", "/openapi.json")
            if conn.getresponse().status == 200:
                conn.close()
                return proc
        except OSError:
            time.sleep(0.2)
    proc.terminate()
    raise SystemExit("quyche serve did not start within 90 s")


def run(port: int, bodies: list[bytes], clients: int, max_seconds: float) -> dict[str, Any]:
    """Send every body once, spread over ``clients`` threads; return timings and answers."""
    latencies: list[list[float]] = [[] for _ in range(clients)]
    answers: list[list[tuple[int, int, bytes]]] = [[] for _ in range(clients)]
    errors: list[str] = []
    stop_at = time.monotonic() + max_seconds
    barrier = threading.Barrier(clients + 1)

    def client(k: int) -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        conn.connect()
        headers = {"content-type": "application/json"}
        mine = range(k, len(bodies), clients)
        barrier.wait()
        for i in mine:
            if time.monotonic() > stop_at:
                errors.append(f"client {k}: stopped at the time bound")
                break
            t0 = time.perf_counter()
            try:
                conn.request("POST", "/v1/evaluate", bodies[i], headers)
                response = conn.getresponse()
                data = response.read()
            except (OSError, http.client.HTTPException) as exc:
                errors.append(f"client {k}: {type(exc).__name__}: {exc}")
                conn.close()
                conn = http.client.HTTPConnection(HOST, port, timeout=30)
                continue
            latencies[k].append(time.perf_counter() - t0)
            answers[k].append((i, response.status, data))
        conn.close()

    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    barrier.wait()
    t0 = time.perf_counter()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    flat = sorted(x for xs in latencies for x in xs)
    return {
        "clients": clients,
        "requests": len(flat),
        "seconds": wall,
        "rps": len(flat) / wall if wall else 0.0,
        "p50_ms": 1000 * statistics.median(flat) if flat else float("nan"),
        "p99_ms": 1000 * flat[min(len(flat) - 1, int(0.99 * len(flat)))] if flat else float("nan"),
        "answers": [a for xs in answers for a in xs],
        "errors": errors,
    }


def check(result: dict[str, Any], expected: list[dict[str, Any]], total: int) -> list[str]:
    problems = list(result["errors"])
    if result["requests"] != total:
        problems.append(f"{result['requests']} answers for {total} requests")
    for i, status, data in result["answers"]:
        if status != 200:
            problems.append(f"request {i}: HTTP {status}: {data[:200]!r}")
        elif json.loads(data) != expected[i]:
            problems.append(f"request {i}: the decision differs from the library's")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 8])
    parser.add_argument("--engine", choices=["auto", "durable", "python"], default="auto")
    parser.add_argument("--max-seconds", type=float, default=600.0, help="bound on each run (default 600)")
    parser.add_argument("--warmup", type=int, default=300)
    args = parser.parse_args()

    events = event_mix(args.requests)
    bodies = [json.dumps(e).encode() for e in events]
    reg = quyche.load(engine="python")
    expected = [reg.evaluate(e).model_dump(mode="json") for e in events]
    port = free_port()
    proc = start(port, args.engine)
    failed = False
    try:
        run(port, bodies[: args.warmup], 1, args.max_seconds)
        print(
            f"quyche serve, POST /v1/evaluate, {args.requests} requests per run, engine={args.engine}; "
            f"Python {platform.python_version()}, {os.cpu_count()} CPUs"
        )
        print(f"{'clients':>8} {'requests/s':>11} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
        for clients in args.clients:
            result = run(port, bodies, clients, args.max_seconds)
            problems = check(result, expected, len(bodies))
            failed |= bool(problems)
            print(
                f"{clients:>8} {result['rps']:>11.0f} {result['p50_ms']:>8.2f} {result['p99_ms']:>8.2f} "
                f"{len(problems):>7}"
            )
            for p in problems[:5]:
                print(f"    {p}")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
