"""Property-based tests of the read stage: whatever bytes arrive, the answer is articles or a
clear refusal (ReadError), never a crash."""
from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.article import Article
from kg.readers import ReadError, read_data

from conftest import HARBOUR

NEVER_CRASH = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def outcome(data: bytes) -> list[Article | ReadError]:
    """What the reader makes of ``data``, checked: articles, or refusals that say why. Any other
    exception fails the test."""
    try:
        readings = read_data(data, "fuzz")
    except ReadError as error:
        readings = [error]
    for reading in readings:
        assert isinstance(reading, (Article, ReadError))
        assert not isinstance(reading, ReadError) or str(reading), "a refusal must say why"
    return readings


@NEVER_CRASH
@given(st.binary(max_size=4096))
def test_arbitrary_bytes_give_articles_or_a_refusal(data):
    outcome(data)


@NEVER_CRASH
@given(st.integers(min_value=0, max_value=len(HARBOUR.encode())))
def test_truncated_page_gives_an_article_or_a_refusal(cut):
    outcome(HARBOUR.encode()[:cut])


_TAGS = st.sampled_from(["div", "p", "span", "article", "section", "h1", "h2", "script", "style", "table", "td",
                         "a", "b", "i", "ul", "li", "main", "header", "footer", "noscript", "template"])


@st.composite
def nested_html(draw) -> bytes:
    depth = draw(st.integers(min_value=0, max_value=60))
    tags = [draw(_TAGS) for _ in range(depth)]
    text = draw(st.text(max_size=200))
    closing = draw(st.booleans())
    page = "<html><head><title>" + text[:40] + "</title></head><body>" + "".join(f"<{t}>" for t in tags) + text
    if closing:
        page += "".join(f"</{t}>" for t in reversed(tags)) + "</body></html>"
    cut = draw(st.integers(min_value=0, max_value=len(page)))
    return page[:cut].encode("utf-8", "surrogatepass")


@NEVER_CRASH
@given(nested_html())
def test_truncated_and_nested_html_gives_an_article_or_a_refusal(data):
    outcome(data)


@NEVER_CRASH
@given(st.text(max_size=600), st.sampled_from(["utf-16", "latin-1", "cp1252", "utf-32", "shift_jis", "koi8-r"]))
def test_text_in_wrong_encodings_gives_an_article_or_a_refusal(text, encoding):
    outcome(text.encode(encoding, "replace"))


@NEVER_CRASH
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=30),
                    lambda children: st.lists(children, max_size=5) | st.dictionaries(
                        st.sampled_from(["headline", "uri", "body_text", "byline", "versioncreated", "subject",
                                         "associations", "language", "x"]), children, max_size=6),
                    max_leaves=30))
def test_arbitrary_json_records_give_articles_or_refusals(value):
    outcome(json.dumps(value).encode())


def test_huge_page_text_is_read_into_one_article():
    filler = "\n\nAnother paragraph of the same article, repeated to make the page large." * 20_000
    huge = HARBOUR.replace("\nmk/ls (AFP, Reuters)", filler + "\n\nmk/ls (AFP, Reuters)")
    (article,) = outcome(huge.encode())
    assert isinstance(article, Article) and len(article.body) > 1_000_000
