"""A synthetic news knowledge graph of about N triples, shaped like what the pipeline stores.

    python bench/generate.py --triples 1000000 --out DIR [--seed 1] [--base http://127.0.0.1:5000/]

Real corpora large enough to measure the store at 1M or 10M triples are not at hand; this
makes one with the same vocabulary and shape (see ``kg/mapping.py`` and
``kg/mapping_annotations.py``): one named graph per article holding the schema:NewsArticle, the
people, organizations and places it mentions (each described again in every article that
mentions it, as the pipeline does), its sem:Events and its schema:Quotations. Entities are
picked with a Zipf-like skew, so a few are in many articles and most in few, which is what
makes real queries' costs uneven. Seeded, so two runs give the same data.

It writes ``DIR/news.nq.gz`` (N-Quads, the named graphs) and ``DIR/news.ttl.gz`` (Turtle, their
union, for stores that take no quads), streaming in batches of articles through pyoxigraph's
serializers, so memory does not grow with N.
"""
from __future__ import annotations

import argparse
import bisect
import datetime as dt
import gzip
import itertools
import random
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

SCHEMA = "https://schema.org/"
SEM = "http://semanticweb.cs.vu.nl/2009/11/sem/"
KG = "https://w3id.org/newskg/ns#"
OWL_SAME_AS = ox.NamedNode("http://www.w3.org/2002/07/owl#sameAs")
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
XSD_DATE = ox.NamedNode("http://www.w3.org/2001/XMLSchema#date")
XSD_DATETIME = ox.NamedNode("http://www.w3.org/2001/XMLSchema#dateTime")
EVENT_TYPE = "https://w3id.org/newskg/event-type/"
PREFIXES = {"schema": SCHEMA, "sem": SEM, "kg": KG, "owl": "http://www.w3.org/2002/07/owl#",
            "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
            "xsd": "http://www.w3.org/2001/XMLSchema#", "et": EVENT_TYPE}
TRIPLES_PER_ARTICLE = 64
"""About what one generated article graph holds; turns --triples into a number of articles."""
BATCH = 500

GIVEN = ("Anna Ben Carla David Elena Farid Grace Hiro Ines Jonas Karin Luca Maya Nils Olga Pedro Quinn Rosa Sami "
         "Tara Umar Vera Wen Ximena Yusuf Zoe Amir Bianca Chen Dmitri Emma Felix Gita Hassan Ivan Julia Kofi Lena "
         "Marco Nadia Omar Petra Rahul Sofia Tomas Ulla Viktor Wanda Yara Zaid").split()
FAMILY = ("Adler Baker Costa Dubois Eriksen Fischer Garcia Hansen Ito Jensen Kowalski Lopez Moreau Novak Okafor "
          "Petrov Quaresma Rossi Schmidt Tanaka Ueda Varga Weber Xu Yilmaz Zhang Andersen Bauer Castillo Dimitrov "
          "Engel Ferreira Gruber Horvat Ivanova Jovanovic Kim Larsen Meyer Nielsen Olsen Popescu Richter Silva "
          "Takahashi Urban Vogel Wagner Young Ziegler").split()
ORG_WORDS = ("Northern Atlantic United Global Civic Green Federal Royal Coastal Central National Pacific Alpine "
             "Eastern Western Southern Metro Digital Open Free").split()
ORG_KINDS = ("Bank Party Union Council Ministry Institute Agency Group Alliance Foundation Airlines Energy "
             "Motors Telecom Shipyards University Court Police League Network").split()
COUNTRIES = ("Germany France Italy Spain Poland Ukraine Russia China Japan India Brazil Mexico Canada Kenya "
             "Nigeria Egypt Turkey Iran Israel Syria Iraq Australia Argentina Chile Peru Sweden Norway Finland "
             "Denmark Greece Portugal Austria Hungary Romania Serbia Croatia Indonesia Vietnam Thailand "
             "Philippines Pakistan Bangladesh Ethiopia Ghana Morocco Algeria Colombia Venezuela").split()
CITY_PARTS = ("Bad Neu Port San Alt Nord Sud Ost West Saint Lake River Hill Stone Green").split()
CITY_ROOTS = ("haven burg field stadt ville borough ton mouth bridge ford wick dale minster polis grad").split()
TOPICS = ("election budget hydrogen ferries climate summit wildfire flooding strike inflation vaccine "
          "ceasefire refugees tariffs railway drought earthquake protest trial merger layoffs pension "
          "housing energy prices wind farm cyberattack football final election fraud heatwave").split()
VERBS = ("criticizes backs meets sues warns rejects welcomes attacks praises visits signs questions").split()
SECTIONS = ("politics business world science sport culture").split()
EVENT_TYPES = ("fight assault attack arrest election meeting protest strike agreement statement "
               "trial sentence death injury accident disaster visit investment layoff nomination").split()
ROLES = (KG + "hasAgent", KG + "hasTarget", KG + "hasParticipant")
FILLER = ("The decision was announced on Tuesday after weeks of talks. Officials said more details would "
          "follow. Critics called the plan too slow and too expensive. Supporters said it was a first step. "
          "Analysts expect the debate to continue into next year. Local residents gave mixed reactions. "
          "The government has not commented on the reports. Several groups have announced further action.")


def node(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def text(value: str) -> ox.Literal:
    return ox.Literal(value, language="en")


def _slug(value: str) -> str:
    return "-".join(value.lower().split())


class Zipf:
    """Indices 0..n-1 drawn with weight 1/(i+1)^s: the first few often, the long tail rarely."""

    def __init__(self, n: int, s: float = 1.05) -> None:
        self._cumulative = list(itertools.accumulate(1 / (i + 1) ** s for i in range(n)))

    def draw(self, rng: random.Random) -> int:
        return bisect.bisect_left(self._cumulative, rng.random() * self._cumulative[-1])


@dataclass(frozen=True)
class Entity:
    iri: ox.NamedNode
    name: str
    types: tuple[str, ...]
    same_as: str | None = None


def people(count: int, base: str) -> list[Entity]:
    """Distinct names: given x family, then with a middle initial, then numbered."""
    names = (f"{given} {family}" for family in FAMILY for given in GIVEN)
    middle = (f"{given} {chr(65 + letter)}. {family}" for letter in range(26) for family in FAMILY for given in GIVEN)
    numbered = (f"{given} {family} {number}" for number in itertools.count(2) for family in FAMILY for given in GIVEN)
    return [Entity(node(f"{base}id/person/{_slug(name)}"), name, ("Person",))
            for name in itertools.islice(itertools.chain(names, middle, numbered), count)]


def organizations(count: int, base: str) -> list[Entity]:
    names = (f"{word} {kind}" for kind in ORG_KINDS for word in ORG_WORDS)
    numbered = (f"{word} {kind} {number}" for number in itertools.count(2) for kind in ORG_KINDS for word in ORG_WORDS)
    return [Entity(node(f"{base}id/organization/{_slug(name)}"), name, ("Organization",))
            for name in itertools.islice(itertools.chain(names, numbered), count)]


def places(count: int, base: str, rng: random.Random) -> list[Entity]:
    """The countries first (the most mentioned), then cities in them, each with a GeoNames IRI."""
    found = [Entity(node(f"{base}id/place/{_slug(name)}"), name, ("Place", "Country"),
                    f"https://sws.geonames.org/{2_000_000 + number}/") for number, name in enumerate(COUNTRIES)]
    roots = (f"{part} {root.capitalize()}" if part else root.capitalize()
             for number in itertools.count() for part in ("", *CITY_PARTS) for root in CITY_ROOTS)
    for number, root in enumerate(itertools.islice(roots, max(0, count - len(found)))):
        name = root if number < len(CITY_ROOTS) * (len(CITY_PARTS) + 1) else f"{root} {number}"
        country = rng.randrange(len(COUNTRIES))
        found.append(Entity(node(f"{base}id/place/{country:02d}/{_slug(name)}"), name, ("Place", "City"),
                            f"https://sws.geonames.org/{3_000_000 + number}/"))
    return found


def describe(entity: Entity) -> Iterator[tuple[ox.NamedNode, ox.NamedNode, ox.Literal | ox.NamedNode]]:
    for kind in entity.types:
        yield entity.iri, RDF_TYPE, node(SCHEMA + kind)
    yield entity.iri, node(SCHEMA + "name"), ox.Literal(entity.name)
    if entity.same_as:
        yield entity.iri, OWL_SAME_AS, node(entity.same_as)


class Generator:
    """Articles one after another, each as (graph name, its triples, the entities it describes)."""

    def __init__(self, articles: int, base: str, seed: int) -> None:
        self.rng = random.Random(seed)
        self.base = base
        self.articles = articles
        self.people = people(max(200, articles), base)
        self.organizations = organizations(max(100, articles // 2), base)
        self.places = places(max(len(COUNTRIES) + 50, articles // 4), base, self.rng)
        self.publishers = [Entity(node(f"{base}id/organization/{_slug(name)}"), name,
                                  ("Organization", "NewsMediaOrganization"))
                           for name in ("Example News", "Daily Courier", "Morning Post", "Wire Service", "Radio One")]
        self._people, self._orgs, self._places = (Zipf(len(pool)) for pool in
                                                   (self.people, self.organizations, self.places))
        self._start = dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc)

    def pick(self, pool: Sequence[Entity], zipf: Zipf, count: int) -> list[Entity]:
        return list({id(entity): entity for entity in (pool[zipf.draw(self.rng)] for _ in range(count))}.values())

    def __iter__(self) -> Iterator[tuple[ox.NamedNode, list[ox.Triple], list[Entity]]]:
        for number in range(self.articles):
            yield self.article(number)

    def article(self, number: int) -> tuple[ox.NamedNode, list[ox.Triple], list[Entity]]:
        rng, base = self.rng, self.base
        persons = self.pick(self.people, self._people, rng.randint(1, 5))
        orgs = self.pick(self.organizations, self._orgs, rng.randint(1, 3))
        where = self.pick(self.places, self._places, rng.randint(1, 3))
        publisher = self.publishers[rng.randrange(len(self.publishers))]
        topic = " ".join(rng.sample(TOPICS, 2))
        headline = f"{persons[0].name} {rng.choice(VERBS)} {orgs[0].name} over {topic} in {where[0].name}"
        section = rng.choice(SECTIONS)
        key = f"news.example.org/{section}/{_slug(topic)}-{number}"
        article = node(f"{base}id/article/{key}")
        graph = node(f"{base}graph/article/{key}")
        published = self._start + dt.timedelta(seconds=rng.randrange(6 * 365 * 86400))
        lead = f"{headline}. {FILLER[:rng.randrange(80, 200)]}"
        body = " ".join([lead] + rng.sample(FILLER.split(". "), 5) +
                        [f"{person.name} spoke in {rng.choice(where).name}." for person in persons])
        s = SCHEMA
        triples = [
            (graph, RDF_TYPE, node(KG + "ArticleGraph")), (graph, node(KG + "article"), article),
            (article, RDF_TYPE, node(s + "NewsArticle")), (article, node(s + "headline"), text(headline)),
            (article, node(s + "articleSection"), text(section.capitalize())),
            (article, node(s + "description"), text(lead)), (article, node(s + "articleBody"), text(body)),
            (article, node(s + "datePublished"), ox.Literal(published.strftime("%Y-%m-%dT%H:%M:%SZ"),
                                                            datatype=XSD_DATETIME)),
            (article, node(s + "url"), node(f"https://{key}")), (article, node(s + "inLanguage"), ox.Literal("en")),
            (article, node(s + "publisher"), publisher.iri),
        ]
        described = [publisher, *persons, *orgs, *where]
        triples += [(article, node(s + "mentions"), entity.iri) for entity in (*persons, *orgs, *where)]
        agents = persons + orgs
        for event_number in range(1, rng.randint(1, 3) + 1):
            event = node(f"{base}id/event/{key}/{event_number}")
            kind = rng.choice(EVENT_TYPES)
            actors = rng.sample(agents, min(len(agents), rng.randint(1, 3)))
            day = (published - dt.timedelta(days=rng.randrange(3))).date().isoformat()
            triples += [(article, node(s + "mentions"), event), (event, RDF_TYPE, node(SEM + "Event")),
                        (event, node(SEM + "eventType"), node(EVENT_TYPE + kind)),
                        (event, RDFS_LABEL, text(f"{kind} ({', '.join(actor.name for actor in actors)})")),
                        (event, node(s + "description"), text(f"{actors[0].name} was involved in a {kind}.")),
                        (event, node(SEM + "hasPlace"), rng.choice(where).iri),
                        (event, node(SEM + "hasTimeStamp"), ox.Literal(day, datatype=XSD_DATE))]
            for index, actor in enumerate(actors):
                triples += [(event, node(SEM + "hasActor"), actor.iri),
                            (event, node(ROLES[min(index, 2)]), actor.iri)]
        for quote_number in range(1, rng.randint(0, 2) + 1):
            quote = node(f"{base}id/quote/{key}/{quote_number}")
            speaker = rng.choice(persons)
            triples += [(quote, RDF_TYPE, node(s + "Quotation")),
                        (quote, node(s + "text"), text(f"We will not accept this {topic} plan, {speaker.name} said")),
                        (quote, node(s + "isPartOf"), article), (quote, node(s + "spokenByCharacter"), speaker.iri)]
        triples += [triple for entity in described for triple in describe(entity)]
        return graph, [ox.Triple(*triple) for triple in triples], described


def generate(triples: int, out: Path, base: str, seed: int) -> tuple[int, int]:
    """Write the two files; returns (quads in news.nq.gz, distinct triples in news.ttl.gz)."""
    out.mkdir(parents=True, exist_ok=True)
    articles = Generator(max(1, triples // TRIPLES_PER_ARTICLE), base, seed)
    described: set[int] = set()  # entities whose description the Turtle union already holds
    quads = union = 0
    with gzip.open(out / "news.nq.gz", "wb", compresslevel=3) as nquads, \
            gzip.open(out / "news.ttl.gz", "wb", compresslevel=3) as turtle:
        iterator = iter(articles)
        while batch := list(itertools.islice(iterator, BATCH)):
            batch_quads: list[ox.Quad] = []
            batch_union: list[ox.Triple] = []
            for graph, graph_triples, entities in batch:
                batch_quads += (ox.Quad(t.subject, t.predicate, t.object, graph) for t in graph_triples)
                repeated = {entity.iri for entity in entities if id(entity) in described}
                described.update(id(entity) for entity in entities)
                batch_union += (t for t in graph_triples if t.subject not in repeated)
            # Within a batch an entity described by two articles is still twice in the list.
            batch_union = list(dict.fromkeys(batch_union))
            ox.serialize(batch_quads, nquads, ox.RdfFormat.N_QUADS)
            ox.serialize(batch_union, turtle, ox.RdfFormat.TURTLE, prefixes=PREFIXES)
            quads += len(batch_quads)
            union += len(batch_union)
    return quads, union


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--triples", type=int, required=True, help="about how many quads to write")
    parser.add_argument("--out", type=Path, required=True, help="folder for news.nq.gz and news.ttl.gz")
    parser.add_argument("--base", default="http://127.0.0.1:5000/", help="base IRI, as kg serve's")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    started = time.perf_counter()
    quads, union = generate(args.triples, args.out, args.base, args.seed)
    print(f"wrote {quads} quads to {args.out / 'news.nq.gz'} and {union} distinct triples to "
          f"{args.out / 'news.ttl.gz'} in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
