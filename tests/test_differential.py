"""Contract §4: "Both engines give identical decisions for every event" — durable-rules against the pure-Python
oracle, over generated events (the bundled rules) and over generated rule sets of the rule language (field
values, ne/lt…, in/not_in with lists and named sets, given, same_as/differs_from another field, all/any/not,
in_force, priorities), compiled alone and through the whole pipeline.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import quyche
from quyche.chapters.chuong_1 import SETS
from quyche.events import EVENT_TYPES, parse_event
from quyche.regulation import Regulation, bundled_rules_dir
from quyche.rules import conditions as C
from quyche.rules.check import check
from quyche.rules.compile import compile_rules
from quyche.rules.durable_adapter import DurableEngine
from quyche.rules.pyeval import PythonEngine
from quyche.rules.read import read_rules
from quyche.rules.runtime import event_fact
from quyche.rules.syntax import leaves, parse_condition
from quyche.rules.yamlsafe import Document, parse_file
from quyche.testing import article_file, compile_article, conditions, dates, events, invalid_events, rule_sets

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


@given(event=events(), as_of=as_of_dates)
def test_the_trace_records_tests_that_make_each_rule_apply(reg: Regulation, event: dict[str, Any], as_of: Any) -> None:
    """A trace entry's ``held`` tests make the unit's condition true (``explain`` renders them, never re-evaluates)."""
    decision = reg.evaluate(event, as_of=as_of)
    for t in decision.trace:
        unit = reg.compiled.unit_for(t.rule, t.row)
        truths = {x.index: x.index in set(t.held) for x in leaves(unit.condition)}
        assert C.syntax_holds(unit.condition, truths), (t, event)


# --------------------------------------------------------------------------------------------------
# Generated rule sets, compiled alone: the engines themselves


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
    """Contract §4: for any rule set of the rule language over typed fields, durable-rules fires exactly the units
    the python engine fires, in the same order — field-to-field comparisons included (durable's ``$m``).
    """
    plan = compile_article(article_file(rules))
    oracle = PythonEngine(plan)
    engine = DurableEngine(plan)
    try:
        for event, as_of in batch:
            event_type, fact = _fact(event, as_of)
            assert engine.fire(event_type, fact) == oracle.fire(event_type, fact), (event_type, fact)
    finally:
        engine.close()


_CMP: dict[str, Callable[[Any, Any], bool]] = {
    "eq": operator.eq,
    "ne": operator.ne,
    "lt": operator.lt,
    "le": operator.le,
    "gt": operator.gt,
    "ge": operator.ge,
}


def file_semantics(cond: dict[str, Any], fact: dict[str, Any]) -> bool:
    """The rule language as docs/rule-format.md states it, read directly from the file's mapping: every entry
    holds; ``ne``, ``not_in``, ``differs_from`` and ``given: false`` hold of an absent field, every other test of
    an absent field (or against an absent field) does not.
    """
    for key, value in cond.items():
        if key == "all":
            ok = all(file_semantics(c, fact) for c in value)
        elif key == "any":
            ok = any(file_semantics(c, fact) for c in value)
        elif key == "not":
            ok = not file_semantics(value, fact)
        else:
            tests = value if isinstance(value, dict) else {"eq": value}
            ok = all(_test(key, op, target, fact) for op, target in tests.items())
        if not ok:
            return False
    return True


def _test(name: str, op: str, target: Any, fact: dict[str, Any]) -> bool:
    present = name in fact
    value = fact.get(name)
    if op == "given":
        return present == target
    if op in ("same_as", "differs_from"):
        same = present and target in fact and value == fact[target] and type(value) is type(fact[target])
        return same if op == "same_as" else not same
    if op in ("in", "not_in"):
        members = SETS[target] if isinstance(target, str) else target
        inside = present and value in [C.const(t) for t in members]
        return inside if op == "in" else not inside
    if op == "ne":
        return not (present and value == C.const(target))
    return present and type(value) is type(C.const(target)) and _CMP[op](value, C.const(target))


@given(
    case=st.sampled_from(sorted(EVENT_TYPES)).flatmap(
        lambda t: st.tuples(conditions(t), st.lists(st.tuples(events(t), as_of_dates), min_size=1, max_size=10))
    )
)
def test_lowered_conditions_mean_what_the_file_says(
    case: tuple[dict[str, Any], list[tuple[dict[str, Any], date | None]]],
) -> None:
    """docs/rule-format.md: lowering a condition to the engines' normal form (``not`` pushed to the tests, ``in``
    expanded, absent-field meanings made explicit, field references guarded) keeps its meaning on every event.
    """
    cond, batch = case
    node = C.lower(parse_condition(cond, sets=SETS))
    for event, as_of in batch:
        _, fact = _fact(event, as_of)
        assert C.holds(node, fact) == file_semantics(cond, fact), (cond, fact, node)


# --------------------------------------------------------------------------------------------------
# Generated rules added to the bundled article 21: the whole pipeline


@pytest.fixture(scope="module")
def bundled_21() -> Any:
    return read_rules(bundled_rules_dir()), parse_file(bundled_rules_dir() / "dieu_21.yaml")


@settings(max_examples=FEW)
@given(rules=rule_sets(max_size=6), batch=st.lists(st.tuples(events(), as_of_dates), min_size=1, max_size=10))
def test_engines_agree_on_generated_rule_files(
    bundled_21: Any, rules: list[dict[str, Any]], batch: list[tuple[dict[str, Any], date | None]]
) -> None:
    """Contract §4 through the whole pipeline: generated rules added to the bundled ``dieu_21.yaml`` pass the
    checks and give the same decisions on both engines.
    """
    src, doc = bundled_21
    data = dict(doc.data)
    data["rules"] = list(data.get("rules", [])) + [{**r, "id": r["id"].replace(".g", ".gen_")} for r in rules]
    plan = compile_rules(check(src.with_documents(Document(data, doc.path))))
    python = Regulation(plan, "python")
    with Regulation(plan, "durable") as durable:
        for event, as_of in batch:
            assert durable.evaluate(event, as_of=as_of) == python.evaluate(event, as_of=as_of)
