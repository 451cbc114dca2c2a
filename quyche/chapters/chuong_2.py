"""Chương II — nội dung phối hợp: events of the six content areas (Điều 4–9).

Field names and enumerations are fixed by the public contract (contract.md §3). The later dates of a
case (contract §3, "Later dates": the day a complaint is accepted, the day a forwarded case reaches the
competent body …) are optional date fields of their event type, each with its meaning in the law's
words (:func:`~quyche.events_base.described`); a deadline may count only from a date field of its
event type, so a new anchor is one more field declared here.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, StrictBool

from quyche.chapters.chuong_1 import PartyId
from quyche.events_base import EventBase, IsoDate, LaterDate, OnOrAfter, described


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
    transfer_receipt_date: LaterDate = described(
        "ngày cơ quan có thẩm quyền nhận được đơn do cơ quan khác chuyển đến",
        "the day the competent body receives the petition forwarded to it by the receiving body",
        None,
    )
    acceptance_date: Annotated[IsoDate | None, OnOrAfter(("date", "transfer_receipt_date"))] = described(
        "ngày thụ lý",
        "the day the competent body accepts the complaint or denunciation for settlement (thụ lý)",
        None,
    )


class PetitionResolved(EventBase):
    """Kết quả giải quyết đơn thư đã chuyển (Điều 8)."""

    type: Literal["petition_resolved"]
    resolved_by: PartyId | Literal["other_local"]
    transferred_by: PartyId
    notice_date: LaterDate = described(
        "ngày nhận được thông báo kết quả giải quyết",
        "the day the forwarding body receives the competent body's notice of the result",
        None,
    )


class SupervisionPlanned(EventBase):
    """Giám sát, phản biện xã hội, thanh tra, kiểm tra (Điều 9)."""

    type: Literal["supervision_planned"]
    activity: Literal["supervision", "social_criticism", "inspection", "examination"]
    by: PartyId
    subject: PartyId | None = None
    supervision_start: LaterDate = described(
        "ngày bắt đầu giám sát",
        "the first day of the supervision (the delegation's first working session with the supervised body)",
        None,
    )
    supervision_end: Annotated[IsoDate | None, OnOrAfter(("date", "supervision_start"))] = described(
        "ngày kết thúc hoạt động giám sát", "the last day of the supervision", None
    )
