"""Resolve which OpenAI-compatible endpoint to talk to, and how.

Flags win over `CLAIMTRACE_*` variables; with neither, the local llama-server is
built, pulled and started on demand. With `lazy=True` "on demand" means at the
first answer not in the response cache (`readiness.Readiness` runs the start):
a fully cached re-run starts nothing.
Every endpoint is probed once with a tiny schema the model would never follow
by chance: if `response_format` `json_schema` is really enforced we use
instructor's `JSON_SCHEMA` mode, otherwise we fall back to `JSON` or `MD_JSON`
and say so, rather than failing later on malformed output.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import instructor
import openai

from ..config import (
    ENV_API_KEY,
    ENV_BASE_URL,
    ENV_MODEL,
    cache_dir,
    read_json_object,
    update_json,
)
from ..errors import BackendError
from . import build, models, server

PROBE_SCHEMA = {
    "type": "object",
    "properties": {"probe": {"type": "integer", "enum": [417]}},
    "required": ["probe"],
    "additionalProperties": False,
}
PROBE_MESSAGES = [{"role": "user", "content": "Reply with the single word: hello"}]

Say = Callable[[str], None]


def stderr_say(message: str) -> None:
    print(f"claimtrace: {message}", file=sys.stderr, flush=True)


@dataclass(frozen=True)
class Endpoint:
    """Everything a call needs to reach a model and everything that identifies it."""

    base_url: str
    api_key: str
    model: str  # the name sent in requests
    model_id: str  # what cache keys use: the GGUF's SHA-256 locally, the served id elsewhere
    mode: instructor.Mode
    ctx: int | None = None  # context tokens per slot, when the server tells
    parallel: int | None = None  # server slots, when known
    local: bool = False
    # For a local server not started yet: what starts it (build, pull, start), run
    # by `Readiness` before the first model call. None: the endpoint is up.
    start: Callable[[], object] | None = field(default=None, compare=False, repr=False)

    def client(self, timeout: float = 600.0) -> openai.OpenAI:
        """A raw client: no SDK retries (tenacity does them, and counts them)."""
        return openai.OpenAI(
            base_url=self.base_url, api_key=self.api_key, max_retries=0, timeout=timeout
        )

    def async_client(
        self, timeout: float = 600.0, http_client: Any | None = None
    ) -> openai.AsyncOpenAI:
        """An async client; `http_client` lets tests put a fault injector in the path."""
        return openai.AsyncOpenAI(
            base_url=self.base_url,
            api_key=self.api_key,
            max_retries=0,
            timeout=timeout,
            http_client=http_client,
        )


def _probe_content(client: openai.OpenAI, model: str, response_format: Any) -> str:
    response = client.chat.completions.create(
        model=model,
        messages=PROBE_MESSAGES,  # type: ignore[arg-type]
        response_format=response_format,
        max_tokens=48,
        temperature=0,
    )
    return response.choices[0].message.content or ""


def probe_mode(client: openai.OpenAI, model: str) -> instructor.Mode:
    """Find the strictest structured-output mode the endpoint really enforces."""
    schema_format = {
        "type": "json_schema",
        "json_schema": {"name": "probe", "strict": True, "schema": PROBE_SCHEMA},
    }
    try:
        content = _probe_content(client, model, schema_format)
        if _parses_to(content, {"probe": 417}):
            return instructor.Mode.JSON_SCHEMA
    except openai.BadRequestError:
        pass  # the endpoint rejects json_schema outright
    try:
        content = _probe_content(client, model, {"type": "json_object"})
        if isinstance(_json_or_none(content), dict):
            return instructor.Mode.JSON
    except openai.BadRequestError:
        pass
    return instructor.Mode.MD_JSON


def _json_or_none(content: str) -> object:
    try:
        return json.loads(content)
    except ValueError:
        return None


def _parses_to(content: str, expected: object) -> bool:
    return _json_or_none(content) == expected


def _probe_cache_key(base_url: str, model_id: str) -> str:
    return f"{base_url}|{model_id}"


# A probe result is trusted for a while, not for good: an odd answer that downgraded
# the mode is retried within the hour, an enforced json_schema re-checked weekly, and
# a changed model (its identity is part of the key) is probed afresh.
PROBE_TTL_S = {instructor.Mode.JSON_SCHEMA: 7 * 24 * 3600.0}
PROBE_TTL_DOWNGRADED_S = 3600.0


def _probes_path() -> Path:
    return cache_dir() / "probes.json"


def _cached_mode(key: str) -> instructor.Mode | None:
    """The probed mode for `key`, while it is fresh; older formats count as unprobed."""
    entry = read_json_object(_probes_path()).get(key)
    if not isinstance(entry, dict):
        return None
    try:
        mode = instructor.Mode(entry["mode"])
        age = time.time() - float(entry["at"])
    except (KeyError, ValueError, TypeError):
        return None
    return mode if 0 <= age <= PROBE_TTL_S.get(mode, PROBE_TTL_DOWNGRADED_S) else None


def _store_mode(key: str, mode: instructor.Mode) -> None:
    """Record a probe that answered (a probe that failed is never stored)."""
    entry = {"mode": mode.value, "at": time.time()}
    update_json(_probes_path(), lambda probes: probes.__setitem__(key, entry))


def ensure_local(
    model: str,
    port: int = server.DEFAULT_PORT,
    parallel: int = server.DEFAULT_PARALLEL,
    say: Say = stderr_say,
) -> server.ServerState:
    """Build, pull and start whatever the local server still lacks."""
    if build.find_server() is None:
        say("llama-server is not built yet; building it now (a few minutes, once)")
        shown: set[tuple[str, int]] = set()

        def report(label: str, fraction: float) -> None:
            step = (label, int(fraction * 10))
            if step not in shown:  # one line per tenth, not one per compiled file
                shown.add(step)
                say(f"  {label} {fraction:.0%}")

        build.build(report)
    spec = models.get(model)
    if not spec.present():
        say(f"model {model} is not installed; pulling it now")
        models.pull(model)
    state = server.read_state(port)
    if state is None or state.model != model:
        say(f"no base_url given; starting the local llama-server ({model}) on port {port}")
    return server.start(model=model, port=port, parallel=parallel, on_status=lambda _m: None)


def deferred_local(model: str, api_key: str, say: Say = stderr_say) -> Endpoint | None:
    """The local endpoint for `model` without starting anything, or None if it already runs.

    Everything a cache key needs is known beforehand: the model's SHA-256 from
    the registry, the mode (our llama-server enforces `json_schema`; a probe
    cached earlier wins), and the slots and context the server will be given.
    """
    spec = models.get(model)
    port = server.DEFAULT_PORT
    state = server.read_state(port)
    if state is not None and state.model == model and server.healthy(port):
        return None
    base_url = f"http://{server.HOST}:{port}/v1"
    mode = _cached_mode(_probe_cache_key(base_url, spec.sha256)) or instructor.Mode.JSON_SCHEMA
    return Endpoint(
        base_url=base_url,
        api_key=api_key,
        model=model,
        model_id=spec.sha256,
        mode=mode,
        ctx=server.DEFAULT_CTX,
        parallel=server.DEFAULT_PARALLEL,
        local=True,
        start=lambda: ensure_local(model, port=port, say=say),
    )


# Calls in flight to an endpoint that does not say its slots (no llama.cpp `/props`).
# Against a fake upstream with 1 s latency and no limit of its own, 48 calls took
# 48.4 s one at a time and 6.2 s at 8 in flight (7.8x); more keeps scaling there
# (16: 3.2 s) but doubles what a rate limit or a small batching server sees, so 8 is
# the default and `concurrency=` / `--concurrency` raise it
# (benchmarks/remote_concurrency.py).
REMOTE_PARALLEL = 8


def resolve_endpoint(
    base_url: str | None = None,
    api_key: str | None = None,
    model: str | None = None,
    mode: instructor.Mode | None = None,
    say: Say = stderr_say,
    lazy: bool = False,
) -> Endpoint:
    """The endpoint to use: explicit, from the environment, or the local server.

    `lazy`: a local server that is not running yet is started by the first
    model call (`Endpoint.start`), not here.
    """
    base_url = base_url or os.environ.get(ENV_BASE_URL) or None
    api_key = api_key or os.environ.get(ENV_API_KEY) or "not-needed"
    model = model or os.environ.get(ENV_MODEL) or None
    ctx: int | None = None
    parallel: int | None = None
    served: list[dict[str, Any]] = []
    if base_url is None:
        name = model or models.DEFAULT_MODEL
        if lazy and mode is None and (deferred := deferred_local(name, api_key, say)):
            return deferred
        state = ensure_local(name, say=say)
        base_url, model_id, local = state.base_url, state.model_sha256, True
        model = name
        parallel = state.parallel
    else:
        base_url = base_url.rstrip("/")
        served = _served_models(base_url, api_key)
        if model is None:
            if not served:
                raise BackendError(
                    f"{base_url}: no model given and /models lists none; pass model (--model)"
                )
            model = str(served[0]["id"])
        local = False
    props = server.props(base_url)
    if not local:
        model_id = remote_model_id(base_url, model, props, served)
    settings = props.get("default_generation_settings")
    if isinstance(settings, dict) and isinstance(settings.get("n_ctx"), int):
        ctx = settings["n_ctx"]
    if isinstance(props.get("total_slots"), int):
        parallel = int(str(props["total_slots"]))
    elif not local:
        parallel = REMOTE_PARALLEL  # no /props: a hosted or batching server, not one slot
    if mode is None:
        key = _probe_cache_key(base_url, model_id)
        mode = _cached_mode(key)
        if mode is None:
            try:
                mode = probe_mode(
                    openai.OpenAI(base_url=base_url, api_key=api_key, max_retries=1, timeout=120),
                    model,
                )
            except openai.APIConnectionError as err:
                raise BackendError(
                    f"cannot reach {base_url} ({err}); check base_url (--base-url)"
                ) from err
            except openai.APIStatusError as err:
                raise BackendError(
                    f"{base_url} answered HTTP {err.status_code} to a test request; "
                    "check base_url, api_key and model (--base-url, --api-key, --model)"
                ) from err
            if mode is not instructor.Mode.JSON_SCHEMA:
                say(f"{base_url} does not enforce json_schema; using instructor mode {mode.value}")
            _store_mode(key, mode)
    return Endpoint(base_url, api_key, model, model_id, mode, ctx, parallel, local)


def remote_model_id(
    base_url: str, model: str, props: dict[str, Any], served: list[dict[str, Any]]
) -> str:
    """What cache keys use for a remote model: its name, plus what the server says of it.

    llama.cpp's `/props` names the model file; other servers' `/models` entry may
    carry an owner and a creation time. A changed model behind the same name then
    misses the cache. Where the server says nothing, the name alone is the identity.
    """
    entry = next((e for e in served if e.get("id") == model), {})
    said = {
        "model_path": props.get("model_path"),
        "build": props.get("build_info"),
        "owned_by": entry.get("owned_by"),
        "created": entry.get("created"),
    }
    if not any(said.values()):
        return f"{base_url}#{model}"
    digest = hashlib.sha256(json.dumps(said, sort_keys=True, default=str).encode())
    return f"{base_url}#{model}#{digest.hexdigest()[:16]}"


def _served_models(base_url: str, api_key: str) -> list[dict[str, Any]]:
    """The endpoint's `/models` entries; an unreachable endpoint is a one-line error."""
    try:
        response = httpx.get(
            f"{base_url}/models", headers={"Authorization": f"Bearer {api_key}"}, timeout=10
        )
    except httpx.HTTPError as err:
        raise BackendError(
            f"cannot reach {base_url} ({type(err).__name__}); check base_url (--base-url)"
        ) from err
    if response.status_code in (401, 403):
        raise BackendError(
            f"{base_url} refused the API key (HTTP {response.status_code}); check api_key (--api-key)"
        )
    if response.status_code != 200:
        return []
    try:
        data = response.json().get("data", [])
    except (ValueError, AttributeError):
        return []
    if not isinstance(data, list):
        return []
    return [e for e in data if isinstance(e, dict) and isinstance(e.get("id"), str)]
