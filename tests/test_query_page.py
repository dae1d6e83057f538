"""The query page at /sparql: YASGUI from node_modules on our own endpoint, or plain forms without it.

The browser is the system's headless Chromium (see test_browser.py); every request the page
makes is checked to go to the server under test, so YASGUI can fetch nothing from a CDN or any
other host. The YASGUI tests skip where ``npm ci`` has not installed it; the plain-form page
is tested on a second server whose ``yasgui_build`` setting names an empty folder.
"""
from __future__ import annotations

import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from conftest import INLINE_HEADLINES, SHARED_MISSING, serve
from kg.config import Settings
from server.query_page import EXAMPLES, YASGUI_FILES
from test_comunica import select
from test_browser import browser, sync_api  # noqa: F401 (browser is a fixture)

YASGUI_BUILD = Settings().yasgui_build


def requires_yasgui() -> None:
    if not all((YASGUI_BUILD / name).is_file() for name in YASGUI_FILES):
        pytest.skip(f"YASGUI is not installed ({YASGUI_BUILD} is incomplete): run npm ci (make test does)")


def get(url: str) -> tuple[int, bytes, str]:
    """Status, body and content type of a GET, errors included."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read(), response.headers.get_content_type()
    except urllib.error.HTTPError as error:
        return error.code, error.read(), error.headers.get_content_type()


class Visit:
    """A fresh page that may reach only ``base``; any other request is refused and remembered."""

    def __init__(self, browser: sync_api.Browser, base: str) -> None:
        self.context = browser.new_context()
        self.elsewhere: list[str] = []
        self.errors: list[str] = []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.base = base

    def _route(self, route: sync_api.Route) -> None:
        if route.request.url.startswith(self.base + "/"):
            route.continue_()
        else:
            self.elsewhere.append(route.request.url)
            route.abort()

    def check(self) -> None:
        assert self.elsewhere == [], f"the page reached for other hosts: {self.elsewhere}"
        assert self.errors == [], f"the page's scripts failed: {self.errors}"


@pytest.fixture
def visit(browser: sync_api.Browser) -> Iterator[Callable[[str], Visit]]:
    """Opens visits to a server; closes them after the test."""
    visits: list[Visit] = []

    def open_visit(base: str) -> Visit:
        visits.append(Visit(browser, base))
        return visits[-1]

    yield open_visit
    for opened in visits:
        opened.context.close()


@pytest.fixture(scope="module")
def plain_server(live_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``kg serve`` on the live store with ``yasgui_build`` pointing at an empty folder."""
    empty = tmp_path_factory.mktemp("no-yasgui")
    with serve(live_store, tmp_path_factory.mktemp("plain-server-logs"), {"KG_YASGUI_BUILD": str(empty)}) as url:
        yield url


@pytest.mark.parametrize("example", EXAMPLES, ids=[example.title for example in EXAMPLES])
def test_yasgui_example_tab_shows_what_the_endpoint_answers(live_server, visit, example):
    requires_yasgui()
    expected = select(live_server, example.query)
    if not expected and not live_server.has_shared:
        pytest.skip(f"{example.title!r} needs the shared article: {SHARED_MISSING}")
    assert expected, f"the example {example.title!r} answers nothing on the test articles"

    visit = visit(live_server)
    page = visit.page
    assert page.goto(live_server + "/sparql").status == 200
    tabs = page.get_by_role("tab")
    tabs.first.wait_for()
    assert tabs.locator("span").all_inner_texts() == [example.title for example in EXAMPLES]
    assert page.locator("form.example").first.is_hidden()

    page.get_by_role("tab", name=example.title).click()
    panel = page.locator(".tabPanel.active")
    with page.expect_response(lambda answer: answer.url == live_server + "/sparql") as answered:
        panel.locator(".yasqe_queryButton").click()
    assert answered.value.status == 200
    panel.locator(".yasr table tbody tr").first.wait_for()
    summary = panel.locator(".yasr_response_chip").inner_text()
    assert re.match(rf"{len(expected)} results? ", summary), summary
    header = panel.locator(".yasr table thead").inner_text()
    assert all(variable in header for variable in expected[0])
    visit.check()


def test_yasgui_shared_link_runs_its_query_on_this_endpoint(live_server, visit):
    requires_yasgui()
    query = EXAMPLES[0].query
    expected = select(live_server, query)
    link = urllib.parse.urlencode({"query": query, "tabTitle": "Shared", "endpoint": "https://elsewhere.example/sparql"})

    visit = visit(live_server)
    page = visit.page
    page.goto(f"{live_server}/sparql#{link}")
    panel = page.locator(".tabPanel.active")
    panel.locator(".yasr table tbody tr").first.wait_for()
    assert page.get_by_role("tab").locator("span").all_inner_texts() == ["Shared"] + [e.title for e in EXAMPLES]
    assert page.locator(".tab.active span").inner_text() == "Shared"
    assert re.match(rf"{len(expected)} results? ", panel.locator(".yasr_response_chip").inner_text())
    visit.check()


def test_yasgui_files_are_served_from_node_modules(live_server):
    requires_yasgui()
    for name in YASGUI_FILES:
        status, body, media_type = get(f"{live_server}/yasgui/{name}")
        assert status == 200
        assert body == (YASGUI_BUILD / name).read_bytes()
        assert media_type in ("text/javascript", "application/javascript", "text/css")


@pytest.mark.parametrize("path", ["../package.json", "%2e%2e/package.json", "..%2fpackage.json", "nothing.js"])
def test_yasgui_route_serves_nothing_else(live_server, path):
    status, _, _ = get(f"{live_server}/yasgui/{path}")
    assert status == 404


def test_query_page_without_yasgui_is_a_plain_form(plain_server, visit):
    status, body, _ = get(plain_server + "/yasgui/yasgui.min.js")
    assert status == 404 and b"YASGUI is not installed" in body

    visit = visit(plain_server)
    page = visit.page
    assert page.goto(plain_server + "/sparql").status == 200
    assert page.locator("script, link[href*='yasgui']").count() == 0
    forms = page.locator("form.example")
    assert forms.locator("h2").all_inner_texts() == [example.title for example in EXAMPLES]
    with page.expect_response(lambda answer: "/sparql?" in answer.url) as answered:
        forms.first.locator("button[type=submit]").click()
    assert answered.value.status == 200
    answer = answered.value.text()
    assert all(headline in answer for headline in INLINE_HEADLINES)
    visit.check()
