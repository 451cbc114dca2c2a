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
#: Vietnamese and English labels: the day a complaint or denunciation is accepted (thụ lý), the day the
#: competent body receives a case forwarded by another body, the day the notice of a result is
#: received, and the first and last day of a supervision.
EXTERNAL_ANCHORS: dict[str, tuple[str, str]] = {
    "acceptance_date": ("ngày thụ lý", "the day the case is accepted"),
    "transfer_receipt_date": (
        "ngày cơ quan có thẩm quyền nhận được đơn do cơ quan khác chuyển đến",
        "the day the competent body receives the case forwarded to it",
    ),
    "notice_date": ("ngày nhận được thông báo kết quả giải quyết", "the day the notice of the result is received"),
    "supervision_start": ("ngày bắt đầu giám sát", "the first day of the supervision"),
    "supervision_end": ("ngày kết thúc giám sát", "the last day of the supervision"),
}


# -- words for the fields of these events: one table per field (conditions, explanations, the explorer) -------

EVENT_LABELS: dict[str, tuple[str, str]] = {
    "propaganda_activity": ("Hoạt động tuyên truyền, vận động", "Propaganda or mobilisation activity"),
    "draft_consultation": ("Lấy ý kiến dự thảo văn bản quy phạm pháp luật", "Consultation on a draft legal document"),
    "voter_contact": ("Tiếp xúc cử tri", "Voter contact"),
    "voter_petition": ("Kiến nghị của cử tri", "Voter petition"),
    "citizen_reception": ("Tiếp công dân", "Citizen reception"),
    "petition_received": (
        "Tiếp nhận đơn thư khiếu nại, tố cáo, phản ánh, kiến nghị",
        "Complaint, denunciation, feedback or petition received",
    ),
    "petition_resolved": ("Kết quả giải quyết đơn thư đã chuyển", "Result of a transferred petition"),
    "supervision_planned": (
        "Giám sát, phản biện xã hội, thanh tra, kiểm tra",
        "Supervision, social criticism, inspection or examination",
    ),
}

FIELD_LABELS: dict[str, tuple[str, str]] = {
    "organized_by": ("cơ quan tổ chức", "the organising body"),
    "topic": ("nội dung tuyên truyền, vận động", "the topic"),
    "document": ("loại dự thảo", "the draft document"),
    "drafted_by": ("cơ quan soạn thảo", "the drafting body"),
    "social_criticism": ("có phản biện xã hội", "social criticism"),
    "submission_date": ("ngày trình dự thảo", "the submission date"),
    "level": ("cấp tiếp xúc cử tri", "the level"),
    "phase": ("thời điểm tiếp xúc cử tri", "the phase"),
    "session_opening": ("ngày khai mạc kỳ họp", "the session's opening date"),
    "received_by": ("cơ quan tiếp nhận", "the receiving body"),
    "competence": ("thẩm quyền giải quyết", "the competence"),
    "reception": ("hình thức tiếp công dân", "the kind of reception"),
    "kind": ("loại đơn", "the kind of petition"),
    "competent_body": ("cơ quan có thẩm quyền giải quyết", "the competent body"),
    "round": ("lần khiếu nại", "the complaint round"),
    "complex": ("vụ việc phức tạp", "a complex case"),
    "remote_area": ("ở vùng sâu, vùng xa", "a remote area"),
    "resolved_by": ("cơ quan giải quyết", "the resolving body"),
    "transferred_by": ("cơ quan đã chuyển đơn", "the transferring body"),
    "activity": ("hoạt động", "the activity"),
    "by": ("cơ quan thực hiện", "the body carrying it out"),
    "subject": ("cơ quan, tổ chức chịu sự giám sát", "the body supervised"),
    **EXTERNAL_ANCHORS,
}

_OUTSIDE: dict[object, tuple[str, str]] = {
    "central": ("cơ quan Trung ương", "a central body"),
    "judicial": ("cơ quan tư pháp", "a judicial body"),
    "other_local": ("cơ quan khác ở địa phương", "another local body"),
}
#: Values of each enumerated field in words (parties use their own labels).
VALUE_LABELS: dict[str, dict[object, tuple[str, str]]] = {
    "topic": {
        "law_dissemination": ("phổ biến, giáo dục pháp luật", "law dissemination"),
        "great_unity": ("xây dựng khối đại đoàn kết toàn dân tộc", "great national unity"),
        "people_diplomacy": ("đối ngoại nhân dân", "people-to-people external relations"),
        "campaign": ("cuộc vận động, phong trào thi đua", "a campaign or emulation movement"),
    },
    "document": {
        "national_law": ("dự án luật, pháp lệnh", "a national law or ordinance"),
        "hdnd_resolution": ("nghị quyết của Hội đồng nhân dân tỉnh", "a resolution of the People's Council"),
        "ubnd_decision": ("quyết định của Ủy ban nhân dân tỉnh", "a decision of the People's Committee"),
    },
    "level": {
        "national_assembly": ("đại biểu Quốc hội", "National Assembly deputies"),
        "people_council": ("đại biểu Hội đồng nhân dân", "People's Council deputies"),
        "joint": ("liên tịch", "joint"),
    },
    "phase": {
        "before_session": ("trước kỳ họp", "before the session"),
        "after_session": ("sau kỳ họp", "after the session"),
        "thematic": ("chuyên đề", "thematic"),
    },
    "competence": {"central": ("Trung ương", "central"), "provincial": ("tỉnh", "provincial")},
    "reception": {
        "ubnd_chair_periodic": (
            "Chủ tịch Ủy ban nhân dân tỉnh tiếp công dân định kỳ",
            "periodic reception by the chair",
        ),
        "na_deputies": ("đại biểu Quốc hội tiếp công dân", "reception by NA deputies"),
        "hdnd_deputies": ("đại biểu Hội đồng nhân dân tiếp công dân", "reception by People's Council deputies"),
        "front": ("Mặt trận tiếp công dân", "reception by the Front"),
        "crowd_or_complex": ("đông người, vụ việc phức tạp", "a crowd or a complex case"),
    },
    "kind": {
        "complaint": ("khiếu nại", "a complaint"),
        "denunciation": ("tố cáo", "a denunciation"),
        "feedback": ("phản ánh", "feedback"),
        "recommendation": ("kiến nghị", "a recommendation"),
    },
    "round": {1: ("lần đầu", "the first"), 2: ("lần hai", "the second")},
    "competent_body": _OUTSIDE,
    "resolved_by": _OUTSIDE,
    "activity": {
        "supervision": ("giám sát", "supervision"),
        "social_criticism": ("phản biện xã hội", "social criticism"),
        "inspection": ("thanh tra", "inspection"),
        "examination": ("kiểm tra", "examination"),
    },
}

#: Yes/no fields as sentences: (Vietnamese when true, when false), (English when true, when false).
BOOL_PHRASES: dict[str, tuple[tuple[str, str], tuple[str, str]]] = {
    "complex": (("vụ việc phức tạp", "vụ việc không phức tạp"), ("the case is complex", "the case is not complex")),
    "remote_area": (
        ("người gửi ở vùng sâu, vùng xa", "người gửi không ở vùng sâu, vùng xa"),
        ("the petitioner lives in a remote area", "the petitioner does not live in a remote area"),
    ),
    "social_criticism": (
        ("dự thảo được đưa ra phản biện xã hội", "dự thảo không đưa ra phản biện xã hội"),
        ("the draft is put to social criticism", "the draft is not put to social criticism"),
    ),
}
