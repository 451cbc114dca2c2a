"""quyche — rules as code for the Bình Phước four-party coordination regulation (2021–2026).

>>> import quyche
>>> reg = quyche.load()
>>> reg.evaluate({"type": "annual_review", "year": 2024}).lead
'ubnd'
"""

from quyche.decision import Citation as Citation
from quyche.decision import Deadline as Deadline
from quyche.decision import Decision as Decision
from quyche.decision import DecisionWarning as DecisionWarning
from quyche.decision import Responsibility as Responsibility
from quyche.decision import TraceEntry as TraceEntry
from quyche.errors import InvalidEvent as InvalidEvent
from quyche.errors import QuycheError as QuycheError
from quyche.errors import RegulationClosed as RegulationClosed
from quyche.errors import RuleFileError as RuleFileError
from quyche.events import parse_event as parse_event
from quyche.labels import label as label
from quyche.regulation import Regulation as Regulation
from quyche.regulation import load as load

__version__ = "0.1.0"

__all__ = [
    "Citation",
    "Deadline",
    "Decision",
    "DecisionWarning",
    "InvalidEvent",
    "QuycheError",
    "Regulation",
    "RegulationClosed",
    "Responsibility",
    "RuleFileError",
    "TraceEntry",
    "label",
    "load",
    "parse_event",
]
