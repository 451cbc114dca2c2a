"""Chương I — who the regulation is about (Điều 1: phạm vi điều chỉnh, đối tượng áp dụng).

The four signatories (the *parties*), the three offices that advise them (Điều 18) and the other
recipients a decision may name. Identifiers are fixed by the public contract (docs/reference.md §2).
"""

from __future__ import annotations

from typing import Literal, Union, get_args

#: One of the four parties (the signatories).
PartyId = Literal["doan_dbqh", "tt_hdnd", "ubnd", "btt_ubmttq"]
#: One of the three offices that advise the parties (Điều 18).
OfficeId = Literal["vp_doan_dbqh_hdnd", "vp_ubnd", "vp_ubmttq"]
#: Another recipient a decision may name.
OtherRecipientId = Literal["tt_tinh_uy", "ban_tiep_cong_dan", "citizen", "ubtvqh", "public"]
#: Bodies outside the four that may be competent for a case (a field value, never a recipient).
OutsideBodyId = Literal["central", "judicial", "other_local"]
#: Any body a decision may name: a party, an office or another recipient.
BodyId = Union[PartyId, OfficeId, OtherRecipientId]  # noqa: UP007 - a runtime union of Literals

PARTIES: tuple[str, ...] = get_args(PartyId)
OFFICES: tuple[str, ...] = get_args(OfficeId)
OTHER_RECIPIENTS: tuple[str, ...] = get_args(OtherRecipientId)
RECIPIENTS: tuple[str, ...] = PARTIES + OFFICES + OTHER_RECIPIENTS
OUTSIDE_BODIES: tuple[str, ...] = get_args(OutsideBodyId)

#: Named sets a rule's condition may use (``competent_body: {in: parties}``), with their labels.
SETS: dict[str, tuple[str, ...]] = {"parties": PARTIES, "offices": OFFICES, "outside_bodies": OUTSIDE_BODIES}
SET_LABELS: dict[str, tuple[str, str]] = {
    "parties": ("một trong bốn cơ quan", "one of the four bodies"),
    "offices": ("một trong ba văn phòng", "one of the three offices"),
    "outside_bodies": (
        "cơ quan ngoài bốn cơ quan (cơ quan Trung ương, cơ quan tư pháp, cơ quan khác ở địa phương)",
        "a body outside the four (central, judicial or another local body)",
    ),
}

#: The office that advises (tham mưu) each party — Điều 18, from the summary.
OFFICE_OF: dict[str, str] = {
    "doan_dbqh": "vp_doan_dbqh_hdnd",
    "tt_hdnd": "vp_doan_dbqh_hdnd",
    "ubnd": "vp_ubnd",
    "btt_ubmttq": "vp_ubmttq",
}

LABELS: dict[str, tuple[str, str]] = {
    "doan_dbqh": ("Đoàn đại biểu Quốc hội tỉnh", "Provincial National Assembly Delegation"),
    "tt_hdnd": ("Thường trực Hội đồng nhân dân tỉnh", "Standing Committee of the Provincial People's Council"),
    "ubnd": ("Ủy ban nhân dân tỉnh", "Provincial People's Committee"),
    "btt_ubmttq": (
        "Ban Thường trực Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh",
        "Standing Board of the Provincial Vietnam Fatherland Front Committee",
    ),
    "vp_doan_dbqh_hdnd": (
        "Văn phòng Đoàn đại biểu Quốc hội và Hội đồng nhân dân tỉnh",
        "Office of the National Assembly Delegation and People's Council",
    ),
    "vp_ubnd": ("Văn phòng Ủy ban nhân dân tỉnh", "Office of the Provincial People's Committee"),
    "vp_ubmttq": (
        "Văn phòng Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh",
        "Office of the Provincial Fatherland Front Committee",
    ),
    "tt_tinh_uy": ("Thường trực Tỉnh ủy", "Standing Committee of the Provincial Party Committee"),
    "ban_tiep_cong_dan": ("Ban Tiếp công dân tỉnh", "Provincial Citizen Reception Board"),
    "citizen": (
        "Người khiếu nại, tố cáo, kiến nghị, phản ánh hoặc cử tri có liên quan",
        "The complainant, denouncer, petitioner or voter concerned",
    ),
    "ubtvqh": ("Ủy ban Thường vụ Quốc hội", "Standing Committee of the National Assembly"),
    "public": ("Niêm yết, thông báo công khai", "Public posting and announcement"),
}
