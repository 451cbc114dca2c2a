"""Errors quyche raises on purpose (contract.md §5). Every one derives from :class:`QuycheError`."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
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


class RegulationClosed(QuycheError):
    """``evaluate`` or ``evaluate_many`` was called on a Regulation after its ``close()``."""


def did_you_mean(value: object, choices: Iterable[object]) -> str:
    """`` (did you mean 'x'?)`` for the closest choice to a misspelt value, or an empty string.

    A choice equal to the value but for case wins; long values are cut before comparing (difflib is
    quadratic, and a hostile input may be megabytes long).
    """
    text = str(value)[:100]
    names = [str(c) for c in choices]
    close = [n for n in names if n == text.lower()] or difflib.get_close_matches(text, names, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""
