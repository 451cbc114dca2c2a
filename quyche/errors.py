"""Errors quyche raises on purpose (contract.md §5). Every one derives from :class:`QuycheError`."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any


class QuycheError(Exception):
    """Base of every error the library raises on purpose."""


class InvalidEvent(QuycheError, ValueError):
    """The event is not valid. ``errors`` lists ``{"loc": [...], "msg": "..."}`` with the field path."""

    def __init__(self, message: str, errors: Sequence[dict[str, Any]] = ()) -> None:
        super().__init__(message)
        self.errors: list[dict[str, Any]] = [dict(e) for e in errors]


class RuleFileError(QuycheError):
    """A rule file (or a scenario file) is invalid. ``path`` and ``line`` say where."""

    def __init__(self, path: str | Path | None, line: int | None, message: str, field: str | None = None):
        self.path = str(path) if path is not None else None
        self.line = line
        self.field = field
        self.detail = message
        where = self.path or "<rules>"
        if line is not None:
            where = f"{where}:{line}"
        super().__init__(f"{where}: {message}")


class ScenarioFileError(RuleFileError):
    """A scenario file is invalid (same attributes as :class:`RuleFileError`)."""


class EngineError(QuycheError):
    """The rule engine failed in a way that is not the caller's fault (reported, never swallowed)."""
