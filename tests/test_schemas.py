"""The JSON Schemas in schemas/ are current, accept every committed file and flag what the loaders refuse."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from quyche.rules import yamlsafe
from quyche.tools import ROOT, schema_texts

SCHEMAS = ROOT / "schemas"


def _json(value: Any) -> Any:
    """Data as an editor's YAML language server sees it (dates are text)."""
    if isinstance(value, dict):
        return {k: _json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json(v) for v in value]
    return value.isoformat() if isinstance(value, date) else value


def _validator(name: str) -> jsonschema.protocols.Validator:
    schema = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def test_schemas_are_current() -> None:
    for name, text in schema_texts().items():
        assert (SCHEMAS / name).read_text(encoding="utf-8") == text, f"run `python -m quyche.tools schemas` ({name})"


@pytest.mark.parametrize(
    ("pattern", "schema"),
    [
        ("rules/dieu_*.yaml", "rule-file.schema.json"),
        ("rules/chuong_*.yaml", "chapter-file.schema.json"),
        ("tests/scenarios/*.yaml", "scenario-file.schema.json"),
        ("tests/golden/*.yaml", "event.schema.json"),
        ("examples/amendments/*.yaml", "amendment-file.schema.json"),
    ],
)
def test_committed_files_match_their_schema(pattern: str, schema: str) -> None:
    validator = _validator(schema)
    files = sorted(ROOT.glob(pattern))
    assert files
    for path in files:
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema=") and first.endswith(schema), path
        errors = list(validator.iter_errors(_json(yamlsafe.parse_file(path).data)))
        assert not errors, f"{path}: {errors[0].message} at {list(errors[0].path)}"


@pytest.mark.parametrize(
    "case", ["unknown_expect_key", "unknown_party", "unknown_mode", "unknown_top_key", "wrong_expect_type"]
)
def test_scenario_schema_flags_broken_files(case: str) -> None:
    data = yamlsafe.parse_file(ROOT / "tests" / "invalid" / "scenario_files" / case / "scenario.yaml").data
    assert list(_validator("scenario-file.schema.json").iter_errors(_json(data)))


@pytest.mark.parametrize("case", ["unknown_key", "misspelt_event_type", "misspelt_condition_field", "unknown_format"])
def test_rule_schema_flags_broken_files(case: str) -> None:
    data = yamlsafe.parse_file(ROOT / "tests" / "invalid" / "rule_files" / case / "dieu_21.yaml").data
    assert list(_validator("rule-file.schema.json").iter_errors(_json(data)))


def test_schemas_ship_in_the_wheel() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '"schemas" = "quyche/schemas"' in pyproject
    assert not [p for p in Path(SCHEMAS).glob("*.json") if p.name not in schema_texts()]


@pytest.mark.parametrize("case", ["unknown_change", "unknown_key", "unknown_format", "change_without_text"])
def test_amendment_schema_flags_broken_files(case: str) -> None:
    data = yamlsafe.parse_file(ROOT / "tests" / "invalid" / "amendment_files" / case / "amendment.yaml").data
    assert list(_validator("amendment-file.schema.json").iter_errors(_json(data)))
