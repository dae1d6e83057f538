"""Dereferenceable resources: ``/id/...`` names a thing, ``/doc/...`` is the document about it.

``GET /id/x`` answers 303 See Other to ``/doc/x``, whatever host and port the server runs on:
the path, resolved against the configured base IRI, names the resource. The document is
negotiated (HTML, Turtle, JSON-LD, N-Triples, RDF/XML), or fixed by an extension
(``/doc/x.ttl``).

A document holds one page of the resource's incoming links (``?page=N``, from 1). The data
says which page it is in Hydra: the resource's ``hydra:collection`` of the resources linking
to it has ``hydra:totalItems`` and this page's ``hydra:member``s, and, when there is more than
one page, a ``hydra:view`` (a ``hydra:PartialCollectionView``) with ``hydra:first``,
``hydra:previous``, ``hydra:next`` and ``hydra:last``; the ``Link`` header says ``next`` and
``prev`` too. Documents carry an ETag and, when articles date them, ``Last-Modified``, and
answer revalidation (``If-None-Match`` first, else ``If-Modified-Since``) with 304. Each
representation is kept as sent until the data changes (:mod:`server.documents`).
"""
from __future__ import annotations

import datetime as dt
import json

import pyoxigraph as ox

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from rdflib import RDF, Graph, Literal, Namespace, URIRef

from kg.describe import Document, Incoming, PageNotFound, describe, is_known
from kg.sparql import choose
from kg.store.embedded import to_oxigraph
from kg.store.workers import QueryBusy, QueryTimeout
from kg.vocab import PREFIXES, SCHEMA
from server import context
from server.documents import SentDocument
from server.views import page_view, pager

blueprint = Blueprint("linked_data", __name__)

HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
SERIALIZATIONS = {  # media type: extension
    "text/turtle": "ttl",
    "application/ld+json": "jsonld",
    "application/n-triples": "nt",
    "application/rdf+xml": "rdf",
}
_OXIGRAPH_FORMATS = {"text/turtle": ox.RdfFormat.TURTLE, "application/n-triples": ox.RdfFormat.N_TRIPLES,
                     "application/rdf+xml": ox.RdfFormat.RDF_XML}
OFFERED = ("text/html", "application/xhtml+xml", *SERIALIZATIONS)
EXTENSIONS = {extension: media_type for media_type, extension in SERIALIZATIONS.items()} | {
    "html": "text/html"
}


@blueprint.route("/id/<path:key>")
def resource(key: str) -> Response:
    resource_iri = context.minter().resource(key)
    if resource_iri is None or not is_known(context.store(), resource_iri):
        abort(404, description=f"nothing is known about the resource id/{key}")
    return redirect(url_for(".document", key=key, **request.args), code=303)  # ?page=N goes along


@blueprint.route("/doc/<path:key>")
def document(key: str) -> Response:
    page = _page_number()
    found = _resolve(key)
    if found is None:
        abort(404, description=f"nothing is known about the resource id/{key}")
    resource_iri, stem, media_type = found
    if media_type is None:
        media_type = choose(request.headers.get("Accept", "*/*"), OFFERED)
        if media_type is None:
            response = Response(
                "this document is available as " + ", ".join(OFFERED[:1] + OFFERED[2:]) + "\n",
                status=406, mimetype="text/plain")
            response.headers["Vary"] = "Accept"
            return response
    version, kept = context.store().version(), (key, page, media_type)
    sent = context.documents().get(version, kept)
    if sent is None:
        sent = _put_together(resource_iri, key, stem, page, media_type)
        context.documents().put(version, kept, sent)
    response = Response(sent.body, content_type=sent.content_type)
    response.headers["Vary"] = "Accept"
    response.headers["Link"] = sent.link
    response.add_etag()  # a crawler revalidating an unchanged document gets 304 and no body
    if sent.modified is not None:  # never later than now (RFC 9110, 8.8.2.1)
        response.last_modified = min(sent.modified, dt.datetime.now(dt.UTC))
    return response.make_conditional(request)


def _put_together(resource_iri: URIRef, key: str, stem: str, page: int, media_type: str) -> SentDocument:
    """The document of ``resource_iri`` as it is sent: its ``page`` of incoming links, in ``media_type``."""
    try:
        found_document = describe(context.store(), resource_iri, page)
        _state_paging(found_document, resource_iri)
        response = _represent(found_document, resource_iri, key, media_type)
    except PageNotFound as error:
        abort(404, description=str(error))
    except QueryTimeout as error:
        abort(503, description=f"the document took too long to put together: {error}")
    except QueryBusy as error:
        abort(Response(f"the server is busy: {error}\n", status=503, mimetype="text/plain",
                       headers={"Retry-After": str(max(1, round(context.settings().query_wait)))}))
    return SentDocument(response.get_data(), response.content_type,
                        _link_header(key, stem, found_document.incoming), found_document.modified)


def _page_number() -> int:
    """The page the ``page`` parameter asks for; 1 without one."""
    values = request.args.getlist("page")
    if len(values) > 1:
        abort(400, description="more than one page parameter: ask for one page")
    if not values:
        return 1
    try:
        page = int(values[0]) if values[0].isascii() and values[0].isdigit() else 0
    except ValueError:  # more digits than Python converts
        page = 0
    if page < 1:
        abort(400, description=f"page must be a whole number from 1 up, not {values[0]!r}")
    return page


def _link_header(key: str, stem: str, incoming: Incoming) -> str:
    """The page in the other formats, and the pages before and after it (in the format asked for,
    by extension or by negotiation, as ``key`` has it)."""
    page = incoming.page
    links = [f'<{url_for(".document", key=f"{stem}.{extension}", page=_page_parameter(page))}>; rel="alternate"; '
             f'type="{alternate}"' for alternate, extension in SERIALIZATIONS.items()]
    if page > 1:
        links.append(f'<{url_for(".document", key=key, page=_page_parameter(page - 1))}>; rel="prev"')
    if page < incoming.pages:
        links.append(f'<{url_for(".document", key=key, page=page + 1)}>; rel="next"')
    return ", ".join(links)


def _page_parameter(page: int) -> int | None:
    """Page 1 is the document itself, without a parameter."""
    return page if page > 1 else None


def _resolve(key: str) -> tuple[URIRef, str, str | None] | None:
    """The resource a document path names, the path without its extension, and the media type
    the extension fixes (None to negotiate); None when the store knows no such resource."""
    minter, store = context.minter(), context.store()
    resource_iri = minter.resource(key)
    if resource_iri is not None and is_known(store, resource_iri):
        return resource_iri, key, None
    stem, dot, extension = key.rpartition(".")
    if dot and extension in EXTENSIONS:
        resource_iri = minter.resource(stem)
        if resource_iri is not None and is_known(store, resource_iri):
            return resource_iri, stem, EXTENSIONS[extension]
    return None


def _state_paging(found: Document, resource_iri: URIRef) -> None:
    """Say in the data which page of the links to the resource the document holds (Hydra)."""
    incoming = found.incoming
    if not incoming.total:
        return
    graph, base = found.graph, context.settings().base
    document_iri = str(resource_iri).replace(base + "id/", base + "doc/", 1)

    def page_iri(number: int) -> URIRef:
        return URIRef(document_iri if number == 1 else f"{document_iri}?page={number}")

    collection = URIRef(document_iri + "#incoming")
    graph.bind("hydra", HYDRA)
    graph.add((resource_iri, HYDRA.collection, collection))
    graph.add((collection, RDF.type, HYDRA.Collection))
    graph.add((collection, HYDRA.totalItems, Literal(incoming.total)))
    for subject in incoming.subjects:
        graph.add((collection, HYDRA.member, subject))
    if incoming.pages == 1:
        return
    view = page_iri(incoming.page)
    graph.add((collection, HYDRA.view, view))
    graph.add((view, RDF.type, HYDRA.PartialCollectionView))
    graph.add((view, HYDRA.first, page_iri(1)))
    graph.add((view, HYDRA.last, page_iri(incoming.pages)))
    if incoming.page > 1:
        graph.add((view, HYDRA.previous, page_iri(incoming.page - 1)))
    if incoming.page < incoming.pages:
        graph.add((view, HYDRA.next, page_iri(incoming.page + 1)))


def _represent(found: Document, resource_iri: URIRef, key: str, media_type: str) -> Response:
    if media_type not in ("text/html", "application/xhtml+xml"):
        return Response(serialize(found.graph, media_type), content_type=_with_charset(media_type))
    store = context.store()
    view = page_view(store, found, resource_iri, context.settings().base)
    links = pager(store, found.incoming, resource_iri,
                  lambda number: url_for(".document", key=key, page=_page_parameter(number)))
    body = render_template(view.template, view=view, pager=links,
                           jsonld=_script_safe(serialize(found.graph, "application/ld+json")))
    return Response(body, mimetype="text/html")


JSON_LD_CONTEXT = {"@vocab": str(SCHEMA)} | {prefix: iri for prefix, iri in PREFIXES.items() if prefix != "schema"} | {
    "hydra": str(HYDRA)}
"""schema.org as the vocabulary, so documents read as plain schema.org JSON-LD ("headline",
"@type": "NewsArticle") for search engines and web developers; our other vocabularies by prefix."""


def serialize(graph: Graph, media_type: str) -> str | bytes:
    """``graph`` in ``media_type``: JSON-LD compacted by rdflib with our context, the others
    written by Oxigraph, which takes a tenth of rdflib's time (most of a document's)."""
    if media_type == "application/ld+json":
        return graph.serialize(format="json-ld", context=JSON_LD_CONTEXT, auto_compact=True)
    triples = (ox.Triple(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o)) for s, p, o in graph)
    return ox.serialize(triples, format=_OXIGRAPH_FORMATS[media_type], prefixes=PREFIXES)


def _with_charset(media_type: str) -> str:
    return media_type + "; charset=utf-8" if media_type.startswith("text/") else media_type


def _script_safe(text: str) -> str:
    """JSON that cannot close the ``<script>`` element it is embedded in."""
    return json.dumps(json.loads(text), ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e")


