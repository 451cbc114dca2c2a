"""Why a rule did not apply to an event (``quyche explain EVENT --why-not RULE_ID``, ``Regulation.why_not``).

The answer names each reason, in Vietnamese and English: the rule is for other event types; its version is not
in force on the reference date; which tests of its condition failed (and which held); no row of its table
matches the event; or it would apply but an exception to it applies instead. A rule that did apply says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict

from quyche.errors import QuycheError, did_you_mean
from quyche.labels import Lang, label
from quyche.render import date_text, event_words, failed_tests, test_words
from quyche.rules import conditions as C
from quyche.rules.cite import provision
from quyche.rules.syntax import leaves

if TYPE_CHECKING:
    from quyche.regulation import Regulation

ReasonCode = Literal[
    "applies", "event_type", "not_in_force", "condition", "no_row", "outside_general_rule", "overridden"
]


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TestResult(_Frozen):
    """One test of the rule's condition (or a table key), whether it held, in words."""

    index: int
    held: bool
    text_vi: str
    text_en: str


class WhyNotReason(_Frozen):
    """One reason the rule did not apply (or ``applies``)."""

    code: ReasonCode
    message_vi: str
    message_en: str


class WhyNot(_Frozen):
    """Whether a rule applied to an event, and if not, why."""

    rule: str
    article: int
    applies: bool
    reasons: list[WhyNotReason]
    tests: list[TestResult]
    overridden_by: list[str] = []


class UnknownRule(QuycheError, ValueError):
    """``why_not`` was asked about a rule the regulation does not have."""


def _reason(code: ReasonCode, vi: str, en: str) -> WhyNotReason:
    return WhyNotReason(code=code, message_vi=vi, message_en=en)


def why_not(reg: Regulation, event: Mapping[str, Any], rule_id: str, as_of: date | str | None = None) -> WhyNot:
    """Why ``rule_id`` did or did not apply to ``event`` (raises InvalidEvent, or UnknownRule)."""
    from quyche.events import parse_event
    from quyche.rules.runtime import event_fact

    plan = reg.compiled
    rule = plan.checked.by_id.get(rule_id)
    if rule is None:
        raise UnknownRule(f"no rule {rule_id!r}{did_you_mean(rule_id, plan.checked.by_id)}")
    decision = reg.evaluate(event, as_of=as_of)
    parsed = parse_event(event)
    fact = event_fact({k: getattr(parsed, k) for k in type(parsed).model_fields}, decision.reference_date)
    tests = list(leaves(rule.when))
    truths = {t.index: C.test_holds(t, fact) for t in tests}
    results = [
        TestResult(
            index=t.index, held=truths[t.index], text_vi=test_words(t, "vi", fact), text_en=test_words(t, "en", fact)
        )
        for t in tests
    ]
    head = dict(rule=rule.id, article=rule.article, tests=results)
    applied = {t.rule for t in decision.trace}
    if rule.id in applied:
        return WhyNot(
            **head, applies=True, reasons=[_reason("applies", "Quy định này được áp dụng.", "The rule applies.")]
        )
    event_type = decision.event_type
    reasons: list[WhyNotReason] = []
    if event_type not in rule.event_types:
        types_vi = "; ".join(label(t, "vi") for t in rule.event_types[:4])
        types_en = "; ".join(label(t, "en") for t in rule.event_types[:4])
        reasons.append(
            _reason(
                "event_type",
                f"Quy định này áp dụng cho: {types_vi}, không áp dụng khi {event_words(event_type, 'vi')}.",
                f"The rule applies to: {types_en}; not when {event_words(event_type, 'en')}.",
            )
        )
        return WhyNot(**{**head, "tests": []}, applies=False, reasons=reasons)
    in_force = rule.rule.in_force
    if in_force is not None and not C.holds(C.in_force_node(in_force.from_, in_force.until), fact):
        ref = decision.reference_date
        span_vi = " ".join(
            x
            for x in (
                f"từ ngày {date_text(in_force.from_)}" if in_force.from_ else "",
                f"đến ngày {date_text(in_force.until)}" if in_force.until else "",
            )
            if x
        )
        span_en = " ".join(
            x
            for x in (
                f"from {in_force.from_.isoformat()}" if in_force.from_ else "",
                f"until {in_force.until.isoformat()}" if in_force.until else "",
            )
            if x
        )
        reasons.append(
            _reason(
                "not_in_force",
                f"Quy định này áp dụng {span_vi}; ngày làm căn cứ là "
                + (date_text(ref) if ref else "không xác định (sự kiện không nêu ngày)")
                + ".",
                f"The rule applies {span_en}; the reference date is " + (ref.isoformat() if ref else "not given") + ".",
            )
        )
    failing = failed_tests(rule.when, truths)
    if failing:
        reasons.append(
            _reason(
                "condition",
                "Điều kiện không thỏa mãn: " + "; ".join(test_words(t, "vi", fact) for t in failing) + " — không đúng.",
                "Not met: " + "; ".join(test_words(t, "en", fact) for t in failing) + " — does not hold.",
            )
        )
    if rule.exception_to and not failing and rule.inherited is not None and not C.holds(rule.inherited, fact):
        general = [why_not(reg, event, t, as_of) for t in rule.exception_to]
        vi = "; ".join(f"{g.rule}: " + " ".join(r.message_vi for r in g.reasons) for g in general)
        en = "; ".join(f"{g.rule}: " + " ".join(r.message_en for r in g.reasons) for g in general)
        reasons.append(
            _reason(
                "outside_general_rule",
                "Quy định này là ngoại lệ, chỉ áp dụng trong phạm vi của quy định chung, mà quy định chung không "
                f"áp dụng — {vi}",
                f"The rule is an exception and applies only within the general rule, which does not apply — {en}",
            )
        )
    if rule.rows and not failing:
        units = plan.units_of.get(rule.id, ())
        if not any(C.holds(u.when, fact) for u in units):
            keys_vi = ", ".join(f"{test_words(_eq(k, fact), 'vi')}" for k in rule.table_keys)
            keys_en = ", ".join(f"{test_words(_eq(k, fact), 'en')}" for k in rule.table_keys)
            reasons.append(
                _reason(
                    "no_row",
                    f"Bảng của quy định không có dòng cho trường hợp này ({keys_vi}).",
                    f"The rule's table has no row for this case ({keys_en}).",
                )
            )
    if not reasons:
        by = reg._runtime.overridden(rule.id, applied)  # noqa: SLF001 - the runtime is the regulation's own
        where_vi = "; ".join(f"{x} ({provision(plan.checked.by_id[x].article)})" for x in by)
        where_en = "; ".join(f"{x} ({provision(plan.checked.by_id[x].article, lang='en')})" for x in by)
        reasons.append(
            _reason(
                "overridden",
                f"Điều kiện thỏa mãn, nhưng quy định ngoại lệ được áp dụng thay thế: {where_vi}.",
                f"Its condition holds, but an exception to it applies instead: {where_en}.",
            )
        )
        return WhyNot(**head, applies=False, reasons=reasons, overridden_by=by)
    return WhyNot(**head, applies=False, reasons=reasons)


def _eq(name: str, fact: Mapping[str, Any]) -> Any:
    from quyche.rules.syntax import Test

    value = fact.get(name)
    return Test(0, name, "eq", value, (), False) if value is not None else Test(0, name, "given", False, (), True)


def why_not_text(result: WhyNot, lang: Lang = "vi") -> str:
    """The answer for people."""
    where = provision(result.article, lang=lang)
    head = f"{result.rule} ({where})"
    lines = [head]
    for r in result.reasons:
        lines.append(f"  - {r.message_vi if lang == 'vi' else r.message_en}")
    if result.tests:
        lines.append("  Các điều kiện:" if lang == "vi" else "  The tests:")
        for t in result.tests:
            mark = "✓" if t.held else "✗"
            lines.append(f"    {mark} {t.text_vi if lang == 'vi' else t.text_en}")
    return "\n".join(lines) + "\n"
