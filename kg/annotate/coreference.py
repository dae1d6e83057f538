"""Pronouns and definite descriptions that refer back to a named entity: "he", "its", "the company".

Resolved, they become references to their entity, so that "he said" gives a quotation its speaker
and "He warned ..." an event its actor. The resolver is deterministic, in the manner of the
rule-based ones (Hobbs 1978; the sieves of Lee et al. 2013): going back sentence by sentence,
from the anaphor's own sentence (the part before it), the first sentence with an entity that
fits decides; within it a pronoun takes the leftmost, which favours subjects, and a description
the last. What fits:

- "he", "him", "his", "she", "her" ...: a person, not already referred to by a pronoun of the
  other gender;
- "its", "itself": an organization; "it" only as the subject of what an organization says,
  expects or decides ("Acme said it would ..."), where the sentence itself binds it;
- "the company", "the airline" (a singular noun of a kind of organization after "the"): an
  organization; "the country", "the city": a place of that kind;
- "the president", "the CEO" (a title): a person the article gave that title;
- inside a direct quotation, "I", "me", "my": the person who speaks; "we", "us", "our": the
  organization that speaks, itself or through a person the article ties to it ("Acme
  spokesman Jo Doe said").

Nothing further back than a few sentences is taken, and what finds nothing stays unresolved:
a missing link costs less than a wrong one. "They", and "it" and "we" elsewhere, are left
alone; they refer to things, groups and speakers too often to be guessed from recency.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import Literal

from spacy.tokens import Doc, Span as SpacySpan, Token

from kg.annotate.entities import TITLE_HEADS, EntityIndex
from kg.annotate.model import Entity, Quote, Span

Gender = Literal["female", "male"]

SENTENCES_BACK = 3
"""How many sentences before the anaphor's own are searched."""

_PERSON_PRONOUNS: dict[str, Gender] = {
    "he": "male", "him": "male", "his": "male", "himself": "male",
    "she": "female", "her": "female", "hers": "female", "herself": "female",
}
_ORGANIZATION_PRONOUNS = {"its", "itself"}
_FIRST_PERSON_SINGULAR = {"i", "me", "my", "mine", "myself"}
_FIRST_PERSON_PLURAL = {"we", "us", "our", "ours", "ourselves"}
_ORGANIZATION_NOUNS = {
    "company", "firm", "group", "corporation", "conglomerate", "business", "manufacturer", "maker",
    "carmaker", "automaker", "airline", "carrier", "planemaker", "airframer", "bank", "lender",
    "insurer", "retailer", "chain", "agency", "organization", "organisation", "ministry",
    "department", "party", "union", "alliance", "coalition", "militia", "army", "club", "team",
    "newspaper", "broadcaster", "network", "publisher", "startup", "giant", "supplier", "operator",
    "council", "committee", "court", "parliament", "government", "administration", "regime",
}
_PLACE_NOUNS = {"country": "country", "nation": "country", "city": "city", "town": "city",
                "region": "region", "province": "region", "state": "region"}


def resolve_references(docs: list[tuple[Doc, int]], index: EntityIndex) -> None:
    """Add each anaphor the article's entities can resolve to its entity's references and to
    ``index``, in text order, so that a resolved one is a candidate for the next ("he ... he")."""
    sentences = [(part, sentence) for part, (doc, _) in enumerate(docs) for sentence in doc.sents]
    genders: dict[int, Gender] = {}
    for number, (part, sentence) in enumerate(sentences):
        offset = docs[part][1]
        for token in sentence:
            if index.at(part, token) is not None:
                continue
            anaphor = _anaphor(token, genders)
            if anaphor is not None:
                entity = _antecedent(sentences, number, anaphor, index)
                first = anaphor.first
            else:
                entity, first = _reported_by(token, part, index), token.i
            if entity is None:
                continue
            if token.lower_ in _PERSON_PRONOUNS:
                genders[id(entity)] = _PERSON_PRONOUNS[token.lower_]
            phrase = token.doc[first:token.i + 1]
            entity.references.append(Span(offset + phrase.start_char, offset + phrase.end_char, phrase.text))
            for word in phrase:
                index.by_token.setdefault((part, word.i), entity)


def resolve_speakers(docs: list[tuple[Doc, int]], quotes: list[Quote]) -> None:
    """Make "I" in each quotation a reference to the person speaking it, and "we" one to the
    organization speaking it."""
    for quote in quotes:
        persons = [speaker for speaker in quote.speakers if speaker.kind == "person"]
        organization = next((entity for speaker in quote.speakers for entity in [speaker, *speaker.affiliations]
                             if entity.kind == "organization"), None)
        for token, offset in _quoted_tokens(docs, quote):
            if token.pos_ != "PRON":
                continue
            if token.lower_ in _FIRST_PERSON_SINGULAR and len(persons) == 1:
                speaker = persons[0]
            elif token.lower_ in _FIRST_PERSON_PLURAL and organization is not None:
                speaker = organization
            else:
                continue
            speaker.references.append(Span(offset + token.idx, offset + token.idx + len(token), token.text))


def _quoted_tokens(docs: list[tuple[Doc, int]], quote: Quote) -> Iterator[tuple[Token, int]]:
    for doc, offset in docs:
        if offset <= quote.span.start < offset + len(doc.text):
            quoted = doc.char_span(quote.span.start - offset, quote.span.end - offset, alignment_mode="expand")
            for token in quoted or ():
                yield token, offset


def _reported_by(token: Token, part: int, index: EntityIndex) -> Entity | None:
    """For "it" as the subject of a clause that an organization says, expects or decides
    ("Acme said it would ..."), that organization."""
    if token.lower_ != "it" or token.dep_ not in ("nsubj", "nsubjpass") or token.head.dep_ != "ccomp":
        return None
    subjects = {id(entity): entity for subject in token.head.head.children if subject.dep_ == "nsubj"
                if (entity := index.at(part, subject)) is not None}
    if len(subjects) != 1:
        return None
    (entity,) = subjects.values()
    return entity if entity.kind == "organization" else None


@dataclass(frozen=True)
class _Anaphor:
    first: int
    """The token the anaphor starts at ("the" of "the company")."""
    fits: Callable[[Entity], bool]
    nearest: bool
    """Take the nearest fitting entity before it, not the leftmost of the nearest sentence:
    descriptions name a kind, and the last thing of that kind named is what they mean."""


def _anaphor(token: Token, genders: dict[int, Gender]) -> _Anaphor | None:
    """The anaphor ending at ``token`` and which entities it may refer to, or None."""
    word = token.lower_
    if token.pos_ == "PRON" and word in _PERSON_PRONOUNS:
        return _Anaphor(token.i, partial(_person_of_gender, genders, _PERSON_PRONOUNS[word]), nearest=False)
    if token.pos_ == "PRON" and word in _ORGANIZATION_PRONOUNS:
        return _Anaphor(token.i, _organization, nearest=False)
    if token.tag_ not in ("NN", "NNP") or token.ent_type_:  # singular; "the CEO" is often tagged a name
        return None
    article = next((c for c in token.children if c.dep_ == "det"), None)
    if article is None or article.lower_ != "the":
        return None
    if any(t.pos_ == "PROPN" or t.ent_type_ for t in token.doc[article.i + 1:token.i]):
        return None  # "the Assad regime", "the Syrian army": the modifier says whose, not recency
    if word in _ORGANIZATION_NOUNS:
        return _Anaphor(article.i, _organization, nearest=True)
    if word in _PLACE_NOUNS:
        return _Anaphor(article.i, partial(_place_of_kind, _PLACE_NOUNS[word]), nearest=True)
    if word in TITLE_HEADS:
        return _Anaphor(article.i, partial(_person_titled, word), nearest=True)
    return None


def _person_of_gender(genders: dict[int, Gender], gender: Gender, entity: Entity) -> bool:
    return entity.kind == "person" and genders.get(id(entity), gender) == gender


def _organization(entity: Entity) -> bool:
    return entity.kind == "organization"


def _place_of_kind(kind: str, entity: Entity) -> bool:
    return entity.kind == "place" and entity.region_kind == kind


def _person_titled(word: str, entity: Entity) -> bool:
    return entity.kind == "person" and any(word in title.lower().split() for title in entity.job_titles)


def _antecedent(sentences: list[tuple[int, SpacySpan]], number: int, anaphor: _Anaphor,
                index: EntityIndex) -> Entity | None:
    """The fitting entity of the nearest sentence (the anaphor's own first, the part before it)
    that has one: its leftmost, or its last for an anaphor that takes the ``nearest``."""
    for back in range(min(number, SENTENCES_BACK) + 1):
        part, sentence = sentences[number - back]
        found = [entity for entity in _entities_in(part, sentence, index, before=anaphor.first if back == 0 else None)
                 if anaphor.fits(entity)]
        if found:
            return found[-1] if anaphor.nearest else found[0]
    return None


def _entities_in(part: int, sentence: SpacySpan, index: EntityIndex, before: int | None) -> Iterator[Entity]:
    """The entities named in ``sentence`` (up to the token ``before``), each once, at its first mention."""
    seen: set[int] = set()
    for token in sentence:
        if before is not None and token.i >= before:
            return
        entity = index.at(part, token)
        if entity is not None and id(entity) not in seen:
            seen.add(id(entity))
            yield entity
