"""One chat completion's answer, whole or streamed as the claims become final.

A stream sends the role at once, then each claim as soon as the extractor
announces it final (`events.ClaimsReady`: for `parse`, after each judge call;
for the other strategies, at the end), with an SSE comment whenever nothing
was sent for `keepalive_s` (so proxies do not time out an idle minute), and
ends with the rest of the record. The streamed text is the unstreamed
answer's, byte for byte (`openai_shapes.Writer`).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

from fastapi.responses import StreamingResponse
from starlette.types import Receive, Scope, Send

from ..events import ClaimsReady, Event
from ..schema import ClaimRecord, DocumentRecord
from .engine import Engine, ExtractOptions
from .gate import Ticket
from .openai_models import (
    AssistantMessage,
    ChatCompletion,
    ChatCompletionChunk,
    Choice,
    ChunkChoice,
    CompletionUsage,
    Delta,
    FinishReason,
)
from .openai_shapes import Target
from .openai_text import Budget, Pieces, Writer, per_claim, tool_call
from .problems import error_payload, problem_from

KEEPALIVE = ": keep-alive\n\n"
DONE = "data: [DONE]\n\n"


class Reply:
    """Builds the completion, or its chunks, for one request."""

    def __init__(
        self,
        completion_id: str,
        created: int,
        model: str,
        doc_id: str,
        target: Target,
        max_tokens: int | None,
    ) -> None:
        self.id = completion_id
        self.created = created
        self.model = model
        self.doc_id = doc_id
        self.target = target
        self.max_tokens = max_tokens

    # --- whole --------------------------------------------------------------------

    def completion(self, record: DocumentRecord) -> ChatCompletion:
        budget = Budget(self.max_tokens)
        name = self.target.tool
        if name is None:
            content = budget.take(Writer(self.target.shape, self.doc_id).whole(record))
            message = AssistantMessage(content=content)
        elif self.target.shape.kind == "each":
            calls = [tool_call(name, arguments) for arguments in per_claim(record.claims, budget)]
            message = AssistantMessage(content=None, tool_calls=calls)
        else:
            arguments = budget.take(Writer(self.target.shape, self.doc_id).whole(record))
            message = AssistantMessage(content=None, tool_calls=[tool_call(name, arguments)])
        return ChatCompletion(
            id=self.id,
            created=self.created,
            model=self.model,
            system_fingerprint=record.prompt_version,
            choices=[Choice(message=message, finish_reason=self._finish(budget, message))],
            usage=_usage(record),
        )

    def _finish(self, budget: Budget, message: AssistantMessage | None = None) -> FinishReason:
        if budget.cut:
            return "length"
        if self.target.tool is None or (message is not None and not message.tool_calls):
            return "stop"
        return "tool_calls"

    # --- streamed -----------------------------------------------------------------

    async def stream(
        self,
        engine: Engine,
        text: str,
        options: ExtractOptions,
        include_usage: bool,
        path: str,
    ) -> AsyncIterator[str]:
        """The SSE events: role, claims as they are final, keep-alives, the rest, [DONE]."""
        pieces = Pieces(self.target, self.doc_id, Budget(self.max_tokens))
        yield self.chunk(pieces.first(), usage=include_usage)
        ready: asyncio.Queue[list[ClaimRecord] | None] = asyncio.Queue()

        def listen(event: Event) -> None:
            if isinstance(event, ClaimsReady) and event.claims:
                ready.put_nowait(event.claims)

        work = asyncio.ensure_future(engine.extract(text, self.doc_id, options, listen))
        work.add_done_callback(lambda _: ready.put_nowait(None))
        try:
            while (claims := await _next(ready, engine.config.keepalive_s)) is not None:
                if not claims:
                    yield KEEPALIVE
                for delta in pieces.claims(claims):
                    yield self.chunk(delta, usage=include_usage)
            record = work.result()
            closing = list(pieces.closing(record))
        except Exception as error:  # after the 200: the error travels in the stream
            _, payload = error_payload(problem_from(error), path, engine.metrics)
            yield _event(json.dumps(payload, separators=(",", ":")))
            yield DONE
            return
        finally:
            work.cancel()  # a no-op when done; stops the model when the client left
        for delta in closing:
            yield self.chunk(delta, usage=include_usage)
        finish = self._finish(pieces.budget) if pieces.calls else "stop"
        yield self.chunk(Delta(), finish=finish, usage=include_usage)
        if include_usage:
            final = ChatCompletionChunk(
                id=self.id, created=self.created, model=self.model, choices=[], usage=_usage(record)
            )
            yield _event(final.model_dump_json(exclude={"system_fingerprint"}))
        yield DONE

    def chunk(self, delta: Delta, finish: FinishReason | None = None, usage: bool = False) -> str:
        data = ChatCompletionChunk(
            id=self.id,
            created=self.created,
            model=self.model,
            choices=[ChunkChoice(delta=delta, finish_reason=finish)],
        ).model_dump(mode="json", exclude={"system_fingerprint"})
        data["choices"][0]["delta"] = delta.model_dump(exclude_none=True)
        if not usage:  # with include_usage, OpenAI sends `"usage": null` until the last chunk
            del data["usage"]
        return _event(json.dumps(data, ensure_ascii=False, separators=(",", ":")))


async def _next(
    ready: asyncio.Queue[list[ClaimRecord] | None], every: float
) -> list[ClaimRecord] | None:
    """The next final claims; `[]` after `every` seconds of silence; None once work ended."""
    try:
        return await asyncio.wait_for(ready.get(), every)
    except TimeoutError:
        return []


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
