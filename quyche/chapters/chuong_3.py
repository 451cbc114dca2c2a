"""Chương III — hội họp và thông tin hoạt động: meetings and information (Điều 10–11)."""

from __future__ import annotations

from typing import Literal

from quyche.chapters.chuong_1 import PartyId
from quyche.events_base import EventBase


class MeetingConvened(EventBase):
    """A session, meeting or conference is convened (Điều 10)."""

    type: Literal["meeting_convened"]
    convened_by: PartyId
    meeting: Literal["hdnd_session", "ubnd_meeting", "tt_hdnd_meeting", "front_conference", "joint_meeting"]


class ReportIssued(EventBase):
    """A programme or report is issued and shared (Điều 11)."""

    type: Literal["report_issued"]
    issued_by: PartyId
    report: Literal["work_programme", "six_month", "annual", "thematic"]


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
