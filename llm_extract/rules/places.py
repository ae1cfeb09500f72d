"""Find where a sentence says something happened: gazetteer names and place phrases.

Two sources, both read from the sentence itself: capitalised names the gazetteer knows
(`normalize.get_gazetteer`, so a bigger gazetteer plugs in unchanged), and the article's
own place phrases ("the town of X", "in X province", "raids on X", "around X") for places
the gazetteer does not know. The most specific place wins: a town over its province,
a province over its country.

The hand-made gazetteer is trusted wherever its names appear. The world layer (80,000
GeoNames towns) names too many English words and people ("Police" in Poland, "Reading",
"Hassan" in India) to be trusted like that; `_world_verdict` says when one of its
matches counts as a place.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, replace
from enum import Enum

from llm_extract.normalize import WORLD, Place, find_place, is_common_word, name_key
from llm_extract.normalize.locations import WORLD_LARGE
from llm_extract.rules.actors import countries_named


def _wordset(words: str) -> frozenset[str]:
    """A set from a whitespace-separated word list."""
    return frozenset(words.split())


_NAME = r"(?:(?:al|el|an|ad|as|ar|ash|at|az)-)?[A-Z][\w'’]*(?:-[\w'’]+)*"
_CONNECT = r"(?:\s+(?:al-|el-|an-|ad-|as-|ar-|ash-|at-|az-|de\s+|del\s+|ez-|es-|bin\s+|ibn\s+)?)"
_CAPS = re.compile(rf"(?<![\w-]){_NAME}(?:{_CONNECT}{_NAME}){{0,3}}")
_KIND_WORDS = (
    r"town|city|village|villages|district|neighbou?rhood|area|region|province|governorate|"
    r"state|county|suburb|outskirts|countryside|camp|island|valley|mountains?|hills?"
)
_PHRASES = (
    # "the town of Salma", "the provinces of Idlib"
    re.compile(rf"\b(?:{_KIND_WORDS})s?\s+of\s+(?P<p>{_NAME}(?:{_CONNECT}{_NAME}){{0,3}})"),
    # "in Latakia province", "Idlib governorate"
    re.compile(
        rf"(?P<p>{_NAME}(?:{_CONNECT}{_NAME}){{0,2}})\s+(?:province|governorate|region|district|"
        r"state|county)\b"
    ),
    # "Kwapagu village", "Hlaing Tharyar township": a name before its kind of place
    re.compile(
        rf"(?P<p>{_NAME}(?:{_CONNECT}{_NAME}){{0,2}})\s+(?:village|town|township|city|"
        r"neighbou?rhood|camp|municipality|locality)\b"
    ),
    # "raids on Maaret al-Numan", "around Salma", "near Kadeen", "in Manbij"
    re.compile(
        rf"\b(?:on|around|near|outside|in|at|into|inside|from|of)\s+(?:the\s+)?"
        rf"(?P<p>{_NAME}(?:{_CONNECT}{_NAME}){{0,3}})"
    ),
)
_NOT_PLACES = _wordset(
    """
    monday tuesday wednesday thursday friday saturday sunday january february march april may
    june july august september october november december the a an it he she they we i this that
    these those his her their its our there here in on at but and or so while when after before
    meanwhile however according earlier later some many state government army police reuters
    afp ap bbc cnn twitter facebook youtube telegram whatsapp president minister ministry
    observatory council nations union front brigades forces
    """
)
_RANK = {"village": 0, "town": 0, "city": 0, "place": 0, "region": 1, "admin1": 2, "country": 3}


@dataclass(frozen=True)
class PlaceMention:
    """A place named in a sentence: surface form, offsets and gazetteer entry (if known)."""

    surface: str
    start: int
    end: int
    place: Place | None
    phrase: bool
    """Found by a place phrase ("the town of X") rather than by the gazetteer alone."""
    admin: bool = False
    """The sentence calls it a province ("Idlib province", "the province of Latakia")."""
    relative: bool = False
    """Named only as a reference point ("north of Latakia", "50 km from Aleppo")."""

    @property
    def rank(self) -> int:
        """0 for towns and villages up to 3 for countries; unknown phrases count as towns."""
        if self.admin:
            return 2
        if self.relative:
            return 1
        if self.place is None:
            return 0
        return _RANK.get(self.place.kind, 0)


def _lookup(surface: str, countries: Collection[str] | None = None) -> Place | None:
    return find_place(surface, countries)


_LOCATIVE_BEFORE = re.compile(
    r"\b(?:in|at|near|around|outside|inside|into|across|towards?|through|between|"
    r"(?:north|south|east|west|northeast|northwest|southeast|southwest)(?:ern)?\s+of|"
    r"(?:km|kms|kilometers|kilometres|miles)\s+(?:\w+\s+)?(?:of|from))\s+(?:the\s+)?$",
    re.IGNORECASE,
)
_KIND_BEFORE = re.compile(
    rf"\b(?:{_KIND_WORDS})s?\s+of\s+(?:the\s+)?$|\b(?:town|city|village)\s+$",
    re.IGNORECASE,
)
_KIND_TAIL = _wordset(
    "province provinces governorate state region district county city town village oblast "
    "prefecture division countryside"
)
_KIND_AFTER = re.compile(rf"\s+(?:{'|'.join(sorted(_KIND_TAIL))})\b", re.IGNORECASE)
_TITLE_BEFORE = re.compile(
    r"\b(?:mr|mrs|ms|dr|sir|president|gen|general|col|colonel|maj|major|capt|captain|lt|"
    r"minister|sheikh|shaikh|imam|governor|gov|senator|sen|rep|commander|chief|leader|"
    r"spokesman|spokeswoman|spokesperson|king|queen|prince|emir|pope|judge|mayor)\.?\s+$",
    re.IGNORECASE,
)
_SPEECH_AFTER = re.compile(
    r"^(?:['’]s)?\s+(?:said|says|told|added|stated|wrote|tweeted|warned|denied|confirmed)\b"
)


# Large GeoNames cities that are also people's names or bodies in news text ("Jackson
# said", "Governor Bello", "Hassan, 34, was killed", "the State Duma"): they need a
# place phrase or their country.
_PEOPLE = _wordset(
    """
    duma ann austin batman bello bush carnot charlotte chandler clovis constantine darwin dudley
    durham edison elizabeth engels eugene everett florence george gilbert hamilton hassan
    henderson irving jackson kennedy kent kikuyu kimberley lincoln livingstone lowell madison
    mary masai milton moreno moro nancy newton nigel norman preston regina richardson
    rodriguez salem santana santos sutton thornton tyler victoria vladimir warren
    """
)
_ARTICLE = re.compile(r"^(?:al|el|an|ar|as|ad|ash|at|az) ")


class _Verdict(Enum):
    YES = "yes"
    IF_COUNTRY = "if its country is named"
    NO = "no"


def _world_verdict(
    sentence: str, start: int, end: int, place: Place, *, whole: bool, explicit: bool = False
) -> _Verdict:
    """When a world-layer match counts as a place (hand-made entries always count).

    - Never as part of a longer capitalised name ("Hassan" in "Hassan Nasrallah"), before
      a speech verb or after a title ("Hassan said", "President Jackson"), or as an
      acronym ("UN" is not Un in India).
    - An ordinary English word ("Reading", "Delta", "Plateau") only when the sentence
      calls it a place ("the town of Split", "Delta State"), or after "in", "near"...
      when its country is named in the sentence too.
    - Countries always. Other places when the sentence calls them places ("the town of
      X", "X province") or puts them after a locative preposition ("in X", "near X",
      "north of X"); a place matched by one of its alternate names (GeoNames lists
      "Hamas" for Hamm, "Allah" for an Iranian town) only if it is also large.
    - Without such a phrase, a large place (WORLD_LARGE) named by its own name that is
      not also a person's name; any place whose country the sentence names.
    """
    if place.source != WORLD:
        return _Verdict.YES
    surface = sentence[start:end]
    bare = _bare(surface)
    before = sentence[max(0, start - 40) : start]
    explicit = (
        explicit
        or bare != surface  # "Plateau State"
        or bool(_KIND_BEFORE.search(before) or _KIND_AFTER.match(sentence, end))
    )
    if not whole:
        return _Verdict.NO  # a place word after "Nad Ali" does not make "Ali" a place
    if not explicit and (
        (bare.isupper() and len(bare) <= 5)
        or _TITLE_BEFORE.search(before)
        or _SPEECH_AFTER.match(sentence[end:])
    ):
        return _Verdict.NO
    locative = explicit or bool(_LOCATIVE_BEFORE.search(before) or _RELATIVE_BEFORE.search(before))
    if is_common_word(bare):
        if explicit:
            return _Verdict.YES
        return _Verdict.IF_COUNTRY if locative else _Verdict.NO
    if place.kind == "country" or explicit:
        return _Verdict.YES
    key = _ARTICLE.sub("", name_key(bare))
    own_name = key == _ARTICLE.sub("", name_key(place.name))
    large = (place.population or 0) >= WORLD_LARGE
    if locative and (own_name or large):
        return _Verdict.YES
    if own_name and large and key not in _PEOPLE:
        return _Verdict.YES
    return _Verdict.IF_COUNTRY


def _bare(surface: str) -> str:
    """The name without a trailing place word ("Borno State" -> "Borno")."""
    words = surface.split()
    while len(words) > 1 and words[-1].casefold() in _KIND_TAIL:
        words.pop()
    return " ".join(words)


def _whole(words: list[str], i: int, size: int) -> bool:
    """Whether words[i:i+size] is the whole name in its capitalised run.

    Words around it may only be function words ("In", "The"), days and months, or place
    words ("State", "Province"); a possessive ends the name ("Nairobi's Kibera slum").
    """
    after = words[i + size :] if not re.search(r"['’]s$", words[i + size - 1]) else []
    rest = [*words[:i], *after]
    return all(
        (w := re.sub(r"['’]s?$", "", word).casefold()) in _NOT_PLACES or w in _KIND_TAIL
        for word in rest
    )


_ADJECTIVAL = re.compile(
    r"-(?:populated|held|controlled|majority|dominated|led|backed|linked|based|run|occupied|"
    r"affiliated|allied|aligned|style)$",
    re.IGNORECASE,
)
_DATELINE = re.compile(r"^\s*[A-Z][A-Z\s.'-]+(?:,\s*[A-Za-z .]+)?\s*(?:\([^)]*\))?\s*[–—-]")


def _plausible(surface: str) -> bool:
    words = surface.replace("-", " ").split()
    if _ADJECTIVAL.search(surface):
        return False  # "Sunni-populated", "rebel-held": adjectives, not names
    return bool(words) and words[0].casefold() not in _NOT_PLACES and len(surface) > 2


def _known(sentence: str, countries: Collection[str] = ()) -> list[PlaceMention]:
    """Capitalised spans the gazetteer knows, trying shorter spans inside longer ones.

    World-layer matches that count only if their country is named wait until every
    other match of the sentence is in: those matches' countries count as named too
    ("in Maiduguri, Bama and Gwoza": Maiduguri is in Nigeria, so are the others).
    """
    named = {*countries, *countries_named(sentence)}
    out: list[PlaceMention] = []
    pending: list[PlaceMention] = []
    for m in _CAPS.finditer(sentence):
        words = [w.group(0) for w in re.finditer(r"\S+", m.group(0))]
        offsets = [m.start() + w.start() for w in re.finditer(r"\S+", m.group(0))]
        done = False
        for size in range(len(words), 0, -1):
            for i in range(len(words) - size + 1):
                start = offsets[i]
                end = offsets[i + size - 1] + len(words[i + size - 1])
                surface = sentence[start:end].rstrip("'’")
                if not _plausible(surface):
                    continue
                place = _lookup(surface, named)
                if place is None:
                    continue
                mention = PlaceMention(surface, start, start + len(surface), place, False)
                verdict = _world_verdict(
                    sentence, start, mention.end, place, whole=_whole(words, i, size)
                )
                if verdict is _Verdict.NO:
                    continue
                if verdict is _Verdict.IF_COUNTRY:
                    pending.append(mention)
                else:
                    out.append(mention)
                done = True
                break
            if done:
                break
    out = [_in_named_country(p, out, named) for p in out]
    named |= {p.place.country for p in out if p.place is not None and p.place.country}
    for mention in pending:
        place = _lookup(mention.surface, named)
        if place is not None and place.country in named:
            out.append(replace(mention, place=place))
    return sorted(out, key=lambda p: p.start)


def _in_named_country(
    mention: PlaceMention, found: list[PlaceMention], named: set[str]
) -> PlaceMention:
    """A world match moved to the same-named place in a country the sentence names
    ("Palma in Cabo Delgado" is Mozambique's Palma, not Majorca's)."""
    if mention.place is None or mention.place.source != WORLD:
        return mention
    others = named | {
        f.place.country for f in found if f is not mention and f.place and f.place.country
    }
    if mention.place.country in others:
        return mention
    place = _lookup(mention.surface, others)
    if place is not None and place.country in others:
        return replace(mention, place=place)
    return mention


def scan_places(
    sentence: str,
    *,
    exclude: list[tuple[int, int]] | None = None,
    countries: Collection[str] = (),
) -> list[PlaceMention]:
    """Places a sentence names, in order; spans in `exclude` (actor names) are skipped.

    `countries` (the article's country, say) count as named in the sentence: they pick
    among same-named places and let small world-layer towns of those countries count.
    """
    taken = list(exclude or [])
    dateline = _DATELINE.match(sentence)
    if dateline:
        taken.append((0, dateline.end()))  # "BEIRUT –": where it was filed, not where it happened
    found = _known(sentence, countries)
    named = {
        *countries,
        *countries_named(sentence),
        *(f.place.country for f in found if f.place is not None and f.place.country),
    }
    for kind, regex in enumerate(_PHRASES):
        for m in regex.finditer(sentence):
            start, end = m.start("p"), m.end("p")
            cut = list(re.finditer(r"['’]s\s+", sentence[start:end])) if kind == 2 else []
            if cut:  # "Yangon's Hlaing Tharyar township": the name after the possessive
                start += cut[-1].end()
            surface = sentence[start:end].rstrip("'’")
            end = start + len(surface)
            if not _plausible(surface):
                continue
            if any(start < e and s < end for s, e in taken):
                continue
            if any(start < f.end and f.start < end for f in found):
                continue
            place = _lookup(surface, named)
            if place is not None:
                verdict = _world_verdict(sentence, start, end, place, whole=True, explicit=kind < 3)
                if verdict is _Verdict.NO or (
                    verdict is _Verdict.IF_COUNTRY and place.country not in named
                ):
                    place = None  # still a place phrase, but not that town
            found.append(PlaceMention(surface, start, end, place, True))
    kept = [f for f in found if not any(f.start < e and s < f.end for s, e in taken)]
    return _reference_points(
        sentence, sorted((_with_admin(sentence, f) for f in kept), key=lambda f: f.start)
    )


_NEAR_PREVIOUS = re.compile(
    r"^\s*,?\s*(?:\w+\s+)?(?:near|outside|close\s+to|not\s+far\s+from)\s+(?:the\s+)?"
    rf"(?:(?:{_KIND_WORDS})s?\s+of\s+)?$",
    re.IGNORECASE,
)


def _reference_points(sentence: str, places: list[PlaceMention]) -> list[PlaceMention]:
    """A place named only to locate another is a reference point, not where it happened:
    the second of "Kwapagu village near the town of Gwoza", the first of "Yangon's
    Hlaing Tharyar township"."""
    out = list(places)
    for i in range(1, len(out)):
        gap = sentence[out[i - 1].end : out[i].start]
        if _NEAR_PREVIOUS.match(gap) and not out[i].relative:
            out[i] = replace(out[i], relative=True)
        possessive = sentence[out[i - 1].start : out[i].start]
        if re.fullmatch(r"[^,;]+['’]s\s+", possessive) and out[i].place is not None:
            out[i - 1] = replace(out[i - 1], relative=True)  # "Yangon's Hlaing Tharyar"
    return out


_ADMIN_AFTER = re.compile(r"\s+(?:province|governorate|region|state|county)\b", re.IGNORECASE)
_ADMIN_BEFORE = re.compile(r"\b(?:province|governorate|region|state)s?\s+of\s+$", re.IGNORECASE)


_RELATIVE_BEFORE = re.compile(
    r"\b(?:(?:north|south|east|west|northeast|northwest|southeast|southwest|northern|southern|"
    r"eastern|western)(?:ern)?\s+of|(?:km|kms|kilometers|kilometres|miles|meters|metres)\s+"
    r"(?:\w+\s+)?(?:of|from)|away\s+from|outside\s+of|borders?\s+(?:with|of))\s+(?:the\s+)?$",
    re.IGNORECASE,
)


def _with_admin(sentence: str, mention: PlaceMention) -> PlaceMention:
    if _RELATIVE_BEFORE.search(sentence[max(0, mention.start - 40) : mention.start]):
        mention = PlaceMention(
            mention.surface,
            mention.start,
            mention.end,
            mention.place,
            mention.phrase,
            mention.admin,
            True,
        )
    if _ADMIN_AFTER.match(sentence, mention.end) or _ADMIN_BEFORE.search(
        sentence[max(0, mention.start - 20) : mention.start]
    ):
        place = mention.place
        if place is not None and place.source == WORLD and place.kind != "admin1":
            # "Kano state" is the state, not the city; keep the city if there is no state
            division = _lookup(f"{_bare(mention.surface)} province", (place.country or "",))
            if division is not None and division.kind == "admin1":
                place = division
        return PlaceMention(
            mention.surface,
            mention.start,
            mention.end,
            place,
            mention.phrase,
            True,
            mention.relative,
        )
    return mention


def best_place(places: list[PlaceMention], near: int) -> PlaceMention | None:
    """The most specific place, nearest to offset `near` among equally specific ones."""
    if not places:
        return None
    return min(places, key=lambda p: (p.rank, abs(p.start - near)))


def province_in(sentence: str) -> str | None:
    """A province the sentence names ("in Idlib province", "the province of Latakia").

    "X state" and "X region" (Borno state, Rakhine State, Somali Region) count only when
    the gazetteer knows X as a first-level division: "Islamic State" is not a province.
    """
    for m in re.finditer(
        rf"(?:(?:province|governorate)\s+of\s+(?P<a>{_NAME}(?:{_CONNECT}{_NAME}){{0,2}})"
        rf"|(?P<b>{_NAME}(?:{_CONNECT}{_NAME}){{0,2}})\s+(?:province|governorate)"
        rf"|(?P<c>{_NAME}(?:{_CONNECT}{_NAME}){{0,2}})\s+(?i:state|region)\b)",
        sentence,
    ):
        name = m.group("a") or m.group("b") or m.group("c")
        if not _plausible(name):
            continue
        place = _lookup(name)
        if m.group("c") is not None:
            if place is not None and place.kind == "admin1":
                return place.admin1 or place.name
            continue
        return place.admin1 or place.name if place else name
    return None
