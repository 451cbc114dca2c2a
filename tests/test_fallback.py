"""Where durable-rules cannot be imported (e.g. Python 3.13 without the build fix), ``engine="auto"``
falls back to the python engine and says so; ``engine="durable"`` refuses with a QuycheError."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import sys, warnings
sys.modules["durable_rules_engine"] = None  # as if the C extension failed to import
import quyche
from quyche.regulation import EngineFallbackWarning
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    reg = quyche.load()
assert reg.engine == "python", reg.engine
assert any(issubclass(w.category, EngineFallbackWarning) for w in caught), caught
assert "durable-rules does not import" in str(caught[0].message)
assert reg.evaluate({"type": "annual_review", "year": 2023}).lead == "tt_hdnd"
try:
    quyche.load(engine="durable")
except quyche.QuycheError as exc:
    assert "not available" in str(exc)
else:
    raise AssertionError("engine='durable' must refuse when durable-rules is missing")
print("fallback ok")
"""


def test_auto_falls_back_to_python_and_warns() -> None:
    result = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "fallback ok"
