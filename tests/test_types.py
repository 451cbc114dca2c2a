"""Typed events and identifiers for client code (issue 14 item 3): exported models and `Literal`
aliases, `InvalidEvent` from direct construction, typed `InvalidEvent.errors`, and a client file
checked with `mypy --strict`."""

from __future__ import annotations

import pickle
import subprocess
import sys
from pathlib import Path
from typing import get_args

import pytest

import quyche
import quyche.testing
from quyche.chapters.chuong_1 import OFFICES, OTHER_RECIPIENTS, PARTIES, RECIPIENTS
from quyche.chapters.chuong_4 import MODES
from quyche.events import EVENT_MODELS, EVENT_TYPES

ROOT = Path(__file__).resolve().parent.parent


def _flat(alias: object) -> tuple[str, ...]:
    out: list[str] = []
    for arg in get_args(alias):
        out += list(_flat(arg)) if get_args(arg) else [arg]
    return tuple(out)


def test_literal_aliases_are_the_identifiers() -> None:
    assert get_args(quyche.PartyId) == PARTIES
    assert get_args(quyche.OfficeId) == OFFICES
    assert get_args(quyche.OtherRecipientId) == OTHER_RECIPIENTS
    assert _flat(quyche.BodyId) == RECIPIENTS
    assert get_args(quyche.ModeId) == MODES
    assert get_args(quyche.EventType) == tuple(EVENT_TYPES)


def test_every_event_model_is_exported() -> None:
    for model in EVENT_MODELS:
        assert getattr(quyche, model.__name__) is model
        assert model.__name__ in quyche.__all__


def test_testing_exports_the_identifiers() -> None:
    assert quyche.testing.PARTIES == PARTIES and "PARTIES" in quyche.testing.__all__
    assert quyche.testing.OFFICES == OFFICES and "OFFICES" in quyche.testing.__all__
    assert quyche.testing.RECIPIENTS == RECIPIENTS


def test_a_model_built_directly_evaluates_like_the_mapping(python_reg: quyche.Regulation) -> None:
    event = quyche.PetitionReceived(
        received_by="btt_ubmttq", kind="complaint", competent_body="ubnd", date="2024-03-04"
    )
    assert event.type == "petition_received"
    as_mapping = {"type": "petition_received", "received_by": "btt_ubmttq", "kind": "complaint",
                  "competent_body": "ubnd", "date": "2024-03-04"}  # fmt: skip
    assert python_reg.evaluate(event) == python_reg.evaluate(as_mapping)


@pytest.mark.parametrize(
    ("build", "field", "words"),
    [
        (lambda: quyche.AnnualReview(year="2024"), "year", "expected a whole number, got '2024'"),
        (lambda: quyche.AnnualReview(), "year", "field required"),
        (lambda: quyche.AnnualReview(year=2024, colour="red"), "colour", "unknown field"),
        (
            lambda: quyche.PetitionReceived(received_by="mttq", kind="complaint", competent_body="ubnd"),
            "received_by",
            "'mttq' is not accepted (did you mean 'btt_ubmttq'?)",
        ),
        (lambda: quyche.AnnualReview.model_validate({"year": True}), "year", "whole number"),
        (lambda: quyche.AnnualReview.model_validate_json('{"year": 2024, "date": "01/06/2024"}'), "date", "ISO"),
        (lambda: quyche.AmendmentProposed(proposed_by="ubnd", articles=[24]), "articles.0", "at most 23"),
    ],
)
def test_building_a_model_with_bad_values_raises_invalid_event(build: object, field: str, words: str) -> None:
    with pytest.raises(quyche.InvalidEvent) as info:
        build()  # type: ignore[operator]
    err = info.value
    assert isinstance(err, ValueError) and isinstance(err, quyche.QuycheError)
    assert [".".join(map(str, e["loc"])) for e in err.errors] == [field]
    assert words in str(err) and "Value error" not in str(err) and "Input should" not in str(err)


def test_invalid_event_errors_are_typed_and_survive_pickling() -> None:
    with pytest.raises(quyche.InvalidEvent) as info:
        quyche.parse_event({"type": "annual_review", "year": "x", "extra": 1})
    err = info.value
    assert all(set(e) == {"loc", "msg"} for e in err.errors)
    assert quyche.ErrorDetail.__annotations__.keys() == {"loc", "msg"}
    again = pickle.loads(pickle.dumps(err.at(3)))
    assert (again.index, again.errors, again.detail, str(again)) == (3, err.errors, str(err), f"events[3]: {err}")


CLIENT = '''
from __future__ import annotations

import quyche


def host(reg: quyche.Regulation, year: int) -> quyche.PartyId | None:
    d: quyche.Decision = reg.evaluate(quyche.AnnualReview(year=year))
    lead = d.lead
    if lead in ("doan_dbqh", "tt_hdnd", "ubnd", "btt_ubmttq"):
        return lead
    return None


def urgent(d: quyche.Decision) -> list[str]:
    return [r.duty for r in d.responsibilities if r.deadline and r.deadline.unit == "working_days"]


def report(reg: quyche.Regulation, events: list[dict[str, object]]) -> int:
    bad = 0
    for result in reg.evaluate_many(events, on_invalid="yield"):
        if isinstance(result, quyche.InvalidEvent):
            bad += len(result.errors) + (result.index or 0)
            print(result.errors[0]["msg"])
        else:
            print(result.lead, result.modes)
    return bad


def misspelt(d: quyche.Decision) -> bool:
    return d.lead == "ubnd_tinh"  # MISSPELT


def wrong_party(d: quyche.Decision) -> bool:
    return any(r.party == "vp_ubnd_tinh" for r in d.responsibilities)  # MISSPELT
'''


@pytest.mark.slow
def test_client_code_is_checked_by_mypy_strict(tmp_path: Path) -> None:
    """Client code type-checks under `mypy --strict`; a misspelt identifier is an error, on its line."""
    client = tmp_path / "client.py"
    client.write_text(CLIENT, encoding="utf-8")
    out = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--cache-dir", str(tmp_path / "cache"),
         "--config-file", "", str(client)],
        cwd=tmp_path, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    lines = [line for line in out.stdout.splitlines() if ": error:" in line]
    misspelt = {n for n, text in enumerate(CLIENT.splitlines(), 1) if "MISSPELT" in text}
    assert {int(line.split(":")[1]) for line in lines} == misspelt, out.stdout
    assert all("Non-overlapping" in line for line in lines), out.stdout


def _readme_python() -> str:
    """The Python blocks of the README's "Use from Python" section, as one program (``events``: a list the
    section leaves to the reader)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Use from Python", 1)[1].split("\n## ", 1)[0]
    blocks = [b.split("```", 1)[0] for b in section.split("```python\n")[1:]]
    assert len(blocks) >= 2, "the README's Python examples moved"
    return blocks[0] + "\nevents: list[dict[str, object]] = []\n" + "\n".join(blocks[1:])


def test_the_readme_python_examples_pass_mypy_strict(tmp_path: Path) -> None:
    """What the README shows a Python application type-checks under `mypy --strict` (and runs)."""
    program = tmp_path / "readme_example.py"
    program.write_text(_readme_python(), encoding="utf-8")
    out = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--cache-dir", str(tmp_path / "cache"),
         "--config-file", "", str(program)],
        cwd=tmp_path, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert out.returncode == 0, out.stdout
    ran = subprocess.run([sys.executable, str(program)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert ran.returncode == 0, ran.stderr[-2000:]
