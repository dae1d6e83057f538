"""Store stage: where article graphs live and queries run.

:class:`Store` is the whole interface the rest of the project may use, small enough for an
embedded Oxigraph, a pool of query workers, or a remote SPARQL 1.1 server to implement.
Everything crosses it as rdflib terms, bytes or plain values, never as live handles into
one process's database.
"""
from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import BinaryIO, Literal, Protocol

from rdflib import URIRef
from rdflib.term import Node

from kg.config import Settings
from kg.sparql import QueryAnswer, QueryRequest, UpdateRequest

Triple = tuple[Node, Node, Node]
DumpFormat = Literal["turtle", "nquads"]


class StoreError(RuntimeError):
    """The store cannot be opened or written; the message says why in words."""


class Store(Protocol):
    def replace_graph(self, name: URIRef, ntriples: str) -> None:
        """Make the triples of the N-Triples text ``ntriples`` the whole content of the named graph
        ``name``, in one transaction.

        Graphs come as N-Triples because that is how they travel best: from the processes that
        prepare articles to the one that writes (pickling an rdflib graph cost more than
        writing it), and to a remote server, and every store reads it with its own parser.
        """

    def add_to_graph(self, name: URIRef, ntriples: str) -> None:
        """Add the triples of ``ntriples`` to the named graph ``name`` (created if missing), in one
        transaction."""

    def remove_graph(self, name: URIRef) -> bool:
        """Delete the named graph; False when there was none."""

    def has_graph(self, name: URIRef) -> bool: ...

    def update(self, request: UpdateRequest) -> None:
        """Run a SPARQL 1.1 Update; the default graph stays the union of all named graphs."""

    def graph_names(self) -> list[URIRef]: ...

    def triples(self, subject: Node | None = None, predicate: Node | None = None, obj: Node | None = None,
                *, limit: int | None = None) -> list[Triple]:
        """Distinct triples of the union of all graphs matching a pattern (None matches anything)."""

    def query(self, request: QueryRequest) -> QueryAnswer:
        """Run a SPARQL query over the union of all graphs, answered in a format the request accepts."""

    def select(self, text: str) -> list[dict[str, Node]]:
        """The solutions of the SELECT query ``text`` over the union of all graphs, for the
        project's own queries: each bound variable's value as an rdflib term."""

    def count(self) -> int:
        """Distinct triples in the union of all graphs."""

    def quad_count(self) -> int:
        """Quads over all named graphs (a triple stated by two articles counts twice)."""

    def version(self) -> str:
        """A token that changes whenever the data changes (for dumps and caches)."""

    def dump(self, output: BinaryIO, format: DumpFormat) -> None:
        """Write all the data, streaming: Turtle (the union) or N-Quads (with the named graphs)."""

    def close(self) -> None: ...


def select_text(store: Store, text: str) -> list[dict[str, str]]:
    """The solutions of a SELECT query with each value as its text (an IRI, a literal's lexical
    form), for pages and descriptions that show them."""
    return [{name: str(value) for name, value in row.items()} for row in store.select(text)]


def open_store(path: Path, *, read_only: bool = False) -> Store:
    """The embedded store at ``path`` (created if missing, unless read-only)."""
    from kg.store.embedded import EmbeddedStore

    return EmbeddedStore(path, read_only=read_only)


def configured_store(settings: Settings, *, read_only: bool = False) -> Store:
    """The store the settings name: a remote SPARQL server when ``store_url`` is set, else the
    embedded store in the ``store`` folder."""
    if not settings.store_url:
        return open_store(settings.store, read_only=read_only)
    from kg.store.remote import RemoteStore

    return RemoteStore(settings.store_url, settings.store_update_url or None, settings.store_graph_store_url or None,
                       settings.store_username or None, settings.store_password or None,
                       timeout=settings.query_timeout, max_answer_bytes=settings.max_answer_bytes,
                       max_answer_rows=settings.max_answer_rows)


def writing(settings: Settings) -> Callable[[], AbstractContextManager[Store]]:
    """Opens the configured store for one write at a time, and closes it after.

    The server reads through read-only handles; it opens the store for writing only while a
    maintainer's write runs, because the embedded database admits one writing process, which is
    ``kg ingest`` the rest of the time. A write that finds it busy fails with :class:`StoreError`.
    """
    lock = threading.Lock()

    @contextmanager
    def open_for_writing() -> Iterator[Store]:
        with lock:
            store = configured_store(settings)
            try:
                yield store
            finally:
                store.close()

    return open_for_writing


__all__ = ["DumpFormat", "Store", "StoreError", "Triple", "configured_store", "open_store", "writing"]
