"""The Python API: `Extractor(...).extract(text)` and friends.

Runs the data flow for each document and returns one `DocumentRecord`:

* `rules` and `parse`: check the text; parse it; find the candidate claims;
  resolve their sources; decide them by rules; for `parse`, let the model
  judge what code is unsure of (through the cache); emit the records.
* `sentence` and `article`: split the text into sentences or chunks; render
  the prompt; call the model through the cache; ground and resolve its
  answer; merge duplicates.

Documents run concurrently, model calls bounded by the server's slots.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import copy
import json
import time
import weakref
from collections.abc import Awaitable, Callable, Coroutine, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TypeVar

from spacy.tokens import Doc

from . import (
    answers,
    candidates,
    chunking,
    decide,
    emit,
    events,
    judge,
    merge,
    parse,
    prompting,
    select,
    sentences,
    sources,
)
from .cache import ResponseCache
from .call import Caller, CallResult, CallSettings
from .errors import BackendError, ClaimtraceError, InputError, ServerStartError
from .events import Listener
from .llm.endpoint import Endpoint, Say, stderr_say
from .llm.readiness import Readiness
from .load import DEFAULT_MAX_CHARS, Document, Loaded, Unreadable, check_text
from .schema import (
    SCHEMA_VERSION,
    ClaimRecord,
    DocumentRecord,
    ErrorRecord,
    ModelAnswer,
    ModelClaim,
    Stats,
    Timings,
    Usage,
)

Strategy = Literal["parse", "rules", "sentence", "article"]
# Each strategy's prompt; `rules` calls no model.
STRATEGIES: dict[str, str] = {
    "parse": "judge",
    "rules": "judge",
    "sentence": "claims-sentence",
    "article": "claims",
}
# `rules` by measurement: on dev the 1.5B judge did not beat the rules (benchmarks/README.md).
DEFAULT_STRATEGY: Strategy = "rules"
RULES_MODEL = "rules"  # the record's `model` when no model was called
DEFAULT_CTX = 8192
# A document's whole budget: its calls, retries and waits. The slowest strategy
# (`article`, 2 passes, a long article) takes a few minutes on 2 cores.
DEFAULT_DOC_TIMEOUT_S = 1800.0
CONTEXT_MARGIN = 256
# Model calls one document may plan (see Extractor): `sentence` makes one per
# candidate sentence, `parse` one per judged group, `article` one per chunk and
# pass. Dev articles plan 2-24 sentence calls, 1 chunk, 0-4 judge calls; one
# 150 KB article planned 2,459 sentence calls, each a model call of seconds.
DEFAULT_MAX_CALLS_PER_DOC = 200
Record = DocumentRecord | ErrorRecord
T = TypeVar("T")
OnDone = Callable[[int, Record], None]


class Extractor:
    """Extract grounded claim records from article texts.

    With no `base_url` (and no `CLAIMTRACE_BASE_URL`), the local llama-server
    is built, pulled and started when the first answer is not in the cache
    (`lazy_start=False`: when the endpoint is first resolved), and that is
    said on stderr.

    A document plans its model calls before making any: one per candidate
    sentence (`sentence`), one per group of unsure statements (`parse`), one per
    chunk and pass (`article`), none for `rules`. One that plans more than
    `max_calls_per_doc` fails at once with InputError; so a document causes at
    most `max_calls_per_doc * (1 + max_retries) * (1 + max_reasks)` upstream
    requests (CallSettings; 200 * 4 * 2 by default).
    """

    def __init__(
        self,
        base_url: str | None = None,
        api_key: str | None = None,
        model: str | None = None,
        *,
        cache: bool = True,
        cache_dir: Path | None = None,
        concurrency: int | None = None,
        passes: int = 1,
        keep_ungrounded: bool = False,
        max_chars: int = DEFAULT_MAX_CHARS,
        max_calls_per_doc: int = DEFAULT_MAX_CALLS_PER_DOC,
        strategy: Strategy = DEFAULT_STRATEGY,
        prompt: str | None = None,
        settings: CallSettings | None = None,
        doc_timeout_s: float | None = DEFAULT_DOC_TIMEOUT_S,
        endpoint: Endpoint | None = None,
        http_client: Any | None = None,
        say: Say = stderr_say,
        lazy_start: bool = True,
    ) -> None:
        _check(strategy, passes)
        if concurrency is not None and concurrency < 1:
            raise InputError(f"concurrency must be at least 1, got {concurrency}")
        if max_calls_per_doc < 1:
            raise InputError(f"max_calls_per_doc must be at least 1, got {max_calls_per_doc}")
        self.readiness = Readiness(
            base_url, api_key, model, endpoint=endpoint, say=say, lazy=lazy_start
        )
        self.cache = ResponseCache(cache_dir) if cache else None
        self.concurrency = concurrency
        self.passes = passes
        self.keep_ungrounded = keep_ungrounded
        self.max_chars = max_chars
        self.max_calls_per_doc = max_calls_per_doc
        self.strategy = strategy
        self.template = prompting.load(prompt or STRATEGIES[strategy])
        self.recall = prompting.load("recall")
        self.settings = settings or CallSettings()
        self.doc_timeout_s = doc_timeout_s
        self.http_client = http_client
        self._callers: weakref.WeakKeyDictionary[
            asyncio.AbstractEventLoop, dict[tuple[object, ...], Caller]
        ] = weakref.WeakKeyDictionary()

    @property
    def endpoint(self) -> Endpoint:
        """The resolved endpoint (resolved, and the local server started, on first use)."""
        return self.readiness.endpoint()

    def variant(
        self,
        *,
        passes: int | None = None,
        keep_ungrounded: bool | None = None,
        cache: bool = True,
        strategy: Strategy | None = None,
    ) -> Extractor:
        """A copy with per-request options, checked like the constructor's.

        It shares the resolved endpoint, the cache and the prompts, so a request
        with its own options costs nothing to set up.
        """
        passes = self.passes if passes is None else passes
        strategy = strategy or self.strategy
        _check(strategy, passes)
        other = copy.copy(self)
        other.passes = passes
        if strategy != self.strategy:
            other.strategy = strategy
            other.template = prompting.load(STRATEGIES[strategy])
        if keep_ungrounded is not None:
            other.keep_ungrounded = keep_ungrounded
        other.cache = self.cache if cache else None
        return other

    @property
    def prompt_version(self) -> str:
        """What shaped the answers besides the model: prompts, and the parser for parse/rules."""
        if self.strategy == "rules":
            return f"rules+{parse.version()}"
        if self.strategy == "parse":
            return f"{self.template.version}+{parse.version()}"
        if self.passes > 1:
            return f"{self.template.version}+{self.recall.version}"
        return self.template.version

    # --- public API ---------------------------------------------------------

    def extract(self, text: str, doc_id: str = "doc") -> DocumentRecord:
        """Claims of one article (blocking). Raises ClaimtraceError on failure.

        Works inside a running event loop too (Jupyter): the work then runs
        on a loop of its own in a worker thread.
        """
        return _run(self._closing(self.aextract(text, doc_id)))

    async def aextract(
        self, text: str, doc_id: str = "doc", listener: Listener = events.ignore
    ) -> DocumentRecord:
        """Claims of one article, for callers that already run an event loop.

        `listener` hears the planned and finished model calls (`events`).
        """
        problem = check_text(doc_id, text, self.max_chars)
        if problem:
            raise InputError(problem)
        return await self._bounded(self._caller_if_needed(), doc_id, text, listener)

    def extract_many(
        self,
        documents: Iterable[Loaded | tuple[str, str]],
        on_done: OnDone | None = None,
        listener: Listener = events.ignore,
    ) -> list[Record]:
        """Claims of many articles, concurrently; a failed one becomes an ErrorRecord."""
        return _run(self._closing(self.aextract_many(documents, on_done, listener)))

    async def aextract_many(
        self,
        documents: Iterable[Loaded | tuple[str, str]],
        on_done: OnDone | None = None,
        listener: Listener = events.ignore,
    ) -> list[Record]:
        """Async `extract_many`: results in input order; `on_done(i, record)` as each ends."""
        docs: list[Loaded] = [
            Document(d[0], d[1]) if isinstance(d, tuple) else d for d in documents
        ]
        # Bad documents fail before the endpoint is touched: no server starts for them.
        failures: dict[int, ErrorRecord] = {}
        for index, doc in enumerate(docs):
            problem = (
                doc.error
                if isinstance(doc, Unreadable)
                else check_text(doc.doc_id, doc.text, self.max_chars)
            )
            if problem:
                failures[index] = ErrorRecord(doc_id=doc.doc_id, error=problem)
        caller = self._caller_if_needed() if len(failures) < len(docs) else None
        needs_caller = self.strategy != "rules"

        async def one(index: int, doc: Loaded) -> Record:
            record: Record
            if (
                index in failures
                or (needs_caller and caller is None)
                or isinstance(doc, Unreadable)
            ):
                record = failures[index]
            else:
                try:
                    record = await self._bounded(caller, doc.doc_id, doc.text, listener)
                except ServerStartError:
                    raise  # no document can succeed: one error for the run, as before any call
                except ClaimtraceError as error:
                    record = ErrorRecord(doc_id=doc.doc_id, error=str(error))
            if on_done:
                on_done(index, record)
            return record

        return list(await asyncio.gather(*(one(i, d) for i, d in enumerate(docs))))

    async def _closing(self, work: Awaitable[T]) -> T:
        """Run `work`, then close this loop's model clients before `asyncio.run` ends it."""
        try:
            return await work
        finally:
            for caller in self._callers.pop(asyncio.get_running_loop(), {}).values():
                await caller.aclose()

    # --- one document -------------------------------------------------------

    def _caller_if_needed(self) -> Caller | None:
        """The model caller; None for `rules`, which never touches an endpoint."""
        return None if self.strategy == "rules" else self._caller()

    def _caller(self) -> Caller:
        """One caller (HTTP client, connection pool, slot bound) per event loop and setup.

        Keyed by what a caller captures, so a copy of this extractor with another
        cache or settings (the service's per-request options) gets its own.
        """
        per_loop = self._callers.setdefault(asyncio.get_running_loop(), {})
        key = (id(self.cache), self.settings, id(self.http_client), self.concurrency)
        caller = per_loop.get(key)
        if caller is None:
            slots = self.concurrency or self.endpoint.parallel or 1
            caller = Caller(
                self.endpoint, self.cache, self.settings, self.http_client, slots, self.readiness
            )
            per_loop[key] = caller
        return caller

    def _budget(self) -> int:
        """Article tokens per call: the slot's context less prompt prefix and answer."""
        ctx = self.endpoint.ctx or DEFAULT_CTX
        prefix = sum(chunking.estimate_tokens(c) + 8 for _, c in self.template.prefix)
        if self.passes > 1:
            prefix += self.settings.max_tokens + chunking.estimate_tokens(self.recall.final) + 256
        return max(ctx - prefix - self.settings.max_tokens - CONTEXT_MARGIN, 512)

    def _units(self, text: str, split: list[sentences.Sentence], budget: int) -> list[Unit]:
        """What one call reads: a chunk of `budget` tokens, or one candidate sentence."""
        if self.strategy == "sentence":
            previous = {
                s.number: split[i - 1].text if i else "(start of article)"
                for i, s in enumerate(split)
            }
            return [
                Unit(
                    (s.start, s.end),
                    self.template.render(before=previous[s.number], sentence=s.text),
                    s.text,
                )
                for s in select.candidates(split)
            ]
        units = []
        for chunk in chunking.chunk(split, budget):
            window = (chunk.sentences[0].start, chunk.sentences[-1].end)
            article = text[window[0] : window[1]]
            units.append(Unit(window, self.template.render(article=article), article))
        return units

    async def _bounded(
        self, caller: Caller | None, doc_id: str, text: str, listener: Listener
    ) -> DocumentRecord:
        """One document within its deadline: past it, the document fails, the run goes on."""
        try:
            return await asyncio.wait_for(
                self._document(caller, doc_id, text, listener), self.doc_timeout_s
            )
        except TimeoutError:
            raise BackendError(
                f"{doc_id}: not done within the document deadline of {self.doc_timeout_s:g} s "
                "(doc_timeout_s, --doc-timeout)"
            ) from None

    async def _document(
        self, caller: Caller | None, doc_id: str, text: str, listener: Listener
    ) -> DocumentRecord:
        """One checked document through the whole flow (callers run `check_text` first)."""
        if self.strategy in ("parse", "rules"):
            return await self._parsed(caller, doc_id, text, listener)
        assert caller is not None
        return await self._generated(caller, doc_id, text, listener)

    async def _parsed(
        self, caller: Caller | None, doc_id: str, text: str, listener: Listener
    ) -> DocumentRecord:
        """Parse-first: code finds the candidates, rules decide them, the model judges
        what code is unsure of (`parse`), and the decided candidates become records."""
        started = time.monotonic()
        # Everything but the model calls runs in a worker thread: it is CPU-bound and
        # grows with the article, and the event loop must keep serving other requests.
        doc, found, resolved, decisions = await asyncio.to_thread(_decided, text)
        tally = Tally(Stats(chunks=0, passes=1), doc_id, listener)
        if caller is not None:
            names, asked = await asyncio.to_thread(_to_ask, doc, found, resolved)
            self._check_calls(doc_id, len(asked))
            listener(events.CallsPlanned(doc_id, len(asked)))
            for number, group in enumerate(asked):
                # groups go in text order: what precedes the next one asked is final now
                pending = [i for g in asked[number:] for i in g.members]
                tally.announce(
                    await asyncio.to_thread(emit.settled, text, found, decisions, pending)
                )
                messages = await asyncio.to_thread(
                    judge.messages, self.template, doc, found, group, names
                )
                result = await caller.call(
                    messages,
                    self.prompt_version,
                    response_model=judge.answer_model(group, names),
                )
                tally.add(result)
                tally.stats.chunks += 1
                judge.apply(group, result.answer.rows, decisions)  # type: ignore[attr-defined]
        claims = await asyncio.to_thread(emit.records, text, found, decisions)
        model = self.endpoint.model if caller is not None else RULES_MODEL
        return self._record(doc_id, claims, tally, started, model)

    async def _generated(
        self, caller: Caller, doc_id: str, text: str, listener: Listener
    ) -> DocumentRecord:
        """The model lists the claims of each sentence or chunk (`sentence`, `article`)."""
        started = time.monotonic()
        budget = self._budget() if self.strategy == "article" else 0
        # Splitting, grounding and merging run in worker threads (see `_parsed`).
        split = await asyncio.to_thread(sentences.segment, text)
        units = await asyncio.to_thread(self._units, text, split, budget)
        self._check_calls(doc_id, len(units) * self.passes)
        tally = Tally(Stats(chunks=len(units), passes=self.passes), doc_id, listener)
        listener(events.CallsPlanned(doc_id, len(units) * self.passes))
        per_unit = await asyncio.gather(
            *(self._unit_claims(caller, unit, text, split, tally) for unit in units)
        )
        for _, grounded in per_unit:  # in text order, whatever order the calls ended in
            for resolved in grounded:
                tally.grounded(resolved)
        claims, tally.stats.merged_duplicates = await asyncio.to_thread(
            merge.merge, [c for batch, _ in per_unit for c in batch]
        )
        if self.strategy == "article" and len(units) > 1:
            tally.warnings.append(f"article split into {len(units)} chunks to fit the context")
        if tally.stats.salvaged_incomplete:
            tally.warnings.append("an answer was cut at max_tokens; its complete items were kept")
        return self._record(doc_id, claims, tally, started, self.endpoint.model)

    async def _unit_claims(
        self, caller: Caller, unit: Unit, text: str, split: list[sentences.Sentence], tally: Tally
    ) -> tuple[list[ClaimRecord], list[answers.Resolved]]:
        """One unit's claims: the model's answer, then any recall passes, grounded.

        Also what each grounding dropped, for the caller to tally in unit order.
        """
        grounded: list[answers.Resolved] = []

        async def ground(found: list[ModelClaim]) -> answers.Resolved:
            resolved = await asyncio.to_thread(
                answers.to_records, text, split, found, unit.window, self.keep_ungrounded
            )
            grounded.append(resolved)
            return resolved

        answer = await self._ask(caller, unit.messages, self.template.version, unit.article, tally)
        claims = (await ground(answer)).claims
        for _ in range(self.passes - 1):
            follow = [
                *unit.messages,
                {"role": "assistant", "content": _answer_json(answer)},
                {
                    "role": "user",
                    "content": self.recall.final.replace("{found}", _found_list(claims)),
                },
            ]
            extra = await self._ask(caller, follow, self.prompt_version, unit.article, tally)
            more = (await ground(extra)).claims
            claims = claims + merge.new_only(claims, more)
            answer = answer + extra
        return claims, grounded

    def _check_calls(self, doc_id: str, planned: int) -> None:
        """Refuse a document, before its first call, that plans more calls than the cap."""
        if planned > self.max_calls_per_doc:
            raise InputError(
                f"{doc_id}: would make {planned:,} model calls ({self.strategy} strategy), "
                f"over the limit of {self.max_calls_per_doc:,} per document (max_calls_per_doc, --max-calls)"
            )

    async def _ask(
        self,
        caller: Caller,
        messages: list[dict[str, str]],
        version: str,
        article: str,
        tally: Tally,
    ) -> list[ModelClaim]:
        result = await caller.call(messages, version, article)
        tally.add(result)
        assert isinstance(result.answer, ModelAnswer)
        return list(result.answer.claims)

    def _record(
        self, doc_id: str, claims: list[ClaimRecord], tally: Tally, started: float, model: str
    ) -> DocumentRecord:
        """The document's output line, with what the run cost."""
        tally.announce(claims, last=True)
        return DocumentRecord(
            doc_id=doc_id,
            claims=claims,
            model=model,
            prompt_version=self.prompt_version,
            schema_version=SCHEMA_VERSION,
            usage=tally.usage,
            timings=Timings(
                total_s=round(time.monotonic() - started, 3), model_s=round(tally.model_s, 3)
            ),
            cache_hit=tally.stats.calls == 0 and tally.stats.cache_hits > 0,
            stats=tally.stats,
            warnings=tally.warnings,
        )


@dataclass
class Tally:
    """What one document's calls cost and repaired, added up as they finish."""

    stats: Stats
    doc_id: str
    listener: Listener
    usage: Usage = field(default_factory=Usage)
    model_s: float = 0.0
    warnings: list[str] = field(default_factory=list)
    announced: int = 0  # claims the listener has been given (a prefix of the record's)

    def add(self, result: CallResult) -> None:
        self.stats.calls += 0 if result.from_cache else 1
        self.stats.cache_hits += 1 if result.from_cache else 0
        self.stats.retries += result.retries
        self.stats.reasks += result.reasks
        self.stats.retry_reasons.extend(result.reasons)
        self.stats.salvaged_incomplete += 1 if result.salvaged else 0
        self.usage.add(result.usage)
        self.model_s += result.model_s
        self.listener(events.CallDone(self.doc_id, result.from_cache))

    def announce(self, final: list[ClaimRecord], last: bool = False) -> None:
        """Give the listener the final claims it has not had yet (`final` only grows).

        The last announcement is made even when empty, so a stream knows the claims ended.
        """
        fresh = final[self.announced :]
        if fresh or last:
            self.announced = len(final)
            self.listener(events.ClaimsReady(self.doc_id, fresh))

    def grounded(self, resolved: answers.Resolved) -> list[ClaimRecord]:
        self.stats.dropped_ungrounded += resolved.dropped
        self.warnings.extend(resolved.warnings)
        return resolved.claims


@dataclass(frozen=True)
class Unit:
    """One call's worth of the article: its span, messages, and the text it quotes."""

    window: tuple[int, int]
    messages: list[dict[str, str]]
    article: str


def _check(strategy: str, passes: int) -> None:
    """The options the constructor and `variant` both refuse."""
    if passes < 1:
        raise InputError(f"passes must be at least 1, got {passes}")
    if strategy not in STRATEGIES:
        raise InputError(f"unknown strategy {strategy!r}; choose one of {', '.join(STRATEGIES)}")
    if strategy != "article" and passes > 1:
        raise InputError("passes > 1 needs the article strategy")


def _decided(
    text: str,
) -> tuple[Doc, list[candidates.Candidate], list[sources.Resolved | None], list[decide.Decision]]:
    """Parse, candidates, their sources and the rules' decisions: the CPU-bound part."""
    doc = parse.parse(text)
    found = candidates.find(doc)
    resolved = sources.attribute(doc, found)
    decisions = [decide.by_rules(doc, c, r) for c, r in zip(found, resolved, strict=True)]
    return doc, found, resolved, decisions


def _to_ask(
    doc: Doc, found: list[candidates.Candidate], resolved: list[sources.Resolved | None]
) -> tuple[list[str], list[judge.Group]]:
    """The article's named sources and the groups the judge is asked about (`parse`)."""
    return sources.named_sources(doc, found), judge.groups(doc, found, resolved)


def _run(work: Coroutine[Any, Any, T]) -> T:
    """`asyncio.run`, or, inside a running loop, the same on a worker thread's own loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(work)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, work).result()


def _answer_json(claims: list[ModelClaim]) -> str:
    items = [c.model_dump() for c in claims]
    return json.dumps({"claims": items}, ensure_ascii=False)


def _found_list(claims: list[ClaimRecord]) -> str:
    lines = []
    for claim in claims:
        figure = f" ({claim.casualty.count} {claim.casualty.outcome})" if claim.casualty else ""
        lines.append(f"- {claim.kind}{figure}: {claim.evidence[:80]}")
    return "\n".join(lines) or "(none)"
