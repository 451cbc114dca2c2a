"""Vietnamese and English labels of every identifier (parties, offices, recipients, modes)."""

from __future__ import annotations

from typing import Literal

from quyche.chapters import chuong_1, chuong_4

LABELS: dict[str, tuple[str, str]] = {**chuong_1.LABELS, **chuong_4.LABELS}


def label(identifier: str, lang: Literal["vi", "en"] = "vi") -> str:
    """The label of an identifier in Vietnamese (default) or English; unknown ones are returned as is."""
    vi, en = LABELS.get(identifier, (identifier, identifier))
    return vi if lang == "vi" else en


#: Event types (contract.md §3).
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
    "meeting_convened": ("Triệu tập kỳ họp, phiên họp, hội nghị", "Session, meeting or conference convened"),
    "report_issued": ("Ban hành chương trình, báo cáo", "Programme or report issued"),
    "information_request": ("Đề nghị cung cấp thông tin, góp ý", "Request for information or comments"),
    "annual_review": ("Hội nghị đánh giá Quy chế hằng năm", "Annual evaluation of the regulation"),
    "amendment_proposed": ("Đề xuất sửa đổi, bổ sung Quy chế", "Proposed amendment of the regulation"),
}
LABELS.update(EVENT_LABELS)

PROVENANCE_LABELS: dict[str, tuple[str, str]] = {
    "summary": ("theo bản tóm tắt công khai của Quy chế", "from the public summary of the regulation"),
    "law": ("theo quy định của pháp luật", "from national law"),
    "reconstructed": ("suy luận, chưa đối chiếu văn bản ký", "reconstructed; check against the signed text"),
}
