"""The HTTP face of the knowledge graph: a Flask application factory and its blueprints.

Handlers never touch a database handle: they call the :class:`kg.store.Store` interface,
which may run in this process, in worker processes or on a remote SPARQL server.
"""
from __future__ import annotations

from flask import Flask

from kg.config import Settings
from kg.iris import Minter
from kg.sparql import QueryRunner
from kg.store import Store


def create_app(settings: Settings, store: Store, queries: QueryRunner) -> Flask:
    """The app over ``store``; SPARQL queries, which may run for long, go to ``queries``."""
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_request_bytes
    app.extensions["kg"] = {"settings": settings, "store": store, "queries": queries,
                            "minter": Minter(settings.base)}

    from server import dumps, linked_data, pages, sparql

    app.register_blueprint(pages.blueprint)
    app.register_blueprint(sparql.blueprint)
    app.register_blueprint(linked_data.blueprint)
    app.register_blueprint(dumps.blueprint)
    return app
