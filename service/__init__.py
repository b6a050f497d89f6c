"""claimtrace: grounded, typed claims and their attributions from news articles.

    from claimtrace import Extractor

    record = Extractor().extract("Rebels killed 12 soldiers, SANA said.")

`Extractor` runs the pipeline (parse, candidates, judge, ground, merge) and returns
a `DocumentRecord` of claims, each with its source, cue and grounded evidence. The default
strategy, `rules`, needs no model; `parse` asks a local llama-server (built and
started on first use) only what code cannot decide.
"""

from importlib.metadata import PackageNotFoundError, version

from .errors import BackendError, ClaimtraceError, InputError
from .extractor import Extractor
from .schema import Claim, ClaimRecord, DocumentRecord, ErrorRecord

try:
    __version__ = version("claimtrace")
except PackageNotFoundError:  # imported from a source tree that was never installed
    __version__ = "0+unknown"

__all__ = [
    "BackendError",
    "Claim",
    "ClaimRecord",
    "ClaimtraceError",
    "DocumentRecord",
    "ErrorRecord",
    "Extractor",
    "InputError",
    "__version__",
]
