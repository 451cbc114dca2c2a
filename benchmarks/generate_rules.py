"""A generated rule set for the scale benchmark: the bundled rules amended ``k - 1`` times.

Every rule gets ``k - 1`` earlier versions: copies with their own id (``<id>_v<j>``) in force one year each in the
1990s (``in_force: {from: 199x-01-01, until: 199x-12-31}``), an exception's copy overriding the copy of its rule.
That is how a regulation's rules grow in practice — the versions of amended rules pile up — and every copy
passes the same load-time checks as the bundled rules. The events of the benchmark (2020–2027 or undated) are
decided by the rules in force, so the decisions do not change: only the number of rules does (×k).

    python benchmarks/generate_rules.py 4 /tmp/rules-x4
"""

from __future__ import annotations

import copy
import shutil
import sys
from datetime import date
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from quyche.rules import yamlsafe  # noqa: E402


def generate(k: int, out: Path, source: Path = ROOT / "rules") -> Path:
    """Write the bundled rules with ``k - 1`` earlier versions of every rule to ``out`` (replaced)."""
    shutil.rmtree(out, ignore_errors=True)
    shutil.copytree(source, out)
    for path in sorted(out.glob("dieu_*.yaml")):
        doc = yamlsafe.parse_file(path).data
        rules = doc.get("rules") or []
        added = []
        for j in range(1, k):
            for rule in rules:
                version = copy.deepcopy(rule)
                version["id"] = f"{rule['id']}_v{j}"
                version["in_force"] = {"from": date(1990 + j, 1, 1), "until": date(1990 + j, 12, 31)}
                if "exception_to" in version:
                    version["exception_to"] = f"{version['exception_to']}_v{j}"
                added.append(version)
        if added:
            doc["rules"] = rules + added
            text = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=200)
            path.write_text(text, encoding="utf-8")
    return out


if __name__ == "__main__":
    print(generate(int(sys.argv[1]), Path(sys.argv[2])))
