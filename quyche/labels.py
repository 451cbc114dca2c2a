"""Vietnamese and English labels of every identifier (parties, offices, recipients, modes)."""

from __future__ import annotations

from typing import Literal

from quyche.chapters import chuong_1, chuong_4

LABELS: dict[str, tuple[str, str]] = {**chuong_1.LABELS, **chuong_4.LABELS}


def label(identifier: str, lang: Literal["vi", "en"] = "vi") -> str:
    """The label of an identifier in Vietnamese (default) or English; unknown ones are returned as is."""
    vi, en = LABELS.get(identifier, (identifier, identifier))
    return vi if lang == "vi" else en
