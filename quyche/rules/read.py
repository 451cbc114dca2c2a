"""The *read* stage: ``rules/`` into models, one chapter file per chapter, one article file per article.

Every failure is one :class:`~quyche.errors.RuleFileError` naming the file, the line and the field,
with a "did you mean …?" suggestion for a misspelt key. The files are read in sorted order, and the
result does not depend on the order the file system lists them in.
"""

from __future__ import annotations

import re
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from quyche.errors import RuleFileError, did_you_mean, plain_message
from quyche.rules import yamlsafe
from quyche.rules.model import ArticleFile, ChapterFile

CHAPTER_FILE = re.compile(r"chuong_([1-9][0-9]*)\.yaml")
ARTICLE_FILE = re.compile(r"dieu_([0-9]{2})\.yaml")
M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Loaded:
    """A validated file: its model, the parsed document (for line numbers) and its path."""

    path: str
    doc: yamlsafe.Document
    model: Any

    def line(self, *loc: int | str) -> int | None:
        """The line of the value at ``loc`` in this file."""
        return self.doc.line_of(list(loc))

    def error(self, message: str, *loc: int | str) -> RuleFileError:
        """A RuleFileError at ``loc`` in this file, naming the field."""
        field = ".".join(str(p) for p in loc) or None
        text = f"{field}: {message}" if field else message
        return RuleFileError(self.path, self.line(*loc), text, field)


def _model_fields(model: type[BaseModel]) -> list[str]:
    return [info.alias or name for name, info in model.model_fields.items()]


def _allowed_keys(root: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """The keys a mapping at ``loc`` accepts, for did-you-mean suggestions (best effort)."""
    from quyche.rules import model as m

    names: dict[str, type[BaseModel]] = {
        "rules": m.Rule,
        "responsibilities": m.ResponsibilitySpec,
        "deadline": m.DeadlineSpec,
        "provenance": m.Provenance,
        "warnings": m.WarningSpec,
        "in_force": m.InForce,
        "not_encoded": m.NotEncoded,
        "validity": m.Validity,
        "standing_duties": m.StandingDuty,
        "clauses": m.Clause,
        "points": m.Point,
        "table": m.Table,
    }
    current: type[BaseModel] = root
    for part in loc[:-1]:
        if isinstance(part, str) and part in names:
            current = names[part]
    return _model_fields(current)


def format_validation_error(
    exc: ValidationError,
    doc: yamlsafe.Document,
    root: type[BaseModel],
    cls: type[RuleFileError] = RuleFileError,
    allowed_keys: Callable[[tuple[Any, ...]], list[str]] | None = None,
) -> RuleFileError:
    """Turn pydantic's errors into one RuleFileError: the first problem's file, line, field and suggestion,
    then every other problem (``also line N: field: …``), in plain words.

    ``allowed_keys(path)`` gives the keys a mapping at ``path`` accepts (for "did you mean"), for a file whose
    models the rule files' table does not know (an amendment file).
    """
    errors = exc.errors(include_url=False)
    problems: list[tuple[list[int | str], str, str]] = []  # path, error type, message
    seen: set[tuple[int | str, ...]] = set()
    for err in errors:
        path = data_path(doc.data, tuple(err["loc"]))
        if tuple(path) in seen:  # a union reports once per member
            continue
        seen.add(tuple(path))
        if err["type"] == "extra_forbidden":
            key = str(path[-1]) if path else "?"
            allowed = allowed_keys(tuple(path)) if allowed_keys else _allowed_keys(root, tuple(path))
            msg = f"unknown key {key!r}{did_you_mean(key, allowed)}"
            msg += "; allowed: " + ", ".join(sorted(allowed))
        elif err["type"] == "literal_error" and path and path[-1] == "format":
            msg = f"unknown format {err.get('input')!r}; expected {str(err['msg']).split('Input should be ')[-1]}"
        elif err["type"] == "literal_error" and isinstance(err.get("input"), str):
            choices = re.findall(r"'([^']*)'", str((err.get("ctx") or {}).get("expected", "")))
            hint = did_you_mean(err["input"], choices)
            msg = f"{err['input']!r} is not accepted{hint}; accepted: {', '.join(choices)}"
        else:
            msg = plain_message(err)
        problems.append((path, str(err["type"]), msg))
    # A misspelt key shows up twice: as an unknown key and as a missing one. Name the misspelling first,
    # and do not report the missing key it stands for.
    problems.sort(key=lambda p: p[1] != "extra_forbidden")
    suggested = {
        (tuple(path[:-1]), msg.split("(did you mean '", 1)[1].split("'", 1)[0])
        for path, kind, msg in problems
        if kind == "extra_forbidden" and "(did you mean '" in msg
    }
    problems = [
        p for p in problems if not (p[1] == "missing" and p[0] and (tuple(p[0][:-1]), str(p[0][-1])) in suggested)
    ]
    path, _, msg = problems[0]
    field = ".".join(str(p) for p in path) or "(file)"
    text = f"{field}: {msg}"
    for other, _, other_msg in problems[1:]:
        line = doc.line_of(other)
        text += f" — also{f' line {line}' if line else ''}: {'.'.join(str(p) for p in other) or '(file)'}: {other_msg}"
    return cls(doc.path, doc.line_of(path), text, field)


#: Steps of a pydantic ``loc`` that name a part of the schema, not a key of the data: union tags
#: (``leaf``, ``all`` …), member types (``str``, ``literal['a']``, ``list[...]``) and validators.
_SCHEMA_STEPS = frozenset({"leaf", "all", "any", "not", "str", "int", "bool", "date", "float"})


def _is_schema_step(part: str) -> bool:
    return part in _SCHEMA_STEPS or "[" in part or part.startswith(("function-", "lax-", "strict-", "json-"))


def data_path(data: Any, loc: tuple[Any, ...]) -> list[int | str]:
    """The part of a pydantic ``loc`` that walks the data (drops union tags and validator names)."""
    out: list[int | str] = []
    node = data
    for part in loc:
        if isinstance(node, dict) and part in node:
            node = node[part]
            out.append(part)
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
            out.append(part)
        elif isinstance(node, dict) and isinstance(part, str) and not _is_schema_step(part):
            out.append(part)  # a key that is missing or unknown: still name it
            node = None
    return out


def validate_document(doc: yamlsafe.Document, model: type[M], cls: type[RuleFileError] = RuleFileError) -> M:
    """Validate a parsed document against a model, or raise one error with file and line."""
    if not isinstance(doc.data, dict):
        raise cls(doc.path, doc.line_of(()), "the file must be a YAML mapping (key: value …)")
    try:
        return model.model_validate(doc.data)
    except ValidationError as exc:
        raise format_validation_error(exc, doc, model, cls) from None


@dataclass(frozen=True)
class RuleSource:
    """All chapter and article files of a rules folder, validated one by one."""

    root: str
    chapters: dict[int, Loaded]
    articles: dict[int, Loaded]

    def with_documents(self, *docs: yamlsafe.Document) -> RuleSource:
        """A copy of the source with some files added or replaced (each named ``chuong_N.yaml`` or ``dieu_NN.yaml``)."""
        chapters, articles = dict(self.chapters), dict(self.articles)
        for doc in docs:
            kind, number, loaded = read_document(doc)
            (chapters if kind == "chapter" else articles)[number] = loaded
        return RuleSource(self.root, chapters, articles)


def read_document(doc: yamlsafe.Document) -> tuple[str, int, Loaded]:
    """Validate one parsed rule file by its name: ``("chapter" | "article", number, loaded)``."""
    name = Path(doc.path).name
    if CHAPTER_FILE.fullmatch(name):
        chapter = validate_document(doc, ChapterFile)
        loaded = Loaded(doc.path, doc, chapter)
        expected = int(CHAPTER_FILE.fullmatch(name).group(1))  # type: ignore[union-attr]
        if chapter.chapter != expected:
            raise loaded.error(f"file {name} must hold chapter {expected}, not {chapter.chapter}", "chapter")
        return "chapter", chapter.chapter, loaded
    if ARTICLE_FILE.fullmatch(name):
        article = validate_document(doc, ArticleFile)
        loaded = Loaded(doc.path, doc, article)
        expected = int(ARTICLE_FILE.fullmatch(name).group(1))  # type: ignore[union-attr]
        if article.article != expected:
            raise loaded.error(f"file {name} must hold article {expected}, not {article.article}", "article")
        return "article", article.article, loaded
    raise RuleFileError(doc.path, None, "unexpected file name: rule files are chuong_N.yaml and dieu_NN.yaml")


def _check_regular(path: Path) -> None:
    """Refuse an entry named like a rule file that is not a regular file (after symbolic links): a
    folder, a FIFO (reading it would block), a device, a socket or a broken link is an error, never
    skipped silently and never opened.
    """
    try:
        mode = path.stat().st_mode
    except OSError:
        kind = "a broken symbolic link" if path.is_symlink() else "unreadable"
    else:
        if stat.S_ISREG(mode):
            return
        kinds = {stat.S_ISDIR: "a folder", stat.S_ISFIFO: "a FIFO", stat.S_ISCHR: "a device", stat.S_ISBLK: "a device"}
        kind = next((k for test, k in kinds.items() if test(mode)), "not a file")
    raise RuleFileError(str(path), None, f"not a regular file ({kind}): a rule file must be a plain file")


def read_rules(rules_dir: str | Path) -> RuleSource:
    """Read and validate every rule file under ``rules_dir``."""
    root = Path(rules_dir)
    if not root.is_dir():
        raise RuleFileError(str(root), None, "rules folder not found")
    chapters: dict[int, Loaded] = {}
    articles: dict[int, Loaded] = {}
    for path in sorted(root.iterdir(), key=lambda p: p.name):
        if path.suffix not in (".yaml", ".yml"):
            continue
        _check_regular(path)
        kind, number, loaded = read_document(yamlsafe.parse_file(path))
        (chapters if kind == "chapter" else articles)[number] = loaded
    return RuleSource(str(root), chapters, articles)
