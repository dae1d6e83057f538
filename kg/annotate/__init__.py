"""Annotate stage: entities, events, quotes and time found in an article.

:class:`Annotator` holds the loaded NLP pipeline, gazetteer and event lexicon (loading them
takes a second; annotating an article, milliseconds) and turns an article into plain
:class:`~kg.annotate.model.Annotations`. The NLP model is a setting: any installed spaCy
English pipeline package with a parser and NER will do.
"""
from __future__ import annotations

import datetime as dt
import importlib
import logging

from kg.article import Article
from kg.annotate.coreference import resolve_references, resolve_speakers
from kg.annotate.entities import find_entities
from kg.annotate.events import extract_events, find_triggers, infer_times, informative
from kg.annotate.lexicon import event_lexicon
from kg.annotate.model import Annotations
from kg.annotate.places import Gazetteer
from kg.annotate.quotes import find_figures, find_quotes
from kg.annotate.text import Part, parts, split_text

log = logging.getLogger(__name__)

SUPPORTED_LANGUAGES = {"en"}


def load_pipeline(model: str):
    """An installed spaCy pipeline package, by module name; nothing is downloaded."""
    try:
        return importlib.import_module(model).load()
    except ImportError:
        import spacy

        try:
            return spacy.load(model)
        except OSError:
            raise RuntimeError(f"the NLP model {model!r} is not installed; install it with pip") from None


class Annotator:
    def __init__(self, model: str) -> None:
        self.nlp = load_pipeline(model)
        self.gazetteer = Gazetteer()
        self.lexicon = event_lexicon()

    def annotate(self, article: Article) -> Annotations:
        """What ``article`` reports; English only for now, others get a note instead."""
        if article.language is not None and article.language not in SUPPORTED_LANGUAGES:
            return Annotations(notes=[f"entity and event extraction is English-only; skipped for {article.language!r}"])
        published = article.published.date() if isinstance(article.published, dt.datetime) else article.published
        return self._annotate(parts(article), published)

    def annotate_text(self, text: str, published: dt.date | None) -> Annotations:
        """Annotate a plain text (paragraphs separated by blank lines); offsets index ``text``."""
        return self._annotate(split_text(text), published)

    def _annotate(self, pieces: list[Part], published: dt.date | None) -> Annotations:
        docs = [(doc, part.offset) for doc, part in zip(self.nlp.pipe(p.text for p in pieces), pieces)]
        index = find_entities(docs, self.gazetteer)
        resolve_references(docs, index)
        events = extract_events(docs, find_triggers(docs, self.lexicon), index, published)
        event_figures, place_figures = find_figures(docs, index, events)
        for event, figure in event_figures:
            event.figures.append(figure)
        infer_times(list(events.values()), published)
        quotes = find_quotes(docs, index)
        resolve_speakers(docs, quotes)
        return Annotations(
            entities=index.entities,
            events=informative(list(events.values())),
            quotes=quotes,
            place_figures=place_figures,
        )
