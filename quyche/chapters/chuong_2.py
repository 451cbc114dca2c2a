"""Chương II — nội dung phối hợp: events of the six content areas (Điều 4–9).

Field names and enumerations are fixed by the public contract (docs/reference.md §3). Each field
states its meaning in Vietnamese and English (:func:`~quyche.events_base.described`).

The later dates of a case (the day a complaint is accepted, the day a forwarded case reaches the
competent body, the day a session closes …) are optional date fields of their event type: a deadline
may count only from a date field of its event type, so a new anchor is one more field declared here
(and its label in ``FIELD_LABELS`` below).
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal

from pydantic import BeforeValidator, StrictBool

from quyche.chapters.chuong_1 import PartyId
from quyche.events_base import EventBase, IsoDate, LaterDate, OnOrAfter, described, event_date


def _whole_number(value: Any) -> Any:
    """Refuse ``true`` and ``1.0`` for a numbered value: pydantic's literal check would take them as 1."""
    if type(value) is not int:
        raise ValueError(f"expected 1 or 2, got {type(value).__name__}")
    return value


#: The round of a complaint (lần 1, lần 2): the number 1 or 2.
ComplaintRound = Annotated[Literal[1, 2], BeforeValidator(_whole_number)]


class PropagandaActivity(EventBase):
    """Tuyên truyền, khối đại đoàn kết, đối ngoại nhân dân (Điều 4)."""

    #: The article of the regulation this event type belongs to.
    ARTICLE: ClassVar[int] = 4
    type: Literal["propaganda_activity"] = "propaganda_activity"
    date: IsoDate | None = event_date("Ngày tổ chức hoạt động.", "The day of the activity.")
    organized_by: PartyId = described("Cơ quan tổ chức hoạt động.", "The body that organises the activity.")
    topic: Literal["law_dissemination", "great_unity", "people_diplomacy", "campaign"] = described(
        "Nội dung tuyên truyền, vận động.", "What the activity is about."
    )


class DraftConsultation(EventBase):
    """Lấy ý kiến xây dựng văn bản quy phạm pháp luật (Điều 5)."""

    #: The article of the regulation this event type belongs to.
    ARTICLE: ClassVar[int] = 5
    type: Literal["draft_consultation"] = "draft_consultation"
    date: IsoDate | None = event_date("Ngày bắt đầu lấy ý kiến.", "The day the consultation starts.")
    document: Literal["national_law", "hdnd_resolution", "ubnd_decision"] = described(
        "Loại dự thảo được lấy ý kiến.", "The kind of draft put out for comments."
    )
    drafted_by: PartyId | None = described(
        "Cơ quan chủ trì soạn thảo, nếu là một trong bốn cơ quan.",
        "The body that drafts it, when it is one of the four parties.",
        None,
    )
    social_criticism: StrictBool | None = described(
        "Dự thảo có được gửi Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh phản biện xã hội hay không.",
        "Whether the draft is sent to the Fatherland Front for social criticism.",
        None,
    )
    submission_date: IsoDate | None = described(
        "Ngày trình dự thảo đến cơ quan có thẩm quyền ban hành; thời hạn gửi phản biện xã hội tính ngược từ ngày này.",
        "The day the draft is submitted to the authority that issues it; the deadline to send it for "
        "social criticism counts back from it.",
        None,
    )


class VoterContact(EventBase):
    """Tiếp xúc cử tri (Điều 6)."""

    #: The article of the regulation this event type belongs to.
    ARTICLE: ClassVar[int] = 6
    type: Literal["voter_contact"] = "voter_contact"
    date: IsoDate | None = event_date("Ngày tiếp xúc cử tri.", "The day of the voter contact.")
    level: Literal["national_assembly", "people_council", "joint"] = described(
        "Đại biểu tiếp xúc cử tri: đại biểu Quốc hội, đại biểu Hội đồng nhân dân tỉnh, hoặc tiếp xúc chung.",
        "Whose deputies meet the voters: National Assembly, People's Council, or both together.",
    )
    phase: Literal["before_session", "after_session", "thematic"] = described(
        "Thời điểm tiếp xúc cử tri: trước kỳ họp, sau kỳ họp, hoặc theo chuyên đề.",
        "When: before the session, after it, or on a theme.",
    )
    session_opening: IsoDate | None = described(
        "Ngày khai mạc kỳ họp; thời hạn tổng hợp kiến nghị của cử tri tính ngược từ ngày này.",
        "The opening day of the session; the deadline to summarise the voters' petitions counts back from it.",
        None,
    )
    session_closing: Annotated[IsoDate | None, OnOrAfter(("session_opening",))] = described(
        "Ngày kết thúc kỳ họp (kỳ họp thường lệ của Quốc hội); thời hạn 15 ngày tổng hợp kiến nghị của cử tri "
        "sau kỳ họp tính từ ngày này. Có thể trước ngày tiếp xúc cử tri, không trước ngày khai mạc.",
        "The closing day of the session; the 15 days to summarise the voters' petitions after the session "
        "count from it. It may precede the contact's date, not the opening day.",
        None,
    )


class VoterPetition(EventBase):
    """Kiến nghị của cử tri (Điều 6)."""

    #: The article of the regulation this event type belongs to.
    ARTICLE: ClassVar[int] = 6
    type: Literal["voter_petition"] = "voter_petition"
    date: IsoDate | None = event_date("Ngày tiếp nhận kiến nghị của cử tri.", "The day the petition is received.")
    received_by: PartyId = described("Cơ quan tiếp nhận kiến nghị.", "The body that receives the petition.")
    competence: Literal["central", "provincial"] = described(
        "Thẩm quyền giải quyết kiến nghị: cơ quan Trung ương hay của tỉnh.",
        "Who is competent to settle it: a central body or the province.",
    )
    transfer_receipt_date: LaterDate = described(
        "Ngày Ủy ban nhân dân tỉnh nhận được kiến nghị của cử tri do cơ quan tiếp nhận chuyển đến; thời hạn "
        "trả lời tính từ ngày này.",
        "The day the People's Committee receives the petition forwarded to it; the time to answer counts "
        "from it.",
        None,
    )


class CitizenReception(EventBase):
    """Tiếp công dân (Điều 7)."""

    #: The article of the regulation this event type belongs to.
    ARTICLE: ClassVar[int] = 7
    type: Literal["citizen_reception"] = "citizen_reception"
    date: IsoDate | None = event_date(
        "Ngày tiếp công dân; thời hạn thông báo, niêm yết lịch tiếp tính ngược từ ngày này.",
        "The reception day; the deadlines to announce and post the schedule count back from it.",
    )
    reception: Literal["ubnd_chair_periodic", "na_deputies", "hdnd_deputies", "front", "crowd_or_complex"] = described(
        "Hình thức tiếp công dân.", "The kind of reception."
    )


class PetitionReceived(EventBase):
    """Tiếp nhận đơn thư khiếu nại, tố cáo, phản ánh, kiến nghị (Điều 8)."""

    #: The article of the regulation this event type belongs to.
    ARTICLE: ClassVar[int] = 8
    type: Literal["petition_received"] = "petition_received"
    date: IsoDate | None = event_date("Ngày tiếp nhận đơn.", "The day the letter is received.")
    received_by: PartyId = described("Cơ quan tiếp nhận đơn.", "The body that receives the letter.")
    kind: Literal["complaint", "denunciation", "feedback", "recommendation"] = described(
        "Loại đơn.", "The kind of letter."
    )
    competent_body: PartyId | Literal["central", "judicial", "other_local"] = described(
        "Cơ quan có thẩm quyền giải quyết: một trong bốn cơ quan, hoặc cơ quan Trung ương, cơ quan tư pháp, "
        "cơ quan khác ở địa phương.",
        "The body competent to settle it: one of the four parties, or a central, judicial or other local body.",
    )
    round: ComplaintRound | None = described(
        "Lần giải quyết khiếu nại: 1 (lần đầu) hoặc 2 (lần hai); chỉ dùng cho khiếu nại.",
        "The round of a complaint: 1 (first) or 2 (second); for complaints only.",
        None,
    )
    complex: StrictBool | None = described(
        "Vụ việc phức tạp (thời hạn giải quyết dài hơn).", "The case is complex (longer time limits).", None
    )
    remote_area: StrictBool | None = described(
        "Người gửi ở vùng sâu, vùng xa, đi lại khó khăn (thời hạn giải quyết dài hơn).",
        "The petitioner lives in a remote area (longer time limits).",
        None,
    )
    transfer_receipt_date: LaterDate = described(
        "Ngày cơ quan có thẩm quyền nhận được đơn do cơ quan tiếp nhận chuyển đến; thời hạn thụ lý tính từ "
        "ngày này.",
        "The day the competent body receives the letter forwarded to it by the receiving body; the time to "
        "accept it counts from then.",
        None,
    )
    acceptance_date: Annotated[IsoDate | None, OnOrAfter(("date", "transfer_receipt_date"))] = described(
        "Ngày thụ lý đơn khiếu nại, tố cáo (với tố cáo: ngày ra quyết định thụ lý); thời hạn giải quyết tính "
        "từ ngày này.",
        "The day the competent body accepts the complaint or denunciation for settlement (thụ lý); the time "
        "to settle it counts from then.",
        None,
    )


class PetitionResolved(EventBase):
    """Kết quả giải quyết đơn thư đã chuyển (Điều 8)."""

    #: The article of the regulation this event type belongs to.
    ARTICLE: ClassVar[int] = 8
    type: Literal["petition_resolved"] = "petition_resolved"
    date: IsoDate | None = event_date(
        "Ngày ban hành quyết định giải quyết (ngày giải quyết xong).",
        "The day the case is settled (the day of the settlement decision).",
    )
    resolved_by: PartyId | Literal["other_local"] = described(
        "Cơ quan đã giải quyết đơn.", "The body that settled the case."
    )
    transferred_by: PartyId = described("Cơ quan đã chuyển đơn đến.", "The body that forwarded the case to it.")
    notice_date: LaterDate = described(
        "Ngày cơ quan đã chuyển đơn nhận được thông báo kết quả giải quyết.",
        "The day the forwarding body receives the notice of the result.",
        None,
    )


class SupervisionPlanned(EventBase):
    """Giám sát, phản biện xã hội, thanh tra, kiểm tra (Điều 9)."""

    #: The article of the regulation this event type belongs to.
    ARTICLE: ClassVar[int] = 9
    type: Literal["supervision_planned"] = "supervision_planned"
    date: IsoDate | None = event_date(
        "Ngày quyết định thành lập đoàn hoặc ban hành kế hoạch.",
        "The day the delegation is set up or the plan is decided.",
    )
    activity: Literal["supervision", "social_criticism", "inspection", "examination"] = described(
        "Hoạt động: giám sát, phản biện xã hội, thanh tra hoặc kiểm tra.",
        "The activity: supervision, social criticism, inspection or examination.",
    )
    by: PartyId = described("Cơ quan thực hiện hoạt động.", "The body that carries it out.")
    subject: PartyId | None = described(
        "Cơ quan chịu sự giám sát, kiểm tra, nếu là một trong bốn cơ quan.",
        "The body supervised or examined, when it is one of the four parties.",
        None,
    )
    supervision_start: LaterDate = described(
        "Ngày bắt đầu giám sát (ngày đoàn giám sát làm việc với cơ quan, tổ chức chịu sự giám sát).",
        "The first day of the supervision (the delegation's first working session with the supervised body).",
        None,
    )
    supervision_end: Annotated[IsoDate | None, OnOrAfter(("date", "supervision_start"))] = described(
        "Ngày kết thúc hoạt động giám sát.", "The last day of the supervision.", None
    )


#: The later dates of a case in words, for explanations (their meaning is in the fields above): the day a
#: complaint or denunciation is accepted (thụ lý; for a denunciation, the day of the decision to accept it,
#: Luật Tố cáo 2018 Điều 29 khoản 3), the day the competent body itself receives a case or a voter petition
#: forwarded by another body (Luật Khiếu nại 2011 Điều 27, Luật Tố cáo 2018 Điều 24 khoản 1 and Điều 26
#: khoản 2, NQLT 72/2025 Điều 49 khoản 1), the day the notice of a result is received, the first and last
#: day of a supervision, and the day a session of the National Assembly closes (NQLT 72/2025 Điều 37
#: khoản 2).
LATER_DATE_LABELS: dict[str, tuple[str, str]] = {
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
    **LATER_DATE_LABELS,
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
    "competence": {
        "central": ("cơ quan Trung ương", "a central body"),
        "provincial": ("cơ quan cấp tỉnh", "a provincial body"),
    },
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

#: Fields whose test reads as a phrase of its own: ``{value}`` is the value in words, first when the field has
#: it, second when it has not: "đơn thuộc thẩm quyền giải quyết của cơ quan Trung ương", not "cơ quan có thẩm
#: quyền giải quyết là Trung ương" (legal review §4).
FIELD_PHRASES: dict[str, tuple[tuple[str, str], tuple[str, str]]] = {
    "competent_body": (
        ("đơn thuộc thẩm quyền giải quyết của {value}", "đơn không thuộc thẩm quyền giải quyết của {value}"),
        ("the competent body is {value}", "the competent body is not {value}"),
    ),
    "competence": (
        (
            "kiến nghị thuộc thẩm quyền giải quyết của {value}",
            "kiến nghị không thuộc thẩm quyền giải quyết của {value}",
        ),
        ("the competence is {value}", "the competence is not {value}"),
    ),
}
