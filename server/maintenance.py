"""Writing for maintainers: SPARQL 1.1 Update at ``/update`` and the Graph Store Protocol at ``/store``.

Both are off unless the operator sets ``update_token``, and then answer only requests that carry
it as ``Authorization: Bearer <token>``. The public endpoint ``/sparql`` stays read-only.

Graphs are named indirectly (``/store?graph=IRI``, ``/store?default``) or directly (any path
under ``/store/``, the graph being the request's own URL). The default graph that queries see is
the union of all named graphs, so writes addressed to it go to the named graph
:attr:`kg.iris.Minter.default_graph`, and a GET of it returns the union.

Writes bypass the ingest pipeline and its SHACL shapes: they are the maintainers' tool for
mending and for data that is not articles. Each write opens the store for writing only while it
runs (:func:`kg.store.writing`), so ``kg ingest`` can still write the same store between them.
"""
from __future__ import annotations

import hmac
import re
from collections.abc import Callable

from flask import Blueprint, Response, request
from rdflib import Graph, URIRef
from rdflib.util import guess_format

from kg.sparql import NotAcceptable, QueryRequest, QuerySyntaxError, UpdateRefused, UpdateRequest
from kg.store import Store, StoreError
from kg.store.workers import QueryBusy, QueryFailed, QueryTimeout
from server import context

blueprint = Blueprint("maintenance", __name__)

_FORM = "application/x-www-form-urlencoded"
_DIRECT = "application/sparql-update"
# RDF formats a graph may be sent in, by media type, as rdflib names them.
_PARSERS = {
    "text/turtle": "turtle",
    "application/x-turtle": "turtle",
    "text/n3": "n3",
    "application/n-triples": "nt",
    "text/plain": "nt",
    "application/rdf+xml": "xml",
    "application/ld+json": "json-ld",
}
_ABSOLUTE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]*$")


def _error(status: int, message: str) -> Response:
    return Response(message + "\n", status=status, mimetype="text/plain")


def _done(status: int = 204) -> Response:
    """A write's answer without a body: 204 No Content, or 201 Created for a new graph."""
    response = Response(status=status)
    del response.headers["Content-Type"]
    return response


@blueprint.before_request
def require_token() -> Response | None:
    token = context.settings().update_token
    if not token:
        return _error(403, "writing is disabled on this server: its operator has set no update_token "
                           "(SPARQL queries go to /sparql)")
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), token.encode()):
        response = _error(401, "send the maintainers' token as 'Authorization: Bearer <token>'")
        response.headers["WWW-Authenticate"] = 'Bearer realm="kg"'
        return response
    return None


def _written(write: Callable[[Store], Response]) -> Response:
    """Run ``write`` on the store opened for writing, turning the store's refusals into answers."""
    try:
        with context.writing() as store:
            return write(store)
    except QuerySyntaxError as error:
        return _error(400, str(error))
    except UpdateRefused as error:
        return _error(400, str(error))
    except StoreError as error:
        response = _error(503, f"the store cannot be written now: {error}")
        response.headers["Retry-After"] = "5"
        return response


@blueprint.route("/update", methods=["POST"])
def update() -> Response:
    if request.mimetype == _DIRECT:
        charset = request.mimetype_params.get("charset", "utf-8").lower()
        if charset not in ("utf-8", "utf8"):
            return _error(415, f"send the update in UTF-8, not {charset}")
        params = request.args
        try:
            texts = [request.get_data().decode("utf-8")]
        except UnicodeDecodeError as error:
            return _error(400, f"the update is not valid UTF-8: {error}")
    elif request.mimetype == _FORM:
        params = request.form
        texts = params.getlist("update")
    else:
        return _error(415, f"POST an update as {_DIRECT} or as a {_FORM} form with an 'update' field, "
                           f"not as {request.mimetype or 'no type'}")
    if "query" in params:
        return _error(400, "this is the update service: send queries to /sparql")
    if len(texts) != 1:
        return _error(400, f"send exactly one 'update' parameter, not {len(texts)}")
    bad = [iri for iri in params.getlist("using-graph-uri") + params.getlist("using-named-graph-uri")
           if not _ABSOLUTE_IRI.match(iri)]
    if bad:
        return _error(400, f"not an absolute IRI: {bad[0]!r}")
    change = UpdateRequest(
        text=texts[0],
        default_target=str(context.minter().default_graph),
        using_graphs=tuple(params.getlist("using-graph-uri")),
        using_named_graphs=tuple(params.getlist("using-named-graph-uri")),
        base_iri=request.base_url,
    )

    def run(store: Store) -> Response:
        store.update(change)
        return _done()

    return _written(run)


@blueprint.route("/store", methods=["GET", "PUT", "POST", "DELETE"])
@blueprint.route("/store/<path:path>", methods=["GET", "PUT", "POST", "DELETE"])
def graph_store(path: str | None = None) -> Response:
    if path is not None:
        if "graph" in request.args or "default" in request.args:
            return _error(400, "name the graph either by the path under /store/ or by ?graph= / ?default, not both")
        name: URIRef | None = URIRef(request.base_url)
    elif "graph" in request.args and "default" in request.args:
        return _error(400, "name one graph: ?graph=IRI or ?default, not both")
    elif "default" in request.args:
        name = None
    elif "graph" in request.args:
        if not _ABSOLUTE_IRI.match(request.args["graph"]):
            return _error(400, f"?graph= must be an absolute IRI, not {request.args['graph']!r}")
        name = URIRef(request.args["graph"])
    elif request.method == "POST":
        return _post_new_graph()
    else:
        return _error(400, "name the graph: /store?graph=IRI, /store?default, or a path under /store/")

    if request.method in ("GET", "HEAD"):
        return _get(name)
    if request.method == "DELETE":
        return _delete(name)
    ntriples = _received_ntriples()
    if isinstance(ntriples, Response):
        return ntriples
    target = name or context.minter().default_graph
    replace = request.method == "PUT"

    def write(store: Store) -> Response:
        existed = name is None or store.has_graph(target)
        if replace:
            store.replace_graph(target, ntriples)
        else:
            store.add_to_graph(target, ntriples)
        return _done(204 if existed else 201)

    return _written(write)


def _get(name: URIRef | None) -> Response:
    if name is not None and not context.store().has_graph(name):
        return _error(404, f"there is no graph {name} in the store")
    pattern = "{ ?s ?p ?o }" if name is None else f"{{ GRAPH {name.n3()} {{ ?s ?p ?o }} }}"
    query = QueryRequest(text=f"CONSTRUCT {{ ?s ?p ?o }} WHERE {pattern}", accept=request.headers.get("Accept", "*/*"))
    try:
        answer = context.queries().query(query)
    except NotAcceptable as error:
        return _error(406, str(error))
    except (QueryTimeout, QueryBusy) as error:
        return _error(503, str(error))
    except QueryFailed as error:
        return _error(500, f"reading the graph failed: {error}")
    response = Response(answer.body, content_type=answer.media_type)
    response.headers["Vary"] = "Accept"
    return response


def _delete(name: URIRef | None) -> Response:
    target = name or context.minter().default_graph

    def write(store: Store) -> Response:
        if not store.remove_graph(target) and name is not None:
            return _error(404, f"there is no graph {name} in the store")
        return _done()

    return _written(write)


def _post_new_graph() -> Response:
    ntriples = _received_ntriples()
    if isinstance(ntriples, Response):
        return ntriples
    name = context.minter().new_graph()

    def write(store: Store) -> Response:
        store.add_to_graph(name, ntriples)
        response = _done(201)
        response.headers["Location"] = str(name)
        return response

    return _written(write)


def _received_ntriples() -> str | Response:
    """The RDF graph in the request body (or in each part of a multipart form) as N-Triples, as
    the store takes it, or the 4xx answer."""
    graph = Graph()
    if request.mimetype == "multipart/form-data":
        if not request.files:
            return _error(400, "the multipart request holds no file part")
        parts = [(part.mimetype, part.read(), part.filename) for part in request.files.values()]
    else:
        parts = [(request.mimetype, request.get_data(), None)]
    for media_type, data, filename in parts:
        format = _PARSERS.get(media_type) or (guess_format(filename) if filename else None)
        if format is None:
            return _error(415, f"send the graph as one of {', '.join(_PARSERS)}, not {media_type or 'no type'}"
                               + (f" (part {filename})" if filename else ""))
        try:
            graph.parse(data=data, format=format, publicID=request.base_url)
        except Exception as error:  # rdflib's parsers raise many kinds; each is a malformed body
            return _error(400, f"the {media_type} body does not parse: {error}")
    return graph.serialize(format="nt")
