"""Before/after on the same rules: time a quyche source tree (e.g. an older commit) against rules/.

git archive <commit> quyche | tar -x -C /tmp/old
taskset -c 0 .venv/bin/python benchmarks/compare_trees.py /tmp/old   # the old tree
taskset -c 0 .venv/bin/python benchmarks/compare_trees.py .          # this tree
"""

from __future__ import annotations

import gc
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(Path(sys.argv[1]).resolve()))
import quyche  # noqa: E402

sys.path.insert(1, str(HERE))
from run import make_events  # noqa: E402

RULES = HERE.parent / "rules"
print(quyche.__file__)
quyche.load(RULES, engine="python")
loads = []
for _ in range(5):
    t = time.perf_counter()
    quyche.load(RULES, engine="python")
    loads.append(time.perf_counter() - t)
print(f"load {statistics.median(loads) * 1000:.0f} ms")
events = make_events(5000)
for engine in ("durable", "python"):
    reg = quyche.load(RULES, engine=engine)  # type: ignore[arg-type]
    for e in events[:200]:
        reg.evaluate(e)
    wall, cpu = [], []
    for _ in range(3):
        gc.collect()
        t, c = time.perf_counter(), time.process_time()
        for e in events:
            reg.evaluate(e)
        wall.append(len(events) / (time.perf_counter() - t))
        cpu.append(len(events) / (time.process_time() - c))
    t = time.perf_counter()
    list(reg.evaluate_many(events))
    many = len(events) / (time.perf_counter() - t)
    print(
        f"{engine}: evaluate {statistics.median(wall):,.0f}/s ({statistics.median(cpu):,.0f}/s CPU), "
        f"evaluate_many {many:,.0f}/s"
    )
