"""Write deliberately broken copies of ``rules/`` for checking that the property tests catch them.

    .venv/bin/python tests/mutants/make_mutants.py /tmp/quyche-mutants
    QUYCHE_RULES_DIR=/tmp/quyche-mutants/rotation_year .venv/bin/python -m pytest tests/test_properties.py

Each mutant is one small change a careless edit could make, applied to the parsed data of one rule file
(so it does not depend on the file's layout), and each mutant folder still passes ``quyche validate``:

* ``rotation_year``: the host of 2024 (Điều 19, a row of the rotation's table) is moved to 2026;
* ``lead_notified``: the first rule that names a fixed lead also lists that body in ``notified``;
* ``deadline_unit``: the first deadline's unit is flipped (working days <-> calendar days);
* ``deadline_relation``: the first deadline's relation is flipped (within <-> before);
* ``attend_unlisted``: at a People's Committee meeting (Điều 10) every other party is given the duty to
  attend, though only the Front and the council Standing Committee coordinate (review D3);
* ``self_supervision``: the Front "supervises" the settlement of a case within its own competence
  (Điều 8, review D9).

See README.md in this folder for the expected failures.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import yaml

import quyche
from quyche.chapters.chuong_1 import RECIPIENTS
from quyche.regulation import bundled_rules_dir
from quyche.rules.yamlsafe import parse_file


class _PlainDumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True


def _articles(folder: Path) -> Iterator[tuple[Path, dict[str, Any]]]:
    for path in sorted(folder.glob("dieu_*.yaml")):
        yield path, parse_file(path).data


def _save(path: Path, data: dict[str, Any]) -> None:
    path.write_text(yaml.dump(data, Dumper=_PlainDumper, allow_unicode=True, sort_keys=False), encoding="utf-8")


def rotation_year(folder: Path) -> str:
    path = folder / "dieu_19.yaml"
    data = parse_file(path).data
    for rule in data["rules"]:
        for row in (rule.get("table") or {}).get("rows", []):
            if rule["id"] == "dieu_19.host" and row.get("year") == 2024:
                row["year"] = 2026
                _save(path, data)
                return f"{path.name}: the row of 2024 in the table of dieu_19.host now names 2026"
    raise SystemExit("the 2024 row of dieu_19.host not found")


def lead_notified(folder: Path) -> str:
    for path, data in _articles(folder):
        for rule in data.get("rules") or []:
            lead = rule.get("lead")
            if lead in RECIPIENTS:
                rule["notified"] = [*(rule.get("notified") or []), lead]
                _save(path, data)
                return f"{path.name}: rule {rule['id']} (lead {lead}) now also notifies {lead}"
    raise SystemExit("no rule with a fixed lead found")


def _first_deadline(folder: Path, flip: Callable[[dict[str, Any]], str]) -> str:
    for path, data in _articles(folder):
        for rule in data.get("rules") or []:
            for resp in rule.get("responsibilities") or []:
                if resp.get("deadline"):
                    before = dict(resp["deadline"])
                    what = flip(resp["deadline"])
                    _save(path, data)
                    return f"{path.name}: rule {rule['id']}, duty {resp['duty']}: {before} -> {what}"
    raise SystemExit("no deadline found in the rules")


def deadline_unit(folder: Path) -> str:
    def flip(dl: dict[str, Any]) -> str:
        dl["unit"] = "days" if dl["unit"] == "working_days" else "working_days"
        return f"unit {dl['unit']}"

    return _first_deadline(folder, flip)


def deadline_relation(folder: Path) -> str:
    def flip(dl: dict[str, Any]) -> str:
        dl["relation"] = "before" if dl["relation"] == "within" else "within"
        return f"relation {dl['relation']}"

    return _first_deadline(folder, flip)


def _rule(folder: Path, file: str, rule_id: str) -> tuple[Path, dict[str, Any], dict[str, Any]]:
    path = folder / file
    data = parse_file(path).data
    for rule in data["rules"]:
        if rule["id"] == rule_id:
            return path, data, rule
    raise SystemExit(f"{rule_id} not found")


def attend_unlisted(folder: Path) -> str:
    path, data, rule = _rule(folder, "dieu_10.yaml", "dieu_10.ubnd_meeting")
    for resp in rule["responsibilities"]:
        if resp["party"] == "tt_hdnd":
            resp["party"] = "other_parties"
            _save(path, data)
            return f"{path.name}: rule {rule['id']}: the attend duty of tt_hdnd now falls on other_parties"
    raise SystemExit("the attend duty of tt_hdnd was not found")


def self_supervision(folder: Path) -> str:
    path, data, rule = _rule(folder, "dieu_08.yaml", "dieu_08.supervise_by_front")
    for leaf in rule["when"]["all"]:
        if leaf.get("field") == "competent_body":
            leaf["in"] = [*leaf["in"], "btt_ubmttq"]
            _save(path, data)
            return f"{path.name}: rule {rule['id']} now also fires when the Front itself is competent"
    raise SystemExit("the competent_body condition was not found")


MUTANTS: dict[str, Callable[[Path], str]] = {
    "rotation_year": rotation_year,
    "lead_notified": lead_notified,
    "deadline_unit": deadline_unit,
    "deadline_relation": deadline_relation,
    "attend_unlisted": attend_unlisted,
    "self_supervision": self_supervision,
}


def main(argv: list[str]) -> int:
    out = Path(argv[1] if len(argv) > 1 else "/tmp/quyche-mutants")
    source = Path(argv[2]) if len(argv) > 2 else bundled_rules_dir()
    for name, mutate in MUTANTS.items():
        folder = out / name
        if folder.exists():
            shutil.rmtree(folder)
        shutil.copytree(source, folder)
        change = mutate(folder)
        quyche.load(folder, engine="python").close()  # the mutant is still a loadable rules folder
        print(f"{folder}: {change}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
