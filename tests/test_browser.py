"""The pages in a real browser: headless Chromium driven by Playwright, on the live server.

A browser catches what string checks miss: markup that the parser turns into elements,
script that runs, links that do not lead anywhere. The system's Chromium is used (Debian's
``chromium`` package); no browser is ever downloaded, so the tests skip when it is absent.
"""
from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator

import pytest

from conftest import HARBOUR_HEADLINE, MARKUP_HEADLINE
from test_pages import article_iri, dw_article, first, path_of, requires_shared

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (pip install playwright)")

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def browser() -> Iterator[sync_api.Browser]:
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"no Chromium at {CHROMIUM}: install Debian's chromium package (apt-get install chromium)")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def dialogs() -> list[str]:
    """The messages of the dialogs (alert, confirm, prompt) scripts opened on ``page``."""
    return []


@pytest.fixture
def page(browser: sync_api.Browser, dialogs: list[str]) -> Iterator[sync_api.Page]:
    """A fresh page in a fresh context, recording and dismissing every dialog."""
    context = browser.new_context()
    page = context.new_page()
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    yield page
    context.close()


def open_resource(page: sync_api.Page, base: str, iri: str) -> None:
    """Load a resource's page (through its 303) and check what every page must do in a browser."""
    response = page.goto(base + path_of(iri))
    assert response is not None and response.status == 200
    assert "/doc/" in page.url
    heading = page.locator("main h1")
    assert heading.is_visible() and heading.inner_text().strip()
    blocks = page.locator('script[type="application/ld+json"]')
    assert blocks.count() == 1
    assert json.loads(blocks.text_content())["@graph"]


def follow_a_link(page: sync_api.Page, selector: str) -> None:
    """Click a link to another of our resources and check that its page loads."""
    link = page.locator(selector).first
    target = link.get_attribute("href")
    with page.expect_navigation() as navigation:
        link.click()
    assert navigation.value is not None and navigation.value.status == 200, target
    assert page.locator("main h1").is_visible()
    assert page.url.endswith(target.replace("/id/", "/doc/", 1))


def test_article_page_in_a_browser(live_server, page):
    open_resource(page, live_server, article_iri(live_server, HARBOUR_HEADLINE))
    assert page.locator("main h1").inner_text() == HARBOUR_HEADLINE
    assert page.locator("figcaption").first.is_visible()
    follow_a_link(page, "aside a[href^='/id/place/']")


def test_dw_article_person_link_in_a_browser(live_server, page):
    requires_shared(live_server)
    open_resource(page, live_server, dw_article(live_server))
    follow_a_link(page, "aside a[href^='/id/person/']")
    follow_a_link(page, "main a[href^='/id/event/']")


def test_person_page_in_a_browser(live_server, page):
    requires_shared(live_server)
    person = first(live_server, "SELECT ?p WHERE { ?e sem:hasActor ?p . ?p a schema:Person } LIMIT 1")["p"]
    open_resource(page, live_server, person)
    follow_a_link(page, "ul.articles a")


def test_place_page_in_a_browser(live_server, page):
    requires_shared(live_server)
    place = first(live_server, "SELECT ?p WHERE { ?e sem:hasPlace ?p } LIMIT 1")["p"]
    open_resource(page, live_server, place)
    assert page.locator("ol.timeline li").count() >= 1
    follow_a_link(page, "ol.timeline a")


def test_event_page_in_a_browser(live_server, page):
    article = article_iri(live_server, HARBOUR_HEADLINE)
    event = first(live_server, f"SELECT ?e WHERE {{ <{article}> schema:mentions ?e . ?e a sem:Event }} LIMIT 1")["e"]
    open_resource(page, live_server, event)
    trigger = page.locator("mark.trigger")
    assert trigger.is_visible() and trigger.inner_text().strip()
    follow_a_link(page, "section.source h2 a")


@pytest.mark.parametrize("kind", ["article", "event"])
def test_markup_runs_no_script(live_server, page, dialogs, kind):
    article = article_iri(live_server, MARKUP_HEADLINE)
    iri = article if kind == "article" else first(
        live_server, f"SELECT ?e WHERE {{ <{article}> schema:mentions ?e . ?e a sem:Event }} LIMIT 1")["e"]
    open_resource(page, live_server, iri)
    page.wait_for_load_state("load")
    assert page.locator("img[onerror]").count() == 0
    assert page.locator("script:not([type='application/ld+json'])").count() == 0
    assert dialogs == []
    text = page.locator("main").inner_text()
    assert MARKUP_HEADLINE in text
