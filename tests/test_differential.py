"""Contract §4: "Both engines give identical decisions for every event" — durable-rules against the
pure-Python oracle, over generated events (the bundled rules) and over generated rule sets of the
condition language (engine-notes.md, "A hypothesis differential test").
"""

from __future__ import annotations

import operator
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import quyche
from quyche.events import EVENT_TYPES, parse_event
from quyche.regulation import Regulation
from quyche.rules import conditions as C
from quyche.rules.check import rule_event_types
from quyche.rules.compile import CompiledRegulation, CompiledRule, Outline, _in_force_node, event_fact
from quyche.rules.durable_adapter import DurableEngine
from quyche.rules.model import Rule
from quyche.rules.pyeval import PythonEngine
from quyche.rules.yamlsafe import parse_file
from quyche.testing import conditions, dates, events, invalid_events, rule_sets

FEW = max(10, settings.default.max_examples // 4)
as_of_dates = st.one_of(st.none(), dates())


@given(event=events(), as_of=as_of_dates)
def test_engines_agree_on_the_bundled_rules(
    python_reg: Regulation, durable_reg: Regulation, event: dict[str, Any], as_of: date | None
) -> None:
    """Contract §4: durable-rules and the python engine give the same decision for every valid event."""
    assert durable_reg.evaluate(event, as_of=as_of) == python_reg.evaluate(event, as_of=as_of)


@given(event=invalid_events())
def test_engines_reject_the_same_events(python_reg: Regulation, durable_reg: Regulation, event: Any) -> None:
    """Contract §5: both engines reject an invalid event with the same InvalidEvent."""
    with pytest.raises(quyche.InvalidEvent) as py:
        python_reg.evaluate(event)
    with pytest.raises(quyche.InvalidEvent) as du:
        durable_reg.evaluate(event)
    assert (str(du.value), du.value.errors) == (str(py.value), py.value.errors)


# --------------------------------------------------------------------------------------------------
# Generated rule sets, compiled in memory: the engines alone


def _compile(rules: list[dict[str, Any]], article: int = 21, chapter: int = 7) -> CompiledRegulation:
    """The rules as ``compile_rules`` would order and normalise them (without the folder's checks)."""
    compiled = []
    for pos, raw in enumerate(rules):
        rule = Rule.model_validate(raw)
        when = C.conjoin(C.normalise(rule.when) if rule.when is not None else None, _in_force_node(rule.in_force))
        prio = rule.priority if rule.priority is not None else 100
        compiled.append(
            CompiledRule(
                rule.id, article, chapter, rule_event_types(rule), when, rule, "<generated>", (prio, article, pos)
            )
        )
    compiled.sort(key=lambda r: r.order)
    return CompiledRegulation(
        outline=Outline({}, {}),
        rules=tuple(compiled),
        by_type={t: tuple(r for r in compiled if t in r.event_types) for t in EVENT_TYPES},
        by_id={r.id: r for r in compiled},
        validity=None,
        source="<generated>",
    )


def _fact(event: dict[str, Any], as_of: date | None) -> tuple[str, dict[str, Any]]:
    parsed = parse_event(event)
    fields = {k: getattr(parsed, k) for k in type(parsed).model_fields}
    return fields["type"], event_fact(fields, as_of or parsed.date)


@given(
    rules=rule_sets(max_size=8),
    batch=st.lists(st.tuples(events(), as_of_dates), min_size=1, max_size=10),
)
def test_engines_agree_on_generated_rule_sets(
    rules: list[dict[str, Any]], batch: list[tuple[dict[str, Any], date | None]]
) -> None:
    """Contract §4 and engine-notes.md §5: for any rule set of the condition language (eq, ne, in,
    not_in, lt, le, gt, ge, exists, all, any, not, in_force, priorities) over typed fields, durable-rules
    fires exactly the rules the python engine fires, in the same order.
    """
    reg = _compile(rules)
    oracle = PythonEngine(reg)
    engine = DurableEngine(reg)
    try:
        for event, as_of in batch:
            event_type, fact = _fact(event, as_of)
            assert engine.fire(event_type, fact) == oracle.fire(event_type, fact), (event_type, fact)
    finally:
        engine.close()


_CMP: dict[str, Callable[[Any, Any], bool]] = {
    "eq": operator.eq,
    "lt": operator.lt,
    "le": operator.le,
    "gt": operator.gt,
    "ge": operator.ge,
}


def file_semantics(cond: dict[str, Any], fact: dict[str, Any]) -> bool:
    """The rule-file language as docs/architecture.md states it, read directly: ``ne``, ``not_in`` and
    ``not`` are true when the field is absent; every other comparison on an absent field is false.
    """
    if "all" in cond:
        return all(file_semantics(c, fact) for c in cond["all"])
    if "any" in cond:
        return any(file_semantics(c, fact) for c in cond["any"])
    if "not" in cond:
        return not file_semantics(cond["not"], fact)
    present = cond["field"] in fact
    value = fact.get(cond["field"])
    (op,) = (k for k in cond if k != "field")
    target = cond[op]
    if op == "exists":
        return present == target
    if op == "ne":
        return not (present and value == C.const(target))
    if op == "in":
        return present and value in [C.const(t) for t in target]
    if op == "not_in":
        return not (present and value in [C.const(t) for t in target])
    return present and _CMP[op](value, C.const(target))


@given(
    case=st.sampled_from(sorted(EVENT_TYPES)).flatmap(
        lambda t: st.tuples(conditions(t), st.lists(st.tuples(events(t), as_of_dates), min_size=1, max_size=10))
    )
)
def test_normalised_conditions_mean_what_the_file_says(
    case: tuple[dict[str, Any], list[tuple[dict[str, Any], date | None]]],
) -> None:
    """docs/architecture.md ("Conditions"): compiling a rule-file condition (``not`` pushed to the leaves,
    ``in`` expanded, ``ne`` made true on an absent field) keeps its meaning on every event.
    """
    cond, batch = case
    node = C.normalise(Rule.model_validate({**_MINIMAL_RULE, "when": cond}).when)
    for event, as_of in batch:
        _, fact = _fact(event, as_of)
        assert C.holds(node, fact) == file_semantics(cond, fact), (cond, fact, node)


_MINIMAL_RULE = {
    "id": "dieu_21.g",
    "event": "any",
    "provenance": {"source": "reconstructed"},
    "text_vi": "Quy tắc sinh tự động.",
    "text_en": "A generated rule.",
}


# --------------------------------------------------------------------------------------------------
# Generated rule sets, written into a rules folder: the whole pipeline


@pytest.fixture(scope="module")
def rules_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    src = quyche.regulation.bundled_rules_dir()
    dst = tmp_path_factory.mktemp("generated") / "rules"
    shutil.copytree(src, dst)
    return dst


class _NoAliases(yaml.SafeDumper):
    """Rule files are plain data: repeat shared values instead of writing anchors and aliases."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


@contextmanager
def _with_rules(folder: Path, rules: list[dict[str, Any]]) -> Iterator[None]:
    target = folder / "dieu_21.yaml"
    original = target.read_bytes()
    data = parse_file(target).data
    data["rules"] = list(data.get("rules", [])) + rules
    target.write_text(yaml.dump(data, Dumper=_NoAliases, allow_unicode=True, sort_keys=False), encoding="utf-8")
    try:
        yield
    finally:
        target.write_bytes(original)


@settings(max_examples=FEW)
@given(rules=rule_sets(max_size=6), batch=st.lists(st.tuples(events(), as_of_dates), min_size=1, max_size=10))
def test_engines_agree_on_generated_rule_files(
    rules_copy: Path, rules: list[dict[str, Any]], batch: list[tuple[dict[str, Any], date | None]]
) -> None:
    """Contract §4 through the whole pipeline: generated rules written into a copy of ``rules/`` are
    accepted by the loader's checks and give the same decisions on both engines.
    """
    with _with_rules(rules_copy, [{**r, "id": r["id"].replace(".g", ".gen_")} for r in rules]):
        python = quyche.load(rules_copy, engine="python")
        with quyche.load(rules_copy, engine="durable") as durable:
            for event, as_of in batch:
                assert durable.evaluate(event, as_of=as_of) == python.evaluate(event, as_of=as_of)
