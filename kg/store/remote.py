"""A store on any SPARQL 1.1 server, over HTTP: for data that outgrows one machine.

Reads go through the SPARQL 1.1 Protocol (``query_url``). Writes go through the Graph Store
Protocol when ``graph_store_url`` is given (``PUT``/``DELETE ?graph=NAME``: one request
replaces one graph, which the server commits as one transaction), else through SPARQL 1.1
Update (``update_url``: ``DROP SILENT GRAPH`` and ``INSERT DATA`` in one request). With
neither, the store is read-only. HTTP basic auth is sent when a username is given.

**The server's default graph must be the union of its named graphs**, because queries from
the server's pages and from ``/sparql`` do not name graphs:

- Oxigraph server: ``oxigraph serve --location DIR --union-default-graph`` (tested here).
- Apache Jena Fuseki (TDB2): ``tdb2:unionDefaultGraph true`` on the dataset in the
  assembler, or ``--set tdb2:unionDefaultGraph=true`` on the command line (not tested here).
- Virtuoso: a query without ``FROM`` already sees all graphs; nothing to set, but ``DROP
  GRAPH`` of a missing graph fails unless ``SILENT`` (not tested here).
- GraphDB: the default graph of a query is the union of all graphs by default, unless the
  repository was created with "Enable context index"/``owlim:read-only`` settings that change
  it; check with ``ASK { GRAPH ?g { ?s ?p ?o } }`` versus ``ASK { ?s ?p ?o }`` (not tested here).

How this differs from :class:`~kg.store.embedded.EmbeddedStore`, which keeps its default graph
as the *set* union of the named graphs:

- Oxigraph's union default graph is a *bag*: a triple stated by two articles is two
  solutions of ``{ ?s ?p ?o }`` in a query the client writes (``COUNT(*)`` counts it twice).
  This store's own reads (``count``, ``triples``, ``dump``) do not use the default graph: they
  read ``GRAPH ?g`` with ``DISTINCT``, so they keep set semantics on any server.
- A remote server has no change counter, so the version token lives in the store itself: one
  triple ``<urn:x-newskg:version> owl:versionInfo "TOKEN"`` in the graph
  ``<urn:x-newskg:version>``, rewritten after every write. Every process using the same server
  (``kg ingest`` and ``kg serve``) thus sees the same version. With SPARQL Update it is written
  in the same request as the data; with the Graph Store Protocol in a second request. The
  graph is left out of ``graph_names``, the counts, ``triples`` and the dumps, but queries over
  the union default graph see its one triple.
- Blank nodes cannot be named in a SPARQL query, so ``triples`` with a blank node in the
  pattern finds nothing (our article graphs have none).
- An HTTP client cannot stop a query on the server: on timeout this store stops waiting, the
  server goes on until its own limit (Oxigraph: ``--timeout-s``, which it does not always honour
  promptly; Fuseki: ``arq:queryTimeout``). Oxigraph may also report a query it cancels with
  status 200 and the error as the body, once it has begun the answer.
"""
from __future__ import annotations

import base64
import json
import logging
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from http.client import HTTPException, HTTPResponse
from typing import BinaryIO

import pyoxigraph as ox
from rdflib import OWL, BNode, Graph, Literal, URIRef
from rdflib.term import Node, Variable

from kg.sparql import (GRAPH_FORMATS, SOLUTION_FORMATS, NotAcceptable, QueryAnswer, QueryRequest, QuerySyntaxError,
                       UpdateRequest)
from kg.store import DumpFormat, StoreError, Triple
from kg.store.workers import QueryFailed, QueryTimeout, check_size

log = logging.getLogger(__name__)

VERSION_GRAPH = URIRef("urn:x-newskg:version")
"""The graph holding the version token; not data, so left out of names, counts and dumps."""

_CHUNK = 64 * 1024
_NOT_VERSION = f"FILTER(?g != {VERSION_GRAPH.n3()})"
# A query whose form (after the prologue and comments) is CONSTRUCT or DESCRIBE answers a graph.
_GRAPH_FORM = re.compile(r"(?:\s|#[^\n]*|BASE\s*<[^>]*>|PREFIX\s*[^\s:]*:\s*<[^>]*>)*(?:CONSTRUCT|DESCRIBE)\b",
                         re.IGNORECASE)


def _json_term(value: dict[str, str]) -> Node:
    """A value of a SPARQL JSON solution; a literal keeps the lexical form the server sent."""
    if value["type"] == "uri":
        return URIRef(value["value"])
    if value["type"] == "bnode":
        return BNode(value["value"])
    language = value.get("xml:lang")
    datatype = None if language or "datatype" not in value else URIRef(value["datatype"])
    return Literal(value["value"], lang=language, datatype=datatype, normalize=False)


class RemoteStore:
    """A :class:`~kg.store.Store` and :class:`~kg.sparql.QueryRunner` on a SPARQL 1.1 server."""

    def __init__(self, query_url: str, update_url: str | None = None, graph_store_url: str | None = None,
                 username: str | None = None, password: str | None = None, timeout: float = 30.0,
                 max_answer_bytes: int = 64 * 1024 * 1024, max_answer_rows: int = 1_000_000) -> None:
        self.query_url = query_url
        self.update_url = update_url
        self.graph_store_url = graph_store_url
        self.timeout = timeout
        """The longest any request may take, in seconds; a query may ask for less."""
        self.max_answer_bytes = max_answer_bytes
        """Largest query answer read into memory; a larger one is refused, as the query workers do."""
        self.max_answer_rows = max_answer_rows
        """Most solutions (or triples) an answer may hold, as the query workers allow."""
        self._headers: dict[str, str] = {}
        if username is not None:
            token = base64.b64encode(f"{username}:{password or ''}".encode("utf-8")).decode("ascii")
            self._headers["Authorization"] = f"Basic {token}"
        self._lock = threading.Lock()
        self._running = 0
        self._timed_out = 0

    # --- QueryRunner -----------------------------------------------------------------------------

    def query(self, request: QueryRequest, timeout: float | None = None) -> QueryAnswer:
        """Run ``request`` on the server; its Accept header goes through, the server picks the format."""
        limit = self.timeout if timeout is None else min(timeout, self.timeout)
        parameters = [("default-graph-uri", iri) for iri in request.default_graphs]
        parameters += [("named-graph-uri", iri) for iri in request.named_graphs]
        url = _with_parameters(self.query_url, parameters)
        headers = {"Content-Type": "application/sparql-query; charset=utf-8", "Accept": request.accept}
        deadline = time.monotonic() + limit
        with self._lock:
            self._running += 1
        try:
            with self._open("POST", url, request.text.encode("utf-8"), headers, limit) as response:
                body = self._read_answer(response, deadline, limit)
                media_type = response.headers.get("Content-Type", "application/octet-stream")
        except urllib.error.HTTPError as error:
            raise _query_error(error, request) from None
        except TimeoutError:
            raise self._timeout(limit) from None
        except urllib.error.URLError as error:
            if isinstance(error.reason, TimeoutError):
                raise self._timeout(limit) from None
            raise QueryFailed(f"the SPARQL server at {self.query_url} cannot be reached: {error.reason}") from None
        except (OSError, HTTPException) as error:
            raise QueryFailed(f"the SPARQL server at {self.query_url} broke off the answer: {error!r}") from None
        finally:
            with self._lock:
                self._running -= 1
        answer = QueryAnswer(media_type=media_type, body=body)
        if too_large := check_size(answer, self.max_answer_bytes, self.max_answer_rows):
            raise QueryFailed(too_large)
        return answer

    def select(self, text: str) -> list[dict[str, Node]]:
        answer = self.query(QueryRequest(text, "application/sparql-results+json"))
        return [{name: _json_term(value) for name, value in row.items()}
                for row in json.loads(answer.body)["results"]["bindings"]]

    def stream(self, request: QueryRequest, timeout: float | None = None) -> QueryAnswer:
        """The answer of :meth:`query`, whole: it is read from the server before the client gets
        it, so that the caps are checked first."""
        return self.query(request, timeout)

    def _read_answer(self, response: HTTPResponse, deadline: float, limit: float) -> bytes:
        # The socket timeout bounds each read, not the whole answer: a server that streams rows
        # slowly would never trip it, so the deadline is checked between chunks as well.
        chunks, size = [], 0
        while chunk := response.read(_CHUNK):
            size += len(chunk)
            if size > self.max_answer_bytes:
                raise QueryFailed(f"the answer has more than the {self.max_answer_bytes} bytes this endpoint "
                                  f"sends; narrow the query or add a LIMIT")
            if time.monotonic() > deadline:
                raise self._timeout(limit)
            chunks.append(chunk)
        return b"".join(chunks)

    def _timeout(self, limit: float) -> QueryTimeout:
        with self._lock:
            self._timed_out += 1
        log.warning("stopped waiting for a query on %s after %g s; the server may still be running it",
                    self.query_url, limit)
        return QueryTimeout(f"the query ran longer than its time limit of {limit:g} s; "
                            f"stopped waiting for the SPARQL server at {self.query_url}")

    def status(self) -> dict[str, int]:
        with self._lock:
            return {"running": self._running, "timed_out": self._timed_out}

    # --- Writes ----------------------------------------------------------------------------------

    def replace_graph(self, name: URIRef, ntriples: str) -> None:
        if self.graph_store_url:
            self._put(name, ntriples)
            self._put_version()
        else:
            self._update(f"DROP SILENT GRAPH {name.n3()} ; "
                         f"INSERT DATA {{ GRAPH {name.n3()} {{\n{ntriples}}} }} ; {_version_update()}")

    def add_to_graph(self, name: URIRef, ntriples: str) -> None:
        if self.graph_store_url:
            with self._request("POST", self._graph_url(name), ntriples.encode("utf-8"),
                               {"Content-Type": "application/n-triples"}):
                pass
            self._put_version()
        else:
            self._update(f"INSERT DATA {{ GRAPH {name.n3()} {{\n{ntriples}}} }} ; {_version_update()}")

    def update(self, request: UpdateRequest) -> None:
        """Pass a maintainer's update to the server as it is, with its ``using-graph-uri`` parameters.

        The server's own dataset rules apply: writes to the default graph go where it puts them
        (``request.default_target`` is ours, for the embedded store).
        """
        if not self.update_url:
            raise StoreError(f"the store at {self.query_url} is read-only here: no update URL is set")
        parameters = [("using-graph-uri", iri) for iri in request.using_graphs]
        parameters += [("using-named-graph-uri", iri) for iri in request.using_named_graphs]
        try:
            with self._open("POST", _with_parameters(self.update_url, parameters), request.text.encode("utf-8"),
                            {"Content-Type": "application/sparql-update; charset=utf-8"}, self.timeout):
                pass
        except urllib.error.HTTPError as error:
            if error.code == 400:
                raise QuerySyntaxError(f"the SPARQL server refused the update: {_message(error)}") from None
            raise StoreError(f"the SPARQL server answered the update with {error.code} {error.reason}: "
                             f"{_message(error)}") from None
        except (OSError, HTTPException) as error:
            raise StoreError(f"the update did not reach the SPARQL server at {self.update_url}: {error}") from None
        self._update(_version_update())

    def has_graph(self, name: URIRef) -> bool:
        return self._ask(f"ASK {{ GRAPH {name.n3()} {{}} }}")

    def remove_graph(self, name: URIRef) -> bool:
        if self.graph_store_url:
            try:
                with self._request("DELETE", self._graph_url(name), None, {}):
                    pass
            except _NotFound:
                return False
            self._put_version()
            return True
        if not self.has_graph(name):
            return False
        self._update(f"DROP GRAPH {name.n3()} ; {_version_update()}")
        return True

    def _put(self, name: URIRef, data: str) -> None:
        with self._request("PUT", self._graph_url(name), data.encode("utf-8"),
                           {"Content-Type": "application/n-triples"}):
            pass

    def _put_version(self) -> None:
        """A new version token, in a request of its own: GSP has no multi-graph transaction."""
        self._put(VERSION_GRAPH, _version_graph().serialize(format="nt"))

    def _update(self, text: str) -> None:
        if not self.update_url:
            raise StoreError(f"the store at {self.query_url} is read-only here: no update or graph store URL is set")
        with self._request("POST", self.update_url, text.encode("utf-8"),
                           {"Content-Type": "application/sparql-update; charset=utf-8"}):
            pass

    def _graph_url(self, name: URIRef) -> str:
        assert self.graph_store_url
        return _with_parameters(self.graph_store_url, [("graph", str(name))])

    # --- Reads -----------------------------------------------------------------------------------

    def graph_names(self) -> list[URIRef]:
        rows = self._select(f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{}} {_NOT_VERSION} }}")
        return sorted(URIRef(row["g"]["value"]) for row in rows if row["g"]["type"] == "uri")

    def triples(self, subject: Node | None = None, predicate: Node | None = None, obj: Node | None = None,
                *, limit: int | None = None) -> list[Triple]:
        if any(isinstance(term, BNode) for term in (subject, predicate, obj)):
            return []
        pattern = [Variable(name) if term is None else term for name, term in zip("spo", (subject, predicate, obj))]
        template = " ".join(term.n3() for term in pattern)
        # DISTINCT over the open positions, so a triple stated in two graphs is one triple and
        # counts once against the limit; with every position bound, ?g stands in (the
        # constant template then makes at most one triple).
        projection = " ".join(term.n3() for term in pattern if isinstance(term, Variable)) or "?g"
        text = (f"CONSTRUCT {{ {template} }} WHERE {{ SELECT DISTINCT {projection} WHERE "
                f"{{ GRAPH ?g {{ {template} }} {_NOT_VERSION} }}{'' if limit is None else f' LIMIT {int(limit)}'} }}")
        return list(self._construct(text))

    def count(self) -> int:
        return self._number(f"SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?s ?p ?o WHERE "
                            f"{{ GRAPH ?g {{ ?s ?p ?o }} {_NOT_VERSION} }} }}")

    def quad_count(self) -> int:
        return self._number(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {_NOT_VERSION} }}")

    def version(self) -> str:
        rows = self._select(f"SELECT ?v WHERE {{ GRAPH {VERSION_GRAPH.n3()} {{ {VERSION_GRAPH.n3()} "
                            f"{OWL.versionInfo.n3()} ?v }} }} LIMIT 1")
        return rows[0]["v"]["value"] if rows else "empty"

    def dump(self, output: BinaryIO, format: DumpFormat) -> None:
        if format == "nquads":
            # Graph by graph, each parsed and written as it arrives: memory does not grow with the data.
            for name in self.graph_names():
                graph = ox.NamedNode(str(name))
                with self._graph_response(name) as response:
                    triples = ox.parse(response, ox.RdfFormat.N_TRIPLES)
                    ox.serialize((ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples),
                                 output, ox.RdfFormat.N_QUADS)
        elif format == "turtle":
            # N-Triples is Turtle; the server's answer is copied through without parsing.
            text = (f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SELECT DISTINCT ?s ?p ?o WHERE "
                    f"{{ GRAPH ?g {{ ?s ?p ?o }} {_NOT_VERSION} }} }}")
            with self._query_response(text, "application/n-triples") as response:
                while chunk := response.read(_CHUNK):
                    output.write(chunk)
        else:
            raise ValueError(f"unknown dump format {format!r}")

    def _graph_response(self, name: URIRef) -> AbstractContextManager[HTTPResponse]:
        """The graph ``name`` as N-Triples: a GSP GET, or a CONSTRUCT where there is no graph store."""
        if self.graph_store_url:
            return self._request("GET", self._graph_url(name), None, {"Accept": "application/n-triples"})
        return self._query_response(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {name.n3()} {{ ?s ?p ?o }} }}",
                                    "application/n-triples")

    def _query_response(self, text: str, accept: str) -> AbstractContextManager[HTTPResponse]:
        return self._request("POST", self.query_url, text.encode("utf-8"),
                             {"Content-Type": "application/sparql-query; charset=utf-8", "Accept": accept})

    def _sparql(self, text: str, accept: str) -> bytes:
        with self._query_response(text, accept) as response:
            return response.read()

    def _select(self, text: str) -> list[dict]:
        return json.loads(self._sparql(text, "application/sparql-results+json"))["results"]["bindings"]

    def _ask(self, text: str) -> bool:
        return bool(json.loads(self._sparql(text, "application/sparql-results+json"))["boolean"])

    def _number(self, text: str) -> int:
        (row,) = self._select(text)
        return int(row["n"]["value"])

    def _construct(self, text: str) -> Graph:
        return Graph().parse(data=self._sparql(text, "application/n-triples"), format="nt")

    # --- HTTP ------------------------------------------------------------------------------------

    def _open(self, method: str, url: str, body: bytes | None, headers: dict[str, str],
              timeout: float) -> HTTPResponse:
        request = urllib.request.Request(url, data=body, method=method, headers={**headers, **self._headers})
        return urllib.request.urlopen(request, timeout=timeout)

    @contextmanager
    def _request(self, method: str, url: str, body: bytes | None, headers: dict[str, str]
                 ) -> Iterator[HTTPResponse]:
        """A request of the store's own (not a client's query): any failure is a StoreError in words."""
        try:
            with self._open(method, url, body, headers, self.timeout) as response:
                yield response
        except urllib.error.HTTPError as error:
            if error.code == 404 and method == "DELETE":
                raise _NotFound() from None
            raise StoreError(f"the SPARQL server refused {method} {url}: {error.code} {error.reason}: "
                             f"{_message(error)}") from None
        except TimeoutError:
            raise StoreError(f"the SPARQL server did not answer {method} {url} within {self.timeout:g} s") from None
        except urllib.error.URLError as error:
            raise StoreError(f"the SPARQL server at {url} cannot be reached: {error.reason}") from None
        except (OSError, HTTPException) as error:
            raise StoreError(f"the SPARQL server broke off {method} {url}: {error!r}") from None

    def close(self) -> None:
        """Nothing to release: every request opens and closes its own connection."""


class _NotFound(Exception):
    """The Graph Store Protocol's 404: the graph to delete does not exist."""


def _version_graph() -> Graph:
    graph = Graph()
    graph.add((VERSION_GRAPH, OWL.versionInfo, Literal(uuid.uuid4().hex)))
    return graph


def _version_update() -> str:
    data = _version_graph().serialize(format="nt")
    return f"DROP SILENT GRAPH {VERSION_GRAPH.n3()} ; INSERT DATA {{ GRAPH {VERSION_GRAPH.n3()} {{ {data} }} }}"


def _with_parameters(url: str, parameters: list[tuple[str, str]]) -> str:
    if not parameters:
        return url
    return url + ("&" if "?" in url else "?") + urllib.parse.urlencode(parameters)


def _message(error: urllib.error.HTTPError) -> str:
    return error.read(4096).decode("utf-8", errors="replace").strip()


def _query_error(error: urllib.error.HTTPError, request: QueryRequest) -> Exception:
    """A client's query refused by the server, as the exception the query runners raise."""
    if error.code == 400:
        return QuerySyntaxError(f"the SPARQL server refused the query: {_message(error)}")
    if error.code == 406:
        if _GRAPH_FORM.match(request.text):
            return NotAcceptable("graph", GRAPH_FORMATS)
        return NotAcceptable("table", SOLUTION_FORMATS)
    return QueryFailed(f"the SPARQL server answered {error.code} {error.reason}: {_message(error)}")
