"""The on-disk cache of compiled rules: a later process evaluates without reading, checking or compiling again.

One JSON file per rule set, named by its **key**: the SHA-256 of every rule file's name and bytes (the files
:func:`~quyche.rules.read.read_rules` reads), of the library's version and of a fingerprint of the library's own
source files and of the ``holidays`` package (name, size and modification time of each file). Any change to a
rule file, to quyche or to ``holidays`` gives another key, so the cache is rebuilt, never trusted across a change.

The file holds plain data only — the run plan (:func:`quyche.rules.runplan.to_data`) and the days off of the years
of the regulation's period (:func:`quyche.calendar.year_data`), so ``holidays`` is imported only for a date
outside them — never code: it is read with ``json.loads`` and rebuilt into dataclasses field by field. A file
that does not read back (truncated, edited, of another format) is ignored and written again.

Where: ``$QUYCHE_CACHE_DIR`` if set (an empty value turns the cache off), else ``$XDG_CACHE_HOME/quyche``, else
``~/.cache/quyche``. A folder that cannot be written is not an error: the rules are then compiled every time.
Files are written to a temporary name and renamed, so concurrent processes never read half a file; at most
:data:`KEEP` files are kept (the least recently written go first).
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import sys
import tempfile
from pathlib import Path
from typing import Any

from quyche.rules import runplan

#: The most cache files kept in the folder.
KEEP = 16
#: A rule file larger than this is never hashed (the same limit as ``yamlsafe.MAX_BYTES``: loading refuses it).
MAX_RULE_FILE = 1_000_000
_PREFIX = "plan-"
_fingerprint: str | None = None


def cache_dir() -> Path | None:
    """The cache folder, or None when the cache is turned off (``QUYCHE_CACHE_DIR=""``)."""
    given = os.environ.get("QUYCHE_CACHE_DIR")
    if given is not None:
        return Path(given) if given else None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "quyche"


def _stat_line(path: str) -> str:
    try:
        st = os.stat(path)
    except OSError:
        return f"{path} -"
    return f"{path} {st.st_size} {st.st_mtime_ns}"


def library_fingerprint() -> str:
    """The library's version, and the size and time of each of its source files and of the ``holidays`` package's
    (computed once per process; ``stat`` only, no file is read).
    """
    global _fingerprint  # noqa: PLW0603 - a per-process constant, computed on first use
    if _fingerprint is None:
        import importlib.util

        from quyche import __version__

        here = Path(__file__).resolve().parent.parent
        lines = [f"quyche {__version__}", runplan.FORMAT, f"python {sys.version_info[:2]}"]
        for folder, _, names in sorted(os.walk(here)):
            lines.extend(_stat_line(os.path.join(folder, n)) for n in sorted(names) if n.endswith(".py"))
        spec = importlib.util.find_spec("holidays")
        if spec is not None and spec.origin:
            root = os.path.dirname(spec.origin)
            for name in ("__init__.py", "version.py", os.path.join("countries", "vietnam.py")):
                lines.append(_stat_line(os.path.join(root, name)))
        _fingerprint = hashlib.sha256("\n".join(lines).encode()).hexdigest()
    return _fingerprint


def rules_key(root: Path) -> str | None:
    """The key of the rule files under ``root``, or None — no cache then, and loading reads the files and reports
    what is wrong — when the folder cannot be read or a file is too large to be a rule file.
    """
    digest = hashlib.sha256(library_fingerprint().encode())
    try:
        paths = sorted(p for p in root.iterdir() if p.suffix in (".yaml", ".yml"))
        for path in paths:
            if not stat.S_ISREG(path.stat().st_mode):
                return None  # a folder, a FIFO, a device …: the loader reports it (and nothing is cached)
            with path.open("rb") as fh:
                data = fh.read(MAX_RULE_FILE + 1)
            if len(data) > MAX_RULE_FILE:
                return None
            digest.update(f"\0{path.name}\0{len(data)}\0".encode())
            digest.update(data)
    except OSError:
        return None
    return digest.hexdigest()


def _path(folder: Path, key: str) -> Path:
    return folder / f"{_PREFIX}{key[:40]}.json"


def read(key: str, source: str) -> tuple[runplan.RunPlan, dict[str, Any]] | None:
    """The run plan and the calendar data stored under ``key``, or None (no file, another key, unreadable)."""
    folder = cache_dir()
    if folder is None:
        return None
    try:
        raw = _path(folder, key).read_bytes()
    except OSError:
        return None
    try:
        doc = json.loads(raw)
        if not isinstance(doc, dict) or doc.get("key") != key:
            return None
        plan = runplan.from_data(doc["plan"], source)
        years = doc["calendar"]
        if not isinstance(years, dict):
            return None
        return plan, years
    except Exception:  # noqa: BLE001 - a corrupt cache file is ignored (and written again)
        return None


def write(key: str, plan: runplan.RunPlan, years: dict[str, Any]) -> bool:
    """Store a run plan and calendar data under ``key`` (False, silently, when the folder cannot be written)."""
    folder = cache_dir()
    if folder is None:
        return False
    text = json.dumps(
        {"key": key, "plan": runplan.to_data(plan), "calendar": years}, ensure_ascii=False, separators=(",", ":")
    )
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".json", dir=folder)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
            os.replace(tmp, _path(folder, key))
        except BaseException:
            os.unlink(tmp)
            raise
        _prune(folder)
    except OSError:
        return False
    return True


def _prune(folder: Path) -> None:
    files = []
    for p in folder.glob(f"{_PREFIX}*.json"):
        try:
            files.append((p.stat().st_mtime_ns, p))
        except OSError:
            continue
    for _, p in sorted(files, reverse=True)[KEEP:]:
        try:
            p.unlink()
        except OSError:
            pass


def calendar_years(plan: runplan.RunPlan) -> dict[str, Any]:
    """The days off of the years of the regulation's period, with two years of margin before it and five after
    (events dated around the period, and due dates counted from them into the following years), as
    :func:`quyche.calendar.year_data` gives them; none without a period.
    """
    from quyche import calendar

    if plan.validity is None:
        return {}
    start, end = plan.validity
    return {str(y): calendar.year_data(y) for y in range(start.year - 2, end.year + 6)}
