"""The OpenAI-compatible face: /v1/chat/completions and /v1/models.

`model` names an extraction task, the last user message is the article, and
the assistant's content is the document record as JSON, whatever
`response_format` asks for (a `json_schema` must be one the record fits).
Streaming sends the role at once, SSE comments while the model works (so
proxies do not time out an idle minute), then the record in content deltas.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import AsyncIterator

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse
from starlette.types import Receive, Scope, Send

from ..extractor import STRATEGIES
from ..load import check_text
from ..schema import DocumentRecord
from .engine import Engine, ExtractOptions
from .gate import Ticket
from .openai_models import (
    TASK_CLAIMS,
    AssistantMessage,
    ChatCompletion,
    ChatCompletionChunk,
    ChatCompletionRequest,
    Choice,
    ChunkChoice,
    CompletionUsage,
    Delta,
    ModelCard,
    ModelList,
)
from .problems import OpenAIErrorBody, Problem, error_payload, problem_from
from .routes_native import declared
from .schema_match import mismatch
from .state import engine_of, run_unless_disconnected, service_of

router = APIRouter(tags=["openai"])
# The task is the model name: the service's default strategy, or one chosen by name.
TASKS: dict[str, ExtractOptions] = {
    TASK_CLAIMS: ExtractOptions(),
    **{f"{TASK_CLAIMS}-{s}": ExtractOptions(strategy=s) for s in STRATEGIES},  # type: ignore[arg-type]
}
CONTENT_PIECE = 512  # characters of record JSON per content delta


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
            "description": "The record as the assistant message, or with `stream` an SSE "
            "stream of chat.completion.chunk objects ending with `data: [DONE]`",
            "content": {"text/event-stream": {"schema": {"type": "string"}}},
        },
        **declared(400, 401, 404, 413, 415, 429, 502, 503, 504, model=OpenAIErrorBody),
    },
    summary="Extract claims through OpenAI's chat completions protocol",
)
async def chat_completions(body: ChatCompletionRequest, request: Request) -> object:
    engine = engine_of(request)
    options = TASKS.get(body.model)
    if options is None:
        raise Problem(
            404,
            "model_not_found",
            f"The model '{body.model}' does not exist; use one of: {', '.join(TASKS)}",
            param="model",
        )
    _check_response_format(body)
    users = [m for m in body.messages if m.role == "user"]
    text = users[-1].text() if users else ""
    completion_id = f"chatcmpl-{uuid.uuid4().hex[:24]}"
    doc_id = (body.metadata or {}).get("doc_id") or completion_id
    if problem := check_text(doc_id, text, engine.extractor.max_chars):
        raise Problem(400, "invalid_request", f"last user message: {problem}", param="messages")
    ticket = engine.admit(1)
    reply = Reply(completion_id, int(time.time()), body.model)
    if body.stream:
        include_usage = bool(body.stream_options and body.stream_options.include_usage)
        chunks = reply.stream(engine, text, doc_id, options, include_usage, request.url.path)
        return TicketedStream(chunks, ticket)
    with ticket:
        record = await run_unless_disconnected(request, engine.extract(text, doc_id, options))
    return reply.completion(record)


def _check_response_format(body: ChatCompletionRequest) -> None:
    fmt = body.response_format
    if fmt is None or fmt.type != "json_schema":
        return
    schema = fmt.json_schema.schema_ if fmt.json_schema else None
    if schema is None:
        raise Problem(
            400,
            "invalid_request",
            "response_format json_schema needs a schema",
            param="response_format",
        )
    if reason := mismatch(schema):
        raise Problem(
            400,
            "invalid_request",
            f"response_format json_schema is not claimtrace's document record ({reason}); "
            "send json_object, or a schema the record fits",
            param="response_format",
        )


class Reply:
    """Builds the completion, or its chunks, for one request."""

    def __init__(self, completion_id: str, created: int, model: str) -> None:
        self.id = completion_id
        self.created = created
        self.model = model

    def completion(self, record: DocumentRecord) -> ChatCompletion:
        return ChatCompletion(
            id=self.id,
            created=self.created,
            model=self.model,
            system_fingerprint=record.prompt_version,
            choices=[Choice(message=AssistantMessage(content=record.model_dump_json()))],
            usage=_usage(record),
        )

    def chunk(self, delta: Delta, finish: bool = False, usage: bool = False) -> str:
        data = ChatCompletionChunk(
            id=self.id,
            created=self.created,
            model=self.model,
            choices=[ChunkChoice(delta=delta, finish_reason="stop" if finish else None)],
        ).model_dump(mode="json", exclude={"system_fingerprint"})
        data["choices"][0]["delta"] = delta.model_dump(exclude_none=True)
        if not usage:  # with include_usage, OpenAI sends `"usage": null` until the last chunk
            del data["usage"]
        return _event(json.dumps(data, ensure_ascii=False, separators=(",", ":")))

    async def stream(
        self,
        engine: Engine,
        text: str,
        doc_id: str,
        options: ExtractOptions,
        include_usage: bool,
        path: str,
    ) -> AsyncIterator[str]:
        yield self.chunk(Delta(role="assistant", content=""), usage=include_usage)
        work = asyncio.ensure_future(engine.extract(text, doc_id, options))
        try:
            while not work.done():
                await asyncio.wait({work}, timeout=engine.config.keepalive_s)
                if not work.done():
                    yield ": working\n\n"
            record = work.result()
        except Exception as error:  # after the 200: the error travels in the stream
            _, payload = error_payload(problem_from(error), path, engine.metrics)
            yield _event(json.dumps(payload, separators=(",", ":")))
            yield "data: [DONE]\n\n"
            return
        finally:
            work.cancel()  # a no-op when done; stops the model when the client left
        content = record.model_dump_json()
        for start in range(0, len(content), CONTENT_PIECE):
            piece = content[start : start + CONTENT_PIECE]
            yield self.chunk(Delta(content=piece), usage=include_usage)
        yield self.chunk(Delta(), finish=True, usage=include_usage)
        if include_usage:
            final = ChatCompletionChunk(
                id=self.id, created=self.created, model=self.model, choices=[], usage=_usage(record)
            )
            yield _event(final.model_dump_json(exclude={"system_fingerprint"}))
        yield "data: [DONE]\n\n"


class TicketedStream(StreamingResponse):
    """An SSE response that gives its queue places back when it ends, however it ends."""

    def __init__(self, chunks: AsyncIterator[str], ticket: Ticket) -> None:
        super().__init__(
            chunks,
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )
        self.ticket = ticket

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            self.ticket.release()


def _usage(record: DocumentRecord) -> CompletionUsage:
    prompt, completion = record.usage.prompt_tokens, record.usage.completion_tokens
    return CompletionUsage(
        prompt_tokens=prompt, completion_tokens=completion, total_tokens=prompt + completion
    )


def _event(data: str) -> str:
    return f"data: {data}\n\n"
