"""The default store: an embedded Oxigraph database in a directory on disk.

Each article lives in its named graph; the database's default graph holds the set union of
all named graphs, maintained in the same transaction as every change. Queries run on it, so a
triple that two articles state (a shared publisher's name) is one triple, as SPARQL's union
default graph means, where Oxigraph's on-the-fly union would return it once per graph.

The directory holds the database (``oxigraph/``) and a ``version`` file rewritten after every
committed change, so that dumps and caches know when the data changed without scanning it.
One process writes (``kg ingest``); any number read (``kg serve`` and its query workers) through
read-only handles, which reopen when the version changes: each read sees the last committed
state, and ingest runs while the server answers.
"""
from __future__ import annotations

import gzip
import io
import itertools
import logging
import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO, Protocol, TypeVar

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from kg.sparql import QueryAnswer, QueryRequest, QuerySyntaxError, UpdateRefused, UpdateRequest, pick_format
from kg.store import DumpFormat, StoreError, Triple
from kg.store.updates import plan_update
from kg.vocab import PREFIXES

log = logging.getLogger(__name__)
T = TypeVar("T")

_RESULT_FORMATS = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
_GRAPH_FORMATS = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/n-quads": ox.RdfFormat.N_QUADS,
    "application/trig": ox.RdfFormat.TRIG,
}
_TEXT_TYPES = {"text/csv", "text/tab-separated-values", "text/turtle"}
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


class AnswerOutput(Protocol):
    """Where an answer is serialized: told its media type first (again, if a read is retried,
    which must then start over), then written to in pieces as the query is evaluated."""

    def begin(self, media_type: str) -> None: ...

    def write(self, data: bytes) -> int: ...

    def flush(self) -> None: ...


class _Buffer(io.BytesIO):
    """A whole answer in memory."""

    media_type = ""

    def begin(self, media_type: str) -> None:
        self.media_type = media_type
        self.seek(0)
        self.truncate()


def with_charset(media_type: str) -> str:
    return media_type + "; charset=utf-8" if media_type in _TEXT_TYPES else media_type


def _query_options(request: QueryRequest) -> dict[str, object]:
    options: dict[str, object] = {"base_iri": request.base_iri or None}
    if request.default_graphs or request.named_graphs:
        # The protocol's dataset is the whole dataset: graphs it does not name are not in it.
        options["default_graph"] = [ox.NamedNode(iri) for iri in request.default_graphs]
        options["named_graphs"] = [ox.NamedNode(iri) for iri in request.named_graphs]
    return options


def _evaluate(store: ox.Store, request: QueryRequest, options: dict[str, object], output: AnswerOutput) -> None:
    """Serialize the answer to ``request`` on ``store`` into ``output``, as it is evaluated."""
    try:
        result = store.query(request.text, **options)
    except SyntaxError as error:
        raise QuerySyntaxError(f"SPARQL syntax {error}") from None
    if isinstance(result, ox.QueryTriples):
        media_type = pick_format(request.accept, "graph")
        output.begin(with_charset(media_type))
        result.serialize(output, format=_GRAPH_FORMATS[media_type])
        return
    media_type = pick_format(request.accept, "boolean" if isinstance(result, ox.QueryBoolean) else "solutions")
    output.begin(with_charset(media_type))
    result.serialize(output, format=_RESULT_FORMATS[media_type])


def store_version(path: Path) -> str:
    """The version token of the store at ``path``, read without opening the database."""
    try:
        return (path / "version").read_text().strip()
    except FileNotFoundError:
        return "empty"


def _unlink(graph_name: ox.NamedNode) -> str:
    """The update that drops a named graph and, from the default graph, what only it stated."""
    return (
        f"DELETE {{ ?s ?p ?o }} WHERE {{ GRAPH {graph_name} {{ ?s ?p ?o }} "
        f"FILTER NOT EXISTS {{ GRAPH ?other {{ ?s ?p ?o }} FILTER(?other != {graph_name}) }} }} ; "
        f"DROP SILENT GRAPH {graph_name}"
    )


def _parse_ntriples(ntriples: str) -> list[ox.Quad]:
    """The triples of an N-Triples text, as quads of the default graph; a text that is not
    N-Triples is a ValueError saying where."""
    try:
        return list(ox.parse(ntriples, ox.RdfFormat.N_TRIPLES))
    except SyntaxError as error:
        raise ValueError(f"the graph is not N-Triples: {error}") from None


def _in_both(triples: list[ox.Quad], graph_name: ox.NamedNode) -> list[ox.Quad]:
    """The quads that store ``triples`` in the named graph and in the default graph, the union."""
    return triples + [ox.Quad(t.subject, t.predicate, t.object, graph_name) for t in triples]


def to_oxigraph(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype and str(term.datatype) != _XSD_STRING:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"not an RDF term: {term!r}")


def from_oxigraph(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> Node:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype.value == _XSD_STRING:
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def _solution_term(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> Node:
    """A value of a query's solution; a literal keeps the lexical form the store holds."""
    if not isinstance(term, ox.Literal):
        return from_oxigraph(term)
    datatype = None if term.language or term.datatype.value == _XSD_STRING else URIRef(term.datatype.value)
    return Literal(term.value, lang=term.language, datatype=datatype, normalize=False)


class EmbeddedStore:
    """An Oxigraph database on disk; one process may write it at a time."""

    def __init__(self, path: Path, *, read_only: bool = False) -> None:
        self.path = Path(path)
        self.read_only = read_only
        self._database = self.path / "oxigraph"
        try:
            if read_only:
                if not self._database.is_dir():
                    raise StoreError(f"there is no store at {self.path}; ingest articles into it first")
                self._opened_version = store_version(self.path)
                self._store = ox.Store.read_only(str(self._database))
            else:
                self._database.mkdir(parents=True, exist_ok=True)
                self._store = ox.Store(str(self._database))
        except OSError as error:
            raise StoreError(_explain(error, self.path)) from None

    def _read(self, reading: Callable[[ox.Store], T]) -> T:
        """Run ``reading`` on the current handle.

        A read-only handle can find that the writer has compacted away files it still
        referenced (RocksDB's read-only mode does not pin them); it is then reopened on the
        current files and the read tried once more.
        """
        try:
            return reading(self._reader())
        except (OSError, RuntimeError) as error:
            if not self.read_only:
                raise
            log.info("reopening the read-only store at %s after: %s", self.path, error)
            self._opened_version = None
            return reading(self._reader())

    def _reader(self) -> ox.Store:
        """The handle to read with; a read-only one is reopened when the data changed."""
        if self.read_only and (current := store_version(self.path)) != self._opened_version:
            try:
                self._store = ox.Store.read_only(str(self._database))
            except OSError as error:
                raise StoreError(_explain(error, self.path)) from None
            self._opened_version = current
        return self._store

    def replace_graph(self, name: URIRef, ntriples: str) -> None:
        # One transaction each way: readers see the old graph or the new one, and a crash leaves
        # one of them, never a mixture. A new graph is a plain insert into the named graph and
        # the default graph; replacing one is a SPARQL update that first takes back from the
        # default graph what only the old version stated. Blank nodes are the same nodes in both.
        graph_name = ox.NamedNode(str(name))
        triples = _parse_ntriples(ntriples)
        if not self._store.contains_named_graph(graph_name):
            self._write(lambda: self._store.extend(_in_both(triples, graph_name)))
            return
        data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode("utf-8")
        update = _unlink(graph_name) + f" ; INSERT DATA {{ {data} GRAPH {graph_name} {{\n{data}}} }}"
        self._write(lambda: self._store.update(update))

    def add_to_graph(self, name: URIRef, ntriples: str) -> None:
        triples = _parse_ntriples(ntriples)
        self._write(lambda: self._store.extend(_in_both(triples, ox.NamedNode(str(name)))))

    def has_graph(self, name: URIRef) -> bool:
        return self._read(lambda store: store.contains_named_graph(ox.NamedNode(str(name))))

    def update(self, request: UpdateRequest) -> None:
        text = plan_update(request)
        try:
            self._write(lambda: self._store.update(text, base_iri=request.base_iri or None))
        except SyntaxError as error:
            raise QuerySyntaxError(f"SPARQL update syntax {error}") from None
        except RuntimeError as error:  # Oxigraph's refusals: a graph that exists or does not
            raise UpdateRefused(f"the update was not applied: {error}") from None

    def remove_graph(self, name: URIRef) -> bool:
        graph_name = ox.NamedNode(str(name))
        if not self._store.contains_named_graph(graph_name):
            return False
        self._write(lambda: self._store.update(_unlink(graph_name)))
        return True

    def _write(self, change: Callable[[], object]) -> None:
        try:
            change()
            self._bump_version()
        except OSError as error:
            raise StoreError(_explain(error, self.path)) from None

    def _bump_version(self) -> None:
        """Tell readers (read-only handles, dump caches) that the data changed."""
        version = self.path / "version"
        temporary = version.with_suffix(".tmp")
        temporary.write_text(uuid.uuid4().hex)
        os.replace(temporary, version)

    def load(self, path: Path, graph: URIRef | None = None) -> int:
        """Bulk-load the RDF file at ``path`` (format from its extension, gzip when it ends in .gz);
        returns the quads read.

        Quads keep their named graph; triples of a triple format, and a quad format's
        default-graph triples, go into ``graph``, which is then required. Every triple is also
        written to the default graph, keeping it the union of the named graphs. Both copies come
        from one streaming parse, so memory does not grow with the file and each blank node is the
        same node in both (Oxigraph's own ``bulk_load`` renames blank nodes at random, so a second
        pass could not match them). Blank nodes get fresh identifiers, as the file's labels only
        mean something within it. Bulk loading is not one transaction: a file that fails halfway
        (a syntax error) leaves what came before the error, and the version changes either way.
        """
        format = rdf_format(path)
        if graph is None and not format.supports_datasets:
            raise ValueError(f"{path} holds triples without a graph ({format.name}); say which graph with --graph IRI")
        target = None if graph is None else ox.NamedNode(str(graph))
        count = 0

        def both_copies(quads: Iterator[ox.Quad]) -> Iterator[ox.Quad]:
            nonlocal count
            for quad in quads:
                if isinstance(quad.graph_name, ox.DefaultGraph):
                    if target is None:
                        raise ValueError(f"{path} has a triple outside any named graph, after {count} quads; "
                                         "say which graph it belongs to with --graph IRI")
                    quad = ox.Quad(quad.subject, quad.predicate, quad.object, target)
                count += 1
                yield quad
                # No graph name is the default graph: passing DefaultGraph() costs pyoxigraph two
                # failed conversions per quad, a seventh of the whole load.
                yield ox.Quad(quad.subject, quad.predicate, quad.object)

        opener = gzip.open if path.suffix == ".gz" else open
        try:
            with opener(path, "rb") as input:
                self._store.bulk_extend(both_copies(ox.parse(input, format, base_iri=path.resolve().as_uri(),
                                                             rename_blank_nodes=True)))
            # Bulk loading leaves overlapping files, which the server's read-only handles never
            # compact: joins ran two to three times slower on a 1M-triple store until compacted
            # (two seconds at that size).
            self._store.optimize()
        except OSError as error:
            if isinstance(error, FileNotFoundError | gzip.BadGzipFile):
                raise
            raise StoreError(_explain(error, self.path)) from None
        finally:
            self._bump_version()
        log.info("loaded %d quads from %s into %s", count, path, self.path)
        return count

    def graph_names(self) -> list[URIRef]:
        return self._read(lambda store: sorted(
            URIRef(name.value) for name in store.named_graphs() if isinstance(name, ox.NamedNode)))

    def triples(self, subject: Node | None = None, predicate: Node | None = None, obj: Node | None = None,
                *, limit: int | None = None) -> list[Triple]:
        pattern = [None if term is None else to_oxigraph(term) for term in (subject, predicate, obj)]
        return self._read(lambda store: [
            (from_oxigraph(q.subject), from_oxigraph(q.predicate), from_oxigraph(q.object))
            for q in itertools.islice(store.quads_for_pattern(*pattern, ox.DefaultGraph()), limit)])

    def query(self, request: QueryRequest) -> QueryAnswer:
        buffer = _Buffer()
        self.answer(request, buffer)
        return QueryAnswer(media_type=buffer.media_type, body=buffer.getvalue())

    def answer(self, request: QueryRequest, output: AnswerOutput) -> None:
        """Serialize the answer to ``request`` into ``output`` as it is evaluated (for streaming it)."""
        self._read(lambda store: _evaluate(store, request, _query_options(request), output))

    def select(self, text: str) -> list[dict[str, Node]]:
        # Solutions are read straight off the engine: serializing them as SPARQL JSON and
        # parsing that again took a tenth of a small document's time.
        def rows(store: ox.Store) -> list[dict[str, Node]]:
            try:
                solutions = store.query(text)
            except SyntaxError as error:
                raise QuerySyntaxError(f"SPARQL syntax {error}") from None
            names = [variable.value for variable in solutions.variables]
            return [{name: _solution_term(value) for name in names if (value := solution[name]) is not None}
                    for solution in solutions]

        return self._read(rows)

    def count_answer(self, request: QueryRequest, limit: int) -> int:
        """Solutions (or triples) in the answer to ``request``, counted up to ``limit``."""
        def count(store: ox.Store) -> int:
            result = store.query(request.text, **_query_options(request))
            return 1 if isinstance(result, ox.QueryBoolean) else sum(1 for _ in itertools.islice(result, limit))

        return self._read(count)

    def count(self) -> int:
        return self._number("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")

    def quad_count(self) -> int:
        return self._number("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")

    def _number(self, query: str) -> int:
        """A count by SPARQL: sixteen times faster than counting quads in Python."""
        return self._read(lambda store: int(next(iter(store.query(query)))["n"].value))

    def version(self) -> str:
        return store_version(self.path)

    def dump(self, output: BinaryIO, format: DumpFormat) -> None:
        store = self._reader()
        if format == "nquads":
            for name in store.named_graphs():
                ox.serialize(store.quads_for_pattern(None, None, None, name), output, ox.RdfFormat.N_QUADS)
        elif format == "turtle":
            store.dump(output, ox.RdfFormat.TURTLE, from_graph=ox.DefaultGraph(), prefixes=PREFIXES)
        else:
            raise ValueError(f"unknown dump format {format!r}")

    def close(self) -> None:
        if not self.read_only:
            try:
                self._store.flush()
            except OSError as error:  # committed transactions are already in the write-ahead log
                log.warning("could not flush the store at %s: %s", self.path, error)
        del self._store


def rdf_format(path: Path) -> ox.RdfFormat:
    """The RDF format a file's extension names, looking through a final ``.gz``."""
    suffixes = path.suffixes[-2:] if path.suffix == ".gz" else path.suffixes[-1:]
    extension = suffixes[0].lstrip(".") if suffixes and suffixes[0] != ".gz" else ""
    format = ox.RdfFormat.from_extension(extension) if extension else None
    if format is None:
        raise ValueError(f"cannot tell the RDF format of {path} from its extension "
                         "(use .nq, .trig, .ttl or .nt, optionally followed by .gz)")
    return format


def _explain(error: OSError, path: Path) -> str:
    text = str(error)
    if "lock" in text.lower():
        return f"the store at {path} is in use by another process (is `kg serve` running on it?)"
    if "No space left" in text or getattr(error, "errno", None) == 28:
        return f"the disk holding the store at {path} is full"
    if "Permission denied" in text or "Read-only file system" in text:
        return f"the store at {path} cannot be written: {error.strerror or text}"
    return f"the store at {path} failed: {text}"
