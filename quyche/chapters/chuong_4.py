"""Chương IV — phương thức phối hợp: the six modes of coordination (Điều 12) and requests (Điều 13).

The six modes are stated in the public summary of the regulation.
"""

from __future__ import annotations

from typing import ClassVar, Literal, get_args

from quyche.chapters.chuong_1 import PartyId
from quyche.events_base import EventBase, IsoDate, described, event_date

ModeId = Literal["meeting", "attend", "delegation", "notify", "written_comment", "for_information"]
MODES: tuple[str, ...] = get_args(ModeId)

LABELS: dict[str, tuple[str, str]] = {
    "meeting": ("Tổ chức các cuộc họp, hội nghị", "Organise meetings and conferences"),
    "attend": (
        "Tham dự các phiên họp, cuộc họp, hội nghị liên quan",
        "Attend each other's relevant sessions, meetings and conferences",
    ),
    "delegation": (
        "Tham gia các đoàn giám sát, kiểm tra, tiếp xúc cử tri",
        "Join supervision, inspection and voter-contact delegations",
    ),
    "notify": (
        "Thông báo trực tiếp hoặc bằng văn bản khi có yêu cầu",
        "Notify directly or in writing on request",
    ),
    "written_comment": ("Gửi lấy ý kiến bằng văn bản", "Send documents for written comments"),
    "for_information": (
        "Gửi các văn bản liên quan cho các bên còn lại để biết",
        "Send related documents to the other parties for information",
    ),
}


class InformationRequest(EventBase):
    """One party asks another to notify it or to comment in writing (Điều 13)."""

    #: The article of the regulation this event type belongs to.
    ARTICLE: ClassVar[int] = 13
    type: Literal["information_request"] = "information_request"
    date: IsoDate | None = event_date("Ngày đề nghị.", "The day of the request.")
    requested_by: PartyId = described("Cơ quan đề nghị.", "The body that asks.")
    requested_from: PartyId = described("Cơ quan được đề nghị.", "The body asked.")
    mode: Literal["notify", "written_comment"] = described(
        "Nội dung đề nghị: thông báo (trực tiếp hoặc bằng văn bản) hay góp ý bằng văn bản.",
        "What is asked: to be notified (directly or in writing) or written comments.",
    )


EVENT_LABELS: dict[str, tuple[str, str]] = {
    "information_request": ("Đề nghị cung cấp thông tin, góp ý", "Request for information or comments"),
}

FIELD_LABELS: dict[str, tuple[str, str]] = {
    "requested_by": ("cơ quan đề nghị", "the requesting body"),
    "requested_from": ("cơ quan được đề nghị", "the body asked"),
    "mode": ("hình thức đề nghị", "the mode"),
}

VALUE_LABELS: dict[str, dict[object, tuple[str, str]]] = {
    "mode": {"notify": ("thông báo", "notification"), "written_comment": ("góp ý bằng văn bản", "written comments")},
}

__all__ = ["EVENT_LABELS", "FIELD_LABELS", "LABELS", "MODES", "VALUE_LABELS", "InformationRequest", "ModeId"]
