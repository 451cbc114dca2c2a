"""Shared fixtures and the Hypothesis profiles (``HYPOTHESIS_PROFILE=dev|ci``)."""

from __future__ import annotations

import atexit
import faulthandler
import os
import shutil
import sys
import tempfile

import pytest
from hypothesis import HealthCheck, settings

# The on-disk cache of compiled rules goes to a folder of this run (inherited by the CLI's subprocesses), never
# to the user's cache; removed at the end.
if "QUYCHE_CACHE_DIR" not in os.environ:
    _cache = tempfile.mkdtemp(prefix="quyche-test-cache-")
    os.environ["QUYCHE_CACHE_DIR"] = _cache
    atexit.register(shutil.rmtree, _cache, True)

import quyche  # noqa: E402
from quyche.regulation import Regulation  # noqa: E402

settings.register_profile("dev", max_examples=60, deadline=None)
settings.register_profile(
    "ci", max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

# An engine hang must fail loudly instead of stalling CI: dump every thread's stack after 20 minutes.
faulthandler.dump_traceback_later(1200, exit=True, file=sys.stderr)

ENGINES = ["python", "durable"]


@pytest.fixture(scope="session")
def python_reg() -> Regulation:
    return quyche.load(engine="python")


@pytest.fixture(scope="session")
def durable_reg() -> Regulation:
    return quyche.load(engine="durable")


@pytest.fixture(scope="session", params=ENGINES)
def reg(request: pytest.FixtureRequest, python_reg: Regulation, durable_reg: Regulation) -> Regulation:
    """The bundled regulation on each engine."""
    return python_reg if request.param == "python" else durable_reg
