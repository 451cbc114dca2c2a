"""Shared fixtures and the Hypothesis profiles (``HYPOTHESIS_PROFILE=dev|ci``)."""

from __future__ import annotations

import faulthandler
import os
import sys

import pytest
from hypothesis import HealthCheck, settings

import quyche
from quyche.regulation import Regulation

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
