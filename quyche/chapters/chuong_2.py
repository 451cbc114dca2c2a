"""Chương II — nội dung phối hợp: events of the six content areas (Điều 4–9).

Field names and enumerations are fixed by the public contract (contract.md §3).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, StrictBool

from quyche.chapters.chuong_1 import PartyId
from quyche.events_base import EventBase, IsoDate


def _whole_number(value: Any) -> Any:
    """Refuse ``true`` and ``1.0`` for a numbered value: pydantic's literal check would take them as 1."""
    if type(value) is not int:
        raise ValueError(f"expected 1 or 2, got {type(value).__name__}")
    return value


#: The round of a complaint (lần 1, lần 2): the number 1 or 2.
ComplaintRound = Annotated[Literal[1, 2], BeforeValidator(_whole_number)]


class PropagandaActivity(EventBase):
    """Tuyên truyền, khối đại đoàn kết, đối ngoại nhân dân (Điều 4)."""

    type: Literal["propaganda_activity"]
    organized_by: PartyId
    topic: Literal["law_dissemination", "great_unity", "people_diplomacy", "campaign"]


class DraftConsultation(EventBase):
    """Lấy ý kiến xây dựng văn bản quy phạm pháp luật (Điều 5)."""

    type: Literal["draft_consultation"]
    document: Literal["national_law", "hdnd_resolution", "ubnd_decision"]
    drafted_by: PartyId | None = None
    social_criticism: StrictBool | None = None
    submission_date: IsoDate | None = None


class VoterContact(EventBase):
    """Tiếp xúc cử tri (Điều 6)."""

    type: Literal["voter_contact"]
    level: Literal["national_assembly", "people_council", "joint"]
    phase: Literal["before_session", "after_session", "thematic"]
    session_opening: IsoDate | None = None


class VoterPetition(EventBase):
    """Kiến nghị của cử tri (Điều 6)."""

    type: Literal["voter_petition"]
    received_by: PartyId
    competence: Literal["central", "provincial"]


class CitizenReception(EventBase):
    """Tiếp công dân (Điều 7)."""

    type: Literal["citizen_reception"]
    reception: Literal["ubnd_chair_periodic", "na_deputies", "hdnd_deputies", "front", "crowd_or_complex"]


class PetitionReceived(EventBase):
    """Tiếp nhận đơn thư khiếu nại, tố cáo, phản ánh, kiến nghị (Điều 8)."""

    type: Literal["petition_received"]
    received_by: PartyId
    kind: Literal["complaint", "denunciation", "feedback", "recommendation"]
    competent_body: PartyId | Literal["central", "judicial", "other_local"]
    round: ComplaintRound | None = None
    complex: StrictBool | None = None
    remote_area: StrictBool | None = None


class PetitionResolved(EventBase):
    """Kết quả giải quyết đơn thư đã chuyển (Điều 8)."""

    type: Literal["petition_resolved"]
    resolved_by: PartyId | Literal["other_local"]
    transferred_by: PartyId


class SupervisionPlanned(EventBase):
    """Giám sát, phản biện xã hội, thanh tra, kiểm tra (Điều 9)."""

    type: Literal["supervision_planned"]
    activity: Literal["supervision", "social_criticism", "inspection", "examination"]
    by: PartyId
    subject: PartyId | None = None


#: Dates a deadline may count from that no event carries (the due date is then unknown), with their
#: Vietnamese and English labels in the words of the law that counts from them: the day a complaint or
#: denunciation is accepted (thụ lý; for a denunciation, the day of the decision to accept it, Luật Tố
#: cáo 2018 Điều 29 khoản 3), the day the competent body itself receives a case or a voter petition
#: forwarded by another body (Luật Khiếu nại 2011 Điều 27, Luật Tố cáo 2018 Điều 24 khoản 1 and Điều 26
#: khoản 2, NQLT 72/2025 Điều 49 khoản 1), the day the notice of a result is received, the first and
#: last day of a supervision, and the day a session of the National Assembly closes (NQLT 72/2025
#: Điều 37 khoản 2).
EXTERNAL_ANCHORS: dict[str, tuple[str, str]] = {
    "acceptance_date": ("ngày thụ lý", "the day the case is accepted"),
    "transfer_receipt_date": (
        "ngày cơ quan có thẩm quyền nhận được đơn, kiến nghị do cơ quan khác chuyển đến",
        "the day the competent body receives the case or petition forwarded to it",
    ),
    "notice_date": ("ngày nhận được thông báo kết quả giải quyết", "the day the notice of the result is received"),
    "supervision_start": (
        "ngày bắt đầu giám sát (ngày đoàn giám sát làm việc với cơ quan, tổ chức chịu sự giám sát)",
        "the first day of the supervision (the delegation's working session with the supervised body)",
    ),
    "supervision_end": (
        "ngày kết thúc hoạt động giám sát (kết thúc cuộc làm việc với cơ quan, tổ chức chịu sự giám sát)",
        "the last day of the supervision (the end of the working session with the supervised body)",
    ),
    "session_closing": ("ngày kết thúc kỳ họp", "the day the session closes"),
}
