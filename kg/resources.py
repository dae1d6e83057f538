"""Where the Turtle files the code needs at run time (ontology, shapes) are found.

An installed wheel carries them inside the package (``kg/data/``); a source checkout keeps
them at the top of the repository, where people edit them.
"""
from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def resource_dir(name: str) -> Path:
    """The folder ``ontology`` or ``shapes``."""
    for candidate in (_PACKAGE / "data" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"the {name} folder is missing from the installation")
