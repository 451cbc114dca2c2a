"""Help texts for a terminal (issue 14 item 15), and messages in plain words (item 12)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from hypothesis import given

import quyche
from quyche.cli import main
from quyche.errors import QuycheError, RuleFileError
from quyche.scenarios import load_file
from quyche.testing import invalid_events

COMMANDS = sorted(main.commands)  # type: ignore[attr-defined]
#: pydantic's own wording, which must never reach a user
PYDANTIC = re.compile(r"Value error,|Input should|validation error|pydantic|For further information visit")


@pytest.mark.parametrize("command", ["", *COMMANDS])
def test_help_renders_in_a_terminal(command: str) -> None:
    args = [command, "--help"] if command else ["--help"]
    result = CliRunner().invoke(main, args, prog_name="quyche")
    assert result.exit_code == 0, result.output
    text = result.output
    assert "``" not in text and ":class:" not in text and ":func:" not in text  # no RST markup
    assert not re.search(r"\b(docs|tests|schemas)/|\.md\b", text), text  # no file the wheel lacks
    if command:
        cmd = main.commands[command]  # type: ignore[attr-defined]
        assert cmd.help and " ".join(cmd.help.split("\n\n")[0].split()) in " ".join(text.split())
        assert text.startswith(f"Usage: quyche {command} ")
        for param in cmd.params:
            if isinstance(param, click.Option) and not param.hidden and "--help" not in param.opts:
                assert param.help, f"quyche {command} {param.opts[0]} has no help text"


@given(invalid_events())
def test_invalid_event_messages_are_plain_words(event: object) -> None:
    with pytest.raises(quyche.InvalidEvent) as info:
        quyche.parse_event(event)
    assert not PYDANTIC.search(str(info.value)), str(info.value)
    for e in info.value.errors:
        assert not PYDANTIC.search(e["msg"]), e


CORPUS = Path(__file__).parent / "invalid"


@pytest.mark.parametrize("case", sorted((CORPUS / "scenario_files").iterdir()), ids=lambda p: p.name)
def test_scenario_file_messages_are_plain_words(case: Path, python_reg: quyche.Regulation) -> None:
    with pytest.raises(QuycheError) as info:
        load_file(case / "scenario.yaml", python_reg)
    assert not PYDANTIC.search(str(info.value)), str(info.value)


@pytest.mark.parametrize("case", sorted((CORPUS / "rule_files").iterdir()), ids=lambda p: p.name)
def test_rule_file_messages_are_plain_words(case: Path, tmp_path: Path) -> None:
    from quyche.regulation import bundled_rules_dir

    rules = tmp_path / "rules"
    shutil.copytree(bundled_rules_dir(), rules)
    for f in case.glob("dieu_*.yaml"):
        shutil.copy(f, rules / f.name)
    with pytest.raises(RuleFileError) as info:
        quyche.load(rules, engine="python")
    assert not PYDANTIC.search(str(info.value)), str(info.value)
