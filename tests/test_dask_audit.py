"""The Dask recipe (docs/scaling.md) on a real local cluster of 2 worker processes: one Regulation per
worker process, the archive partitioned, results identical to the local run."""

from __future__ import annotations

import importlib.util
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import quyche

distributed = pytest.importorskip("distributed", reason="the dask extra: pip install 'quyche[dask]'")
import dask.bag as db  # noqa: E402

from quyche.dask_audit import PLUGIN, audit_bag, audit_files, register  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
TODAY = "2024-12-31"


def _archive(n: int, seed: int) -> list[dict[str, Any]]:
    spec = importlib.util.spec_from_file_location("make_archive", ROOT / "examples" / "make_archive.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return list(module.cases(n, seed=seed, regulation=quyche.load(engine="python")))


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=40
    )
    client = distributed.Client(cluster)
    try:
        register(client, quyche.load(engine="python"))
        yield client
    finally:
        client.close()
        cluster.close()


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    root = tmp_path_factory.mktemp("archive")
    paths = []
    for k, seed in enumerate((1, 2, 3)):
        lines = [json.dumps(c, ensure_ascii=False) for c in _archive(150, seed)]
        lines.insert(20 + k, '{"event": {"type": "nope"}}')  # a bad line in each file
        lines.insert(40, "")
        path = root / f"part-{k}.jsonl"
        path.write_text("".join(x + "\n" for x in lines), encoding="utf-8")
        paths.append(path)
    return paths


def test_the_cluster_has_two_worker_processes_each_with_one_regulation(client: Any) -> None:
    info = client.run(lambda dask_worker: (os.getpid(), id(dask_worker.plugins[PLUGIN].regulation)))
    pids = {pid for pid, _ in info.values()}
    assert len(info) == 2 and len(pids) == 2 and os.getpid() not in pids
    again = client.run(lambda dask_worker: id(dask_worker.plugins[PLUGIN].regulation))
    assert {k: v[1] for k, v in info.items()} == again  # the same Regulation, not rebuilt per call


def test_dask_audit_equals_the_local_run(client: Any, files: list[Path]) -> None:
    statuses, summary = audit_files([str(p) for p in files], today=TODAY)
    assert statuses.npartitions == len(files)
    remote = statuses.compute()
    remote_summary = summary.compute()

    local_lines: list[str] = []
    local = []
    for path in files:
        with path.open("rb") as stream:
            run = quyche.audit(stream, today=TODAY, regulation=quyche.load(engine="python"))
            local_lines += [line.json for line in run]
        local.append(run.summary)
    assert remote == local_lines
    assert remote_summary.cases == sum(s.cases for s in local) == 3 * 151
    assert remote_summary.invalid == 3
    for status in ("met", "late", "overdue", "open", "undated"):
        assert getattr(remote_summary.total, status) == sum(getattr(s.total, status) for s in local)
    errors = [json.loads(x) for x in remote if x.startswith('{"line"')]
    assert [e["line"] for e in errors] == [21, 22, 23]  # numbered within each file


def test_both_workers_did_work(client: Any, files: list[Path]) -> None:
    bag = db.from_sequence(_archive(200, 4), npartitions=8)
    statuses, summary = audit_bag(bag.map(json.dumps), today=TODAY)
    futures = client.compute(statuses.to_delayed())
    distributed.wait(futures)
    who = {w for ws in client.who_has(futures).values() for w in ws}
    assert len(who) == 2
    lines = [x for part in client.gather(futures) for x in part]
    assert len(lines) == 200 and summary.compute().cases == 200


def test_outside_a_registered_worker_the_recipe_says_what_to_do() -> None:
    from quyche.dask_audit import _worker_regulation

    with pytest.raises(quyche.QuycheError, match=r"register\(client\)"):
        _worker_regulation()


def test_audit_to_textfiles_writes_the_local_lines_in_one_pass(client: Any, files: list[Path], tmp_path: Path) -> None:
    from quyche.dask_audit import audit_to_textfiles

    before = sum(client.run(lambda dask_worker: dask_worker.plugins[PLUGIN].audited).values())
    summary = audit_to_textfiles([str(p) for p in files], str(tmp_path / "out" / "*.jsonl"), today=TODAY)
    after = sum(client.run(lambda dask_worker: dask_worker.plugins[PLUGIN].audited).values())
    assert after - before == 3 * 151  # every case audited once, not once per result
    written = sorted((tmp_path / "out").glob("*.jsonl"), key=lambda p: int(p.stem))
    assert len(written) == len(files)
    for path, out in zip(files, written, strict=True):
        with path.open("rb") as stream:
            local = "".join(line.json + "\n" for line in quyche.audit(stream, today=TODAY))
        assert out.read_text(encoding="utf-8") == local
    assert summary.cases == 3 * 151 and summary.invalid == 3
