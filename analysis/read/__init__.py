"""The one read layer over the store: a :class:`Reader`, a :class:`Selection`, and values.

Analysis, exports, the DNS check ("seen in reports") and the reverse-DNS cache all read
through here. Authentication results arrive as sorted tuples of :class:`DkimResult`,
:class:`SpfResult` and reason types, never as text to split. Importing the package does not
import pandas (see :mod:`.reader`).
"""

from .checklog import (
    CheckLog,
    CheckRun,
    StoredFinding,
    StoredRecord,
)
from .identities import Identities
from .overview import DomainActivity, PollRun
from .reader import Reader
from .results import DkimResult, Reason, SpfResult, canonical
from .selection import SECONDS_PER_DAY, Selection
from .trust import SetAside

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
