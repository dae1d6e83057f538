"""SPARQL queries in worker processes that can be stopped.

pyoxigraph cannot cancel a running query, and a cartesian product with ORDER BY may never
yield a first row. So queries run in a pool of worker processes, each with its own read-only
handle on the store (which follows the data as ingest changes it); a query that outlives its
time limit has its worker killed and replaced, and the server goes on answering. Requests and answers cross the process
boundary as plain values (:class:`~kg.sparql.QueryRequest`, :class:`~kg.sparql.QueryAnswer`).
"""
from __future__ import annotations

import logging
import multiprocessing
import queue
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

import pyoxigraph as ox

from kg.sparql import GRAPH_FORMATS, NotAcceptable, QueryAnswer, QueryRequest, QuerySyntaxError, StreamedAnswer

log = logging.getLogger(__name__)


class QueryTimeout(RuntimeError):
    """The query ran past its time limit and was stopped."""


class QueryBusy(RuntimeError):
    """Every worker stayed busy for as long as a request may wait."""


class QueryFailed(RuntimeError):
    """The query could not be evaluated (a worker stopped, or the engine raised)."""


def answer_rows(answer: QueryAnswer) -> int:
    """Solutions (or triples) in a serialized answer, counted by parsing it back."""
    media_type = answer.media_type.split(";")[0].strip()
    if media_type in GRAPH_FORMATS:
        return sum(1 for _ in ox.parse(answer.body, format=ox.RdfFormat.from_media_type(media_type)))
    parsed = ox.parse_query_results(answer.body, format=ox.QueryResultsFormat.from_media_type(media_type))
    return 1 if isinstance(parsed, ox.QueryBoolean) else sum(1 for _ in parsed)


def check_size(answer: QueryAnswer, max_bytes: int, max_rows: int) -> str | None:
    """Why ``answer`` is too large to send, or None. Rows are counted only when the answer has
    more bytes than the row limit (every row takes at least one), so small answers cost nothing."""
    if len(answer.body) > max_bytes:
        return (f"the answer has {len(answer.body)} bytes, more than the {max_bytes} this endpoint sends; "
                f"narrow the query or add a LIMIT")
    if len(answer.body) > max_rows and (rows := answer_rows(answer)) > max_rows:
        return (f"the answer has {rows} rows, more than the {max_rows} this endpoint sends; "
                f"narrow the query or add a LIMIT")
    return None


STREAM_AFTER = 1024 * 1024
"""Answers up to this many bytes come whole, every error an HTTP status; larger ones stream."""
_CHUNK = 256 * 1024


class _AnswerTooLarge(Exception):
    """The answer passed a cap; the message says which and asks for a LIMIT."""


class _Streamer:
    """What a worker serializes an answer into. It holds the first :data:`STREAM_AFTER` bytes;
    an answer that ends before them goes back whole. Past them, the answer's rows are counted
    once (by evaluating the query again, up to the row cap) before the first byte is sent, so
    that the row cap is still an error status, and the answer is then sent on in chunks, under
    the byte cap."""

    def __init__(self, connection: Connection, store, request: QueryRequest, max_bytes: int, max_rows: int) -> None:
        self.connection, self.store, self.request = connection, store, request
        self.max_bytes, self.max_rows = max_bytes, max_rows
        self.media_type = ""
        self.parts: list[bytes] = []
        self.size = self.pending = 0
        self.streaming = False

    def begin(self, media_type: str) -> None:
        if self.streaming:
            raise RuntimeError("the store changed under an answer being sent; run the query again")
        self.media_type, self.parts, self.size, self.pending = media_type, [], 0, 0

    def write(self, data: bytes) -> int:
        self.size += len(data)
        if self.size > self.max_bytes:
            raise _AnswerTooLarge(f"the answer has more than the {self.max_bytes} bytes this endpoint sends; "
                                  f"narrow the query or add a LIMIT")
        self.parts.append(bytes(data))
        self.pending += len(data)
        if not self.streaming and self.size > STREAM_AFTER:
            if (rows := self.store.count_answer(self.request, self.max_rows + 1)) > self.max_rows:
                raise _AnswerTooLarge(f"the answer has more than the {self.max_rows} rows this endpoint sends; "
                                      f"narrow the query or add a LIMIT")
            log.debug("streaming an answer of %d rows", rows)
            self.connection.send(("start", self.media_type))
            self.streaming = True
        if self.streaming and self.pending >= _CHUNK:
            self._send()
        return len(data)

    def flush(self) -> None:
        """Chunks are sent by size; the end of the answer sends the rest."""

    def _send(self) -> None:
        self.connection.send(("chunk", b"".join(self.parts)))
        self.parts, self.pending = [], 0

    def finish(self) -> None:
        if self.streaming:
            self._send()
            self.connection.send(("end", None))
            return
        answer = QueryAnswer(self.media_type, b"".join(self.parts))
        too_large = check_size(answer, self.max_bytes, self.max_rows)
        self.connection.send(("failed", too_large) if too_large else ("answer", answer))


def _serve(connection: Connection, path: str, max_answer_bytes: int, max_answer_rows: int) -> None:
    """A worker's loop: answer requests from the store at ``path`` until the pipe closes."""
    from kg.store.embedded import EmbeddedStore

    try:  # opened before the first request, so that a worker started to replace another answers at once
        store = EmbeddedStore(Path(path), read_only=True)
    except Exception:  # a store being written may refuse a reader for a moment; the first request
        store = None   # tries again, and reports why it cannot
    while True:
        try:
            request = connection.recv()
        except (EOFError, KeyboardInterrupt):
            return
        try:
            store = store or EmbeddedStore(Path(path), read_only=True)
            streamer = _Streamer(connection, store, request, max_answer_bytes, max_answer_rows)
            store.answer(request, streamer)
            streamer.finish()
        except _AnswerTooLarge as error:
            connection.send(("failed", str(error)))
        except QuerySyntaxError as error:
            connection.send(("syntax", str(error)))
        except NotAcceptable as error:
            connection.send(("not-acceptable", (error.kind, error.offered)))
        except Exception as error:  # the engine's own failures go back to the client as words
            connection.send(("failed", f"{type(error).__name__}: {error}"))


@dataclass
class _Worker:
    process: multiprocessing.process.BaseProcess
    connection: Connection

    def stop(self) -> None:
        self.process.kill()
        self.process.join(5)
        self.connection.close()


class QueryWorkers:
    """A fixed number of query worker processes over one embedded store."""

    def __init__(self, store_path: Path, size: int, timeout: float, wait: float, max_answer_bytes: int,
                 max_answer_rows: int) -> None:
        self.store_path = Path(store_path)
        self.max_answer_bytes = max_answer_bytes
        self.max_answer_rows = max_answer_rows
        self.timeout = timeout
        """The longest any query may run, in seconds; a request may ask for less."""
        self.wait = wait
        """How long a request waits for a free worker before it is turned away."""
        self.size = size
        # Workers fork from a clean server process that has the modules loaded: no inherited
        # database handles or threads, and a replacement starts in milliseconds, not seconds.
        self._context = multiprocessing.get_context("forkserver")
        self._context.set_forkserver_preload(["kg.store.embedded"])
        # The worker that finished last takes the next query: each has its own store handle and
        # caches, and a warm one answered a cheap query at a million triples a fifth faster.
        self._idle: queue.LifoQueue[_Worker] = queue.LifoQueue()
        self._lock = threading.Lock()
        self.replaced = 0
        """Workers killed and replaced since start (timeouts and crashes)."""
        for _ in range(size):
            self._idle.put(self._start())

    def _start(self) -> _Worker:
        parent, child = self._context.Pipe()
        process = self._context.Process(target=_serve, args=(child, str(self.store_path), self.max_answer_bytes,
                                                             self.max_answer_rows),
                                        daemon=True,
                                        name="kg-query-worker")
        process.start()
        child.close()
        return _Worker(process, parent)

    def query(self, request: QueryRequest, timeout: float | None = None) -> QueryAnswer:
        """Run ``request`` in a worker, within ``timeout`` seconds (at most the pool's limit)."""
        answer = self.stream(request, timeout)
        if isinstance(answer, StreamedAnswer):
            return QueryAnswer(answer.media_type, b"".join(answer.chunks))
        return answer

    def stream(self, request: QueryRequest, timeout: float | None = None) -> QueryAnswer | StreamedAnswer:
        """Run ``request`` in a worker; a large answer comes in chunks as the worker makes them,
        and the worker is busy until the last one is read (or the time limit stops it)."""
        limit = self.timeout if timeout is None else min(timeout, self.timeout)
        deadline = time.monotonic() + limit
        try:
            worker = self._idle.get(timeout=self.wait)
        except queue.Empty:
            raise QueryBusy(f"all {self.size} query workers are busy; try again shortly") from None
        try:
            kind, payload = self._receive(worker, deadline, timeout, request)
        except QueryTimeout:
            self._idle.put(self._replace(worker, "timed out"))
            raise
        except BaseException:
            self._idle.put(self._replace(worker, "died"))
            raise
        if kind == "start":
            return StreamedAnswer(payload, self._chunks(worker, deadline, timeout))
        self._idle.put(worker)
        if kind == "answer":
            return payload
        if kind == "syntax":
            raise QuerySyntaxError(payload)
        if kind == "not-acceptable":
            raise NotAcceptable(*payload)
        raise QueryFailed(payload)

    def _receive(self, worker: _Worker, deadline: float, timeout: float | None,
                 request: QueryRequest | None = None) -> tuple[str, object]:
        """The worker's next message (the answer to ``request`` when one is given), waited for until ``deadline``."""
        try:
            if request is not None:
                worker.connection.send(request)
            if not worker.connection.poll(max(deadline - time.monotonic(), 0)):
                raise QueryTimeout(f"the query ran longer than its time limit of {self._limit_text(timeout)} "
                                   f"and was stopped")
            return worker.connection.recv()
        except (EOFError, OSError):
            raise QueryFailed("the query stopped its worker process (out of memory?)") from None

    def _chunks(self, worker: _Worker, deadline: float, timeout: float | None) -> Iterator[bytes]:
        """The chunks of a streamed answer; the worker goes back to the pool after the last one, and
        is replaced if the answer is not read to its end (a timeout, a client gone)."""
        done = False
        try:
            while True:
                kind, payload = self._receive(worker, deadline, timeout)
                if kind == "chunk":
                    yield payload
                elif kind == "end":
                    done = True
                    return
                else:  # the byte cap or the engine, halfway through
                    done = True
                    raise QueryFailed(payload)
        finally:
            self._idle.put(worker if done else self._replace(worker, "left with an answer unread"))

    def _limit_text(self, timeout: float | None) -> str:
        limit = self.timeout if timeout is None else min(timeout, self.timeout)
        return f"{limit:g} s"

    def _replace(self, worker: _Worker, why: str) -> _Worker:
        log.warning("query worker %s %s; starting another", worker.process.pid, why)
        worker.stop()
        with self._lock:
            self.replaced += 1
        return self._start()

    def status(self) -> dict[str, int]:
        return {"workers": self.size, "idle": self._idle.qsize(), "replaced": self.replaced}

    def close(self) -> None:
        while True:
            try:
                self._idle.get_nowait().stop()
            except queue.Empty:
                return
