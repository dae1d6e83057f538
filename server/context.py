"""What the handlers share: the settings, the store, the IRI minter and the kept documents of the running app."""
from __future__ import annotations

from contextlib import AbstractContextManager

from flask import current_app

from kg.config import Settings
from kg.iris import Minter
from kg.sparql import QueryRunner
from kg.store import Store
from server.documents import DocumentCache


def settings() -> Settings:
    return current_app.extensions["kg"]["settings"]


def store() -> Store:
    return current_app.extensions["kg"]["store"]


def queries() -> QueryRunner:
    return current_app.extensions["kg"]["queries"]


def minter() -> Minter:
    return current_app.extensions["kg"]["minter"]


def documents() -> DocumentCache:
    return current_app.extensions["kg"]["documents"]


def writing() -> AbstractContextManager[Store]:
    """The store opened for one write (see :func:`kg.store.writing`)."""
    return current_app.extensions["kg"]["writer"]()
