"""The impact of an amendment (quyche.impact, quyche diff): the properties of issue 12 on both engines, and the
command line.

* an amendment that changes nothing reports no change (over every combination of the event table);
* removing a rule changes exactly the events where it fired;
* the impact of A → B is the reverse of B → A;
* a changed deadline changes exactly the duties that used it — found independently of the diff, by marking the
  duty's text in a third rule set and looking for the mark in its decisions.
"""

from __future__ import annotations

import copy
import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import quyche
from quyche import sweep
from quyche.cli import main
from quyche.decision import Decision
from quyche.impact import Case, Change, Impact, compare, render_markdown, render_text, scenario_cases, sweep_cases
from quyche.regulation import Regulation

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples" / "amendments").glob("*.yaml"))
HOST_2025 = ROOT / "examples" / "amendments" / "dieu_19_host_2025.yaml"
ANSWER_7 = ROOT / "examples" / "amendments" / "dieu_08_answer_citizen.yaml"
#: Dates of the property tests' events: undated (the versions in force now) and a day in the period of validity.
DATES = (None, date(2024, 9, 16))
MARK = "ĐÁNH DẤU"
#: Fewer examples on durable-rules: each builds its rulesets in C.
EXAMPLES_PER_ENGINE = {"python": 8, "durable": 3}


def amendment(*changes: dict[str, Any], articles: list[int], **extra: Any) -> dict[str, Any]:
    return {
        "format": "quyche/amendment@1",
        "title_vi": "Sửa đổi thử nghiệm",
        "title_en": "A test amendment",
        "proposed_by": "ubnd",
        "articles": sorted(set(articles)),
        **extra,
        "changes": [{"text_vi": "Nội dung sửa đổi.", "text_en": "The change.", **c} for c in changes],
    }


def source_data(reg: Regulation) -> dict[int, Any]:
    src = reg.compiled.checked.src
    assert src is not None
    return {n: src.articles[n].doc.data for n in src.articles}


def events_of(reg: Regulation, types: tuple[str, ...]) -> list[dict[str, Any]]:
    return list(sweep.events([reg.compiled], types=types, dates=DATES))


def _dump(changes: list[Change]) -> list[str]:
    return sorted(json.dumps(c.model_dump(mode="json"), sort_keys=True) for c in changes)


def _by_event(impact: Impact) -> dict[str, list[Change]]:
    return {
        json.dumps([e.event, str(e.as_of)], sort_keys=True): impact.changes_of(i) for i, e in enumerate(impact.events)
    }


def _normal(d: Decision) -> tuple[Any, ...]:
    """A decision as the diff compares it: everything but the order of lists and the trace's wording."""
    return (
        d.lead,
        frozenset(d.coordinating),
        frozenset(d.notified),
        frozenset(d.advising),
        frozenset(d.modes),
        frozenset(d.responsibilities),
        frozenset(d.citations),
        frozenset(d.warnings),
        frozenset((t.rule, t.row) for t in d.trace),
    )


# ------------------------------------------------------------------------------------------ no change


def noop_amendment(reg: Regulation) -> dict[str, Any]:
    """Every rule replaced by itself, every row, deadline and clause text set to what it is."""
    changes: list[dict[str, Any]] = []
    articles: list[int] = []
    for number, data in sorted(source_data(reg).items()):
        for c in data.get("clauses", []):
            changes.append(
                {"change": "change_clause", "article": number, "clause": c["clause"], "set": {"text_vi": c["text_vi"]}}
            )
            articles.append(number)
        for rule in data.get("rules", []):
            changes.append({"change": "replace_rule", "rule": rule["id"], "with": copy.deepcopy(rule)})
            for row in (rule.get("table") or {}).get("rows", []):
                keys = {k: row[k] for k in rule["table"]["keys"]}
                changes.append({"change": "change_row", "rule": rule["id"], "row": keys, "set": dict(row)})
            duties = rule.get("responsibilities", [])
            for d in duties:
                dl = d.get("deadline")
                if dl and isinstance(dl["days"], int):
                    same = [x for x in duties if x["duty"] == d["duty"]]
                    pick = {"party": d["party"]} if len(same) > 1 else {}
                    changes.append(
                        {
                            "change": "change_duty",
                            "rule": rule["id"],
                            "duty": d["duty"],
                            **pick,
                            "set": {"deadline": {"days": dl["days"]}},
                        }
                    )
    return amendment(*changes, articles=articles)


def test_an_amendment_that_changes_nothing_reports_no_change(reg: Regulation) -> None:
    amended = reg.amend(noop_amendment(reg))
    assert amended.compiled is not reg.compiled
    impact = compare(reg, amended, sweep_cases(reg, amended))
    assert impact.compared > 15_000
    assert impact.changed == 0 and not impact.groups and not impact.events
    assert impact.summary == f"{impact.compared} events compared, 0 changed"


def test_clause_texts_change_no_decision(python_reg: Regulation) -> None:
    changes = [
        {
            "change": "change_clause",
            "article": n,
            "clause": c["clause"],
            "set": {"text_vi": "Văn bản mới.", "text_en": "New text."},
        }
        for n, data in source_data(python_reg).items()
        for c in data["clauses"]
    ]
    amended = python_reg.amend(amendment(*changes, articles=[c["article"] for c in changes]))
    assert amended.compiled.outline.articles[8].clause(1).text_vi == "Văn bản mới."
    events = list(sweep.events([python_reg.compiled], dates=DATES))
    assert compare(python_reg, amended, events).changed == 0


# ------------------------------------------------------------------------------------------ removing a rule


def removable_rules(reg: Regulation) -> list[str]:
    named = {x for r in reg.compiled.checked.rules for x in r.exception_to}
    return sorted(r.id for r in reg.compiled.checked.rules if not r.generated and r.id not in named)


def check_removal(reg: Regulation, rule_id: str) -> None:
    rule = reg.compiled.checked.by_id[rule_id]
    amended = reg.amend(amendment({"change": "remove_rule", "rule": rule_id}, articles=[rule.article]))
    events = events_of(reg, rule.event_types)
    impact = compare(reg, amended, events)
    before = list(reg.evaluate_many(events))
    fired = {
        json.dumps([e, "None"], sort_keys=True)
        for e, d in zip(events, before, strict=True)
        if rule_id in {t.rule for t in d.trace}
    }
    changed = _by_event(impact)
    assert set(changed) == fired, rule_id
    for key, found in changed.items():
        assert any(
            c.kind == "rule" and c.action == "removed" and c.before and c.before.rule == rule_id for c in found
        ), key


@pytest.mark.parametrize("engine", ["python", "durable"])
def test_removing_a_rule_changes_exactly_the_events_where_it_fired(
    engine: str, python_reg: Regulation, durable_reg: Regulation
) -> None:
    reg = python_reg if engine == "python" else durable_reg

    @settings(max_examples=EXAMPLES_PER_ENGINE[engine], deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.sampled_from(removable_rules(reg)))
    def prop(rule_id: str) -> None:
        check_removal(reg, rule_id)

    prop()


def test_removing_the_rotation_changes_the_years_it_names(reg: Regulation) -> None:
    check_removal(reg, "dieu_19.host")


# ------------------------------------------------------------------------------------------ A → B and B → A


def check_reverse(a: Regulation, b: Regulation, cases: list[Case]) -> None:
    ab, ba = compare(a, b, cases), compare(b, a, cases)
    assert ab.compared == ba.compared and ab.changed == ba.changed
    forward, backward = _by_event(ab), _by_event(ba)
    assert set(forward) == set(backward)
    for key, changes in forward.items():
        assert _dump([c.reverse() for c in changes]) == _dump(backward[key]), key
    assert sorted(g.count for g in ab.groups) == sorted(g.count for g in ba.groups)


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_the_impact_of_a_to_b_is_the_reverse_of_b_to_a(reg: Regulation, path: Path) -> None:
    amended = reg.amend(path)
    touched = {
        t
        for n in amended.amendment.model.articles
        for r in amended.compiled.checked.rules
        if r.article == n
        for t in r.event_types
    }  # type: ignore[attr-defined]
    effective = amended.effective_from  # type: ignore[attr-defined]
    days = (None, effective - timedelta(days=1), effective)
    cases = [Case(e) for e in sweep.events([reg.compiled], types=sorted(touched), dates=days)]
    check_reverse(reg, amended, cases)


def test_the_reverse_over_the_whole_event_table(python_reg: Regulation, host_impact: Impact) -> None:
    amended = python_reg.amend(HOST_2025)
    backward = compare(amended, python_reg, sweep_cases(python_reg, amended))
    assert backward.changed == host_impact.changed
    forward = _by_event(host_impact)
    for key, changes in _by_event(backward).items():
        assert _dump([c.reverse() for c in changes]) == _dump(forward[key]), key


@pytest.mark.parametrize("engine", ["python", "durable"])
def test_reverse_for_generated_amendments(engine: str, python_reg: Regulation, durable_reg: Regulation) -> None:
    reg = python_reg if engine == "python" else durable_reg
    rules = removable_rules(reg)

    @settings(max_examples=EXAMPLES_PER_ENGINE[engine], deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.sampled_from(rules), st.sampled_from(["ubnd", "tt_hdnd", "doan_dbqh", "btt_ubmttq"]))
    def prop(rule_id: str, body: str) -> None:
        rule = reg.compiled.checked.by_id[rule_id]
        notified = [*rule.rule.notified, body]
        amended = reg.amend(
            amendment(
                {"change": "change_rule", "rule": rule_id, "set": {"notified": notified}}, articles=[rule.article]
            )
        )
        check_reverse(reg, amended, [Case(e) for e in events_of(reg, rule.event_types)])

    prop()


# ------------------------------------------------------------------------------------------ a changed deadline


def deadline_duties(reg: Regulation) -> list[tuple[str, int]]:
    """(rule, position of the duty) for every duty whose deadline is a number of days."""
    out = []
    for r in reg.compiled.checked.rules:
        for j, d in enumerate(r.rule.responsibilities):
            if d.deadline is not None and isinstance(d.deadline.days, int):
                out.append((r.id, j))
    return out


def check_deadline(reg: Regulation, rule_id: str, position: int, days: int) -> None:
    rule = reg.compiled.checked.by_id[rule_id]
    spec = rule.rule.responsibilities[position]
    assert spec.deadline is not None
    which = {"party": spec.party} if sum(d.duty == spec.duty for d in rule.rule.responsibilities) > 1 else {}
    target = {"change": "change_duty", "rule": rule_id, "duty": spec.duty, **which}
    changed = reg.amend(amendment(dict(target, set={"deadline": {"days": days}}), articles=[rule.article]))
    marked = reg.amend(amendment(dict(target, set={"text_vi": MARK}), articles=[rule.article]))
    events = events_of(reg, rule.event_types)
    # the duties that used the deadline: those the marked rules give with the mark (same rules, same assembly)
    used = {
        (i, r.party)
        for i, d in enumerate(marked.evaluate_many(events))
        for r in d.responsibilities
        if r.duty == spec.duty and r.text_vi == MARK
    }
    impact = compare(reg, changed, events)
    index = {json.dumps(e, sort_keys=True): i for i, e in enumerate(events)}
    found = set()
    for i, ev in enumerate(impact.events):
        for c in impact.changes_of(i):
            if c.kind == "warning" and c.subject == "deadline_already_passed":
                continue  # a warning that states the changed duty's time limit (checked below: only with it)
            assert c.kind == "duty" and c.action == "changed" and c.subject == spec.duty, c
            assert "deadline" in c.what and set(c.what) <= {"deadline", "due"}, c
            assert c.before and c.after and c.before.rule == c.after.rule == rule_id
            assert c.after.deadline and c.after.deadline.days == days
            assert c.before.deadline and c.before.deadline.days == spec.deadline.days
            found.add((index[json.dumps(ev.event, sort_keys=True)], c.party))
        kinds = {c.kind for c in impact.changes_of(i)}
        assert "duty" in kinds, ev  # no event changes but for the duty
    assert found == used, (rule_id, spec.duty)


@pytest.mark.parametrize("engine", ["python", "durable"])
def test_a_changed_deadline_changes_exactly_the_duties_that_used_it(
    engine: str, python_reg: Regulation, durable_reg: Regulation
) -> None:
    reg = python_reg if engine == "python" else durable_reg
    duties = deadline_duties(reg)
    assert duties

    @settings(max_examples=EXAMPLES_PER_ENGINE[engine], deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.sampled_from(duties), st.integers(min_value=1, max_value=40))
    def prop(duty: tuple[str, int], delta: int) -> None:
        rule_id, position = duty
        spec = reg.compiled.checked.by_id[rule_id].rule.responsibilities[position]
        assert spec.deadline is not None and isinstance(spec.deadline.days, int)
        check_deadline(reg, rule_id, position, spec.deadline.days + delta)

    prop()


def test_a_changed_row_deadline_changes_the_duties_of_that_row(reg: Regulation) -> None:
    amended = reg.amend(
        amendment(
            {
                "change": "change_row",
                "rule": "dieu_08.complaint_settlement",
                "row": {"round": 1, "complex": True, "remote_area": False},
                "set": {"days": 50},
            },
            articles=[8],
        )
    )
    events = events_of(reg, ("petition_received",))
    impact = compare(reg, amended, events)
    assert impact.changed
    for i, ev in enumerate(impact.events):
        assert ev.event["kind"] == "complaint" and ev.event.get("round") != 2
        assert ev.event.get("complex") is True and not ev.event.get("remote_area")
        (c,) = impact.changes_of(i)
        assert (c.kind, c.subject, c.before.row, c.after.row) == ("duty", "settle_complaint", 2, 2)  # type: ignore[union-attr]
        assert "deadline" in c.what
    fired = [
        e
        for e, d in zip(events, reg.evaluate_many(events), strict=True)
        if ("dieu_08.complaint_settlement", 2) in {(t.rule, t.row) for t in d.trace}
    ]
    assert len(fired) == impact.changed


# ------------------------------------------------------------------------------------------ the report


@pytest.fixture(scope="module")
def answer_impact(python_reg: Regulation) -> Impact:
    amended = python_reg.amend(ANSWER_7)
    return compare(python_reg, amended, sweep_cases(python_reg, amended), amendment=amended.amendment)  # type: ignore[attr-defined]


def test_the_answer_period_example_is_one_kind_of_change(answer_impact: Impact) -> None:
    (group,) = answer_impact.groups
    assert (group.kind, group.action, group.subject, group.what) == (
        "duty",
        "changed",
        "answer_citizen",
        ["deadline", "provenance", "text"],
    )
    assert group.count == answer_impact.changed == len(answer_impact.events)
    assert "07 ngày làm việc thay vì 10 ngày làm việc" in group.summary_vi
    assert "7 working days instead of 10 working days" in group.summary_en
    # every petition received from the date of effect or undated; none dated before 1/7/2024
    dates = {e.event.get("date") for e in answer_impact.events}
    assert None in dates and all(d is None or d >= "2024-07-01" for d in dates)
    assert group.cases["date"] == sorted(group.cases["date"], key=lambda v: (v is None, v))
    assert answer_impact.changed == sum(1 for _ in answer_impact.events if _.event["type"] == "petition_received")


def test_a_group_states_the_rule_and_citation_before_and_after(answer_impact: Impact) -> None:
    (group,) = answer_impact.groups
    assert group.before and group.after and group.before.rule == group.after.rule == "dieu_08.answer_citizen"
    assert group.before.citation and group.before.citation.article == 8
    assert group.before.deadline and group.before.deadline.days == 10 and group.before.deadline.due is None
    assert (group.before.provenance, group.after.provenance) == ("law", "reconstructed")
    assert group.before.text_vi and "10 ngày làm việc" in group.before.text_vi
    assert group.after.text_vi and "07 ngày làm việc" in group.after.text_vi
    # each event keeps its own due dates
    first = answer_impact.events[group.events[0]]
    dated = next(e for e in (answer_impact.events[i] for i in group.events) if e.event.get("date"))
    assert first.changes[0].group == 0
    assert dated.changes[0].due_before and dated.changes[0].due_after
    assert dated.changes[0].due_after < dated.changes[0].due_before


def test_reports_in_words(answer_impact: Impact) -> None:
    for lang in ("vi", "en"):
        text = render_text(answer_impact, lang)  # type: ignore[arg-type]
        md = render_markdown(answer_impact, lang)  # type: ignore[arg-type]
        assert text.rstrip().endswith(answer_impact.summary)
        assert md.rstrip().endswith(f"**{answer_impact.summary}**")
        assert "dieu_08.answer_citizen" in text and "dieu_08.answer_citizen" in md
    assert "Trách nhiệm" not in render_text(answer_impact, "en")
    assert "Ngày có hiệu lực: 01/07/2024" in render_text(answer_impact, "vi")


@pytest.fixture(scope="module")
def host_impact(python_reg: Regulation) -> Impact:
    amended = python_reg.amend(HOST_2025)
    return compare(python_reg, amended, sweep_cases(python_reg, amended), amendment=amended.amendment)  # type: ignore[attr-defined]


def test_the_host_example_gives_another_lead_from_its_date_of_effect(host_impact: Impact) -> None:
    impact = host_impact
    leads = [g for g in impact.groups if g.kind == "lead"]
    assert [(g.before.value, g.after.value, g.count) for g in leads] == [("btt_ubmttq", "doan_dbqh", 3)]  # type: ignore[union-attr]
    assert {e.event.get("date") for e in impact.events} == {None, "2025-03-01", "2025-07-01"}
    assert impact.amendment and impact.amendment.changes[1]["now_vi"].count("Đoàn đại biểu Quốc hội tỉnh") == 2


def test_scenario_events_are_compared_with_their_as_of(python_reg: Regulation) -> None:
    cases = scenario_cases([ROOT / "tests" / "scenarios"])
    assert cases and all(c.source for c in cases)
    amended = python_reg.amend(HOST_2025)
    impact = compare(python_reg, amended, cases)
    assert impact.compared == len(cases)
    for ev in impact.events:
        assert ev.event["type"] == "annual_review" and ev.event["year"] == 2025


# ------------------------------------------------------------------------------------------ the command line


def run(*args: str) -> Any:
    return CliRunner().invoke(main, list(args))


def test_diff_json_is_the_python_twin(host_impact: Impact) -> None:
    result = run("diff", "--amendment", str(HOST_2025), "--events", "all", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["summary"] == host_impact.summary
    assert (data["compared"], data["changed"]) == (host_impact.compared, host_impact.changed)
    assert data["events"] == [e.model_dump(mode="json") for e in host_impact.events]
    assert [g["summary_en"] for g in data["groups"]] == [g.summary_en for g in host_impact.groups]


def test_diff_of_scenarios_and_fail_on_change() -> None:
    scenarios = str(ROOT / "tests" / "scenarios")
    result = run("diff", "--amendment", str(HOST_2025), scenarios, "--lang", "en", "--fail-on-change")
    assert result.exit_code == 1, result.output
    assert "leads instead of" in result.stdout
    last = result.stdout.strip().splitlines()[-1]
    assert last.endswith("changed") and " events compared, " in last and not last.endswith(" 0 changed")
    unchanged = run(
        "diff", "--amendment", str(ANSWER_7), str(ROOT / "tests" / "scenarios" / "dieu_19.yaml"), "--fail-on-change"
    )
    assert unchanged.exit_code == 0, unchanged.output
    assert unchanged.stdout.strip().endswith(" 0 changed")


def test_diff_of_two_rules_folders(tmp_path: Path) -> None:
    import shutil

    from quyche.regulation import bundled_rules_dir

    a, b = tmp_path / "a", tmp_path / "b"
    shutil.copytree(bundled_rules_dir(), a)
    shutil.copytree(bundled_rules_dir(), b)
    text = (
        (b / "dieu_19.yaml")
        .read_text(encoding="utf-8")
        .replace("{year: 2024, host: ubnd}", "{year: 2024, host: tt_hdnd}")
    )
    (b / "dieu_19.yaml").write_text(text, encoding="utf-8")
    scenarios = str(ROOT / "tests" / "scenarios" / "dieu_19.yaml")
    forward = run("diff", "--rules", str(a), "--rules", str(b), scenarios, "--format", "md", "--lang", "en")
    backward = run("diff", "--rules", str(b), "--rules", str(a), scenarios, "--format", "md", "--lang", "en")
    assert forward.exit_code == backward.exit_code == 0, forward.output + backward.output
    assert "Standing Committee of the Provincial People's Council (tt_hdnd) leads instead of" in forward.stdout
    assert "(ubnd) leads instead of" in backward.stdout
    assert forward.stdout.splitlines()[-1] == backward.stdout.splitlines()[-1]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "give --amendment FILE, or two rules folders"),
        (("--amendment", str(HOST_2025)), "nothing to compare"),
        (
            ("--amendment", str(HOST_2025), "--rules", "rules", "--rules", "rules", "--events", "all"),
            "at most one --rules",
        ),
        (("--amendment", str(HOST_2025), "--examples", "some", "--events", "all"), "a number, or all"),
        (("--amendment", "no-such-file.yaml", "--events", "all"), "no-such-file.yaml"),
    ],
)
def test_diff_refuses_what_it_cannot_compare(args: tuple[str, ...], message: str) -> None:
    result = run("diff", *args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr or message in result.output
    assert "Traceback" not in result.output + result.stderr


def test_explain_a_proposal_with_its_amendment_file() -> None:
    event = ROOT / "tests" / "golden" / "amendment_ubnd.yaml"
    result = run("explain", str(event), "--amendment", str(HOST_2025), "--engine", "python")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Tác động của đề xuất sửa đổi, bổ sung" in out
    assert "Lưu ý: sự việc nêu Điều 19, Điều 20, tệp sửa đổi nêu Điều 19." in out
    assert "cơ quan chủ trì là Đoàn đại biểu Quốc hội tỉnh (doan_dbqh) thay vì" in out
    assert out.rstrip().endswith(" 3 changed")
    assert "Điều 19 (Chương VI)" in out  # the proposal cites the articles it lists


def test_explain_another_event_under_the_amended_rules(tmp_path: Path) -> None:
    event = tmp_path / "review.yaml"
    event.write_text("type: annual_review\nyear: 2025\ndate: 2025-05-05\n", encoding="utf-8")
    amended = run("explain", str(event), "--amendment", str(HOST_2025), "--lang", "en")
    assert amended.exit_code == 0, amended.output
    assert "Chairs (chủ trì): Provincial National Assembly Delegation (doan_dbqh)" in amended.stdout
    assert "events compared" not in amended.stdout
    earlier = run("explain", str(event), "--amendment", str(HOST_2025), "--lang", "en", "--as-of", "2025-02-01")
    (chairs,) = [line for line in earlier.stdout.splitlines() if line.startswith("Chairs")]
    assert "(btt_ubmttq)" in chairs


def test_explain_short_with_an_amendment_is_the_short_explanation(tmp_path: Path) -> None:
    """``--short`` is kept with ``--amendment``: the same text as the short explanation of the amended rules."""
    event = tmp_path / "review.yaml"
    event.write_text("type: annual_review\nyear: 2025\ndate: 2025-05-05\n", encoding="utf-8")
    full = run("explain", str(event), "--amendment", str(HOST_2025), "--lang", "en")
    short = run("explain", str(event), "--amendment", str(HOST_2025), "--lang", "en", "--short")
    assert full.exit_code == 0 and short.exit_code == 0, short.output
    amended = quyche.load(engine="python").amend(HOST_2025)
    review = {"type": "annual_review", "year": 2025, "date": "2025-05-05"}
    from quyche.explain import explain

    expected = explain(amended.evaluate(review), "en", regulation=amended, event=review, short=True)
    assert short.stdout == expected
    assert len(short.stdout) < len(full.stdout)


def test_the_committed_impact_reports_name_no_path_outside_the_repository() -> None:
    for report in (ROOT / "examples" / "amendments").glob("*.impact*.md"):
        text = report.read_text(encoding="utf-8")
        assert str(ROOT) not in text and "/tmp" not in text, report
        assert text.rstrip().endswith("changed**"), report


def test_an_invalid_scenario_event_is_left_out_of_the_comparison(tmp_path: Path) -> None:
    f = tmp_path / "s.yaml"
    f.write_text(
        "scenarios:\n"
        "  - name: a rejected event\n"
        "    event: {type: annual_review}\n"
        "    expect: {error: invalid_event}\n"
        "  - name: a review\n"
        "    event: {type: annual_review, year: 2025}\n"
        "    expect: {lead: btt_ubmttq}\n",
        encoding="utf-8",
    )
    assert [c.event for c in scenario_cases([f])] == [{"type": "annual_review", "year": 2025}]
    assert quyche.load(engine="python").evaluate({"type": "annual_review", "year": 2025}).lead == "btt_ubmttq"


def test_the_guide_quotes_the_summary_of_the_committed_impact_report() -> None:
    """docs/amendments*.md show ``impact.summary`` of the Điều 19 example: the figure of its committed report."""
    report = (ROOT / "examples" / "amendments" / "dieu_19_host_2025.impact.en.md").read_text(encoding="utf-8")
    closing = report.rstrip().splitlines()[-1].strip("*")
    for guide in ("amendments.md", "amendments.en.md"):
        text = (ROOT / "docs" / guide).read_text(encoding="utf-8")
        assert f"impact.summary                       # '{closing}'" in text, guide
