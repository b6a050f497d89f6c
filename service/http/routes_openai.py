"""The OpenAI-compatible face: /v1/chat/completions and /v1/models.

`model` names an extraction task, the last user message is the article, and
the answer is the document record as JSON: in the content, or with `tools`
as a call of the caller's function, shaped as its schema asks
(`openai_shapes`). `stream` sends claims as they become final
(`openai_stream`).

Parameters are honoured or refused, never ignored:

* `temperature`: 0 or omitted; anything else is a 400, since extraction is
  deterministic (greedy decoding) and its answers are cached.
* `max_tokens` / `max_completion_tokens` (the smaller, when both): caps the
  answer's text at that many tokens, a token counted as 3.5 characters (the
  record is built by code, not sampled, so there are no real tokens to count);
  a longer answer is cut there with finish_reason `length`, as OpenAI does,
  which instructor reports as an incomplete output. `usage` still counts the
  model's tokens behind the record.
* `metadata.doc_id`, else `user`, names the document (else the completion id).
"""

from __future__ import annotations

import time
import uuid

from fastapi import APIRouter, Request

from ..extractor import STRATEGIES
from ..load import check_text
from .engine import ExtractOptions
from .openai_models import (
    TASK_CLAIMS,
    ChatCompletion,
    ChatCompletionRequest,
    ModelCard,
    ModelList,
)
from .openai_shapes import target_of
from .openai_stream import Reply, TicketedStream
from .problems import OpenAIErrorBody, Problem
from .routes_native import declared
from .state import engine_of, run_unless_disconnected, service_of

router = APIRouter(tags=["openai"])
# The task is the model name: the service's default strategy, or one chosen by name.
TASKS: dict[str, ExtractOptions] = {
    TASK_CLAIMS: ExtractOptions(),
    **{f"{TASK_CLAIMS}-{s}": ExtractOptions(strategy=s) for s in STRATEGIES},  # type: ignore[arg-type]
}


@router.get("/v1/models", response_model=ModelList, responses=declared(401, model=OpenAIErrorBody))
async def list_models(request: Request) -> ModelList:
    """The extraction tasks, in OpenAI's list format."""
    created = service_of(request).created
    return ModelList(data=[ModelCard(id=name, created=created) for name in TASKS])


@router.post(
    "/v1/chat/completions",
    response_model=ChatCompletion,
    responses={
        200: {
            "description": "The record as the assistant message (or, with `tools`, as tool "
            "calls), or with `stream` an SSE stream of chat.completion.chunk objects, claims "
            "sent as they become final, ending with `data: [DONE]`",
            "content": {"text/event-stream": {"schema": {"type": "string"}}},
        },
        **declared(400, 401, 404, 413, 415, 429, 502, 503, 504, model=OpenAIErrorBody),
    },
    summary="Extract claims through OpenAI's chat completions protocol",
)
async def chat_completions(body: ChatCompletionRequest, request: Request) -> object:
    """The last user message's claims: as content or tool calls, whole or streamed."""
    engine = engine_of(request)
    options = TASKS.get(body.model)
    if options is None:
        raise Problem(
            404,
            "model_not_found",
            f"The model '{body.model}' does not exist; use one of: {', '.join(TASKS)}",
            param="model",
        )
    _check_sampling(body)
    target = target_of(body)
    users = [m for m in body.messages if m.role == "user"]
    text = users[-1].text() if users else ""
    completion_id = f"chatcmpl-{uuid.uuid4().hex[:24]}"
    doc_id = (body.metadata or {}).get("doc_id") or body.user or completion_id
    if problem := check_text(doc_id, text, engine.extractor.max_chars):
        raise Problem(400, "invalid_request", f"last user message: {problem}", param="messages")
    ticket = engine.admit(1)
    limits = [n for n in (body.max_tokens, body.max_completion_tokens) if n is not None]
    reply = Reply(
        completion_id, int(time.time()), body.model, doc_id, target, min(limits, default=None)
    )
    if body.stream:
        include_usage = bool(body.stream_options and body.stream_options.include_usage)
        chunks = reply.stream(engine, text, options, include_usage, request.url.path)
        return TicketedStream(chunks, ticket)
    with ticket:
        record = await run_unless_disconnected(request, engine.extract(text, doc_id, options))
    return reply.completion(record)


def _check_sampling(body: ChatCompletionRequest) -> None:
    """Refuse what would ask for sampling: the record is decided greedily, and cached."""
    if body.temperature not in (None, 0):
        raise Problem(
            400,
            "invalid_request",
            f"temperature {body.temperature:g} is not supported: extraction is deterministic "
            "(greedy decoding) and its answers are cached, so only 0 (or no temperature) "
            "describes what you get",
            param="temperature",
        )
