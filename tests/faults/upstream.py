"""A fake OpenAI-compatible upstream that misbehaves on chosen articles.

An article asks for its fault with a marker such as `[[fault:500]]`; the fake
finds it in the request and answers accordingly. Without a marker it answers a
valid, empty extraction (`{"claims": []}`), so the `article` strategy (one call
per article) sees exactly one exchange per document. It is a real HTTP server
on loopback, so the CLI in a subprocess and the HTTP service reach it as they
would a real one. These answers are fault injections, not recordings.

Faults: `500` (always), `500-once`, `429:N` (Retry-After N once, then fine),
`429-always:N`, `hang` (never answers), `reset` (drops the connection
mid-body), `badjson`, `html` (an HTML page with status 200), `400` (context
too long), `empty` (no choices).
"""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

MARKER = re.compile(r"\[\[fault:([\w:-]+)\]\]")
PROBE_WORD = "hello"


def completion(content: str) -> dict[str, Any]:
    return {
        "id": "fake",
        "object": "chat.completion",
        "created": 0,
        "model": "fake",
        "choices": [
            {
                "index": 0,
                "finish_reason": "stop",
                "message": {"role": "assistant", "content": content},
            }
        ],
        "usage": {"prompt_tokens": 10, "completion_tokens": 4, "total_tokens": 14},
    }


class FakeUpstream:
    """Serve on 127.0.0.1 in a thread; `calls` counts chat requests by fault."""

    def __init__(self, healed: frozenset[str] = frozenset()) -> None:
        self.healed = healed  # faults this upstream no longer has: answered as `ok`
        self.calls: Counter[str] = Counter()
        self.release = threading.Event()  # set on stop: hung handlers return
        self.lock = threading.Lock()
        handler = type("Handler", (_Handler,), {"upstream": self})
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def __enter__(self) -> FakeUpstream:
        self.thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()

    def count(self, fault: str) -> int:
        with self.lock:
            self.calls[fault] += 1
            return self.calls[fault]


class _Handler(BaseHTTPRequestHandler):
    upstream: FakeUpstream
    protocol_version = "HTTP/1.1"

    def log_message(self, *_args: Any) -> None:
        """Quiet: the tests read what claimtrace says, not the fake's access log."""

    def do_GET(self) -> None:
        if self.path.endswith("/models"):
            self._json(200, {"object": "list", "data": [{"id": "fake", "object": "model"}]})
        else:
            self._json(404, {"error": {"message": "not found"}})

    def do_POST(self) -> None:
        length = int(self.headers.get("content-length", 0))
        body = json.loads(self.rfile.read(length) or b"{}")
        text = " ".join(str(m.get("content", "")) for m in body.get("messages", []))
        if PROBE_WORD in text and "response_format" in body and "[[" not in text:
            self._json(200, completion(json.dumps({"probe": 417})))
            return
        found = MARKER.search(text)
        fault = found.group(1) if found and found.group(1) not in self.upstream.healed else "ok"
        seen = self.upstream.count(fault)
        self._answer(fault, seen)

    def _answer(self, fault: str, seen: int) -> None:
        name, _, arg = fault.partition(":")
        if name == "500" or (name == "500-once" and seen == 1):
            self._json(500, {"error": {"message": "upstream exploded"}})
        elif (name == "429" and seen == 1) or name == "429-always":
            self._json(429, {"error": {"message": "slow down"}}, {"Retry-After": arg or "1"})
        elif name == "hang":
            self.upstream.release.wait(600)
        elif name == "reset":
            self._reset()
        elif name == "badjson":
            self._json(200, completion("this is not json {"))
        elif name == "html":
            self._raw(200, b"<html><title>502 Bad Gateway</title></html>", "text/html")
        elif name == "400":
            message = "the request exceeds the available context size, try increasing it"
            self._json(400, {"error": {"message": message, "type": "invalid_request_error"}})
        elif name == "empty":
            self._json(200, {**completion(""), "choices": []})
        else:
            self._json(200, completion(json.dumps({"claims": []})))

    def _json(self, status: int, data: object, headers: dict[str, str] | None = None) -> None:
        self._raw(status, json.dumps(data).encode(), "application/json", headers)

    def _raw(
        self, status: int, body: bytes, kind: str, headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("content-type", kind)
        self.send_header("content-length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def _reset(self) -> None:
        """Promise a body, send half of it, and drop the connection."""
        body = json.dumps(completion(json.dumps({"claims": []}))).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body[: len(body) // 2])
        self.wfile.flush()
        self.connection.shutdown(socket.SHUT_RDWR)
        self.close_connection = True


class SlowUpstream(FakeUpstream):
    """The fault matrix's fake upstream, answering each chat request after `latency` s.

    `count` is called once per chat request before the answer, so sleeping there
    delays every answer; `stop` kills the endpoint as a dead process would be:
    new connections are refused and requests on open keep-alive connections are
    dropped unanswered (the server's own handler would go on serving them).
    """

    def __init__(self, latency: float = 0.0) -> None:
        super().__init__()
        self.latency = latency
        self.stopped = False
        self.server.handle_error = _quiet  # type: ignore[method-assign]
        handler = self.server.RequestHandlerClass
        self.server.RequestHandlerClass = type("Stoppable", (_Stoppable, handler), {})

    def count(self, fault: str) -> int:
        if self.latency:
            time.sleep(self.latency)
        if self.stopped:
            raise ConnectionAbortedError("endpoint stopped")  # the handler drops the connection
        return super().count(fault)

    @property
    def chats(self) -> int:
        with self.lock:
            return sum(self.calls.values())

    def stop(self) -> None:
        if not self.stopped:
            self.stopped = True
            self.__exit__()


class _Stoppable(BaseHTTPRequestHandler):
    """Drops every request, GET or POST, once its upstream was stopped."""

    upstream: SlowUpstream

    def do_GET(self) -> None:
        if self._dropped():
            return
        super().do_GET()  # type: ignore[misc]

    def do_POST(self) -> None:
        if self._dropped():
            return
        super().do_POST()  # type: ignore[misc]

    def _dropped(self) -> bool:
        """A stopped upstream answers nothing and closes (a keep-alive reader may be waiting)."""
        if self.upstream.stopped:
            self.close_connection = True
        return self.upstream.stopped


def _quiet(*_args: object) -> None:
    """A dropped request is the test's intent, not a traceback worth printing."""
