"""One exception family whose message is a single line a user can act on.

The CLI prints `error: <message>` and exits non-zero for these; anything else
is a bug and keeps its traceback.
"""


class ClaimtraceError(Exception):
    """A failure the user can fix; `str(err)` is one line naming what and where."""

    exit_code = 1


class InputError(ClaimtraceError):
    """Bad input: a missing path, an empty or binary file, a malformed gold line."""

    exit_code = 2


class BackendError(ClaimtraceError):
    """The model endpoint, the llama-server build or a model file failed."""

    exit_code = 3


class ServerStartError(BackendError):
    """The local server could not be built, pulled or started: no document can be extracted.

    Raised by the first model call of a lazily resolved endpoint; the run stops
    with this one line instead of failing every document with it.
    """


class Interrupted(ClaimtraceError):
    """The user stopped the run (Ctrl-C); the message says what was kept."""

    exit_code = 130
