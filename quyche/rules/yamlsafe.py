"""Safe YAML for rule, scenario and event files: data only, with the line of every value.

PyYAML's (C, where available) parser produces events; this module builds plain Python data from them
itself, so it can refuse what a rule file never needs and an attacker might send:

* tags (``!!python/object``, ``!custom``): refused — no code named in a file is ever imported;
* anchors and aliases (the "billion laughs" bomb): refused;
* duplicate keys, non-string keys: refused;
* nesting deeper than :data:`MAX_DEPTH`, files larger than :data:`MAX_BYTES`: refused;
* YAML 1.1 implicit typing: only ``true``/``false``, ``null``/``~``, decimal integers, decimals and
  ISO dates are recognised in plain scalars; ``no``, ``on``, ``0x1f`` or ``1_000`` stay strings, and an
  integer with a leading zero (``07``) is refused rather than guessed.

Every error is a :class:`~quyche.errors.RuleFileError` with the file and line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from quyche.errors import RuleFileError

try:  # the C parser is much faster; the pure-Python one gives the same events
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_BYTES = 1_000_000
MAX_DEPTH = 50
MAX_NODES = 200_000

Path_ = tuple[int | str, ...]

_INT = re.compile(r"[-+]?(0|[1-9][0-9]*)")
_LEADING_ZERO_INT = re.compile(r"[-+]?0[0-9]+")
_FLOAT = re.compile(r"[-+]?([0-9]+\.[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@dataclass
class Document:
    """Plain data from one YAML document, and the line (1-based) of each value by its path."""

    data: Any
    path: str
    lines: dict[Path_, int] = field(default_factory=dict)

    def line_of(self, loc: Path_ | list[int | str]) -> int | None:
        """The line of the deepest value along ``loc`` that exists in the document."""
        best = self.lines.get((), None)
        node: Any = self.data
        prefix: list[int | str] = []
        for part in loc:
            if isinstance(node, dict) and part in node:
                node = node[part]
            elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
                node = node[part]
            else:
                continue  # pydantic adds non-path parts (union tags, validator names): skip them
            prefix.append(part)
            best = self.lines.get(tuple(prefix), best)
        return best


def _fail(path: str, mark: Any, message: str) -> RuleFileError:
    line = mark.line + 1 if mark is not None else None
    return RuleFileError(path, line, message)


def _scalar(path: str, ev: yaml.ScalarEvent) -> Any:
    if ev.tag not in (None, "!", "tag:yaml.org,2002:str"):
        raise _fail(path, ev.start_mark, f"YAML tag {ev.tag!r} is not allowed (rule files are plain data)")
    text = ev.value
    if not ev.implicit[0] or ev.style not in (None, "") or ev.tag is not None:  # quoted or tagged: text
        return text
    if text in ("", "~", "null", "Null", "NULL"):
        return None
    if text in ("true", "True", "TRUE"):
        return True
    if text in ("false", "False", "FALSE"):
        return False
    if _INT.fullmatch(text):
        if len(text) > 30:
            raise _fail(path, ev.start_mark, "number too long")
        return int(text)
    if _LEADING_ZERO_INT.fullmatch(text):
        raise _fail(
            path,
            ev.start_mark,
            f"ambiguous number {text!r}: write it without the leading zero, or quote it if it is text",
        )
    if _FLOAT.fullmatch(text):
        return float(text)
    if _DATE.fullmatch(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise _fail(path, ev.start_mark, f"not a valid calendar date: {text}") from None
    return text


def parse(text: str | bytes, path: str | Path = "<string>") -> Document:
    """Parse one YAML (or JSON) document into plain data with line numbers, or raise RuleFileError."""
    spath = str(path)
    if isinstance(text, bytes):
        if len(text) > MAX_BYTES:
            raise RuleFileError(spath, None, f"file too large ({len(text)} bytes; at most {MAX_BYTES})")
        raw = text
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            raise RuleFileError(spath, line, "not UTF-8 text (binary data?)") from None
    if len(text) > MAX_BYTES:
        raise RuleFileError(spath, None, f"file too large ({len(text)} characters; at most {MAX_BYTES})")
    if "\x00" in text:
        raise RuleFileError(spath, text[: text.index("\x00")].count("\n") + 1, "NUL byte: not a text file")
    doc = Document(data=None, path=spath)
    # A stack of open containers: (container, path, pending key, key mark) — built iteratively, no recursion.
    stack: list[tuple[Any, Path_, list[Any]]] = []
    nodes = 0
    documents = 0
    root_set = False

    def add(value: Any, mark: Any) -> Path_:
        nonlocal root_set
        line = mark.line + 1
        if not stack:
            if root_set:
                raise _fail(spath, mark, "more than one YAML document in the file")
            doc.data = value
            root_set = True
            doc.lines[()] = line
            return ()
        container, cpath, pending = stack[-1]
        if isinstance(container, list):
            p = (*cpath, len(container))
            container.append(value)
            doc.lines[p] = line
            return p
        if not pending:  # this value is a key
            if not isinstance(value, str):
                if isinstance(value, (int, float, bool, date)) or value is None:
                    raise _fail(spath, mark, f"mapping key {value!r} must be text (quote it)")
                raise _fail(spath, mark, "mapping key must be text, not a list or mapping")
            if value in container:
                raise _fail(spath, mark, f"duplicate key {value!r}")
            pending.append((value, line))
            return cpath
        key, key_line = pending.pop()
        container[key] = value
        p = (*cpath, key)
        doc.lines[p] = key_line  # the line a reader looks for: "key: value"
        return p

    try:
        for ev in yaml.parse(text, Loader=_Loader):
            nodes += 1
            if nodes > MAX_NODES:
                raise _fail(spath, ev.start_mark, f"too many YAML nodes (more than {MAX_NODES})")
            if isinstance(ev, yaml.AliasEvent):
                raise _fail(spath, ev.start_mark, "YAML aliases (*name) are not allowed in rule files")
            anchor = getattr(ev, "anchor", None)
            if anchor is not None:
                raise _fail(spath, ev.start_mark, f"YAML anchors (&{anchor}) are not allowed in rule files")
            if isinstance(ev, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise _fail(spath, ev.start_mark, "more than one YAML document in the file")
            elif isinstance(ev, yaml.ScalarEvent):
                if stack and isinstance(stack[-1][0], dict) and not stack[-1][2]:
                    # keys: always text as written (``no`` or ``2022`` stay what they look like)
                    if ev.tag is not None and ev.tag != "!":
                        raise _fail(spath, ev.start_mark, f"YAML tag {ev.tag!r} is not allowed")
                    add(ev.value, ev.start_mark)
                else:
                    add(_scalar(spath, ev), ev.start_mark)
            elif isinstance(ev, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                if ev.tag is not None and ev.tag not in ("!", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"):
                    raise _fail(spath, ev.start_mark, f"YAML tag {ev.tag!r} is not allowed (plain data only)")
                if ev.tag is not None and not ev.implicit:
                    raise _fail(spath, ev.start_mark, f"YAML tag {ev.tag!r} is not allowed (plain data only)")
                if len(stack) >= MAX_DEPTH:
                    raise _fail(spath, ev.start_mark, f"nesting deeper than {MAX_DEPTH} levels")
                if stack and isinstance(stack[-1][0], dict) and not stack[-1][2]:
                    raise _fail(spath, ev.start_mark, "mapping key must be text, not a list or mapping")
                container: Any = [] if isinstance(ev, yaml.SequenceStartEvent) else {}
                cpath = add(container, ev.start_mark)
                stack.append((container, cpath, []))
            elif isinstance(ev, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                stack.pop()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        if _tab_at(text, mark):
            raise _fail(spath, mark, "YAML does not allow tabs for indentation; use spaces") from None
        raise _fail(spath, mark, f"invalid YAML: {problem}") from None
    except yaml.YAMLError as exc:
        raise RuleFileError(spath, None, f"invalid YAML: {exc}") from None
    return doc


def _tab_at(text: str, mark: Any) -> bool:
    """Whether a YAML error is at a tab in the indentation of its line (the parser does not say so)."""
    if mark is None:
        return False
    lines = text.splitlines()
    if not 0 <= mark.line < len(lines):
        return False
    line = lines[mark.line]
    indent = line[: len(line) - len(line.lstrip(" \t"))]
    return "\t" in indent or line[mark.column : mark.column + 1] == "\t"


def parse_file(path: str | Path) -> Document:
    """Read and parse a file, refusing it before reading if it is too large."""
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > MAX_BYTES:
            raise RuleFileError(str(p), None, f"file too large ({size} bytes; at most {MAX_BYTES})")
        raw = p.read_bytes()
    except OSError as exc:
        raise RuleFileError(str(p), None, f"cannot read file: {exc.strerror or exc}") from None
    return parse(raw, p)
