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
