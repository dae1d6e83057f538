"""A real Oxigraph SPARQL server (the ``oxigraph`` command of the PyPI package ``oxigraph``) for tests.

Started in a subprocess on a free loopback port with a store in a temporary directory, so the
remote store is tested against a server speaking real HTTP, not a mock.
"""
from __future__ import annotations

import contextlib
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
class OxigraphServer:
    url: str
    version: str

    @property
    def query_url(self) -> str:
        return self.url + "/query"

    @property
    def update_url(self) -> str:
        return self.url + "/update"

    @property
    def graph_store_url(self) -> str:
        return self.url + "/store"

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
def oxigraph_server(location: Path, logs: Path, timeout_s: int = 30) -> Iterator[OxigraphServer]:
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
    server = OxigraphServer(url, version)
    try:
        probe = urllib.request.Request(server.query_url, data=b"ASK {}", method="POST",
                                       headers={"Content-Type": "application/sparql-query"})
        wait_until_answering(process, probe, log_path, "oxigraph serve")
        yield server
    finally:
        stop(process)

