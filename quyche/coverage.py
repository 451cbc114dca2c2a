"""Coverage of the regulation by scenarios (docs/reference.md §6): which rules the scenarios make fire.

A scenario *fires* a rule when the rule is in the trace of the scenario's decision (whether the
scenario passes or not: a failing scenario is reported as such, and ``quyche check`` fails on it). An
article is *covered* when some scenario fires one of its rules; a *content article* is one that has
rules (Articles 1–3, 14–17, 21 and 22 state principles and standing duties that no event triggers).

``run_scenarios`` evaluates every scenario of the given files once; ``coverage`` turns the runs into a
:class:`Coverage` report; ``format_text`` / ``Coverage.as_json`` are what ``quyche coverage`` prints.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from quyche.errors import ScenarioFileError

if TYPE_CHECKING:
    from quyche.regulation import Regulation


@dataclass(frozen=True)
class ScenarioRun:
    """One scenario, evaluated: where it is, whether it passed, and the rules that fired."""

    file: str
    line: int | None
    name: str
    event_type: str | None
    passed: bool
    failures: tuple[str, ...]
    fired: tuple[str, ...]


@dataclass(frozen=True)
class RuleCoverage:
    """How many scenarios fire one rule."""

    rule: str
    article: int
    clause: int | None
    scenarios: int


@dataclass(frozen=True)
class ArticleCoverage:
    """How many of an article's rules fire, and how many scenarios fire at least one of them."""

    article: int
    chapter: int
    title_vi: str
    title_en: str
    rules: int
    rules_fired: int
    scenarios: int

    @property
    def content(self) -> bool:
        """Whether the article has rules (a content article)."""
        return self.rules > 0


@dataclass(frozen=True)
class Coverage:
    """The coverage report of a set of scenario runs over a regulation's rules."""

    scenarios: int
    failed: int
    files: int
    rules: tuple[RuleCoverage, ...]
    articles: tuple[ArticleCoverage, ...]

    @property
    def total_rules(self) -> int:
        """How many rules the regulation has."""
        return len(self.rules)

    @property
    def fired_rules(self) -> int:
        """How many rules at least one scenario fires."""
        return sum(1 for r in self.rules if r.scenarios)

    @property
    def percent(self) -> float:
        """The share of rules fired by some scenario, in percent (100 when there are no rules)."""
        return 100.0 * self.fired_rules / self.total_rules if self.rules else 100.0

    @property
    def unfired(self) -> list[RuleCoverage]:
        """The rules no scenario fires, in firing order."""
        return [r for r in self.rules if not r.scenarios]

    @property
    def uncovered_articles(self) -> list[ArticleCoverage]:
        """The content articles none of whose rules a scenario fires."""
        return [a for a in self.articles if a.content and not a.scenarios]

    def as_json(self) -> dict[str, Any]:
        """The report as JSON-serialisable data (``quyche coverage --format json``)."""
        return {
            "scenarios": self.scenarios,
            "failed": self.failed,
            "files": self.files,
            "rules_total": self.total_rules,
            "rules_fired": self.fired_rules,
            "percent": round(self.percent, 2),
            "articles": [
                {
                    "article": a.article,
                    "chapter": a.chapter,
                    "title_vi": a.title_vi,
                    "title_en": a.title_en,
                    "content": a.content,
                    "rules": a.rules,
                    "rules_fired": a.rules_fired,
                    "scenarios": a.scenarios,
                }
                for a in self.articles
            ],
            "by_rule": [
                {"rule": r.rule, "article": r.article, "clause": r.clause, "scenarios": r.scenarios} for r in self.rules
            ],
            "unfired_rules": [r.rule for r in self.unfired],
            "uncovered_articles": [a.article for a in self.uncovered_articles],
        }


def run_scenarios(reg: Regulation, paths: Iterable[str | Path]) -> tuple[list[ScenarioRun], list[ScenarioFileError]]:
    """Evaluate every scenario of every readable file; the files that cannot be read are returned as errors."""
    from quyche.scenarios import load_paths, run_one

    loaded, errors = load_paths(reg, paths)
    runs: list[ScenarioRun] = []
    for sc in loaded:
        result = run_one(reg, sc)
        event_type = sc.scenario.event.get("type")
        runs.append(
            ScenarioRun(
                file=sc.file,
                line=sc.line,
                name=sc.scenario.name,
                event_type=event_type if isinstance(event_type, str) else None,
                passed=result.passed,
                failures=tuple(result.failures),
                fired=tuple(dict.fromkeys(result.rules)),
            )
        )
    return runs, errors


def coverage(reg: Regulation, runs: Iterable[ScenarioRun]) -> Coverage:
    """Count, per rule and per article of ``reg``, the scenarios that fire it."""
    runs = list(runs)
    checked = reg.compiled.checked.rules
    per_rule: dict[str, int] = {r.id: 0 for r in checked}
    per_article: dict[int, int] = {a.number: 0 for a in reg.articles}
    article_of = {r.id: r.article for r in checked}
    for run in runs:
        for rule in run.fired:
            if rule in per_rule:
                per_rule[rule] += 1
        for article in {article_of[rule] for rule in run.fired if rule in article_of}:
            per_article[article] += 1
    rules = tuple(
        RuleCoverage(r.id, r.article, r.rule.clause, per_rule[r.id])
        for r in sorted(checked, key=lambda r: (r.article, r.order[2]))
    )
    articles = tuple(
        ArticleCoverage(
            article=a.number,
            chapter=a.chapter,
            title_vi=a.title_vi,
            title_en=a.title_en,
            rules=sum(1 for r in rules if r.article == a.number),
            rules_fired=sum(1 for r in rules if r.article == a.number and r.scenarios),
            scenarios=per_article[a.number],
        )
        for a in reg.articles
    )
    return Coverage(
        scenarios=len(runs),
        failed=sum(1 for r in runs if not r.passed),
        files=len({r.file for r in runs}),
        rules=rules,
        articles=articles,
    )


def closing_line(cov: Coverage) -> str:
    """``rules fired by scenarios: N of M`` with the percentage (docs/reference.md §6)."""
    return f"rules fired by scenarios: {cov.fired_rules} of {cov.total_rules} ({cov.percent:.1f}%)"


def format_text(cov: Coverage) -> str:
    """The report for people: per article, per rule, the gaps, and the closing line."""
    lines = [
        f"Coverage of the rules by {cov.scenarios} scenarios in {cov.files} files"
        + (f" ({cov.failed} failing: run quyche check)" if cov.failed else ""),
        "",
        "article  rules fired  scenarios  title",
    ]
    for a in cov.articles:
        fired = f"{a.rules_fired} of {a.rules}" if a.content else "no rules"
        lines.append(f"Điều {a.article:<3}{fired:>12}{a.scenarios:>11}  {a.title_vi}")
    lines += ["", "scenarios firing each rule:"]
    width = max((len(r.rule) for r in cov.rules), default=0)
    for r in cov.rules:
        lines.append(f"  {r.rule:<{width}}  {r.scenarios:>4}")
    unfired = cov.unfired
    lines += ["", f"rules no scenario fires ({len(unfired)}):" if unfired else "rules no scenario fires: none"]
    for r in unfired:
        where = f"Điều {r.article}" + (f" khoản {r.clause}" if r.clause is not None else "")
        lines.append(f"  {r.rule} ({where})")
    uncovered = cov.uncovered_articles
    if uncovered:
        lines.append(f"content articles with no scenario ({len(uncovered)}):")
        lines += [f"  Điều {a.article}. {a.title_vi}" for a in uncovered]
    else:
        lines.append("content articles with no scenario: none")
    lines += ["", closing_line(cov)]
    return "\n".join(lines) + "\n"


def bundled_scenarios_dir() -> Path | None:
    """The scenario files shipped with the package (inside the wheel), or the checkout's ``tests/scenarios``."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "bundled_scenarios", here.parent / "tests" / "scenarios"):
        if candidate.is_dir():
            return candidate
    return None
