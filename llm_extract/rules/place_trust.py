"""Place mentions, and when a capitalised name counts as a place (the world layer's checks).

The hand-made gazetteer is trusted wherever its names appear. The world layer (80,000
GeoNames towns) names too many English words and people ("Police" in Poland, "Reading",
"Hassan" in India) to be trusted like that; `world_verdict` says when one of its matches
counts as a place, from the words around it ("in X", "the town of X", "X said").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from llm_extract.normalize import WORLD, Gazetteer, Place, is_common_word, name_key
from llm_extract.normalize.world import WORLD_LARGE
from llm_extract.rules.actors import countries_named


def wordset(words: str) -> frozenset[str]:
    """A set from a whitespace-separated word list."""
    return frozenset(words.split())


KIND_WORDS = (
    r"town|city|village|villages|district|neighbou?rhood|area|region|province|governorate|"
    r"state|county|suburb|outskirts|countryside|camp|island|valley|mountains?|hills?"
)
NOT_PLACES = wordset(
    """
    monday tuesday wednesday thursday friday saturday sunday january february march april may
    june july august september october november december the a an it he she they we i this that
    these those his her their its our there here in on at but and or so while when after before
    meanwhile however according earlier later some many state government army police reuters
    afp ap bbc cnn twitter facebook youtube telegram whatsapp president minister ministry
    observatory council nations union front brigades forces
    """
)
_LOCATIVE_BEFORE = re.compile(
    r"\b(?:in|at|near|around|outside|inside|into|across|towards?|through|between|"
    r"(?:north|south|east|west|northeast|northwest|southeast|southwest)(?:ern)?\s+of|"
    r"(?:km|kms|kilometers|kilometres|miles)\s+(?:\w+\s+)?(?:of|from))\s+(?:the\s+)?$",
    re.IGNORECASE,
)
_KIND_BEFORE = re.compile(
    rf"\b(?:{KIND_WORDS})s?\s+of\s+(?:the\s+)?$|\b(?:town|city|village)\s+$",
    re.IGNORECASE,
)
KIND_TAIL = wordset(
    "province provinces governorate state region district county city town village oblast "
    "prefecture division countryside"
)
_KIND_AFTER = re.compile(rf"\s+(?:{'|'.join(sorted(KIND_TAIL))})\b", re.IGNORECASE)
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
_PEOPLE = wordset(
    """
    duma ann austin batman bello bush carnot charlotte chandler clovis constantine darwin dudley
    durham edison elizabeth engels eugene everett florence george gilbert hamilton hassan
    henderson irving jackson kennedy kent kikuyu kimberley lincoln livingstone lowell madison
    mary masai milton moreno moro nancy newton nigel norman preston regina richardson
    rodriguez salem santana santos sutton thornton tyler victoria vladimir warren
    """
)
_ARTICLE = re.compile(r"^(?:al|el|an|ar|as|ad|ash|at|az) ")


class Verdict(Enum):
    YES = "yes"
    IF_COUNTRY = "if its country is named"
    NO = "no"


def world_verdict(
    sentence: str,
    start: int,
    end: int,
    place: Place,
    *,
    whole: bool,
    explicit: bool = False,
    gazetteer: Gazetteer | None = None,
) -> Verdict:
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
        return Verdict.YES
    surface = sentence[start:end]
    bare = bare_name(surface)
    before = sentence[max(0, start - 40) : start]
    explicit = (
        explicit
        or bare != surface  # "Plateau State"
        or bool(_KIND_BEFORE.search(before) or _KIND_AFTER.match(sentence, end))
    )
    if not whole:
        return Verdict.NO  # a place word after "Nad Ali" does not make "Ali" a place
    if not explicit and (
        (bare.isupper() and len(bare) <= 5)
        or _TITLE_BEFORE.search(before)
        or _SPEECH_AFTER.match(sentence[end:])
    ):
        return Verdict.NO
    locative = explicit or bool(_LOCATIVE_BEFORE.search(before) or RELATIVE_BEFORE.search(before))
    if is_common_word(bare, gazetteer):
        if explicit:
            return Verdict.YES
        return Verdict.IF_COUNTRY if locative else Verdict.NO
    if place.kind == "country" or explicit:
        return Verdict.YES
    key = _ARTICLE.sub("", name_key(bare))
    own_name = key == _ARTICLE.sub("", name_key(place.name))
    large = (place.population or 0) >= WORLD_LARGE
    if locative and (own_name or large):
        return Verdict.YES
    if own_name and large and key not in _PEOPLE:
        return Verdict.YES
    return Verdict.IF_COUNTRY


def bare_name(surface: str) -> str:
    """The name without a trailing place word ("Borno State" -> "Borno")."""
    words = surface.split()
    while len(words) > 1 and words[-1].casefold() in KIND_TAIL:
        words.pop()
    return " ".join(words)


def whole_name(words: list[str], i: int, size: int) -> bool:
    """Whether words[i:i+size] is the whole name in its capitalised run.

    Words around it may only be function words ("In", "The"), days and months, or place
    words ("State", "Province"); a possessive ends the name ("Nairobi's Kibera slum").
    """
    after = words[i + size :] if not re.search(r"['’]s$", words[i + size - 1]) else []
    rest = [*words[:i], *after]
    return all(
        (w := re.sub(r"['’]s?$", "", word).casefold()) in NOT_PLACES or w in KIND_TAIL
        for word in rest
    )


_ADJECTIVAL = re.compile(
    r"-(?:populated|held|controlled|majority|dominated|led|backed|linked|based|run|occupied|"
    r"affiliated|allied|aligned|style)$",
    re.IGNORECASE,
)


def plausible(surface: str) -> bool:
    words = surface.replace("-", " ").split()
    if _ADJECTIVAL.search(surface):
        return False  # "Sunni-populated", "rebel-held": adjectives, not names
    return bool(words) and words[0].casefold() not in NOT_PLACES and len(surface) > 2


RELATIVE_BEFORE = re.compile(
    r"\b(?:(?:north|south|east|west|northeast|northwest|southeast|southwest|northern|southern|"
    r"eastern|western)(?:ern)?\s+of|(?:km|kms|kilometers|kilometres|miles|meters|metres)\s+"
    r"(?:\w+\s+)?(?:of|from)|away\s+from|outside\s+of|borders?\s+(?:with|of))\s+(?:the\s+)?$",
    re.IGNORECASE,
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
    region: bool = False
    """An unknown place the parse calls a region (a LOC entity: "the Sinai Peninsula")."""
    entity: bool = False
    """Found only as a named entity of the parse."""

    @property
    def rank(self) -> int:
        """0 for towns and villages up to 3 for countries; unknown phrases count as towns."""
        if self.admin:
            return 2
        if self.relative or self.region:
            return 1
        if self.place is None:
            return 0
        return _RANK.get(self.place.kind, 0)


_DIRECTIONS = frozenset(
    f"{d}{end}"
    for d in ("north", "south", "east", "west", "northeast", "northwest", "southeast", "southwest")
    for end in ("ern", "")
) | {"central", "upper", "lower"}


def not_a_name(surface: str) -> bool:
    """An unknown phrase that is a direction or a nationality word ("in the Southern parts",
    "near the Jordanian city of Karak"), not a place's name."""
    first = surface.split()[0]
    return surface.casefold() in _DIRECTIONS or bool(countries_named(first))
