"""claimtrace: grounded, typed claims and their attributions from news articles."""

from .errors import BackendError, ClaimtraceError, InputError
from .extractor import Extractor
from .schema import Claim, ClaimRecord, DocumentRecord, ErrorRecord

__all__ = [
    "BackendError",
    "Claim",
    "ClaimRecord",
    "ClaimtraceError",
    "DocumentRecord",
    "ErrorRecord",
    "Extractor",
    "InputError",
]
