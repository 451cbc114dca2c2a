"""Hostile input (contract §5, conventions 6): junk events only ever raise InvalidEvent; hostile rule
files are rejected with a RuleFileError naming the file, without running code or exhausting memory.

No test measures time: a generous :func:`quyche.testing.hang_guard` turns a hang into a failure.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import quyche
from quyche.regulation import Regulation, bundled_rules_dir
from quyche.testing import events, hang_guard, json_values

SESSION_GUARD = 1200  # conftest.py's faulthandler guard, re-armed after each hang guard
GUARD = 120


def guard() -> Any:
    return hang_guard(GUARD, rearm=SESSION_GUARD)


# --------------------------------------------------------------------------------------------------
# Junk events


def _keys() -> st.SearchStrategy[Any]:
    return st.one_of(st.text(max_size=10), st.integers(), st.none(), st.booleans(), st.floats(allow_nan=False))


def junk() -> st.SearchStrategy[Any]:
    """Any JSON value, and mappings with keys that JSON cannot have."""
    return st.one_of(
        json_values(max_leaves=30),
        st.recursive(
            st.one_of(st.none(), st.integers(), st.text(max_size=20)),
            lambda inner: st.dictionaries(_keys(), inner, max_size=4) | st.lists(inner, max_size=4),
            max_leaves=15,
        ),
    )


def _only_invalid_event(reg: Regulation, event: Any, as_of: Any = None) -> None:
    try:
        reg.evaluate(event, as_of=as_of)
    except quyche.InvalidEvent as exc:
        assert isinstance(exc, ValueError) and exc.errors, exc
        assert all(isinstance(e["loc"], list) and isinstance(e["msg"], str) for e in exc.errors)


@given(event=junk())
def test_junk_events_raise_only_invalid_event(reg: Regulation, event: Any) -> None:
    """Contract §5: for any input, ``evaluate`` returns a decision or raises InvalidEvent — nothing else."""
    with guard():
        _only_invalid_event(reg, event)


@given(event=events(), key=_keys(), value=junk())
def test_a_valid_event_with_junk_added_is_rejected(
    reg: Regulation, event: dict[str, Any], key: Any, value: Any
) -> None:
    """Contract §3: unknown fields are rejected, and a known field with a junk value is rejected or
    accepted — never a crash.
    """
    with guard():
        if key not in event and not (isinstance(key, str) and key in ("id", "date")):
            with pytest.raises(quyche.InvalidEvent):
                reg.evaluate({**event, key: value})
        for field in event:
            _only_invalid_event(reg, {**event, field: value})


@given(event=events(), as_of=junk())
def test_junk_as_of_raises_only_invalid_event(reg: Regulation, event: dict[str, Any], as_of: Any) -> None:
    """Contract §4: ``as_of`` is a date; anything else is an InvalidEvent."""
    with guard():
        _only_invalid_event(reg, event, as_of)


def _nested(depth: int, leaf: Any, kind: str) -> Any:
    value = leaf
    for _ in range(depth):
        value = [value] if kind == "list" else {"a": value}
    return value


@pytest.mark.parametrize("kind", ["list", "dict"])
@pytest.mark.parametrize("where", ["event", "field", "extra"])
def test_deeply_nested_events_are_rejected(reg: Regulation, kind: str, where: str) -> None:
    """Contract §5: a value nested 100,000 levels deep is an InvalidEvent, not a RecursionError."""
    deep = _nested(100_000, "x", kind)
    event = {
        "event": deep,
        "field": {"type": "annual_review", "year": deep},
        "extra": {"type": "annual_review", "year": 2024, "notes": deep},
    }[where]
    with guard(), pytest.raises(quyche.InvalidEvent):
        reg.evaluate(event)


@pytest.mark.parametrize("field", ["type", "id", "proposed_by", "date", "extra"])
def test_huge_strings_are_handled(reg: Regulation, field: str) -> None:
    """Contract §3, §5: a 10 MB string is rejected without a crash and without echoing it — except as
    the ``id``, which is any string and is echoed back.
    """
    huge = "ư" * 10_000_000
    event = {"type": "amendment_proposed", "proposed_by": "ubnd", field: huge}
    if field == "id":
        with guard():
            assert reg.evaluate(event).event_id == huge
        return
    with guard(), pytest.raises(quyche.InvalidEvent) as info:
        reg.evaluate(event)
    assert len(str(info.value)) < 100_000, "the error message should not echo megabytes of input"


@pytest.mark.parametrize(
    "event",
    [
        None,
        0,
        "annual_review",
        b'{"type": "annual_review", "year": 2024}',
        {"annual_review", 2024},
        object(),
        [("type", "annual_review")],
        ("type",),
    ],
    ids=["none", "int", "str", "bytes", "set", "object", "pairs", "tuple"],
)
def test_non_mappings_are_rejected(reg: Regulation, event: Any) -> None:
    """Contract §3: an event is a mapping."""
    with guard(), pytest.raises(quyche.InvalidEvent):
        reg.evaluate(event)


# --------------------------------------------------------------------------------------------------
# Hostile rule files


@pytest.fixture()
def rules(tmp_path: Path) -> Path:
    dst = tmp_path / "rules"
    shutil.copytree(bundled_rules_dir(), dst)
    return dst


def _rejected(folder: Path, name: str = "dieu_21.yaml") -> quyche.RuleFileError:
    with guard(), pytest.raises(quyche.RuleFileError) as info:
        quyche.load(folder, engine="python")
    err = info.value
    assert err.path == str(folder / name), (err.path, str(err))
    assert name in str(err)
    return err


BILLION_LAUGHS = """format: quyche/rule@1
article: 21
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def _block_nesting(depth: int) -> str:
    return "".join(f"{'  ' * i}k{i}:\n" for i in range(depth)) + f"{'  ' * depth}v\n"


HOSTILE: dict[str, Any] = {
    "billion_laughs": BILLION_LAUGHS,
    "alias_only": "format: quyche/rule@1\nx: *undefined\n",
    "flow_nesting_10000": "[" * 10_000 + "]" * 10_000,
    "mapping_nesting_10000": "{a: " * 10_000 + "b" + "}" * 10_000,
    "block_nesting_10000": _block_nesting(10_000),
    "python_name": "format: !!python/name:os.system quyche/rule@1\n",
    "python_object_new": "x: !!python/object/new:os.system [echo]\n",
    "custom_tag": "format: !rule quyche/rule@1\n",
    "duplicate_keys": "format: quyche/rule@1\narticle: 21\narticle: 22\n",
    "duplicate_nested_keys": "format: quyche/rule@1\nprovenance: {source: summary, source: law}\n",
    "binary_junk": bytes(range(256)) * 40,
    "latin1": "format: quyche/rule@1\ntitle_vi: Điều\n".encode("cp1258", errors="replace") + b"\xff\xfe",
    "nul_bytes": b"format: quyche/rule@1\narticle: 21\x00\n",
    "nul_in_text": "format: quyche/rule@1\ntitle_vi: a\x00b\n",
    "many_documents": "format: quyche/rule@1\n---\nformat: quyche/rule@1\n",
    "too_many_nodes": "[" + "1," * 250_000 + "1]",
    "long_number": "article: " + "9" * 5000 + "\n",
    "not_a_mapping": "- format\n- quyche/rule@1\n",
    "empty": "",
    "unclosed": "format: 'quyche/rule@1\n",
    "tabs": "format:\tquyche/rule@1\n\tarticle: 21\n",
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_rule_files_are_rejected_naming_the_file(rules: Path, name: str) -> None:
    """Conventions 6 (YAML is data, never code): each hostile file is one RuleFileError naming it."""
    content = HOSTILE[name]
    target = rules / "dieu_21.yaml"
    if isinstance(content, bytes):
        target.write_bytes(content)
    else:
        target.write_text(content, encoding="utf-8")
    _rejected(rules)


@pytest.mark.parametrize("tag", ["!!python/object/apply:os.system", "!!python/object/apply:subprocess.call"])
def test_python_tags_run_no_code(rules: Path, tmp_path: Path, tag: str) -> None:
    """Conventions 6: a ``!!python/…`` tag names code; loading the file must not run it."""
    marker = tmp_path / "pwned"
    arg = f'["touch {marker}"]' if tag.endswith("system") else f'[["touch", "{marker}"]]'
    (rules / "dieu_21.yaml").write_text(f"format: quyche/rule@1\nevil: {tag} {arg}\n", encoding="utf-8")
    err = _rejected(rules)
    assert "tag" in str(err).lower()
    assert not marker.exists(), "the payload ran"
    # the payload is live: PyYAML's unsafe loader would have run it (shows the test is not vacuous)
    import yaml

    yaml.unsafe_load(f"evil: {tag} {arg}\n")
    assert marker.exists()


def test_a_50_mb_rule_file_is_refused_before_it_is_read(rules: Path) -> None:
    """Conventions 6: a huge file is refused by its size, without reading it into memory."""
    target = rules / "dieu_21.yaml"
    line = b"- {field: kind, eq: complaint}  # padding padding padding padding padding padding\n"
    with target.open("wb") as fh:
        fh.write(b"format: quyche/rule@1\nrules:\n")
        for _ in range(50_000_000 // len(line) + 1):
            fh.write(line)
    assert target.stat().st_size > 50_000_000
    assert "too large" in str(_rejected(rules))


def test_a_sparse_huge_file_is_refused(rules: Path) -> None:
    """A file that claims terabytes (sparse) is refused by its size as well."""
    target = rules / "dieu_21.yaml"
    with target.open("wb") as fh:
        fh.truncate(2**40)
    assert "too large" in str(_rejected(rules))


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes")
def test_a_named_pipe_or_device_is_not_read(rules: Path) -> None:
    """A rule file that is a pipe or ``/dev/zero`` would block or never end: it is not read; the folder
    is then missing that article, which the error names.
    """
    target = rules / "dieu_21.yaml"
    target.unlink()
    os.mkfifo(target)
    with guard(), pytest.raises(quyche.RuleFileError) as info:
        quyche.load(rules, engine="python")
    assert "dieu_21.yaml" in str(info.value)
    target.unlink()
    target.symlink_to("/dev/zero")
    with guard(), pytest.raises(quyche.RuleFileError) as info:
        quyche.load(rules, engine="python")
    assert "dieu_21.yaml" in str(info.value)


def test_an_unexpected_file_is_named(rules: Path) -> None:
    """docs/architecture.md: rule files are chuong_N.yaml and dieu_NN.yaml; anything else is named."""
    (rules / "evil.yaml").write_text("!!python/object/apply:os.system ['true']\n", encoding="utf-8")
    _rejected(rules, "evil.yaml")


@pytest.fixture(scope="module")
def shared_rules(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dst = tmp_path_factory.mktemp("junkrules") / "rules"
    shutil.copytree(bundled_rules_dir(), dst)
    return dst


@contextmanager
def _replaced(folder: Path, content: bytes) -> Iterator[Path]:
    target = folder / "dieu_21.yaml"
    original = target.read_bytes()
    target.write_bytes(content)
    try:
        yield target
    finally:
        target.write_bytes(original)


@settings(max_examples=max(20, settings.default.max_examples // 2))
@given(
    content=st.one_of(
        st.binary(max_size=4000), st.text(max_size=4000).map(lambda t: t.encode("utf-8", "surrogatepass"))
    )
)
def test_random_rule_files_are_rejected_naming_the_file(shared_rules: Path, content: bytes) -> None:
    """Conventions 6: arbitrary bytes in a rule file are one RuleFileError naming the file."""
    with _replaced(shared_rules, content):
        _rejected(shared_rules)


@settings(max_examples=max(20, settings.default.max_examples // 2))
@given(data=st.data())
def test_corrupted_rule_files_load_or_are_rejected(shared_rules: Path, data: st.DataObject) -> None:
    """Conventions 6: a real rule file with random bytes overwritten, inserted or deleted either still
    loads or is one RuleFileError — never another exception.
    """
    original = (bundled_rules_dir() / "dieu_21.yaml").read_bytes()
    pos = data.draw(st.integers(0, len(original)), label="position")
    cut = data.draw(st.integers(0, 20), label="deleted")
    junk_bytes = data.draw(st.binary(max_size=20), label="inserted")
    with _replaced(shared_rules, original[:pos] + junk_bytes + original[pos + cut :]):
        with guard():
            try:
                quyche.load(shared_rules, engine="python")
            except quyche.RuleFileError as exc:
                assert exc.path is not None


@pytest.mark.parametrize("value", [True, False, 1.0, 2.0, "1"])
def test_complaint_round_is_the_number_1_or_2(reg: Regulation, value: Any) -> None:
    """Contract §3: ``round`` is 1 or 2; ``true`` or ``1.0`` is the wrong type, not round 1 (found by
    ``invalid_events(kind="wrong_type")``).
    """
    event = {"type": "petition_received", "received_by": "ubnd", "kind": "complaint", "competent_body": "ubnd"}
    with pytest.raises(quyche.InvalidEvent) as info:
        reg.evaluate({**event, "round": value})
    assert info.value.errors[0]["loc"] == ["round"]
