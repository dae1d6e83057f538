"""Where the Turtle files the code needs at run time (ontology, shapes) are found, and their graphs.

An installed wheel carries them inside the package (``kg/data/``); a source checkout keeps
them at the top of the repository, where people edit them.
"""
from __future__ import annotations

import functools
from pathlib import Path

from rdflib import Graph

_PACKAGE = Path(__file__).resolve().parent


def resource_dir(name: str) -> Path:
    """The folder ``ontology`` or ``shapes``."""
    for candidate in (_PACKAGE / "data" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"the {name} folder is missing from the installation")


@functools.cache
def resource_graph(name: str) -> Graph:
    """All Turtle files of the folder ``name`` as one graph, parsed once per process."""
    graph = Graph()
    for path in sorted(resource_dir(name).glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph
