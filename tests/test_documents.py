"""The documents a server keeps between changes of the data (``server/documents.py``)."""
from __future__ import annotations

from server.documents import DocumentCache, SentDocument


def sent(size: int) -> SentDocument:
    return SentDocument(b"x" * size, "text/turtle", "", None)


def test_the_least_recently_used_document_goes_first_past_the_budget():
    cache = DocumentCache(budget=250)
    for key in ("a", "b"):
        cache.put("v1", key, sent(100))
    assert cache.get("v1", "a") is not None  # "b" is now the least recently used
    cache.put("v1", "c", sent(100))
    assert cache.get("v1", "b") is None
    assert cache.get("v1", "a") is not None and cache.get("v1", "c") is not None
    assert cache.status() == {"documents": 2, "bytes": 200, "hits": 3, "misses": 1}


def test_a_new_store_version_forgets_every_document():
    cache = DocumentCache(budget=1000)
    cache.put("v1", "a", sent(10))
    assert cache.get("v2", "a") is None
    assert cache.status()["documents"] == 0
    cache.put("v2", "a", sent(10))
    assert cache.get("v1", "a") is None and cache.status()["documents"] == 0


def test_a_document_larger_than_the_budget_is_sent_but_not_kept():
    cache = DocumentCache(budget=50)
    cache.put("v1", "a", sent(10))
    cache.put("v1", "a", sent(60))
    assert cache.get("v1", "a") is None
    assert cache.status()["bytes"] == 0
