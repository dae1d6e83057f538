"""People, organizations and places named in an article, one :class:`Entity` per real thing.

Mentions come from the NLP model's named entities; this module merges them:
- a person's short mentions ("Assad", "the Assad regime") join the fullest name with that
  surname ("Bashar al-Assad"), whatever label the model gave the short mention;
- a bare place name joins the region phrase the article uses for it ("Idlib" and
  "Idlib province"), and places are linked through the offline gazetteer;
- titles before a name ("Iranian Foreign Minister Mohammad Javad Zarif") become the person's
  job title and an affiliation to the country or organization named before the title.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span as SpacySpan, Token

from kg.annotate.model import Entity, EntityKind, Span
from kg.annotate.places import Gazetteer
from kg.iris import without_legal_form

_KIND_OF_LABEL: dict[str, EntityKind] = {
    "PERSON": "person", "ORG": "organization", "GPE": "place", "LOC": "place", "FAC": "place",
}
_NAME_LABELS = {"", "PERSON", "ORG", "GPE", "NORP"}
_REGION_WORDS = {"province", "region", "governorate", "oblast", "prefecture", "district", "county", "state"}
TITLE_HEADS = {
    "president", "minister", "secretary", "chancellor", "premier", "king", "queen", "prince", "princess",
    "emir", "sheikh", "pope", "senator", "sen.", "governor", "mayor", "ambassador", "envoy", "spokesman",
    "spokeswoman", "spokesperson", "commander", "general", "leader", "chairman", "chairwoman", "chair",
    "ceo", "director", "head", "chief", "commissioner", "representative", "speaker", "judge", "justice",
    "attorney", "admiral", "colonel", "lieutenant", "major", "captain", "officer", "diplomat", "lawmaker",
    "coach", "manager", "founder", "editor", "president-elect", "counterpart",
}
_TITLE_WORDS = TITLE_HEADS | {
    "vice", "prime", "foreign", "defense", "defence", "interior", "finance", "economy", "economic",
    "health", "justice", "state", "deputy", "special", "high", "supreme", "executive", "opposition",
    "former", "acting", "top", "military", "army", "navy", "party", "national", "security", "affairs",
    "of", "-", "crown", "chief", "general", "interim", "senior", "trade", "energy", "education",
}
_NAME_PARTICLES = re.compile(r"^(?:al|el|ad|as|ash|bin|ibn|van|von|de|da|di|del|der|la|le)[-\s]", re.IGNORECASE)
_LEADING_ARTICLE = re.compile(r"^the\s+", re.IGNORECASE)
_TRAILING_POSSESSIVE = re.compile(r"(?:'s|’s|')$")


def surname(name: str) -> str:
    """The key a short mention of a person is matched by: last word, particles dropped."""
    last = name.split()[-1]
    return _NAME_PARTICLES.sub("", last).lower()


def normalise(name: str) -> str:
    return " ".join(_TRAILING_POSSESSIVE.sub("", _LEADING_ARTICLE.sub("", name.strip())).split())


@dataclass
class _Mention:
    part: int
    start_token: int
    end_token: int
    kind: EntityKind
    text: str
    span: Span
    entity: Entity | None = None


@dataclass
class EntityIndex:
    """The entities of one article, and which tokens of which part mention which entity."""

    entities: list[Entity] = field(default_factory=list)
    by_token: dict[tuple[int, int], Entity] = field(default_factory=dict)
    demonyms: dict[tuple[int, int], Entity] = field(default_factory=dict)
    """Tokens of nationality words ("Syrian") -> the country entity they name."""
    names: dict[str, Entity] = field(default_factory=dict)
    """Every name the article uses for an entity, lower-cased, for tokens the model did not tag."""

    def at(self, part: int, token: Token) -> Entity | None:
        return self.by_token.get((part, token.i))


def find_entities(docs: list[tuple[Doc, int]], gazetteer: Gazetteer) -> EntityIndex:
    """Every entity of the article; ``docs`` are its parsed parts with their text offsets."""
    mentions, title_tokens = _mentions(docs)
    _places_taken_for_people(mentions, gazetteer)
    index = EntityIndex()
    persons = _merge_persons(mentions, index)
    context = [m.text for m in mentions if m.kind == "place"]
    _merge_places(mentions, index, gazetteer, context)
    _merge_organizations(mentions, index, title_tokens)
    mentions += _untagged_surnames(docs, mentions, persons)
    for mention in mentions:
        if mention.entity is not None:
            mention.entity.mentions.append(mention.span)
            index.names.setdefault(mention.text.lower(), mention.entity)
            for i in range(mention.start_token, mention.end_token):
                index.by_token[(mention.part, i)] = mention.entity
    _titles(docs, index, gazetteer, persons, context)
    index.entities = [entity for entity in index.entities if entity.mentions]
    return index


def _mentions(docs: list[tuple[Doc, int]]) -> tuple[list[_Mention], set[tuple[int, int]]]:
    """The model's named entities of the kinds we keep, trimmed to the name.

    What the model tags doubtfully counts where the article names the same thing so elsewhere:
    a span that does not look like a name ("Apple" tagged a common noun in a headline), and an
    organization's name under another label ("Norvik Shipping" a work of art before
    "spokesman").
    """
    mentions: list[_Mention] = []
    doubtful: list[_Mention] = []
    title_tokens: set[tuple[int, int]] = set()
    for part, (doc, offset) in enumerate(docs):
        for ent in doc.ents:
            kind = _KIND_OF_LABEL.get(ent.label_)
            start, end = ent.start, ent.end
            while start < end and doc[start].lower_ in ("the", "a", "an"):
                start += 1
            while end > start and doc[end - 1].tag_ == "POS":
                end -= 1
            if start == end:
                continue
            if kind == "place" and end < len(doc) and doc[end].lower_ in _REGION_WORDS and doc[end].pos_ == "NOUN":
                end += 1
            span = doc[start:end]
            mention = _Mention(part, start, end, kind or "organization", span.text, _span(span, offset))
            (mentions if kind is not None and _is_name(span) else doubtful).append(mention)
        for ent in doc.ents:
            if ent.label_ == "PERSON":
                title_tokens.update((part, t.i) for t in _title_tokens(doc, ent.start))
    names = {(m.kind, text) for m in mentions for text in (m.text, without_legal_form(m.text))}
    mentions += [m for m in doubtful if (m.kind, m.text) in names]
    mentions.sort(key=lambda m: (m.part, m.start_token))
    return mentions, title_tokens


def _places_taken_for_people(mentions: list[_Mention], gazetteer: Gazetteer) -> None:
    """A one-word "person" that is a known city or country and no surname of the article's
    people ("Bratislava" among "Vienna, Bratislava and Budapest") is the place: the model
    takes unfamiliar place names for people far more often than news names a person by one
    word that is also a capital's."""
    surnames = {surname(m.text) for m in mentions if m.kind == "person" and " " in m.text.strip()}
    context = [m.text for m in mentions if m.kind == "place"]
    for mention in mentions:
        name = normalise(mention.text)
        if mention.kind == "person" and " " not in name and name.lower() not in surnames:
            place = gazetteer.lookup(name, context)
            if place is not None and place.kind in ("city", "country"):
                mention.kind = "place"


def _is_name(span: SpacySpan) -> bool:
    """Names have a proper noun or an acronym in them; "Chemical" in a subheading does not."""
    return any(t.pos_ == "PROPN" or (t.text.isupper() and len(t.text) > 1) for t in span) and any(
        c.isupper() for c in span.text)


def _span(span: SpacySpan, offset: int) -> Span:
    return Span(offset + span.start_char, offset + span.end_char, span.text)


def _new(index: EntityIndex, kind: EntityKind, name: str) -> Entity:
    entity = Entity(kind=kind, name=name)
    index.entities.append(entity)
    return entity


def _merge_persons(mentions: list[_Mention], index: EntityIndex) -> dict[str, Entity]:
    """Persons by surname; short mentions of any label that match a known surname join it."""
    by_surname: dict[str, Entity] = {}
    for mention in mentions:
        if mention.kind == "person" and len(mention.text.split()) > 1:
            key = surname(mention.text)
            entity = by_surname.get(key)
            if entity is None:
                by_surname[key] = entity = _new(index, "person", normalise(mention.text))
            elif len(mention.text) > len(entity.name):
                entity.name = normalise(mention.text)
            mention.entity = entity
    for mention in mentions:
        if mention.entity is not None:
            continue
        key = surname(normalise(mention.text)) if len(mention.text.split()) == 1 else None
        if key and key in by_surname:
            mention.entity = by_surname[key]
        elif mention.kind == "person":
            key = surname(normalise(mention.text))
            by_surname[key] = mention.entity = by_surname.get(key) or _new(index, "person", normalise(mention.text))
    return by_surname


def _untagged_surnames(docs: list[tuple[Doc, int]], mentions: list[_Mention],
                       persons: dict[str, Entity]) -> list[_Mention]:
    """Surnames of known people that the model did not tag ("Haugen warned ...")."""
    tagged = {(m.part, i) for m in mentions for i in range(m.start_token, m.end_token)}
    found = []
    for part, (doc, offset) in enumerate(docs):
        for token in doc:
            key = token.text.lower()
            if (key in persons and token.text[0].isupper() and (part, token.i) not in tagged
                    and token.ent_type_ in _NAME_LABELS and token.pos_ in ("PROPN", "NOUN")):
                found.append(_Mention(part, token.i, token.i + 1, "person", token.text,
                                      _span(doc[token.i:token.i + 1], offset), persons[key]))
    return found


def _merge_places(mentions: list[_Mention], index: EntityIndex, gazetteer: Gazetteer, context: list[str]) -> None:
    regions: dict[str, Entity] = {}
    by_key: dict[object, Entity] = {}
    ordered = sorted((m for m in mentions if m.kind == "place" and m.entity is None),
                     key=lambda m: -len(m.text.split()))  # region phrases first, so bare names can join them
    for mention in ordered:
        name = normalise(mention.text)
        words = name.split()
        stem = " ".join(words[:-1]).lower() if words[-1].lower() in _REGION_WORDS else None
        if stem is None and name.lower() in regions:
            mention.entity = regions[name.lower()]
            continue
        place = gazetteer.lookup(name, context)
        key: object = (place.kind, place.geonames_id, place.name) if place else name.lower()
        entity = by_key.get(key)
        if entity is None:
            entity = by_key[key] = _new(index, "place", place.name if place and place.kind == "country" else name)
            entity.place = place
            entity.region_kind = place.kind if place else ("region" if stem else None)
        mention.entity = entity
        if stem:
            regions[stem] = entity


def _merge_organizations(mentions: list[_Mention], index: EntityIndex, title_tokens: set[tuple[int, int]]) -> None:
    by_name: dict[str, Entity] = {}
    for mention in mentions:
        if mention.kind != "organization" or mention.entity is not None:
            continue
        if all((mention.part, i) in title_tokens for i in range(mention.start_token, mention.end_token)):
            continue  # "State" in "Secretary of State"
        name = normalise(mention.text)
        short = without_legal_form(name)
        key = short.lower()
        entity = by_name.get(key) or by_name.get(_acronym(short).lower())
        if entity is None:
            entity = _new(index, "organization", name)
            by_name[key] = entity
            if len(short.split()) > 1:
                by_name.setdefault(_acronym(short).lower(), entity)
        elif len(name) > len(entity.name):
            entity.name = name
        mention.entity = entity


def _acronym(name: str) -> str:
    return "".join(word[0] for word in name.split() if word[0].isupper())


def _title_tokens(doc: Doc, name_start: int) -> list[Token]:
    """The title words right before a name, nearest first ("Minister", "Foreign")."""
    found: list[Token] = []
    i = name_start - 1
    while i >= 0 and doc[i].lower_ in _TITLE_WORDS:  # "Foreign Minister", "spokesman", "former president"
        found.append(doc[i])
        i -= 1
    while found and found[-1].text in ("of", "-"):
        found.pop()
    if not any(t.lower_ in TITLE_HEADS for t in found):
        return []
    return found


def _titles(docs: list[tuple[Doc, int]], index: EntityIndex, gazetteer: Gazetteer,
            persons: dict[str, Entity], context: Iterable[str]) -> None:
    """Job titles and affiliations from "US President Donald Trump", "his Syrian counterpart X"."""
    places_by_name = {e.name: e for e in index.entities if e.kind == "place"}
    for part, (doc, offset) in enumerate(docs):
        for token in doc:
            if token.ent_type_ == "NORP" and (country := gazetteer.demonym(token.text)):
                entity = places_by_name.get(country.name)
                if entity is None:
                    entity = places_by_name[country.name] = _new(index, "place", country.name)
                    entity.place, entity.region_kind = country, "country"
                index.demonyms[(part, token.i)] = entity
        for ent in doc.ents:
            person = index.at(part, doc[ent.start]) if ent.label_ == "PERSON" else None
            if person is None or person.kind != "person":
                continue
            title = _title_tokens(doc, ent.start)
            if title and title[0].lower_ != "counterpart":
                text = " ".join(t.text for t in reversed(title)).replace(" - ", "-")
                if text not in person.job_titles:
                    person.job_titles.append(text)
                phrase = doc[title[-1].i:title[0].i + 1]  # "CEO" in "Apple CEO Steve Jobs" refers to him too
                person.references.append(_span(phrase, offset))
                for word in phrase:
                    index.by_token.setdefault((part, word.i), person)
            before = (title[-1].i if title else ent.start) - 1
            if before >= 0 and doc[before].lower_ in ("his", "her", "their") and title:
                before = -1
            if before >= 0:
                affiliation = index.at(part, doc[before]) or index.demonyms.get((part, doc[before].i))
                if affiliation is not None and affiliation is not person and affiliation.kind != "person" \
                        and affiliation not in person.affiliations:
                    person.affiliations.append(affiliation)
