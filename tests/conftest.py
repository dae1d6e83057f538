"""Shared helpers: run the real ``kg`` command, and a real server on a real store for HTTP tests.

Nothing here is mocked: the live server is ``kg serve`` in a subprocess, on a store that ``kg
ingest`` filled, listening on a free loopback port.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED = REPO_ROOT.parent / "shared"
SHARED_ARTICLE = SHARED / "corpus" / "text" / "dw-34FAo.txt"
SHARED_MISSING = f"the shared corpus is absent ({SHARED_ARTICLE} not found)"

_CLI = "import sys; from kg.cli import main; sys.exit(main(sys.argv[1:]))"


def pytest_configure(config: pytest.Config) -> None:
    # rdflib's own parsers use APIs rdflib deprecates; that noise says nothing about this project.
    config.addinivalue_line("filterwarnings", "ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
    config.addinivalue_line("filterwarnings", "ignore:Dataset.default_context is deprecated:DeprecationWarning")


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """The pass rate of each W3C SPARQL 1.1 suite that ran (tests/test_w3c_*.py)."""
    from w3c.report import summary

    if lines := summary(terminalreporter.stats):
        terminalreporter.section("W3C SPARQL 1.1 test suites")
        for line in lines:
            terminalreporter.write_line(line)


def kg_command(*args: object) -> list[str]:
    """The argv that runs ``kg ARGS``: the installed script next to this Python, else the module."""
    script = Path(sys.executable).with_name("kg")
    if script.is_file() and os.access(script, os.X_OK) and shutil.which(str(script)):
        return [str(script), *map(str, args)]
    return [sys.executable, "-c", _CLI, *map(str, args)]


def kg_env(env: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of a ``kg`` process: ours without KG_* settings, the repository importable."""
    base = {name: value for name, value in os.environ.items() if not name.startswith("KG_")}
    base["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")]))
    base.update(env or {})
    return base


def run_kg(*args: object, cwd: Path | str | None = None, env: dict[str, str] | None = None,
           input: str | None = None, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Run ``kg ARGS`` to completion, capturing its output as text."""
    return subprocess.run(kg_command(*args), cwd=cwd, env=kg_env(env), input=input, capture_output=True,
                          text=True, timeout=timeout)


def ok(result: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    """``result`` of a ``kg`` run that must have succeeded; its output is the failure message."""
    assert result.returncode == 0, f"exit {result.returncode}\n{result.stdout}\n{result.stderr}"
    return result


def number(store: Path, query: str, cwd: Path) -> int:
    """The single number a COUNT query answers, asked through ``kg query``."""
    return int(ok(run_kg("query", "--store", store, query, cwd=cwd)).stdout.split()[-1])


def stop(process: subprocess.Popen) -> None:
    """End a server process: politely, then for sure."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def free_port() -> int:
    """A loopback TCP port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def shared_path(*parts: str) -> Path:
    """A path under ../shared; skips the calling test when the shared corpus is absent."""
    if not SHARED_ARTICLE.is_file():
        pytest.skip(SHARED_MISSING)
    return SHARED.joinpath(*parts)


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """../shared, or a skip with a clear message when its corpus is not there."""
    return shared_path()


# --- Articles of our own, in the rendered page-text format ------------------------------------

HARBOUR_HEADLINE = "Port city bets on hydrogen ferries"
HARBOUR_URL = "https://news.example.org/business/hydrogen-ferries-7731"
HARBOUR = f"""1. Skip to content
2. Skip to main menu
Business

{HARBOUR_HEADLINE}

2021-03-18 09:45 UTC

The northern port of Eastharbour wants to replace its diesel ferries with hydrogen boats by the end of the decade. Local shipyards say that they are ready for the orders.

https://proxy.example.net:8443/https/news.example.org/business/hydrogen-ferries-7731
A ferry leaves the Eastharbour terminal at dawn
Image: Example Photo Agency/J. Doe

The city council voted on Wednesday to fund the first two vessels, which are to carry up to 300 passengers each across the bay.

Read more: Shipyards look for new orders
https://news.example.org/business/shipyards-orders-5120

Engineers at the municipal utility said the fuel would be made from wind power on the coast, and that the tanks would be built next to the old grain silos.

Costs and doubts

Opposition members said the price of the ferries was still far higher than that of boats with batteries, and asked for an independent review.

The mayor answered that the review would be published before the summer.

mk/ls (AFP, Reuters)

Send us your feedback
Example News footer text that is not part of the article.
"""

MARKUP_HEADLINE = "Hackers plant <script>alert(1)</script> on city portal"
MARKUP_BODY_TAG = "<img src=x onerror=alert(1)>"
MARKUP = f"""Technology

{MARKUP_HEADLINE}

12 May 2022

Attackers changed the web portal of the city so that visitors were shown a fake login form, the administration said on Thursday.

https://news.example.org/tech/city-portal-hack-9902

The injected code included a tag such as {MARKUP_BODY_TAG} that ran whenever the page was opened by a visitor.

The city has since taken the portal offline and asked all residents to change their passwords.

(dpa)
"""

INLINE_ARTICLES = {"harbour.txt": HARBOUR, "markup.txt": MARKUP}
INLINE_HEADLINES = [HARBOUR_HEADLINE, MARKUP_HEADLINE]


class LiveServer(str):
    """The base URL of the running server (``http://127.0.0.1:PORT``), with what it serves."""

    store: Path
    headlines: list[str]
    has_shared: bool


def wait_until_answering(process: subprocess.Popen, probe: urllib.request.Request | str, log_path: Path,
                         name: str, timeout: float = 20) -> None:
    """Wait until a server process answers ``probe`` with 200; fail with its log if it exits or never does."""
    deadline = time.monotonic() + timeout
    last_error: object = None
    target = probe if isinstance(probe, str) else probe.full_url
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{name} exited with status {process.returncode} before answering {target}:\n"
                        f"{log_path.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(probe, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, OSError) as error:
            last_error = error
        time.sleep(0.1)
    pytest.fail(f"{name} did not answer {target} within {timeout} s (last error: {last_error}):\n"
                f"{log_path.read_text(errors='replace')}")


@pytest.fixture(scope="session")
def live_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store filled by ``kg ingest``: the shared DW article when present, and our own articles."""
    root = tmp_path_factory.mktemp("live")
    articles = root / "articles"
    articles.mkdir()
    for name, text in INLINE_ARTICLES.items():
        (articles / name).write_text(text, encoding="utf-8")
    paths = [articles]
    if SHARED_ARTICLE.is_file():
        paths.append(SHARED_ARTICLE)
    store = root / "store"
    result = run_kg("ingest", "--store", store, *paths, cwd=root)
    if result.returncode != 0:
        pytest.fail(f"kg ingest failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return store


@contextlib.contextmanager
def serve(store: Path, logs: Path, env: dict[str, str] | None = None) -> Iterator[str]:
    """``kg serve`` on ``store``, started for real on a free loopback port; yields its base URL."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    stdout_path, stderr_path = logs / "stdout.txt", logs / "stderr.txt"
    with stdout_path.open("wb") as stdout, stderr_path.open("wb") as stderr:
        process = subprocess.Popen(kg_command("serve", "--store", store, "--port", port),
                                   cwd=logs, env=kg_env(env), stdout=stdout, stderr=stderr)
    try:
        wait_until_answering(process, url + "/health", stderr_path, "kg serve")
        yield url
    finally:
        stop(process)


@pytest.fixture(scope="session")
def live_server(live_store: Path, tmp_path_factory: pytest.TempPathFactory):
    """``kg serve`` on the live store, started for real; yields its base URL."""
    with serve(live_store, tmp_path_factory.mktemp("server-logs")) as url:
        server = LiveServer(url)
        server.store = live_store
        server.has_shared = SHARED_ARTICLE.is_file()
        server.headlines = INLINE_HEADLINES + (["Trump warns Syria against Idlib siege"] if server.has_shared else [])
        yield server
