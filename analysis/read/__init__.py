"""The one read layer over the store: a :class:`Reader`, a :class:`Selection`, and values.

Analysis, exports, the DNS check ("seen in reports") and the reverse-DNS cache all read
through here. Authentication results arrive as sorted tuples of :class:`DkimResult`,
:class:`SpfResult` and reason types, never as text to split. Importing the package does not
import pandas (see :mod:`.reader`).
"""

from dmarcwatch.analysis.read.checklog import (
    CheckLog,
    CheckRun,
    StoredFinding,
    StoredRecord,
)
from dmarcwatch.analysis.read.identities import Identities
from dmarcwatch.analysis.read.overview import DomainActivity, PollRun
from dmarcwatch.analysis.read.reader import Reader
from dmarcwatch.analysis.read.results import DkimResult, Reason, SpfResult, canonical
from dmarcwatch.analysis.read.selection import SECONDS_PER_DAY, Selection
from dmarcwatch.analysis.read.trust import SetAside

__all__ = [
    "SECONDS_PER_DAY",
    "CheckLog",
    "CheckRun",
    "DkimResult",
    "DomainActivity",
    "Identities",
    "PollRun",
    "Reader",
    "Reason",
    "Selection",
    "SetAside",
    "SpfResult",
    "StoredFinding",
    "StoredRecord",
    "canonical",
]
