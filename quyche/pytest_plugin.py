"""A pytest plugin (entry point ``pytest11``) that runs quyche scenario files as tests.

Collected as scenario files: every ``*.yaml`` file under a folder named ``scenarios`` (at any depth,
e.g. ``tests/scenarios/dieu_19.yaml``), and any ``*.yaml`` file named on the command line wherever it
is (``pytest checks/my_cases.yaml``). Each scenario is a test item named by its sentence, so
``pytest -k "2024"`` picks scenarios by their words. A failing scenario reports what ``quyche check``
prints: file and line, the sentence, expected against actual and the rules that fired. A file that
cannot be read is one failing item listing every problem, each with its line.

Options: ``--quyche-engine`` (``auto``, ``durable`` or ``python``) and ``--quyche-rules`` (a rules
folder; default the bundled rules).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from quyche.errors import QuycheError

if TYPE_CHECKING:
    from quyche.regulation import Regulation
    from quyche.scenarios import LoadedScenario

_REGULATION = pytest.StashKey["Regulation | QuycheError"]()


def pytest_addoption(parser: pytest.Parser) -> None:
    """Options: the engine and the rules folder the scenarios run against."""
    group = parser.getgroup("quyche", "quyche scenario files")
    group.addoption(
        "--quyche-engine", default="auto", choices=["auto", "durable", "python"], help="engine for scenarios"
    )
    group.addoption("--quyche-rules", default=None, help="rules folder for scenarios (default: the bundled rules)")


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.Collector | None:
    """Collect ``scenarios/**/*.yaml`` files, and ``*.yaml`` files named on the command line."""
    if file_path.suffix != ".yaml":
        return None
    if "scenarios" in file_path.parts[:-1] or parent.session.isinitpath(file_path):
        return ScenarioFile.from_parent(parent, path=file_path)
    return None


def _regulation(config: pytest.Config) -> Regulation:
    """The Regulation the scenarios run against: loaded once per test session."""
    from quyche.regulation import load

    if _REGULATION not in config.stash:
        try:
            config.stash[_REGULATION] = load(
                config.getoption("--quyche-rules"), engine=config.getoption("--quyche-engine")
            )
        except QuycheError as exc:  # a broken rules folder: every scenario reports it
            config.stash[_REGULATION] = exc
    reg = config.stash[_REGULATION]
    if isinstance(reg, QuycheError):
        raise reg
    return reg


class ScenarioFile(pytest.File):
    """A scenario file: one test item per scenario."""

    def collect(self) -> Iterator[pytest.Item]:
        """Load and validate the file; a broken file is one failing item that says where."""
        from quyche.scenarios import load_file

        try:
            loaded = load_file(self._shown_path(), _regulation(self.config))
        except QuycheError as exc:
            problems = getattr(exc, "problems", [exc])
            report = "\n".join(f"error: {str(p).replace(chr(10), ' ')}" for p in problems)
            yield BrokenScenarioFile.from_parent(self, name="(invalid scenario file)", error=report)
            return
        for sc in loaded:
            yield ScenarioItem.from_parent(self, name=sc.scenario.name, loaded=sc)

    def _shown_path(self) -> Path:
        """The path as ``quyche check`` shows it: relative to the folder pytest was started from."""
        start = self.config.invocation_params.dir
        try:
            relative = self.path.relative_to(start)
        except ValueError:
            return self.path
        return relative if Path.cwd() == start else self.path


class ScenarioFailure(Exception):
    """A scenario's expectation did not hold."""


class ScenarioItem(pytest.Item):
    """One scenario."""

    def __init__(self, *, loaded: LoadedScenario, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.loaded = loaded

    def runtest(self) -> None:
        """Evaluate the scenario's event and compare with its expectation."""
        from quyche.scenarios import format_failure, run_one

        result = run_one(_regulation(self.config), self.loaded)
        if not result.passed:
            raise ScenarioFailure(format_failure(result))

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        """The scenario's own report instead of a traceback."""
        if isinstance(excinfo.value, (ScenarioFailure, QuycheError)):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int | None, str]:
        """Where the scenario is (pytest counts lines from 0)."""
        line = self.loaded.line - 1 if self.loaded.line else None
        return self.path, line, f"scenario: {self.name}"


class BrokenScenarioFile(pytest.Item):
    """Stands for a scenario file that cannot be read."""

    def __init__(self, *, error: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.error = error

    def runtest(self) -> None:
        """Always fails, with the file's error."""
        raise ScenarioFailure(self.error)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        """The error, file and line."""
        return str(excinfo.value)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        """The file that cannot be read."""
        return self.path, None, f"invalid scenario file: {self.path.name}"
