"""A real SPARQL server for the remote-store tests, speaking real HTTP, not a mock.

By default the Oxigraph server (the ``oxigraph`` command of the PyPI package ``oxigraph``),
started in a subprocess on a free loopback port with a store in a temporary directory. To run
the same tests against another server (Fuseki, Virtuoso, GraphDB, ...), name a scratch dataset
on it, which the tests empty again and again, with ``KG_TEST_QUERY_URL``, ``KG_TEST_UPDATE_URL``
and ``KG_TEST_GRAPH_STORE_URL`` (its default graph must be the union of its named graphs; see
:mod:`kg.store.remote`). The tests of Oxigraph's own behaviour then skip.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import free_port, stop, wait_until_answering

NOT_INSTALLED = "the Oxigraph server is not installed (pip install oxigraph provides the `oxigraph` command)"


@dataclass(frozen=True)
class SparqlServer:
    query_url: str
    update_url: str
    graph_store_url: str
    version: str
    """What the server says it is; starts with ``oxigraph`` for the Oxigraph server."""

    @property
    def is_oxigraph(self) -> bool:
        return self.version.startswith("oxigraph")

    def update(self, text: str) -> None:
        """Run a SPARQL update directly, bypassing the code under test (to empty the server)."""
        request = urllib.request.Request(self.update_url, data=text.encode("utf-8"), method="POST",
                                         headers={"Content-Type": "application/sparql-update"})
        with urllib.request.urlopen(request, timeout=10):
            pass


def oxigraph_command() -> str | None:
    """The ``oxigraph`` executable next to this Python (a venv not on PATH), else on PATH."""
    beside = Path(sys.executable).with_name("oxigraph")
    return str(beside) if beside.is_file() else shutil.which("oxigraph")


@contextlib.contextmanager
def sparql_server(location: Path, logs: Path) -> Iterator[SparqlServer]:
    """The server ``KG_TEST_QUERY_URL`` and its companions name, else ``oxigraph serve`` started here."""
    if query_url := os.environ.get("KG_TEST_QUERY_URL"):
        yield SparqlServer(query_url, os.environ.get("KG_TEST_UPDATE_URL", ""),
                           os.environ.get("KG_TEST_GRAPH_STORE_URL", ""), f"the server at {query_url}")
        return
    with oxigraph_server(location, logs) as server:
        yield server


@contextlib.contextmanager
def oxigraph_server(location: Path, logs: Path, timeout_s: int = 30) -> Iterator[SparqlServer]:
    """``oxigraph serve`` on ``location``, its default graph the union of the named graphs."""
    command = oxigraph_command()
    if command is None:
        pytest.skip(NOT_INSTALLED)
    version = subprocess.run([command, "--version"], capture_output=True, text=True, check=True).stdout.strip()
    help_text = subprocess.run([command, "serve", "--help"], capture_output=True, text=True, check=True).stdout
    url = f"http://127.0.0.1:{free_port()}"
    argv = [command, "serve", "--location", str(location), "--bind", url.removeprefix("http://"),
            # A safety net: an HTTP client's timeout cannot stop a query the server is running.
            "--timeout-s", str(timeout_s)]
    if "--union-default-graph" in help_text:
        argv.append("--union-default-graph")
    log_path = logs / "oxigraph.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT)
    server = SparqlServer(url + "/query", url + "/update", url + "/store", version)
    try:
        probe = urllib.request.Request(server.query_url, data=b"ASK {}", method="POST",
                                       headers={"Content-Type": "application/sparql-query"})
        wait_until_answering(process, probe, log_path, "oxigraph serve")
        yield server
    finally:
        stop(process)

