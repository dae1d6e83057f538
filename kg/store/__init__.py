"""Store stage: where article graphs live and queries run.

:class:`Store` is the whole interface the rest of the project may use, small enough for an
embedded Oxigraph, a pool of query workers, or a remote SPARQL 1.1 server to implement.
Everything crosses it as rdflib terms, bytes or plain values, never as live handles into
one process's database.
"""
from __future__ import annotations

from pathlib import Path
from typing import BinaryIO, Literal, Protocol

from rdflib import Graph, URIRef
from rdflib.term import Node

from kg.config import Settings
from kg.sparql import QueryAnswer, QueryRequest

Triple = tuple[Node, Node, Node]
DumpFormat = Literal["turtle", "nquads"]


class StoreError(RuntimeError):
    """The store cannot be opened or written; the message says why in words."""


class Store(Protocol):
    def replace_graph(self, name: URIRef, graph: Graph) -> None:
        """Make ``graph`` the whole content of the named graph ``name``, in one transaction."""

    def remove_graph(self, name: URIRef) -> bool:
        """Delete the named graph; False when there was none."""

    def graph_names(self) -> list[URIRef]: ...

    def triples(self, subject: Node | None = None, predicate: Node | None = None, obj: Node | None = None,
                *, limit: int | None = None) -> list[Triple]:
        """Distinct triples of the union of all graphs matching a pattern (None matches anything)."""

    def query(self, request: QueryRequest) -> QueryAnswer:
        """Run a SPARQL query over the union of all graphs, answered in a format the request accepts."""

    def count(self) -> int:
        """Distinct triples in the union of all graphs."""

    def quad_count(self) -> int:
        """Quads over all named graphs (a triple stated by two articles counts twice)."""

    def version(self) -> str:
        """A token that changes whenever the data changes (for dumps and caches)."""

    def dump(self, output: BinaryIO, format: DumpFormat) -> None:
        """Write all the data, streaming: Turtle (the union) or N-Quads (with the named graphs)."""

    def close(self) -> None: ...


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
                       timeout=settings.query_timeout, max_answer_bytes=settings.max_answer_bytes)


__all__ = ["DumpFormat", "Store", "StoreError", "Triple", "open_store"]
