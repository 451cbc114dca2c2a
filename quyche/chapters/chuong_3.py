"""Chương III — hội họp và thông tin hoạt động: meetings and information (Điều 10–11)."""

from __future__ import annotations

from typing import ClassVar, Literal

from quyche.chapters.chuong_1 import PartyId
from quyche.events_base import EventBase, IsoDate, described, event_date


class MeetingConvened(EventBase):
    """A session, meeting or conference is convened (Điều 10)."""

    #: The article of the regulation this event type belongs to.
    ARTICLE: ClassVar[int] = 10
    type: Literal["meeting_convened"] = "meeting_convened"
    date: IsoDate | None = event_date(
        "Ngày khai mạc kỳ họp, phiên họp, hội nghị; thời hạn gửi tài liệu tính ngược từ ngày này.",
        "The opening day of the session, meeting or conference; the deadline to send documents counts "
        "back from it.",
    )
    convened_by: PartyId = described("Cơ quan triệu tập.", "The body that convenes it.")
    meeting: Literal["hdnd_session", "ubnd_meeting", "tt_hdnd_meeting", "front_conference", "joint_meeting"] = (
        described("Loại kỳ họp, phiên họp, hội nghị.", "The kind of session, meeting or conference.")
    )


class ReportIssued(EventBase):
    """A programme or report is issued and shared (Điều 11)."""

    #: The article of the regulation this event type belongs to.
    ARTICLE: ClassVar[int] = 11
    type: Literal["report_issued"] = "report_issued"
    date: IsoDate | None = event_date("Ngày ban hành.", "The day of issue.")
    issued_by: PartyId = described("Cơ quan ban hành.", "The body that issues it.")
    report: Literal["work_programme", "six_month", "annual", "thematic"] = described(
        "Loại chương trình, báo cáo.", "The kind of programme or report."
    )


EVENT_LABELS: dict[str, tuple[str, str]] = {
    "meeting_convened": ("Triệu tập kỳ họp, phiên họp, hội nghị", "Session, meeting or conference convened"),
    "report_issued": ("Ban hành chương trình, báo cáo", "Programme or report issued"),
}

FIELD_LABELS: dict[str, tuple[str, str]] = {
    "convened_by": ("cơ quan triệu tập", "the convening body"),
    "meeting": ("loại kỳ họp, cuộc họp", "the meeting"),
    "issued_by": ("cơ quan ban hành", "the issuing body"),
    "report": ("loại báo cáo", "the report"),
}

VALUE_LABELS: dict[str, dict[object, tuple[str, str]]] = {
    "meeting": {
        "hdnd_session": ("kỳ họp Hội đồng nhân dân tỉnh", "a People's Council session"),
        "ubnd_meeting": ("phiên họp Ủy ban nhân dân tỉnh", "a People's Committee meeting"),
        "tt_hdnd_meeting": ("phiên họp Thường trực Hội đồng nhân dân tỉnh", "a Standing Committee meeting"),
        "front_conference": ("hội nghị Ủy ban Mặt trận Tổ quốc tỉnh", "a Fatherland Front conference"),
        "joint_meeting": ("hội nghị liên tịch", "a joint meeting"),
    },
    "report": {
        "work_programme": ("chương trình công tác", "a work programme"),
        "six_month": ("báo cáo 6 tháng", "a six-month report"),
        "annual": ("báo cáo năm", "an annual report"),
        "thematic": ("báo cáo chuyên đề", "a thematic report"),
    },
}
