"""One model call: cache, instructor, bounded re-asks and transport retries.

instructor turns the endpoint's answer into a validated `ModelAnswer` and
re-asks (bounded) when validation fails; tenacity retries the whole call on
connection errors, timeouts and 5xx (bounded, with backoff). Each retry and
re-ask is counted with its reason, because a run that needed many of them
is a run to look at. An answer cut off at `max_tokens` (a small model
repeating items) is salvaged: its complete items are kept, and it says so.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any

import instructor
import jiter
import openai
from instructor.core.exceptions import IncompleteOutputException, InstructorRetryException
from instructor.v2.core.hooks import Hooks
from pydantic import BaseModel, ValidationError
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception,
    stop_after_attempt,
    stop_any,
    wait_exponential,
)
from tenacity.stop import stop_base

from .cache import ResponseCache, cache_key
from .errors import BackendError
from .llm.endpoint import Endpoint
from .llm.readiness import Readiness
from .schema import SCHEMA_VERSION, ModelAnswer, ModelClaim, Usage, schema_version
from .slots import Slots

TRANSIENT = (openai.APIConnectionError, openai.InternalServerError, openai.RateLimitError)


@dataclass
class CallResult:
    """A validated answer and what it cost."""

    answer: BaseModel
    usage: Usage
    from_cache: bool
    model_s: float = 0.0
    retries: int = 0
    reasks: int = 0
    reasons: list[str] = field(default_factory=list)
    salvaged: bool = False


@dataclass(frozen=True)
class CallSettings:
    """What shapes an answer besides the messages (part of the cache key)."""

    max_tokens: int = 1536
    temperature: float = 0.0
    seed: int = 0
    max_reasks: int = 1
    max_retries: int = 3
    # Per call. A CPU article call takes up to ~130 s on 2 cores; a hung one is cut here,
    # and the extractor's per-document deadline bounds the retries.
    timeout_s: float = 300.0
    backoff_max_s: float = 8.0
    # Retry-After is honoured up to this much waiting per call; a longer ask fails the call.
    retry_after_budget_s: float = 120.0
    # A remote call holding a slot this long lets another call start (slots.py).
    slot_patience_s: float = 30.0
    strict_quotes: bool = False  # re-ask when a quote is not in the article

    def sampling(self) -> dict[str, Any]:
        """Request settings sent to the endpoint (and hashed into the cache key)."""
        return {"max_tokens": self.max_tokens, "temperature": self.temperature, "seed": self.seed}


def _chain(error: BaseException) -> list[BaseException]:
    """An exception and its causes (instructor wraps transport errors)."""
    seen: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def transient(error: BaseException) -> bool:
    """Worth retrying: the request may well succeed if sent again."""
    for item in _chain(error):
        if isinstance(item, TRANSIENT):
            return True
        if isinstance(item, openai.APIStatusError) and item.status_code >= 500:
            return True
    return False


def _describe(error: BaseException) -> str:
    for item in _chain(error):
        if isinstance(item, openai.APIStatusError):
            asked = retry_after(item)
            return f"HTTP {item.status_code}" + (f" (Retry-After {asked:g} s)" if asked else "")
        if isinstance(item, openai.APITimeoutError):
            return "timeout"
        if isinstance(item, openai.APIConnectionError):
            return "connection error"
    return type(error).__name__


def retry_after(error: BaseException | None) -> float | None:
    """Seconds the upstream asked us to wait (`Retry-After`, in seconds or as a date)."""
    for item in _chain(error) if error is not None else []:
        if isinstance(item, openai.APIStatusError):
            value = item.response.headers.get("retry-after")
            if value is None:
                return None
            try:
                return max(float(value), 0.0)
            except ValueError:
                try:
                    when = parsedate_to_datetime(value)
                except (TypeError, ValueError):
                    return None
                return max(when.timestamp() - time.time(), 0.0)
    return None


class stop_when(stop_base):  # tenacity's lower-case stop family
    """A tenacity stop condition from a predicate on the retry state."""

    def __init__(self, predicate: Callable[[RetryCallState], bool]) -> None:
        self.predicate = predicate

    def __call__(self, retry_state: RetryCallState) -> bool:
        return self.predicate(retry_state)


class RetryAfterWait:
    """tenacity's wait: what Retry-After asks, within a budget, else exponential backoff."""

    def __init__(self, settings: CallSettings) -> None:
        self.backoff = wait_exponential(multiplier=0.5, max=settings.backoff_max_s)
        self.budget = settings.retry_after_budget_s
        self.waited = 0.0

    def __call__(self, state: RetryCallState) -> float:
        asked = retry_after(state.outcome.exception() if state.outcome else None)
        wait = float(self.backoff(state)) if asked is None else asked
        self.waited += wait
        return wait

    def over_budget(self, state: RetryCallState) -> bool:
        """A stop condition: the next asked wait would take the total past the budget."""
        asked = retry_after(state.outcome.exception() if state.outcome else None)
        return asked is not None and self.waited + asked > self.budget


def upstream_fault(response: object) -> str | None:
    """What is wrong with an upstream answer that is not a chat completion at all."""
    if isinstance(response, str):
        kind = "an HTML page" if "<html" in response[:512].lower() else "text"
        return f"answered {kind} instead of a JSON completion: {_short(response, 80)}"
    if getattr(response, "choices", None) == []:
        return "answered a completion with no choices"
    return None


def _usage_of(response: Any) -> Usage:
    usage = getattr(response, "usage", None)
    if usage is None:
        return Usage()
    cached = 0
    details = getattr(usage, "prompt_tokens_details", None)
    if details is not None and getattr(details, "cached_tokens", None):
        cached = int(details.cached_tokens)
    timings = (getattr(response, "model_extra", None) or {}).get("timings") or {}
    cached = max(cached, int(timings.get("cache_n", 0) or 0))
    return Usage(
        prompt_tokens=int(usage.prompt_tokens or 0),
        completion_tokens=int(usage.completion_tokens or 0),
        cached_prompt_tokens=cached,
    )


def salvage(content: str) -> ModelAnswer:
    """The complete, valid, distinct items of a truncated JSON answer."""
    try:
        data = jiter.from_json(content.encode(), partial_mode="trailing-strings")
    except ValueError:
        return ModelAnswer(claims=[])
    items = data.get("claims", []) if isinstance(data, dict) else []
    claims: list[ModelClaim] = []
    seen: set[str] = set()
    for item in items:
        try:
            claim = ModelClaim.model_validate(item)
        except ValidationError:
            continue  # the cut-off last item, or an invalid one
        signature = claim.model_dump_json()
        if signature not in seen:  # truncation usually comes from repeating items
            seen.add(signature)
            claims.append(claim)
    return ModelAnswer(claims=claims)


class Caller:
    """Makes validated, cached calls to one endpoint."""

    def __init__(
        self,
        endpoint: Endpoint,
        cache: ResponseCache | None,
        settings: CallSettings,
        http_client: Any | None = None,
        slots: int = 1,
        readiness: Readiness | None = None,
    ) -> None:
        self.endpoint = endpoint
        self.cache = cache
        self.settings = settings
        # Bounds model calls (not cache hits) to the server's parallel slots.
        self._slots = Slots(slots, None if endpoint.local else settings.slot_patience_s)
        self._raw = endpoint.async_client(timeout=settings.timeout_s, http_client=http_client)
        self._owns_client = http_client is None
        self._client = instructor.from_openai(self._raw, mode=endpoint.mode)
        # Starts a deferred local server before the first model call.
        self._readiness = readiness or Readiness(endpoint=endpoint)

    async def aclose(self) -> None:
        """Close the HTTP client this caller made (a client passed in is the caller's own)."""
        if self._owns_client:
            await self._raw.close()

    async def call(
        self,
        messages: list[dict[str, str]],
        prompt_version: str,
        article: str = "",
        response_model: type[BaseModel] = ModelAnswer,
    ) -> CallResult:
        """Answer `messages` from the cache or the endpoint, validated by `response_model`.

        The judge builds its response model per call (its choices are the
        article's own), so the model's schema is part of the cache key.
        """
        key = cache_key(
            model_id=self.endpoint.model_id,
            mode=self.endpoint.mode.value,
            prompt_version=prompt_version,
            schema_version=SCHEMA_VERSION
            if response_model is ModelAnswer
            else schema_version(response_model),
            messages=messages,
            sampling={**self.settings.sampling(), "strict_quotes": self.settings.strict_quotes},
        )
        context = {"article": article, "strict_quotes": self.settings.strict_quotes}
        if self.cache is not None and (hit := self.cache.get(key)) is not None:
            try:
                answer = response_model.model_validate(hit["answer"], context=context)
                usage = Usage.model_validate(hit["usage"])
            except (KeyError, TypeError, ValidationError) as err:
                self.cache.discard(key, f"not a valid answer ({type(err).__name__})")
            else:
                return CallResult(answer, usage, from_cache=True)
        await self._readiness.ensure_started()
        async with self._slots.held():
            result = await self._call_model(messages, context, response_model)
        if self.cache is not None and not result.salvaged:
            self.cache.set(
                key, {"answer": result.answer.model_dump(), "usage": result.usage.model_dump()}
            )
        return result

    async def _call_model(
        self,
        messages: list[dict[str, str]],
        context: dict[str, Any],
        response_model: type[BaseModel],
    ) -> CallResult:
        usage = Usage()
        reasons: list[str] = []
        counts = {"retries": 0, "reasks": 0}
        last: list[object] = []  # the latest raw answer, to name what was wrong with it

        def on_response(response: Any) -> None:
            last[:] = [response]
            usage.add(_usage_of(response))

        def on_parse_error(error: Exception, **_: Any) -> None:
            counts["reasks"] += 1
            reasons.append(f"re-ask: {_validation_message(error)}"[:240])

        def before_sleep(state: RetryCallState) -> None:
            counts["retries"] += 1
            error = state.outcome.exception() if state.outcome else None
            reasons.append(f"retry: {_describe(error) if error else 'unknown'}")

        hooks = Hooks()
        hooks.on("completion:response", on_response)
        hooks.on("parse:error", on_parse_error)
        started = time.monotonic()
        salvaged = False
        wait = RetryAfterWait(self.settings)
        try:
            async for attempt in AsyncRetrying(
                stop=stop_any(
                    stop_after_attempt(self.settings.max_retries + 1), stop_when(wait.over_budget)
                ),
                wait=wait,
                retry=retry_if_exception(transient),
                before_sleep=before_sleep,
                reraise=True,
            ):
                with attempt:
                    answer: BaseModel = await self._client.chat.completions.create(
                        model=self.endpoint.model,
                        response_model=response_model,
                        messages=messages,  # type: ignore[arg-type]
                        max_retries=self.settings.max_reasks,
                        context=context,
                        hooks=hooks,
                        **self.settings.sampling(),
                    )
        except IncompleteOutputException as error:
            if response_model is not ModelAnswer:
                raise BackendError(
                    f"model answer cut at max_tokens={self.settings.max_tokens}"
                ) from error
            content = _content_of(error.last_completion)
            answer = salvage(content)
            salvaged = True
            reasons.append(f"salvaged: output cut at max_tokens={self.settings.max_tokens}")
        except InstructorRetryException as error:
            self._raise_upstream_fault(error, last[0] if last else None, counts["retries"] + 1)
            fallback = (
                _lenient(_content_of(error.last_completion))
                if response_model is ModelAnswer
                else None
            )
            if fallback is None:
                raise BackendError(
                    f"model answer failed validation after {self.settings.max_reasks + 1} "
                    f"attempts: {_validation_message(error)}"
                ) from error
            # Only the optional strict-quote check failed: keep the last answer and let
            # grounding drop the quotes it cannot find.
            answer = fallback
            reasons.append("re-asks exhausted on quotes; kept the last answer")
        except (openai.APIStatusError, openai.APIConnectionError) as error:
            self._raise_upstream_fault(error, None, counts["retries"] + 1)
        return CallResult(
            answer=answer,
            usage=usage,
            from_cache=False,
            model_s=time.monotonic() - started,
            retries=counts["retries"],
            reasks=counts["reasks"],
            reasons=reasons,
            salvaged=salvaged,
        )

    def _raise_upstream_fault(self, error: BaseException, response: object, attempts: int) -> None:
        """Raise BackendError naming the upstream's fault, if the failure was the upstream's.

        Returns when the upstream answered a completion that failed validation: that is
        the model's fault, handled by the caller.
        """
        where = self.endpoint.base_url
        tries = f" after {attempts} attempts" if attempts > 1 else ""
        for item in _chain(error):
            if isinstance(item, openai.APITimeoutError):
                timeout = self.settings.timeout_s
                raise BackendError(f"{where}: no answer within {timeout:g} s{tries}") from error
            if isinstance(item, openai.APIConnectionError):
                cause = _transport_cause(item)
                raise BackendError(f"{where}: connection failed ({cause}){tries}") from error
            if isinstance(item, openai.APIStatusError):
                raise BackendError(
                    f"{where} answered {_describe(item)}{tries}: {_short(_message_of(item))}"
                ) from error
        fault = upstream_fault(response)
        if fault is not None:
            raise BackendError(f"{where} {fault}") from error


def _transport_cause(error: BaseException) -> str:
    """The transport's own words: refused, reset, closed mid-body..."""
    for item in _chain(error)[1:]:
        text = " ".join(str(item).split())
        if text:
            return f"{type(item).__name__}: {_short(text, 100)}"
    return type(error).__name__


def _message_of(error: openai.APIStatusError) -> str:
    """The upstream's own error message, not the SDK's `Error code: ...` wrapping."""
    body = error.body
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict) and inner.get("message"):
            return str(inner["message"])
        if isinstance(inner, str):
            return inner
    return error.message


def _lenient(content: str) -> ModelAnswer | None:
    """The answer validated without the optional strict-quote check, if it passes."""
    try:
        return ModelAnswer.model_validate_json(content)
    except ValidationError:
        return None


def _validation_message(error: BaseException) -> str:
    for item in _chain(error):
        if isinstance(item, ValidationError) and item.errors():
            first = item.errors()[0]
            where = ".".join(str(p) for p in first.get("loc", ()))
            return f"{where}: {first['msg']}" if where else str(first["msg"])
    return type(error).__name__


def _content_of(completion: Any) -> str:
    try:
        return str(completion.choices[0].message.content or "")
    except (AttributeError, IndexError, TypeError):
        return ""


def _short(message: str, limit: int = 160) -> str:
    line = " ".join(str(message).split())
    return line if len(line) <= limit else line[: limit - 3] + "..."
