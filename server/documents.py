"""Documents as sent, kept until the data changes.

A popular resource's document orders tens of thousands of incoming links by date (a tenth of a
second and more at a million triples) and its HTML page runs a handful of queries more, yet
nothing in either changes until the store does. So each representation is kept, as the bytes
that were sent, for as long as the store's version stays the same; the least recently used go
first when they pass a byte budget.
"""
from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass


@dataclass(frozen=True)
class SentDocument:
    body: bytes
    content_type: str
    link: str
    """The ``Link`` header: the other formats and the neighbouring pages."""
    modified: dt.datetime | None


class DocumentCache:
    """Sent documents of one store version, within ``budget`` bytes; safe across request threads."""

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self._documents: OrderedDict[Hashable, SentDocument] = OrderedDict()
        self._version: str | None = None
        self._size = 0
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, version: str, key: Hashable) -> SentDocument | None:
        with self._lock:
            self._follow(version)
            document = self._documents.get(key)
            if document is None:
                self.misses += 1
                return None
            self._documents.move_to_end(key)
            self.hits += 1
            return document

    def put(self, version: str, key: Hashable, document: SentDocument) -> None:
        with self._lock:
            self._follow(version)
            if (old := self._documents.pop(key, None)) is not None:
                self._size -= len(old.body)
            if len(document.body) > self.budget:
                return
            self._documents[key] = document
            self._size += len(document.body)
            while self._size > self.budget:
                _, dropped = self._documents.popitem(last=False)
                self._size -= len(dropped.body)

    def _follow(self, version: str) -> None:
        """Forget every document when the data has changed."""
        if version != self._version:
            self._documents.clear()
            self._size = 0
            self._version = version

    def status(self) -> dict[str, int]:
        with self._lock:
            return {"documents": len(self._documents), "bytes": self._size, "hits": self.hits, "misses": self.misses}
