"""Loading that tells the truth: safe YAML, one RuleFileError with file and line, load-time checks."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

import quyche
from quyche.regulation import bundled_rules_dir
from quyche.rules import yamlsafe

RULE_19 = "dieu_19.yaml"


@pytest.fixture
def rules(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(bundled_rules_dir(), target)
    return target


def _load_error(rules: Path) -> quyche.RuleFileError:
    with pytest.raises(quyche.RuleFileError) as info:
        quyche.load(rules, engine="python")
    return info.value


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(needle)


# --- the YAML layer -----------------------------------------------------------------------------


def test_yaml_implicit_typing_is_tamed() -> None:
    doc = yamlsafe.parse("a: no\nb: on\nc: 0x1F\nd: 1_000\ne: 2024-01-02\nf: '07'\ng: true\nh: ~\ni: 12\n")
    assert doc.data == {
        "a": "no", "b": "on", "c": "0x1F", "d": "1_000", "e": date(2024, 1, 2), "f": "07", "g": True,
        "h": None, "i": 12,
    }  # fmt: skip


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("a: 1\nb:\n  c: 1\n  c: 2\n", 4, "duplicate key 'c'"),
        ("a: &x [1, 2]\nb: *x\n", 1, "anchors"),
        ("a: !!python/object/apply:os.system ['true']\n", 1, "tag"),
        ("a: !custom 1\n", 1, "tag"),
        ("article: 07\n", 1, "leading zero"),
        ("d: 2024-02-30\n", 1, "not a valid calendar date"),
        ("a: [1, 2\n", 2, "invalid YAML"),
        ("---\na: 1\n---\nb: 2\n", 3, "more than one YAML document"),
        ("? [a]\n: 1\n", 1, "must be text"),
        ("a: 1\n\x00", 2, "NUL"),
    ],
)
def test_yaml_refusals_name_the_line(text: str, line: int, message: str) -> None:
    with pytest.raises(quyche.RuleFileError) as info:
        yamlsafe.parse(text, "f.yaml")
    assert info.value.path == "f.yaml" and info.value.line == line
    assert message in str(info.value) and str(info.value).startswith(f"f.yaml:{line}: ")


def test_billion_laughs_is_refused_before_expansion() -> None:
    bomb = 'a: &a ["x","x","x","x","x","x","x","x","x"]\n' + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)}]\n"
        for i in range(9)
    )
    with pytest.raises(quyche.RuleFileError, match="anchors"):
        yamlsafe.parse(bomb)


def test_deep_nesting_and_size_are_bounded() -> None:
    with pytest.raises(quyche.RuleFileError, match="nesting"):
        yamlsafe.parse("[" * 10_000 + "]" * 10_000)
    with pytest.raises(quyche.RuleFileError, match="too large"):
        yamlsafe.parse(b"a: " + b"x" * (yamlsafe.MAX_BYTES + 1))
    with pytest.raises(quyche.RuleFileError, match="UTF-8"):
        yamlsafe.parse(b"a: \xff\xfe\n")


def test_line_of_follows_the_data() -> None:
    doc = yamlsafe.parse("rules:\n  - id: x\n    when:\n      field: year\n")
    assert doc.line_of(["rules", 0, "when", "field"]) == 4
    assert doc.line_of(["rules", 0, "when", "leaf", "field"]) == 4  # pydantic's union tags are skipped
    assert doc.line_of(["rules", 0, "when"]) == 3  # the key's line, not the nested block's
    assert doc.line_of(["rules", 5]) == 1


# --- the rule files -----------------------------------------------------------------------------


def test_bundled_rules_load_in_any_order(rules: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    reference = quyche.load(rules, engine="python").compiled
    original = Path.iterdir

    def reversed_iterdir(self: Path):  # type: ignore[no-untyped-def]
        return iter(sorted(original(self), reverse=True))

    monkeypatch.setattr(Path, "iterdir", reversed_iterdir)
    shuffled = quyche.load(rules, engine="python").compiled
    assert [r.id for r in shuffled.rules] == [r.id for r in reference.rules]


def test_unknown_key_names_file_line_and_suggestion(rules: Path) -> None:
    path = rules / RULE_19
    _replace(path, "    lead: row.host\n", "    leed: row.host\n")
    err = _load_error(rules)
    assert err.path == str(path)
    assert err.line == _line_of(path, "leed: row.host")
    assert "did you mean 'lead'?" in str(err)


def test_misspelt_condition_field_is_a_load_error_with_suggestion(rules: Path) -> None:
    path = rules / "dieu_13.yaml"
    _replace(path, "when: {mode: notify,", "when: {moed: notify,")
    err = _load_error(rules)
    assert err.line == _line_of(path, "moed: notify")
    assert "no field 'moed'" in str(err) and "did you mean 'mode'?" in str(err)


def test_condition_value_must_fit_the_field(rules: Path) -> None:
    _replace(rules / RULE_19, "{year: 2024, host: ubnd}", "{year: '2024', host: ubnd}")
    assert "whole number" in str(_load_error(rules))
    _replace(rules / RULE_19, "{year: '2024', host: ubnd}", "{year: 2024, host: ubnd}")
    _replace(rules / "dieu_13.yaml", "when: {mode: notify,", "when: {mode: notfy,")
    err = _load_error(rules)
    assert "'notfy' is not a value of mode" in str(err) and "did you mean 'notify'?" in str(err)


def test_unknown_body_and_event_type(rules: Path) -> None:
    _replace(rules / RULE_19, "{year: 2024, host: ubnd}", "{year: 2024, host: ubdn}")
    assert "'ubdn', which is not a body (did you mean 'ubnd'?)" in str(_load_error(rules))
    _replace(rules / RULE_19, "{year: 2024, host: ubdn}", "{year: 2024, host: ubnd}")
    _replace(rules / "dieu_20.yaml", "event: amendment_proposed", "event: amendment_propose")
    assert "did you mean 'amendment_proposed'?" in str(_load_error(rules))


def test_law_provenance_needs_a_basis(rules: Path) -> None:
    _replace(rules / "dieu_20.yaml", "    provenance: {source: summary}\n", "    provenance: {source: law}\n")
    assert "basis" in str(_load_error(rules))


def test_conflicting_leads_without_priority_are_an_error(rules: Path) -> None:
    path = rules / RULE_19
    _replace(path, "    coordinating: [all_parties]\n", "    lead: tt_hdnd\n    coordinating: [all_parties]\n")
    err = _load_error(rules)
    assert "dieu_19.host" in str(err) and "dieu_19.evaluation_meeting" in str(err) and "priorit" in str(err)
    assert err.path == str(path)
    # a priority between them settles who leads: the rotation's host, which fires first
    _replace(path, "    lead: tt_hdnd\n", "    lead: tt_hdnd\n    priority: 150\n")
    reg = quyche.load(rules, engine="python")
    assert reg.evaluate({"type": "annual_review", "year": 2025}).lead == "btt_ubmttq"
    assert reg.evaluate({"type": "annual_review", "year": 2030}).lead == "tt_hdnd"


def test_an_exception_gives_way_to_nothing_else(rules: Path) -> None:
    """A default rule gives way only where one of its exceptions applies (Điều 19: the unscheduled year)."""
    reg = quyche.load(rules, engine="python")
    assert reg.evaluate({"type": "annual_review", "year": 2024}).warning_codes == []
    assert reg.evaluate({"type": "annual_review", "year": 2026}).warning_codes == ["review_year_unscheduled"]
    why = reg.why_not({"type": "annual_review", "year": 2024}, "dieu_19.year_unscheduled")
    assert not why.applies and why.overridden_by == ["dieu_19.host"]


def test_outline_is_checked(rules: Path) -> None:
    (rules / "dieu_22.yaml").unlink()
    assert "dieu_22.yaml is missing" in str(_load_error(rules))


def test_article_in_the_wrong_chapter(rules: Path) -> None:
    _replace(rules / RULE_19, "chapter: 6\n", "chapter: 5\n")
    err = _load_error(rules)
    assert "chuong_6.yaml lists it" in str(err) and err.line == 4


def test_file_must_hold_its_article(rules: Path) -> None:
    _replace(rules / RULE_19, "article: 19\n", "article: 18\n")
    assert "must hold article 19" in str(_load_error(rules))


def test_unexpected_file_and_missing_folder(rules: Path, tmp_path: Path) -> None:
    (rules / "notes.yaml").write_text("a: 1\n", encoding="utf-8")
    assert "unexpected file name" in str(_load_error(rules))
    assert "not found" in str(_load_error(tmp_path / "nowhere"))


def test_unknown_format_version(rules: Path) -> None:
    _replace(rules / RULE_19, "format: quyche/rule@2", "format: quyche/rule@3")
    err = _load_error(rules)
    assert err.line == 2 and "format" in str(err)


def _nested_groups(n: int) -> str:
    """A condition with ``n`` nested all/any groups that normalisation cannot merge."""
    cond = "{year: 2000}"
    for i in range(n):
        other = "{year: 1}" if i % 2 == 0 else "{year: {ge: 1}}"  # keeps it true for 2000
        cond = f"{{{'any' if i % 2 == 0 else 'all'}: [{cond}, {other}]}}"
    return cond


@pytest.mark.parametrize("engine", ["python", "durable"])
def test_condition_size_is_checked_at_load_for_both_engines(rules: Path, engine: str) -> None:
    path = rules / RULE_19
    anchor = "  - id: dieu_19.evaluation_meeting\n"
    _replace(path, anchor, f"{anchor}    when: {_nested_groups(15)}\n")
    with pytest.raises(quyche.RuleFileError) as info:
        quyche.load(rules, engine=engine)  # type: ignore[arg-type]
    assert "too complex" in str(info.value) and info.value.path == str(path)
    assert info.value.line == _line_of(path, "when: {any: [{all:")
    _replace(path, f"when: {_nested_groups(15)}", f"when: {_nested_groups(14)}")
    reg = quyche.load(rules, engine=engine)  # type: ignore[arg-type]
    assert "review_year_unscheduled" in reg.evaluate({"type": "annual_review", "year": 2000}).warning_codes
    reg.close()
