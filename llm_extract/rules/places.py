"""Find where a sentence says something happened: gazetteer names and place phrases.

Two sources, both read from the sentence itself: capitalised names the gazetteer knows
(`normalize.get_gazetteer`, so a bigger gazetteer plugs in unchanged), and the article's
own place phrases ("the town of X", "in X province", "raids on X", "around X") for places
the gazetteer does not know. The most specific place wins: a town over its province,
a province over its country.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from llm_extract.normalize import Place, get_gazetteer


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


def _lookup(surface: str) -> Place | None:
    return get_gazetteer().lookup(surface)


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


def _known(sentence: str) -> list[PlaceMention]:
    """Capitalised spans the gazetteer knows, trying shorter spans inside longer ones."""
    out: list[PlaceMention] = []
    for m in _CAPS.finditer(sentence):
        words = list(re.finditer(r"\S+", m.group(0)))
        done = False
        for size in range(len(words), 0, -1):
            for i in range(len(words) - size + 1):
                start = m.start() + words[i].start()
                end = m.start() + words[i + size - 1].end()
                surface = sentence[start:end].rstrip("'’")
                if not _plausible(surface):
                    continue
                place = _lookup(surface)
                if place is not None:
                    out.append(PlaceMention(surface, start, start + len(surface), place, False))
                    done = True
                    break
            if done:
                break
    return out


def scan_places(
    sentence: str, *, exclude: list[tuple[int, int]] | None = None
) -> list[PlaceMention]:
    """Places a sentence names, in order; spans in `exclude` (actor names) are skipped."""
    taken = list(exclude or [])
    dateline = _DATELINE.match(sentence)
    if dateline:
        taken.append((0, dateline.end()))  # "BEIRUT –": where it was filed, not where it happened
    found = _known(sentence)
    for regex in _PHRASES:
        for m in regex.finditer(sentence):
            start, end = m.start("p"), m.end("p")
            surface = sentence[start:end].rstrip("'’")
            end = start + len(surface)
            if not _plausible(surface):
                continue
            if any(start < e and s < end for s, e in taken):
                continue
            if any(start < f.end and f.start < end for f in found):
                continue
            found.append(PlaceMention(surface, start, end, _lookup(surface), True))
    kept = [f for f in found if not any(f.start < e and s < f.end for s, e in taken)]
    return sorted((_with_admin(sentence, f) for f in kept), key=lambda f: f.start)


_ADMIN_AFTER = re.compile(r"\s+(?:province|governorate|region|state|county)\b", re.IGNORECASE)
_ADMIN_BEFORE = re.compile(r"\b(?:province|governorate|region)s?\s+of\s+$", re.IGNORECASE)


_RELATIVE_BEFORE = re.compile(
    r"\b(?:(?:north|south|east|west|northeast|northwest|southeast|southwest|northern|southern|"
    r"eastern|western)(?:ern)?\s+of|(?:km|kms|kilometers|kilometres|miles|meters|metres)\s+"
    r"(?:\w+\s+)?(?:of|from)|away\s+from|outside\s+of)\s+$",
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
        return PlaceMention(
            mention.surface,
            mention.start,
            mention.end,
            mention.place,
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
    """A province the sentence names ("in Idlib province", "the province of Latakia")."""
    for m in re.finditer(
        rf"(?:(?:province|governorate)\s+of\s+(?P<a>{_NAME}(?:{_CONNECT}{_NAME}){{0,2}})"
        rf"|(?P<b>{_NAME}(?:{_CONNECT}{_NAME}){{0,2}})\s+(?:province|governorate))",
        sentence,
    ):
        name = m.group("a") or m.group("b")
        if _plausible(name):
            place = _lookup(name)
            return place.admin1 or place.name if place else name
    return None
