"""Chương VI — đánh giá, sửa đổi, bổ sung: annual evaluation (Điều 19) and amendment (Điều 20)."""

from __future__ import annotations

from typing import ClassVar, Literal

from quyche.chapters.chuong_1 import PartyId
from quyche.events_base import ArticleNo, EventBase, IsoDate, described, event_date


class AnnualReview(EventBase):
    """The yearly meeting or conference that evaluates the regulation (Điều 19)."""

    #: The article of the regulation this event type belongs to.
    ARTICLE: ClassVar[int] = 19
    type: Literal["annual_review"] = "annual_review"
    date: IsoDate | None = event_date("Ngày tổ chức hội nghị đánh giá.", "The day of the evaluation meeting.")
    year: int = described(
        "Năm được đánh giá; cơ quan chủ trì được xác định theo thứ tự luân phiên của năm này.",
        "The year evaluated; the host follows the rotation for that year.",
    )


class AmendmentProposed(EventBase):
    """A party proposes to amend or supplement the regulation (Điều 20)."""

    #: The article of the regulation this event type belongs to.
    ARTICLE: ClassVar[int] = 20
    type: Literal["amendment_proposed"] = "amendment_proposed"
    date: IsoDate | None = event_date("Ngày đề xuất.", "The day of the proposal.")
    proposed_by: PartyId = described("Cơ quan đề xuất sửa đổi, bổ sung.", "The body that proposes the amendment.")
    articles: list[ArticleNo] | None = described(
        "Các điều đề xuất sửa đổi, bổ sung (số điều từ 1 đến 23).",
        "The articles to amend (numbers 1 to 23).",
        None,
    )


EVENT_LABELS: dict[str, tuple[str, str]] = {
    "annual_review": ("Hội nghị đánh giá Quy chế hằng năm", "Annual evaluation of the regulation"),
    "amendment_proposed": ("Đề xuất sửa đổi, bổ sung Quy chế", "Proposed amendment of the regulation"),
}

FIELD_LABELS: dict[str, tuple[str, str]] = {
    "year": ("năm đánh giá", "the year"),
    "proposed_by": ("cơ quan đề xuất", "the proposing body"),
    "articles": ("các điều đề xuất sửa đổi, bổ sung", "the articles proposed for amendment"),
}
