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
"""

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
