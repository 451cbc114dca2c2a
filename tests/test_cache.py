"""The on-disk cache of compiled rules (issue 15): keyed by the rule files and the library, plain data only,
rebuilt when stale or corrupt, and giving the same decisions as compiling; the calendar it carries; and the
imports a cold start does (or does not) pay for.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

import quyche
from quyche import calendar, regulation
from quyche.regulation import bundled_rules_dir
from quyche.rules import cache, runplan
from quyche.testing import event_mix

ROOT = Path(__file__).resolve().parent.parent
EVENTS = event_mix(400, seed=15)


class _NoSharing:
    """In place of the table of compiled rules shared by the Regulations of a process: each load here stands
    for a new process, which has only the disk.
    """

    def get(self, key: str) -> None:
        return None

    def setdefault(self, key: str, value: object) -> object:
        return value


@pytest.fixture(autouse=True)
def _each_load_a_new_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(regulation, "_SHARED", _NoSharing())


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("QUYCHE_CACHE_DIR", str(folder))
    return folder


@pytest.fixture
def rules(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(bundled_rules_dir(), target)
    return target


def _files(folder: Path) -> list[Path]:
    return sorted(folder.glob("plan-*.json")) if folder.is_dir() else []


def _same_decisions(a: quyche.Regulation, b: quyche.Regulation) -> None:
    for event in EVENTS:
        for as_of in (None, "2024-06-01"):
            assert a.evaluate(event, as_of=as_of).model_dump_json() == b.evaluate(event, as_of=as_of).model_dump_json()


def test_the_run_plan_round_trips_through_plain_json(python_reg: quyche.Regulation) -> None:
    run = python_reg._run
    text = json.dumps(runplan.to_data(run))  # plain data: json.dumps refuses anything else
    assert runplan.from_data(json.loads(text), run.source) == run


def test_a_second_load_reads_the_cache_and_decides_the_same(rules: Path, cache_dir: Path) -> None:
    first = quyche.load(rules, engine="python")
    assert first._shared._compiled is not None  # compiled from the files …
    (written,) = _files(cache_dir)
    doc = json.loads(written.read_text(encoding="utf-8"))  # … and stored as JSON
    assert set(doc) == {"key", "plan", "calendar"} and doc["key"] == cache.rules_key(rules)
    for engine in ("python", "durable"):
        again = quyche.load(rules, engine=engine)  # type: ignore[arg-type]
        assert again._shared._compiled is None  # from the cache: nothing read, checked or compiled
        assert again.chapters == first.chapters and again.articles == first.articles
        assert again.validity == first.validity
        _same_decisions(first, again)
        # tooling still gets the full compiled rules, read on demand, and they are the ones running
        assert [u.id for u in again.compiled.rules] == [u.id for u in first.compiled.rules]
        again.close()


def test_a_changed_rule_file_or_library_gives_another_key(rules: Path, cache_dir: Path) -> None:
    quyche.load(rules, engine="python")
    key = cache.rules_key(rules)
    target = rules / "dieu_19.yaml"
    target.write_text(target.read_text(encoding="utf-8") + "\n# a comment\n", encoding="utf-8")
    assert cache.rules_key(rules) != key
    reg = quyche.load(rules, engine="python")
    assert reg._shared._compiled is not None  # rebuilt, not trusted
    assert len(_files(cache_dir)) == 2
    (rules / "notes.txt").write_text("not a rule file", encoding="utf-8")
    assert cache.rules_key(rules) == cache.rules_key(rules)  # only the rule files count
    before = cache.rules_key(rules)
    old = cache._fingerprint
    try:
        cache._fingerprint = "another version of quyche"
        assert cache.rules_key(rules) != before
    finally:
        cache._fingerprint = old


@pytest.mark.parametrize(
    "damage",
    [
        b"",
        b"{not json",
        b"[]",
        b'{"key": "another", "plan": {}, "calendar": {}}',
        None,  # the right key, a plan that does not read back
        b"\x80\x81 binary",
    ],
)
def test_a_corrupt_cache_file_is_ignored_and_written_again(rules: Path, cache_dir: Path, damage: bytes | None) -> None:
    reference = quyche.load(rules, engine="python")
    (path,) = _files(cache_dir)
    good = path.read_bytes()
    if damage is None:
        doc = json.loads(good)
        del doc["plan"]["units"][3]["when"]
        damage = json.dumps(doc).encode()
    path.write_bytes(damage)
    reg = quyche.load(rules, engine="python")
    assert reg._shared._compiled is not None  # the damaged file was not used
    _same_decisions(reference, reg)
    assert json.loads(path.read_bytes()) == json.loads(good)  # and it was written again
    assert quyche.load(rules, engine="python")._shared._compiled is None


def test_a_calendar_that_does_not_read_back_is_not_used(rules: Path, cache_dir: Path) -> None:
    quyche.load(rules, engine="python")
    (path,) = _files(cache_dir)
    doc = json.loads(path.read_bytes())
    doc["calendar"]["2024"]["off"] = {"2023-01-01": "a day of another year"}
    path.write_text(json.dumps(doc), encoding="utf-8")
    reg = quyche.load(rules, engine="python")
    assert reg._shared._compiled is not None
    assert not calendar.is_working_day(date(2024, 2, 12))  # Tết 2024, as the library says


def test_files_changed_after_a_cached_load_are_refused_by_the_tooling(rules: Path, cache_dir: Path) -> None:
    quyche.load(rules, engine="python")
    reg = quyche.load(rules, engine="python")
    assert reg._shared._compiled is None
    target = rules / "dieu_19.yaml"
    target.write_text(target.read_text(encoding="utf-8").replace("2024", "2034", 1), encoding="utf-8")
    with pytest.raises(quyche.RuleFileError, match="changed after they were loaded"):
        reg.compiled  # noqa: B018


def test_cache_modes(rules: Path, cache_dir: Path) -> None:
    quyche.load(rules, engine="python", cache="off")
    quyche.load(rules, engine="python", cache="read")
    assert _files(cache_dir) == []  # neither writes
    quyche.load(rules, engine="python")
    assert quyche.load(rules, engine="python", cache="read")._shared._compiled is None
    assert quyche.load(rules, engine="python", cache="off")._shared._compiled is not None
    with pytest.raises(quyche.QuycheError, match="cache"):
        quyche.load(rules, cache="always")  # type: ignore[arg-type]


def test_no_cache_when_turned_off_or_unwritable(rules: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QUYCHE_CACHE_DIR", "")
    assert cache.cache_dir() is None
    assert quyche.load(rules, engine="python")._shared._compiled is not None
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("QUYCHE_CACHE_DIR", str(blocked / "cache"))
    assert quyche.load(rules, engine="python")._shared._compiled is not None  # no error: compiled each time


def test_old_cache_files_are_pruned(rules: Path, cache_dir: Path) -> None:
    cache_dir.mkdir()
    for i in range(cache.KEEP + 5):
        (cache_dir / f"plan-{i:040d}.json").write_text("{}", encoding="utf-8")
        os.utime(cache_dir / f"plan-{i:040d}.json", (1_000_000 + i, 1_000_000 + i))
    quyche.load(rules, engine="python")
    files = _files(cache_dir)
    assert len(files) == cache.KEEP
    assert (cache_dir / f"plan-{cache.KEEP + 4:040d}.json") in files  # the newest stay


def test_seeded_calendar_years_are_the_library_s(python_reg: quyche.Regulation) -> None:
    years = cache.calendar_years(python_reg._run)
    assert sorted(map(int, years)) == list(range(2019, 2031))  # the period 2021–2025, and a margin
    seeded = dict(calendar._SEEDED)
    try:
        calendar._year_calendar.cache_clear()  # type: ignore[attr-defined]
        library = {d: (calendar.is_working_day(d), calendar.holiday_name(d)) for d in _days(2019, 2030)}
        calendar.seed(json.loads(json.dumps(years)))
        assert {d: (calendar.is_working_day(d), calendar.holiday_name(d)) for d in _days(2019, 2030)} == library
    finally:
        calendar._SEEDED.clear()
        calendar._SEEDED.update(seeded)
    with pytest.raises(ValueError):
        calendar.seed({"2024": {"off": {"2023-05-01": "x"}, "worked": []}})


def _days(first: int, last: int) -> list[date]:
    start, end = date(first, 1, 1), date(last, 12, 31)
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def _python(code: str, cache_dir: Path) -> str:
    env = {**os.environ, "QUYCHE_CACHE_DIR": str(cache_dir)}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT, check=False, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_import_quyche_imports_nothing_heavy(cache_dir: Path) -> None:
    heavy = ("pydantic", "yaml", "holidays", "click", "durable", "durable_rules_engine")
    out = _python(f"import sys, quyche; print([m for m in {heavy!r} if m in sys.modules])", cache_dir)
    assert out == "[]"
    assert _python("import quyche; print(quyche.load.__module__, quyche.AnnualReview.ARTICLE)", cache_dir) == (
        "quyche.regulation 19"
    )


def test_holidays_is_imported_only_for_dates_outside_the_cached_years(cache_dir: Path) -> None:
    _python("import quyche; quyche.load()", cache_dir)  # writes the cache
    code = (
        "import sys, quyche\n"
        "reg = quyche.load()\n"
        "assert reg._shared._compiled is None\n"
        "d = reg.evaluate({'type': 'petition_received', 'received_by': 'btt_ubmttq', 'kind': 'complaint',"
        " 'competent_body': 'ubnd', 'date': '{DAY}'})\n"
        "assert any(r.deadline and r.deadline.due for r in d.responsibilities)\n"
        "print('holidays' in sys.modules, 'quyche.rules.check' in sys.modules, 'yaml' in sys.modules)\n"
    )
    assert _python(code.replace("{DAY}", "2024-02-07"), cache_dir) == "False False False"
    assert _python(code.replace("{DAY}", "2031-02-07"), cache_dir) == "True False False"
