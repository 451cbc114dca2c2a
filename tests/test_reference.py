"""The project's own reference (issue 14): docs/reference*.md, `quyche events`, no link outside the
repository, the decision's JSON Schema and round trip, and maintenance commands that write only into a
checkout."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner
from pydantic import BaseModel

import quyche
from quyche import reference, tools
from quyche.cli import main
from quyche.events import EVENT_TYPES, FIELD_SPECS
from quyche.events_base import EventBase, IsoDate, described
from quyche.testing import event_mix

ROOT = Path(__file__).resolve().parent.parent
DIACRITICS = re.compile(r"[àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ]", re.I)


def test_every_event_field_says_what_it_means_in_both_languages() -> None:
    for event_type, model in EVENT_TYPES.items():
        for name, info in model.model_fields.items():
            if name == "type":
                continue
            extra = info.json_schema_extra
            assert isinstance(extra, dict), (event_type, name)
            vi, en = str(extra.get("description_vi", "")), info.description or ""
            assert len(vi) > 5 and len(en) > 5, (event_type, name)
            assert DIACRITICS.search(vi), f"{event_type}.{name}: Vietnamese without diacritics: {vi!r}"


def test_date_means_something_for_each_type() -> None:
    meanings = {m.model_fields["date"].description for m in EVENT_TYPES.values()}
    assert len(meanings) == len(EVENT_TYPES)  # each type says what its date is


def test_events_command_lists_every_type() -> None:
    result = CliRunner().invoke(main, ["events"])
    assert result.exit_code == 0, result.output
    for event_type in EVENT_TYPES:
        assert event_type in result.output
    assert "Tiếp nhận đơn thư khiếu nại, tố cáo, phản ánh, kiến nghị" in result.output
    en = CliRunner().invoke(main, ["events", "--lang", "en"])
    assert "Article 8" in en.output and "Voter petition" in en.output


def test_events_command_for_one_type_gives_fields_values_required_and_dates() -> None:
    result = CliRunner().invoke(main, ["events", "petition_received", "--lang", "en"])
    assert result.exit_code == 0, result.output
    out = result.output
    required, optional = out.split("Required fields:")[1].split("Optional fields:")
    for name in ("received_by", "kind", "competent_body"):
        assert f"  {name} (" in required
    for name in ("round", "complex", "remote_area", "date", "id"):
        assert f"  {name} (" in optional
    assert "complaint (a complaint)" in out and "judicial (a judicial body)" in out
    assert "The day the letter is received." in out
    assert "deadlines counted from this date: answer_citizen (within 10 working days, Article 8)" in out
    # a date the rules count from that the event does not give (yet) is named, with its duties
    for anchor, *_ in (("acceptance_date",), ("transfer_receipt_date",)):
        if anchor not in FIELD_SPECS["petition_received"]:
            assert f"  {anchor}: " in out.split("Dates the rules count from")[1]
    example = json.loads(out.split("Example: ", 1)[1])
    quyche.parse_event(example)  # the example is a valid event
    vi = CliRunner().invoke(main, ["events", "petition_received"]).output
    assert "Trường bắt buộc:" in vi and "Ngày tiếp nhận đơn." in vi


def test_events_command_json_and_unknown_type() -> None:
    result = CliRunner().invoke(main, ["events", "annual_review", "--format", "json"])
    data = json.loads(result.output)
    assert data["type"] == "annual_review" and data["article"] == 19
    assert [f["name"] for f in data["fields"] if f["required"]] == ["year"]
    bad = CliRunner().invoke(main, ["events", "annual_reveiw"])
    assert bad.exit_code == 2
    assert "unknown event type 'annual_reveiw' (did you mean 'annual_review'?)" in bad.stderr


def test_a_field_added_to_a_model_appears_in_the_reference(monkeypatch: pytest.MonkeyPatch) -> None:
    """The reference is read from the models: a date field declared with `described` shows up without
    touching the reference code; a later date (`LaterDate`) is listed with the deadlines counted from it."""
    from quyche.chapters.chuong_2 import PetitionReceived
    from quyche.events import _field_specs

    class Later(PetitionReceived):
        hearing_date: IsoDate | None = described("Ngày đối thoại.", "The day of the dialogue.", None)

    monkeypatch.setitem(EVENT_TYPES, "petition_received", Later)
    monkeypatch.setitem(FIELD_SPECS, "petition_received", _field_specs(Later))
    reg = quyche.load(engine="python")
    doc = reference.find("petition_received", reg.compiled)
    field = next(f for f in doc.fields if f.name == "hearing_date")
    assert not field.required and field.kind == "date" and field.description_vi == "Ngày đối thoại."
    assert field.deadlines == ()  # no rule counts from it
    accepted = next(f for f in doc.fields if f.name == "acceptance_date")
    assert any(u.duty == "settle_complaint" for u in accepted.deadlines)
    later = {d.anchor: d for d in doc.later_dates}
    assert set(later) == {"transfer_receipt_date", "acceptance_date"}
    assert later["acceptance_date"].label_vi == "ngày thụ lý"
    assert later["acceptance_date"].deadlines == accepted.deadlines
    text = reference.events_markdown([doc], "en")
    assert "**`hearing_date`** (optional; a date, written YYYY-MM-DD): The day of the dialogue." in text


def test_reference_docs_are_current_and_complete() -> None:
    assert tools.main(["docs", "--check"]) == 0
    en = (ROOT / "docs" / "reference.md").read_text(encoding="utf-8")
    vi = (ROOT / "docs" / "reference.vi.md").read_text(encoding="utf-8")
    for event_type, specs in FIELD_SPECS.items():
        assert f"### {event_type}" in en and f"### {event_type}" in vi
        for name in specs:
            assert f"**`{name}`**" in en.split(f"### {event_type}")[1].split("### ")[0]
    for command in main.commands:  # type: ignore[attr-defined]
        assert f"#### `quyche {command} " in en
    for section in ("## 2. Identifiers", "## 3. Events", "## 4. Loading and the decision", "## 5. Errors",
                    "## 6. Command line", "## 7. Scenario files"):  # fmt: skip
        assert section in en
    assert "model_validate_json" in en and "decision.schema.json" in en
    assert "quyche.testing.PARTIES" in en


# -- nothing names a path outside the repository -------------------------------------------------------

#: Paths and documents that exist only outside this repository (the session's shared notes, other
#: checkouts): a reader of the docs or of the installed package cannot follow them.
OUTSIDE = re.compile(
    r"\.\./shared|(?<![\w.-])shared/|/work/|/home/|/root/|/tmp/|file://|"
    r"(?<![\w/-])(?:contract|domain|conventions|engine-notes)\.md"
)
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


def _published_files() -> list[Path]:
    files = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
    files += sorted((ROOT / "quyche").rglob("*.py"))
    files += sorted((ROOT / "rules").glob("*.yaml")) + sorted((ROOT / "schemas").glob("*.json"))
    return files


def test_no_file_of_the_docs_readme_or_package_names_a_path_outside_the_repository() -> None:
    problems = []
    for path in _published_files():
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for m in OUTSIDE.finditer(line):
                problems.append(f"{path.relative_to(ROOT)}:{n}: {m.group(0)!r} in {line.strip()[:100]}")
    assert not problems, "\n".join(problems)


def test_every_relative_link_of_the_docs_resolves_inside_the_repository() -> None:
    problems = []
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]:
        for target in LINK.findall(path.read_text(encoding="utf-8")):
            if re.match(r"[a-z]+://", target):
                continue
            resolved = (path.parent / target).resolve()
            if not resolved.is_relative_to(ROOT) or not resolved.exists():
                problems.append(f"{path.relative_to(ROOT)}: {target}")
    assert not problems, problems


def test_the_outside_check_can_fail() -> None:
    for text in ("see `../shared/contract.md` §3", "in /work/shared/domain.md", "full list in contract.md §3"):
        assert OUTSIDE.search(text), text
    for text in ("docs/reference.md §3", "rules/dieu_08.yaml", "quyche/schemas/decision.schema.json"):
        assert not OUTSIDE.search(text), text


# -- the decision's JSON: schema and round trip ----------------------------------------------------------


def test_decision_schema_is_shipped_and_current() -> None:
    text = tools.schema_texts()["decision.schema.json"]
    assert (ROOT / "schemas" / "decision.schema.json").read_text(encoding="utf-8") == text


@pytest.mark.parametrize("engine", ["python", "durable"])
def test_decision_json_round_trip_and_schema(engine: str) -> None:
    schema = json.loads((ROOT / "schemas" / "decision.schema.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    with quyche.load(engine=engine) as reg:
        for event in event_mix(400, seed=14):
            decision = reg.evaluate(event)
            text = decision.model_dump_json()
            again = quyche.Decision.model_validate_json(text)
            assert again == decision
            assert again.model_dump_json() == text
            validator.validate(json.loads(text))
            validator.validate(decision.model_dump(mode="json"))


def test_decision_schema_rejects_a_misspelt_identifier() -> None:
    schema = json.loads((ROOT / "schemas" / "decision.schema.json").read_text(encoding="utf-8"))
    data: dict[str, Any] = quyche.load(engine="python").evaluate({"type": "annual_review", "year": 2024}).model_dump(
        mode="json"
    )
    data["lead"] = "ubnd_tinh"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema)
    with pytest.raises(ValueError):
        quyche.Decision.model_validate_json(json.dumps(data))


# -- maintenance commands write only into a checkout --------------------------------------------------


def test_maintenance_commands_refuse_outside_a_checkout(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = tmp_path / "site-packages"
    (site / "quyche").mkdir(parents=True)
    for command in ("docs", "schemas", "golden"):
        assert tools.main([command, "--root", str(site)]) == 2
        err = capsys.readouterr().err
        assert err.startswith(f"error: {site} is an installed package: ") and "wrote nothing" in err
    assert sorted(p.name for p in site.iterdir()) == ["quyche"]  # nothing written


def test_maintenance_commands_refuse_when_they_live_in_site_packages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The default root is the folder holding the package: installed from a wheel, site-packages."""
    site = tmp_path / "lib" / "site-packages"
    site.mkdir(parents=True)
    monkeypatch.setattr(tools, "ROOT", site)
    assert tools.main(["docs"]) == 2
    assert "installed package" in capsys.readouterr().err
    assert list(site.iterdir()) == []


def test_maintenance_commands_accept_a_checkout_given_with_root(capsys: pytest.CaptureFixture[str]) -> None:
    assert tools.main(["schemas", "--check", "--root", str(ROOT)]) == 0
    assert "schemas/decision.schema.json is current" in capsys.readouterr().out


def test_models_are_pydantic_models_with_the_article() -> None:
    for model in EVENT_TYPES.values():
        assert issubclass(model, EventBase) and issubclass(model, BaseModel)
        assert 1 <= model.ARTICLE <= 23


def test_no_file_of_the_repository_holds_a_merge_conflict_marker() -> None:
    files = [*_published_files(), ROOT / "CHANGELOG.md", *sorted((ROOT / "tests").rglob("*.py"))]
    files += sorted((ROOT / "examples").rglob("*.*")) + sorted((ROOT / "benchmarks").glob("*.py"))
    marker = re.compile(r"^(<{7} |>{7} |={7}$)", re.M)
    found = [str(p.relative_to(ROOT)) for p in files if p.is_file() and marker.search(p.read_text("utf-8", "replace"))]
    assert not found, found
