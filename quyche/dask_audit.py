"""Audit an archive on a Dask cluster (``dask.distributed``; ``pip install 'quyche[dask]'``).

The recipe for an archive held in a data platform (docs/scaling.md):

>>> from dask.distributed import Client                                  # doctest: +SKIP
>>> from quyche.dask_audit import audit_files, register
>>> client = Client("scheduler:8786")                                    # doctest: +SKIP
>>> register(client)                      # one Regulation per worker process  # doctest: +SKIP
>>> summary = audit_to_textfiles(["archive/2024-*.jsonl"], "statuses/*.jsonl", today="2024-12-31")  # doctest: +SKIP
>>> print(summary.total)                                                 # doctest: +SKIP

* :func:`register` installs a worker plugin that builds **one** :class:`~quyche.Regulation` per worker
  process, from the compiled rules and the engine of the regulation given (default: the bundled rules),
  when the worker starts (and on every worker that joins later). Tasks use it; nothing is rebuilt per
  task or per case.
* :func:`audit_bag` audits a bag of JSON lines (or case mappings), partition by partition: the same
  work as :class:`quyche.auditing.Audit` on each partition, so a partition's lines are identical to a
  local run over the same lines. Error lines are numbered within their partition.
* :func:`audit_files` reads JSON-lines files with one partition per file (``blocksize=None``), so the
  numbers of error lines are the files' line numbers, and audits them.
* :func:`audit_to_textfiles` does that and writes the statuses, one file per input file, and returns
  the summary: each partition's task audits its cases once, writes its lines and returns its counts.

:func:`audit_bag` gives two results from the same audit: computing them one after the other, or
together with Dask's default graph optimisation (which fuses the audit into each of them), audits every
case twice. Compute only one of them, or both with ``dask.compute(statuses, summary,
optimize_graph=False)``, or use :func:`audit_to_textfiles`.

The statuses come back as a bag of JSON strings, in order; the summary (an
:class:`~quyche.auditing.AuditSummary`) as a Dask delayed value computed by a tree reduction, so
neither the statuses nor the cases ever need to fit in the client's memory.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from quyche.auditing import AuditSummary, BodyCounts, Counts, process_chunk
from quyche.cases import STATUSES, _date

if TYPE_CHECKING:
    from quyche.regulation import Regulation

#: The name of the worker plugin (``worker.plugins[PLUGIN]``).
PLUGIN = "quyche"

try:  # the plugin's base class, when distributed is installed
    from distributed.diagnostics.plugin import WorkerPlugin as _WorkerPlugin
except ImportError:  # pragma: no cover - the extra is not installed: the module still imports
    _WorkerPlugin = object  # type: ignore[assignment,misc]


class RegulationPlugin(_WorkerPlugin):
    """A Dask worker plugin holding one Regulation per worker process (built in ``setup``)."""

    name = PLUGIN

    def __init__(self, compiled: Any, engine: str) -> None:
        self.compiled = compiled
        self.engine = engine
        self.regulation: Regulation | None = None
        self.audited = 0  # cases audited by this worker process (for monitoring)

    def setup(self, worker: Any) -> None:
        """Build the worker's Regulation (once per worker process)."""
        from quyche.regulation import Regulation

        self.regulation = Regulation(self.compiled, self.engine)  # type: ignore[arg-type]

    def teardown(self, worker: Any) -> None:
        """Release the Regulation's engine when the worker stops."""
        if self.regulation is not None:
            self.regulation.close()
            self.regulation = None


def register(client: Any, regulation: Regulation | None = None) -> None:
    """Install :class:`RegulationPlugin` on every worker of ``client`` (and on workers that join later)."""
    if regulation is None:
        from quyche.regulation import load

        regulation = load()
    client.register_plugin(RegulationPlugin(regulation.compiled, regulation.engine), name=PLUGIN)


def _worker_plugin() -> RegulationPlugin:
    from distributed import get_worker

    from quyche.errors import QuycheError

    try:
        plugin = get_worker().plugins.get(PLUGIN)
    except ValueError:  # not in a worker
        plugin = None
    if getattr(plugin, "regulation", None) is None:
        raise QuycheError("no quyche Regulation on this Dask worker: call quyche.dask_audit.register(client) first")
    return plugin  # type: ignore[return-value]


def _worker_regulation() -> Regulation:
    regulation = _worker_plugin().regulation
    assert regulation is not None
    return regulation


#: One line of the audit on Dask: (status or error JSON, is it an error, counts). The counts of a whole
#: partition ride on its first record; a partition with no case gives one placeholder record ``("", …)``.
Record = tuple[str, bool, Counts]


def _audit_partition(items: Iterable[Any], given: date | None, default: date) -> list[Record]:
    numbered = [(n, item) for n, item in enumerate(items, 1) if not _blank(item)]
    plugin = _worker_plugin()
    assert plugin.regulation is not None
    lines, counts = process_chunk(plugin.regulation, given, default, numbered)
    plugin.audited += len(numbered)
    records = [(text, error is not None, counts if i == 0 else {}) for i, (_, text, error) in enumerate(lines)]
    return records or [("", False, counts)]


def _blank(item: Any) -> bool:
    return isinstance(item, (bytes, str)) and not item.strip()


def _text(record: Record) -> str:
    return record[0]


def _real(record: Record) -> bool:
    return bool(record[0])


def _add(total: Counts, counts: Counts) -> None:
    for party, row in counts.items():
        acc = total.setdefault(party, [0] * len(STATUSES))
        for i, n in enumerate(row):
            acc[i] += n


def _per_partition(records: Iterable[Record]) -> tuple[int, int, Counts]:
    """(cases, invalid, counts) of one partition."""
    cases = invalid = 0
    total: Counts = {}
    for text, error, counts in records:
        cases += bool(text)
        invalid += error
        _add(total, counts)
    return cases, invalid, total


def _aggregate(parts: Iterable[tuple[int, int, Counts]]) -> tuple[int, int, Counts]:
    """The sum of partial (cases, invalid, counts)."""
    cases = invalid = 0
    total: Counts = {}
    for c, bad, counts in parts:
        cases += c
        invalid += bad
        _add(total, counts)
    return cases, invalid, total


def _summary(part: tuple[int, int, Counts], day: date) -> AuditSummary:
    cases, invalid, counts = part
    bodies = {p: BodyCounts(**dict(zip(STATUSES, row, strict=True))) for p, row in sorted(counts.items())}
    grand = [sum(row[i] for row in counts.values()) for i in range(len(STATUSES))]
    total = BodyCounts(**dict(zip(STATUSES, grand, strict=True)))
    return AuditSummary(today=day, cases=cases, invalid=invalid, bodies=bodies, total=total)


def audit_bag(bag: Any, today: date | str | None = None) -> tuple[Any, Any]:
    """Audit a Dask bag of cases (JSON lines or mappings): ``(statuses, summary)`` — a bag of JSON lines
    in the bag's order and a delayed :class:`~quyche.auditing.AuditSummary`. Call :func:`register` first.
    Both come from the same audit: compute one, or both with ``dask.compute(…, optimize_graph=False)``.
    """
    from dask.delayed import delayed

    given = None if today is None else _date(today, ["today"])
    default = given or date.today()
    records = bag.map_partitions(_audit_partition, given, default)
    statuses = records.filter(_real).map(_text)
    partial = records.reduction(_per_partition, _aggregate, split_every=8)
    summary = delayed(_summary)(partial, default)
    return statuses, summary


def audit_files(paths: str | Sequence[str], today: date | str | None = None) -> tuple[Any, Any]:
    """Audit JSON-lines files (paths or globs, any filesystem Dask reads), one partition per file."""
    import dask.bag as db

    return audit_bag(db.read_text(paths, blocksize=None), today)  # type: ignore[no-untyped-call]


def _write_and_count(records: list[Record], path: str) -> tuple[int, int, Counts]:
    """Write one partition's status lines to ``path`` (any filesystem fsspec opens); return its counts."""
    import fsspec

    with fsspec.open(path, "w", encoding="utf-8") as out:
        for text, _, _ in records:
            if text:
                out.write(text)
                out.write("\n")
    return _per_partition(records)


def audit_to_textfiles(paths: str | Sequence[str], out: str, today: date | str | None = None) -> AuditSummary:
    """Audit JSON-lines files and write the statuses to ``out``, a path with one ``*`` (such as
    ``statuses/*.jsonl``: ``*`` is the partition's number, one file per input file, each line ending with
    a newline); return the summary. Every case is audited once: each partition's task writes its lines
    and returns its counts.
    """
    import dask.bag as db
    from dask.base import compute
    from dask.delayed import delayed

    if out.count("*") != 1:
        from quyche.errors import QuycheError

        raise QuycheError(f"the output path must hold one '*' (the partition's number), got {out!r}")
    given = None if today is None else _date(today, ["today"])
    default = given or date.today()
    records = db.read_text(paths, blocksize=None).map_partitions(_audit_partition, given, default)  # type: ignore[no-untyped-call]
    parts = records.to_delayed(optimize_graph=False)
    written = [delayed(_write_and_count)(part, out.replace("*", str(i))) for i, part in enumerate(parts)]
    summary = delayed(_summary)(delayed(_aggregate)(written), default)
    (result,) = compute(summary)  # type: ignore[no-untyped-call]
    return result  # type: ignore[no-any-return]
