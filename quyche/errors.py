"""Errors quyche raises on purpose (docs/reference.md §5). Every one derives from :class:`QuycheError`."""

from __future__ import annotations

import difflib
import reprlib
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, TypedDict


class QuycheError(Exception):
    """Base of every error the library raises on purpose."""


class ErrorDetail(TypedDict):
    """One problem of an invalid event: the field path (``["round"]``, ``["articles", 0]``) and a message
    that names the field and the accepted values.
    """

    loc: list[int | str]
    msg: str


class InvalidEvent(QuycheError, ValueError):
    """The event is not valid. ``errors`` lists ``{"loc": [...], "msg": "..."}`` (:class:`ErrorDetail`)
    with the field path. In the results of ``evaluate_many``, ``index`` is the event's position in its
    input (from 0) and the message starts with ``events[index]:``; ``detail`` is the message without it.
    """

    def __init__(
        self, message: str, errors: Sequence[Mapping[str, Any]] = (), *, index: int | None = None
    ) -> None:
        self.index = index
        self.detail = message
        super().__init__(message if index is None else f"events[{index}]: {message}")
        self.errors: list[ErrorDetail] = [
            {"loc": list(e.get("loc", [])), "msg": str(e.get("msg", message))} for e in errors
        ]

    def at(self, index: int) -> InvalidEvent:
        """The same error for the event at ``index`` of the input of ``evaluate_many``."""
        return InvalidEvent(self.detail, self.errors, index=index)

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        # pickled whole (errors and index too), e.g. across the processes of a parallel audit
        return (_invalid_event, (self.detail, self.errors, self.index))


def _invalid_event(detail: str, errors: Sequence[Mapping[str, Any]], index: int | None) -> InvalidEvent:
    return InvalidEvent(detail, errors, index=index)


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
    """A scenario file is invalid (same attributes as :class:`RuleFileError`, for its first problem).

    ``problems`` lists every problem found in the file, each a ScenarioFileError with its own line and
    field (the first is this one); ``str()`` gives them one a line.
    """

    def __init__(
        self,
        path: str | Path | None,
        line: int | None,
        message: str,
        field: str | None = None,
        problems: Sequence[ScenarioFileError] = (),
    ):
        super().__init__(path, line, message, field)
        self.problems: list[ScenarioFileError] = [self, *problems]

    @classmethod
    def of(cls, problems: Sequence[ScenarioFileError]) -> ScenarioFileError:
        """One error standing for all the ``problems`` of a file (at least one)."""
        ordered = sorted(problems, key=lambda p: (p.line is None, p.line or 0))  # in the file's order
        first = ordered[0]
        err = cls(first.path, first.line, first.detail, first.field)
        err.problems = ordered
        return err

    def __str__(self) -> str:
        return "\n".join(RuleFileError.__str__(p) for p in self.problems)


class EngineError(QuycheError):
    """The rule engine failed in a way that is not the caller's fault (reported, never swallowed)."""


class RegulationClosed(QuycheError):
    """``evaluate`` or ``evaluate_many`` was called on a Regulation after its ``close()``."""


def did_you_mean(value: object, choices: Iterable[object], prefer: Iterable[object] = ()) -> str:
    """`` (did you mean 'x'?)`` for the closest choice to a misspelt value, or an empty string.

    A choice equal to the value but for case wins; then a choice that contains what was written
    (``mttq`` → ``btt_ubmttq``), those in ``prefer`` first (for a body: the four parties before their
    offices), then the shortest; then the most similar choice. Long values are cut before comparing
    (difflib is quadratic, and a hostile input may be megabytes long).
    """
    text = str(value)[:100]
    names = [str(c) for c in choices]
    needle = text.lower()
    first = {str(c) for c in prefer}
    close = [n for n in names if n == needle]
    if not close and len(needle) >= 3:
        close = sorted((n for n in names if needle in n), key=lambda n: (n not in first, len(n)))
    if not close:
        close = difflib.get_close_matches(text, names, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


_SHORT = reprlib.Repr()
_SHORT.maxstring = _SHORT.maxother = 60

#: Pydantic error types in plain words (``{input}`` is the value given; other names come from its context).
_PLAIN: dict[str, str] = {
    "int_type": "expected a whole number, got {input}",
    "int_parsing": "expected a whole number, got {input}",
    "int_from_float": "expected a whole number, got {input}",
    "float_type": "expected a number, got {input}",
    "string_type": "expected text, got {input}",
    "string_too_short": "must not be empty",
    "string_too_long": "too long: at most {max_length} characters",
    "string_pattern_mismatch": "{input} is not accepted here: write lowercase letters, digits and _",
    "list_type": "expected a list such as [a, b], got {input}",
    "too_short": "expected at least {min_length} item(s)",
    "too_long": "too many items: at most {max_length}",
    "bool_type": "write true or false, not {input}",
    "dict_type": "expected a mapping (key: value), got {input}",
    "model_type": "expected a mapping (key: value), got {input}",
    "model_attributes_type": "expected a mapping (key: value), got {input}",
    "less_than_equal": "{input} is too large: at most {le}",
    "greater_than_equal": "{input} is too small: at least {ge}",
    "less_than": "{input} is too large: less than {lt}",
    "greater_than": "{input} is too small: more than {gt}",
    "date_type": "expected an ISO date YYYY-MM-DD, got {input}",
    "literal_error": "{input} is not accepted; accepted: {expected}",
    "missing": "required key is missing",
    "extra_forbidden": "unknown key",
}


def plain_message(err: Mapping[str, Any]) -> str:
    """A pydantic error (one item of ``ValidationError.errors()``) in plain words, without pydantic's
    wording (``Value error, …``, ``Input should be …``).
    """
    template = _PLAIN.get(str(err.get("type")))
    if template is not None:
        ctx = {k: v if isinstance(v, str) else _SHORT.repr(v) for k, v in (err.get("ctx") or {}).items()}
        try:
            return template.format(input=_SHORT.repr(err.get("input")), **ctx)
        except (KeyError, IndexError):
            pass
    msg = str(err.get("msg", "invalid"))
    return msg.removeprefix("Value error, ").removeprefix("Assertion failed, ")
