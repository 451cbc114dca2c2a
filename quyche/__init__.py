"""quyche — rules as code for the Bình Phước four-party coordination regulation (2021–2026).

>>> import quyche
>>> reg = quyche.load()
>>> reg.evaluate({"type": "annual_review", "year": 2024}).lead
'ubnd'
>>> reg.evaluate(quyche.AnnualReview(year=2024)).lead
'ubnd'

The event models (``quyche.PetitionReceived`` …), the ``Literal`` aliases of identifiers
(``quyche.PartyId``, ``quyche.OfficeId``, ``quyche.BodyId``, ``quyche.ModeId``, ``quyche.EventType``)
and the decision's models are typed for ``mypy --strict``. See ``docs/reference.md``.

``import quyche`` imports nothing else: each name below is imported the first time it is used (PEP 562), so the
cost of pydantic and the rule engines comes with the first name that needs them (``quyche.load`` …), not with
the import.
"""

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from quyche.auditing import AuditSummary as AuditSummary
    from quyche.auditing import audit as audit
    from quyche.cases import Case as Case
    from quyche.cases import CaseStatus as CaseStatus
    from quyche.cases import DoneEntry as DoneEntry
    from quyche.cases import DutyStatus as DutyStatus
    from quyche.cases import parse_case as parse_case
    from quyche.chapters.chuong_1 import BodyId as BodyId
    from quyche.chapters.chuong_1 import OfficeId as OfficeId
    from quyche.chapters.chuong_1 import OtherRecipientId as OtherRecipientId
    from quyche.chapters.chuong_1 import PartyId as PartyId
    from quyche.chapters.chuong_2 import CitizenReception as CitizenReception
    from quyche.chapters.chuong_2 import DraftConsultation as DraftConsultation
    from quyche.chapters.chuong_2 import PetitionReceived as PetitionReceived
    from quyche.chapters.chuong_2 import PetitionResolved as PetitionResolved
    from quyche.chapters.chuong_2 import PropagandaActivity as PropagandaActivity
    from quyche.chapters.chuong_2 import SupervisionPlanned as SupervisionPlanned
    from quyche.chapters.chuong_2 import VoterContact as VoterContact
    from quyche.chapters.chuong_2 import VoterPetition as VoterPetition
    from quyche.chapters.chuong_3 import MeetingConvened as MeetingConvened
    from quyche.chapters.chuong_3 import ReportIssued as ReportIssued
    from quyche.chapters.chuong_4 import InformationRequest as InformationRequest
    from quyche.chapters.chuong_4 import ModeId as ModeId
    from quyche.chapters.chuong_6 import AmendmentProposed as AmendmentProposed
    from quyche.chapters.chuong_6 import AnnualReview as AnnualReview
    from quyche.decision import Citation as Citation
    from quyche.decision import Deadline as Deadline
    from quyche.decision import Decision as Decision
    from quyche.decision import DecisionWarning as DecisionWarning
    from quyche.decision import Responsibility as Responsibility
    from quyche.decision import TraceEntry as TraceEntry
    from quyche.errors import ErrorDetail as ErrorDetail
    from quyche.errors import InvalidEvent as InvalidEvent
    from quyche.errors import QuycheError as QuycheError
    from quyche.errors import RegulationClosed as RegulationClosed
    from quyche.errors import RuleFileError as RuleFileError
    from quyche.events import Event as Event
    from quyche.events import EventType as EventType
    from quyche.events import parse_event as parse_event
    from quyche.events_base import EventBase as EventBase
    from quyche.labels import label as label
    from quyche.regulation import Regulation as Regulation
    from quyche.regulation import load as load

__version__ = "0.2.0.dev0"

#: Where each public name lives (imported on first use).
_EXPORTS: dict[str, str] = {
    "AuditSummary": "quyche.auditing",
    "audit": "quyche.auditing",
    "Case": "quyche.cases",
    "CaseStatus": "quyche.cases",
    "DoneEntry": "quyche.cases",
    "DutyStatus": "quyche.cases",
    "parse_case": "quyche.cases",
    "BodyId": "quyche.chapters.chuong_1",
    "OfficeId": "quyche.chapters.chuong_1",
    "OtherRecipientId": "quyche.chapters.chuong_1",
    "PartyId": "quyche.chapters.chuong_1",
    "CitizenReception": "quyche.chapters.chuong_2",
    "DraftConsultation": "quyche.chapters.chuong_2",
    "PetitionReceived": "quyche.chapters.chuong_2",
    "PetitionResolved": "quyche.chapters.chuong_2",
    "PropagandaActivity": "quyche.chapters.chuong_2",
    "SupervisionPlanned": "quyche.chapters.chuong_2",
    "VoterContact": "quyche.chapters.chuong_2",
    "VoterPetition": "quyche.chapters.chuong_2",
    "MeetingConvened": "quyche.chapters.chuong_3",
    "ReportIssued": "quyche.chapters.chuong_3",
    "InformationRequest": "quyche.chapters.chuong_4",
    "ModeId": "quyche.chapters.chuong_4",
    "AmendmentProposed": "quyche.chapters.chuong_6",
    "AnnualReview": "quyche.chapters.chuong_6",
    "Citation": "quyche.decision",
    "Deadline": "quyche.decision",
    "Decision": "quyche.decision",
    "DecisionWarning": "quyche.decision",
    "Responsibility": "quyche.decision",
    "TraceEntry": "quyche.decision",
    "ErrorDetail": "quyche.errors",
    "InvalidEvent": "quyche.errors",
    "QuycheError": "quyche.errors",
    "RegulationClosed": "quyche.errors",
    "RuleFileError": "quyche.errors",
    "Event": "quyche.events",
    "EventType": "quyche.events",
    "parse_event": "quyche.events",
    "EventBase": "quyche.events_base",
    "label": "quyche.labels",
    "Regulation": "quyche.regulation",
    "load": "quyche.regulation",
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'quyche' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # found directly from now on
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS})


__all__ = [
    "AmendmentProposed",
    "AnnualReview",
    "AuditSummary",
    "BodyId",
    "Case",
    "CaseStatus",
    "Citation",
    "CitizenReception",
    "Deadline",
    "Decision",
    "DecisionWarning",
    "DoneEntry",
    "DraftConsultation",
    "DutyStatus",
    "ErrorDetail",
    "Event",
    "EventBase",
    "EventType",
    "InformationRequest",
    "InvalidEvent",
    "MeetingConvened",
    "ModeId",
    "OfficeId",
    "OtherRecipientId",
    "PartyId",
    "PetitionReceived",
    "PetitionResolved",
    "PropagandaActivity",
    "QuycheError",
    "Regulation",
    "RegulationClosed",
    "ReportIssued",
    "Responsibility",
    "RuleFileError",
    "SupervisionPlanned",
    "TraceEntry",
    "VoterContact",
    "VoterPetition",
    "audit",
    "label",
    "load",
    "parse_case",
    "parse_event",
]
