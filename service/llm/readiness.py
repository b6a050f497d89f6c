"""Whether the model endpoint is ready, in one place.

The endpoint is resolved once (explicit, from the environment, or the local
llama-server), whoever asks first: the CLI, the Python API, or the first
request to the HTTP service. With `lazy`, a local server that is not running
yet is started by the first model call, not by resolving, so a fully cached
re-run starts nothing; a start that fails fails every later call alike.
The HTTP service reads the state from here for `/healthz`.

Blocking work (probing, building, starting) runs in worker threads under a
thread lock, so one `Readiness` serves any number of event loops (each
`Extractor.extract` call runs its own).
"""

from __future__ import annotations

import asyncio
import threading

from ..errors import BackendError, ServerStartError
from .endpoint import Endpoint, Say, resolve_endpoint, stderr_say

State = str  # "not_started" | "starting" | "ready" | "error"


class Readiness:
    """Resolves the endpoint once and starts a deferred local server once."""

    def __init__(
        self,
        base_url: str | None = None,
        api_key: str | None = None,
        model: str | None = None,
        *,
        endpoint: Endpoint | None = None,
        say: Say = stderr_say,
        lazy: bool = True,
    ) -> None:
        self._args = (base_url, api_key, model)
        self._endpoint = endpoint
        self._say = say
        self._lazy = lazy
        self._lock = threading.Lock()
        self._resolving = False
        self.error: str | None = None  # the last failure to resolve, for health checks
        self._start_error: ServerStartError | None = None
        self._started = False  # a deferred local server has been started

    # --- resolving ----------------------------------------------------------

    @property
    def resolved(self) -> Endpoint | None:
        """The endpoint if it is resolved already; resolves nothing."""
        return self._endpoint

    @property
    def state(self) -> State:
        if self._endpoint is not None:
            return "ready"
        if self._resolving:
            return "starting"
        return "error" if self.error else "not_started"

    def endpoint(self) -> Endpoint:
        """The endpoint, resolved on first use (blocking; may start the local server)."""
        with self._lock:
            if self._endpoint is None:
                self._resolving = True
                try:
                    self._endpoint = resolve_endpoint(*self._args, say=self._say, lazy=self._lazy)
                    self.error = None
                except BackendError as error:
                    self.error = str(error)
                    raise
                finally:
                    self._resolving = False
            return self._endpoint

    async def aendpoint(self) -> Endpoint:
        """`endpoint()` for async callers: resolved in a worker thread, shared by all waiters.

        Shielded, so a request that gives up does not stop the resolving that
        others wait for (the thread goes on, and its result is kept).
        """
        if self._endpoint is not None:
            return self._endpoint
        return await asyncio.shield(asyncio.ensure_future(asyncio.to_thread(self.endpoint)))

    # --- the deferred local server ---------------------------------------------

    async def ensure_started(self) -> None:
        """Start a deferred local server before the first model call (once)."""
        endpoint = self._endpoint
        if self._start_error is not None:
            raise self._start_error
        if endpoint is None or endpoint.start is None or self._started:
            return
        await asyncio.to_thread(self._start_once)

    def _start_once(self) -> None:
        with self._lock:
            if self._start_error is not None:
                raise self._start_error
            endpoint = self._endpoint
            if endpoint is None or endpoint.start is None or self._started:
                return
            try:
                endpoint.start()
            except BackendError as error:
                self._start_error = ServerStartError(str(error))
                raise self._start_error from error
            self._started = True
