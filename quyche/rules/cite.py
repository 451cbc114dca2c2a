"""How a provision is cited — the one builder of citation labels: ``Điểm a khoản 1 Điều 8 (Chương II): …`` in
Vietnamese, ``Article 8(1)(a) (Chapter II): …`` in English.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from quyche.decision import Citation

Lang = Literal["vi", "en"]
_NUMERALS = ("", "I", "II", "III", "IV", "V", "VI", "VII")


def roman(n: int) -> str:
    """Chapter numeral (1–7)."""
    return _NUMERALS[n] if 0 < n < len(_NUMERALS) else str(n)


def provision(article: int, clause: int | None = None, point: str | None = None, lang: Lang = "vi") -> str:
    """A provision's reference: ``Điểm a khoản 1 Điều 8`` or ``Article 8(1)(a)``."""
    if lang == "en":
        return f"Article {article}" + (f"({clause})" if clause is not None else "") + (f"({point})" if point else "")
    parts = ([f"điểm {point}"] if point else []) + ([f"khoản {clause}"] if clause is not None else [])
    where = " ".join([*parts, f"Điều {article}"])
    return where[:1].upper() + where[1:]


def citation(articles: Mapping[int, Any], article: int, clause: int | None, point: str | None) -> Citation:
    """A citation with its Vietnamese label (``articles``: the article files by number, for titles)."""
    art = articles[article]
    label = f"{provision(article, clause, point)} (Chương {roman(art.chapter)}): {art.title_vi}"
    return Citation(chapter=art.chapter, article=article, clause=clause, point=point, label=label)


def citation_text(c: Citation, lang: Lang = "vi", articles: Mapping[int, Any] | None = None) -> str:
    """A citation for people: its Vietnamese label, or in English with the article's English title."""
    if lang == "vi":
        return c.label
    where = provision(c.article, c.clause, c.point, "en")
    art = articles.get(c.article) if articles is not None else None
    if art is None:
        return f"{where} (Chapter {roman(c.chapter)}) — {c.label}"
    return f"{where} (Chapter {roman(c.chapter)}): {art.title_en}"
