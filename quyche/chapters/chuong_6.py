"""Chương VI — đánh giá, sửa đổi, bổ sung: annual evaluation (Điều 19) and amendment (Điều 20)."""

from __future__ import annotations

from typing import Literal

from quyche.chapters.chuong_1 import PartyId
from quyche.events_base import ArticleNo, EventBase


class AnnualReview(EventBase):
    """The yearly meeting or conference that evaluates the regulation (Điều 19)."""

    type: Literal["annual_review"]
    year: int


class AmendmentProposed(EventBase):
    """A party proposes to amend or supplement the regulation (Điều 20)."""

    type: Literal["amendment_proposed"]
    proposed_by: PartyId
    articles: list[ArticleNo] | None = None


EVENT_LABELS: dict[str, tuple[str, str]] = {
    "annual_review": ("Hội nghị đánh giá Quy chế hằng năm", "Annual evaluation of the regulation"),
    "amendment_proposed": ("Đề xuất sửa đổi, bổ sung Quy chế", "Proposed amendment of the regulation"),
}

FIELD_LABELS: dict[str, tuple[str, str]] = {
    "year": ("năm đánh giá", "the year"),
    "proposed_by": ("cơ quan đề xuất", "the proposing body"),
    "articles": ("các điều đề xuất sửa đổi, bổ sung", "the articles proposed for amendment"),
}
