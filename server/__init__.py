"""The HTTP face of the knowledge graph: a Flask application factory and its blueprints.

Handlers never touch a database handle: they call the :class:`kg.store.Store` interface,
which may run in this process, in worker processes or on a remote SPARQL server.
"""
from __future__ import annotations

import logging
import time

from flask import Flask, Response, g, request

from kg.config import Settings
from kg.iris import Minter
from kg.sparql import QueryRunner
from kg.store import Store, writing
from server.documents import DocumentCache


DOCUMENT_CACHE_BYTES = 64 * 2**20
"""What the documents kept between changes of the data may take (see :mod:`server.documents`)."""


def create_app(settings: Settings, store: Store, queries: QueryRunner) -> Flask:
    """The app over ``store``; SPARQL queries, which may run for long, go to ``queries``; maintainers'
    writes open the store for each write (:func:`kg.store.writing`)."""
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_request_bytes
    app.extensions["kg"] = {"settings": settings, "store": store, "queries": queries,
                            "writer": writing(settings), "minter": Minter(settings.base),
                            "documents": DocumentCache(DOCUMENT_CACHE_BYTES)}
    _log_requests(app)

    from server import dataset, dumps, linked_data, maintenance, pages, query_page, sparql

    app.register_blueprint(pages.blueprint)
    app.register_blueprint(sparql.blueprint)
    app.register_blueprint(linked_data.blueprint)
    app.register_blueprint(dumps.blueprint)
    app.register_blueprint(dataset.blueprint)
    app.register_blueprint(maintenance.blueprint)
    app.register_blueprint(query_page.blueprint)
    return app


def _log_requests(app: Flask) -> None:
    """One line per request, with its status and duration, on the ``kg.access`` logger."""
    access = logging.getLogger("kg.access")

    @app.before_request
    def start_clock() -> None:
        g.started = time.perf_counter()

    @app.after_request
    def log_request(response: Response) -> Response:
        elapsed = (time.perf_counter() - g.get("started", time.perf_counter())) * 1000
        access.info("%s %s %s %d %.1fms", request.remote_addr, request.method, request.full_path.rstrip("?"),
                    response.status_code, elapsed)
        return response
