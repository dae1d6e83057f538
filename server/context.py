"""What the handlers share: the settings, the store and the IRI minter of the running app."""
from __future__ import annotations

from contextlib import AbstractContextManager

from flask import current_app

from kg.config import Settings
from kg.iris import Minter
from kg.sparql import QueryRunner
from kg.store import Store


def settings() -> Settings:
    return current_app.extensions["kg"]["settings"]


def store() -> Store:
    return current_app.extensions["kg"]["store"]


def queries() -> QueryRunner:
    return current_app.extensions["kg"]["queries"]


def minter() -> Minter:
    return current_app.extensions["kg"]["minter"]


def writing() -> AbstractContextManager[Store]:
    """The store opened for one write (see :func:`kg.store.writing`)."""
    return current_app.extensions["kg"]["writer"]()
