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
