"""Find actor mentions in a sentence with the alias table (`data/actors.json`, read-only).

The alias table says what a surface name means; this module says where names are. It
matches every alias and context alias as whole words, plus the table's general patterns
("<nationality> [filler] <noun>": "Turkish troops", and bare nouns such as "gunmen" or
"protesters" when the event country is known), and resolves each surface form with
`normalize.actor_info` so naming stays in one place.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from typing import TYPE_CHECKING, Any

from llm_extract.normalize import WORLD, ActorInfo, Gazetteer, actor_info, name_key
from llm_extract.normalize.layered import resolve
from llm_extract.ontology import ActorType
from llm_extract.text import Parsed

if TYPE_CHECKING:
    from spacy.tokens import Span as SpacySpan

_SHORT_CAPS = re.compile(r"[A-Z][A-Z.]{0,4}")
_DESCRIPTOR_GAP = re.compile(r"[\s)]*(?:\([^)]{1,20}\))?\s*")
_PLACE_BEFORE = re.compile(r"(?:\b(?:in|at|near|to|outside|around|of|across)\s+)$", re.IGNORECASE)


@dataclass(frozen=True)
class ActorMention:
    """A name found in a sentence, where it is, and what the alias table makes of it."""

    surface: str
    start: int
    end: int
    info: ActorInfo


def _flexible(alias: str) -> str:
    """A regex for an alias whose spaces, hyphens and apostrophes may vary."""
    parts = re.split(r"[\s\-‐-–]+", alias.strip())
    escaped = [re.escape(p).replace("'", "['’]?").replace("’", "['’]?") for p in parts if p]
    return r"[\s\-‐-–]+".join(escaped)


@lru_cache(maxsize=1)
def _regexes() -> tuple[re.Pattern[str], ...]:
    """(nationality patterns, case-insensitive names, case-sensitive acronyms, filler
    words before a bare noun).

    Each is searched on its own so the longest match at a position wins across them:
    "Syrian President Bashar al-Assad" over the pattern's "Syrian President", "Russian
    military contractors" over "Russian military"."""
    raw = json.loads(files("llm_extract").joinpath("data/actors.json").read_text("utf-8"))
    loose: set[str] = set()
    caps: set[str] = set()
    for item in raw["actors"]:
        for alias in [item["name"], *item.get("aliases", []), *item.get("context_aliases", [])]:
            (caps if _SHORT_CAPS.fullmatch(alias) else loose).add(alias)
    nationalities = sorted(raw["nationalities"], key=len, reverse=True)
    patterns = raw["patterns"]
    nouns = sorted({n for k in patterns["kinds"] for n in k["nouns"]}, key=len, reverse=True)
    bare = sorted({n for k in patterns["kinds"] for n in k.get("bare", [])}, key=len, reverse=True)
    filler = sorted(patterns["filler"], key=len, reverse=True)
    nat = "|".join(_flexible(n) for n in nationalities)
    fill = "|".join(re.escape(f) for f in filler)
    noun = "|".join(_flexible(n) for n in nouns)
    pattern = rf"(?-i:(?:{nat}))(?:['’]s)?(?:\s+(?:{fill}))*\s+(?:{noun})"
    pattern_re = re.compile(rf"(?<![\w-])(?:{pattern})(?![\w-])", re.IGNORECASE)
    alternatives = [_flexible(a) for a in sorted(loose, key=len, reverse=True)]
    alternatives += [_flexible(b) for b in bare]
    body = "|".join(f"(?:{a})" for a in alternatives)
    loose_re = re.compile(rf"(?<![\w-])(?:{body})(?![\w-])", re.IGNORECASE)
    caps_body = "|".join(re.escape(c) for c in sorted(caps, key=len, reverse=True))
    caps_re = re.compile(rf"(?<![\w-])(?:{caps_body})(?![\w-])")
    # a bare noun after words that say whose forces they are is one phrase: "government
    # soldiers" is the military, not the government ("military government" stays apart)
    forces = {n for k in patterns["kinds"] if "Government" not in k["template"] for n in k["bare"]}
    bare_body = "|".join(_flexible(b) for b in sorted(forces, key=len, reverse=True))
    state = "|".join(re.escape(f) for f in sorted(patterns["state_filler"], key=len, reverse=True))
    filled_re = re.compile(
        rf"(?<![\w-])(?:{state})(?:\s+(?:{state}))*\s+(?:{bare_body})(?![\w-])", re.IGNORECASE
    )
    return pattern_re, loose_re, caps_re, filled_re


def _is_place(sentence: str, start: int, surface: str, gazetteer: Gazetteer) -> bool:
    """'in Damascus' names a place even though 'Damascus' can stand for a government.

    Only the hand-made gazetteer counts: the world layer names towns after groups and
    people ("members of Hamas" is not Hamm), so its matches never hide an actor."""
    if not _PLACE_BEFORE.search(sentence[max(0, start - 12) : start]):
        return False
    place = gazetteer.lookup(surface)
    return place is not None and place.source != WORLD


@lru_cache(maxsize=2048)
def _spans(sentence: str) -> tuple[tuple[int, int], ...]:
    """Where the table's names and patterns match, longest first where they overlap.

    Cached: the rules scan each sentence once without and once with the article's
    country, and the match does not depend on the country."""
    found = [(m.start(), m.end()) for regex in _regexes() for m in regex.finditer(sentence)]
    kept: list[tuple[int, int]] = []
    for start, end in sorted(found, key=lambda se: (se[0] - se[1], se[0])):
        if all(end <= s or start >= e for s, e in kept):
            kept.append((start, end))
    return tuple(sorted(kept))


def scan_actors(
    sentence: str, *, country: str | None = None, gazetteer: Gazetteer | None = None
) -> list[ActorMention]:
    """Every actor mention in `sentence`, left to right, longest match where they overlap.

    `country` is the country the events happen in: it resolves generic mentions ("the
    army", "protesters") and makes state forces abroad external forces. A name the
    `gazetteer` (None: the process's choice) knows as a place after "in" is a place.
    """
    g = resolve(gazetteer)
    out: list[ActorMention] = []
    for start, end in _spans(sentence):
        surface = sentence[start:end]
        if _is_place(sentence, start, surface, g):
            continue
        info = actor_info(surface, country=country)
        if info is None:
            continue
        if out and _DESCRIPTOR_GAP.fullmatch(sentence[out[-1].end : start]) and surface.islower():
            continue  # "Islamic State (IS) militants": the noun describes the name before it
        out.append(ActorMention(surface=surface, start=start, end=end, info=info))
    return out


@lru_cache(maxsize=1)
def _nationality_re() -> tuple[re.Pattern[str], dict[str, str]]:
    raw = json.loads(files("llm_extract").joinpath("data/actors.json").read_text("utf-8"))
    table: dict[str, str] = raw["nationalities"]
    names = sorted(table, key=len, reverse=True)
    body = "|".join(_flexible(n) for n in names)
    return re.compile(rf"(?<![\w-])(?:{body})(?![\w-])"), {name_key(k): v for k, v in table.items()}


def countries_named(text: str) -> list[str]:
    """Countries named in `text` by name or nationality ("Kenyan police" -> Kenya).

    Longest names win ("South Sudanese" is South Sudan, "Niger Delta" is Nigeria), and
    spelling variants fold alike ("Côte d’Ivoire", "Guinea Bissau")."""
    regex, table = _nationality_re()
    out = []
    for m in regex.finditer(text):
        country = table.get(name_key(m.group(0)))
        if country:
            out.append(country)
    return out


_LINKED = (
    r"(?:linked|tied|affiliated|allied|aligned|loyal|close|connected)\s+(?:to|with)|"
    r"(?:affiliate|offshoot|branch|splinter|franchise|faction|wing|ally)\s+of|"
    r"allegiance\s+to|inspired\s+by|ties\s+to"
)
_BACKGROUND_BEFORE = re.compile(
    rf"\b(?:{_LINKED})\s+(?:the\s+)?(?:(?:[\w'’-]+\s+){{0,4}}(?:and|or)\s+(?:the\s+)?)?$",
    re.IGNORECASE,
)
_BACKGROUND_AFTER = re.compile(
    r"^(?:['’]s)?[\s-]+(?:affiliates?|offshoots?|branch|branches|splinter|franchise|linked|"
    r"affiliated|inspired|allied)\b",
    re.IGNORECASE,
)


def is_background(sentence: str, mention: ActorMention) -> bool:
    """A group named to describe another ("linked to al-Qaeda", "an Islamic State
    affiliate", "a Boko Haram splinter group") is not itself taking part."""
    before = sentence[max(0, mention.start - 60) : mention.start]
    return bool(
        _BACKGROUND_BEFORE.search(before) or _BACKGROUND_AFTER.match(sentence[mention.end :])
    )


_SPEECH = r"(?:said|says|told|added|stated|reported|confirmed|announced|claimed|denied)"
_SOURCE_AFTER = re.compile(
    r"^(?:['’]s)?(?P<who>\s+(?:officers?|officials?|spokes(?:man|woman|person)|commanders?|"
    r"chiefs?|sources?)(?:\s+[A-Z][\w'’.-]*){0,3})?,?\s+(?:also\s+)?" + _SPEECH + r"\b"
)
_SOURCE_BEFORE = re.compile(
    r"(?:according\s+to\s+(?:the\s+|an?\s+)?(?:[\w'’-]+\s+){0,2}|[,\"”]\s*(?:the\s+)?)$",
    re.IGNORECASE,
)
_SAID_BEFORE = re.compile(
    r"[,\"”]\s*" + _SPEECH + r"\s+(?:the\s+|an?\s+)?(?:[\w'’-]+\s+){0,2}$", re.IGNORECASE
)


def is_source(sentence: str, mention: ActorMention) -> bool:
    """A name that reports the news is the story's source, not a side in its event:
    "..., the army said", "Police officer X told reporters", "according to the army",
    "..., said the army". "Rebels said the army shelled X" keeps both as actors."""
    before = sentence[max(0, mention.start - 40) : mention.start]
    after = _SOURCE_AFTER.match(sentence[mention.end :])
    if after is not None and (after.group("who") or _SOURCE_BEFORE.search(before)):
        return not before.rstrip().endswith(("and", "or")) or after.group("who") is not None
    if re.search(r"according\s+to\s+(?:the\s+|an?\s+)?(?:[\w'’-]+\s+){0,2}$", before, re.I):
        return True
    return _SAID_BEFORE.search(before) is not None


def find_actors(sentence: str, *, country: str | None = None) -> list[tuple[str, ActorInfo]]:
    """(surface name, canonical actor) for every actor named in `sentence`, in order."""
    return [(m.surface, m.info) for m in scan_actors(sentence, country=country)]


def armed_kind(ent: SpacySpan, spec: dict[str, Any]) -> str | None:
    """ACLED actor type of a named entity from its context, None when nothing says armed."""
    nouns: dict[str, str] = spec["nouns"]
    last = str(ent[-1].lower_)
    if last in spec["name_words"]:
        return str(spec["name_words"][last])
    doc = ent.doc
    near = [ent.root.head] if ent.root.dep_ in ("compound", "amod", "nmod", "poss") else []
    if ent.root.dep_ == "appos":
        near += [ent.root.head, *ent.root.head.children]
    if ent.root.dep_ == "pobj" and str(ent.root.head.lower_) in ("of", "from"):
        near.append(ent.root.head.head)  # "militants of the X", "fighters from X"
    if ent.end < len(doc):
        near.append(doc[ent.end])
    for token in near:
        kind = nouns.get(str(token.lemma_).casefold())
        if kind is not None:
            return kind
    head = ent.root.head
    claim, responsibility = spec["claim"]
    claimed = ent.root.dep_ == "nsubj" and str(head.lemma_) == claim
    if claimed and any(str(c.lemma_) == responsibility for c in head.subtree):
        return "rebel_group"
    return None


def named_groups(parsed: Parsed, known: list[ActorMention]) -> list[ActorMention]:
    """Armed groups the alias table does not know: the parse's named organisations whose
    context says they are armed ("Ansar Dine militants", "X claimed responsibility"),
    typed from that context (`lexicons.json`, "unknown_actors"). The table wins where it
    knows the name: an entity overlapping a known mention is skipped."""
    from llm_extract.rules.lexicon import lexicon  # lazy: lexicon is data, read once

    spec = lexicon().raw["lemmas"]["unknown_actors"]
    text = parsed.sentence.text
    out: list[ActorMention] = []
    for found in parsed.span.ents:
        ent = found[1:] if found[0].lower_ == "the" and len(found) > 1 else found
        named = str(ent[-1].lower_) in spec["name_words"]
        label = str(found.label_)
        if label not in spec["labels"] and not (label == "PERSON" and named):
            continue  # the small model calls "X Freedom Front" a person now and then
        start, end = parsed.at(ent[0]), parsed.end_of(ent[-1])
        if start < 0 or any(start < k.end and k.start < end for k in known):
            continue
        words = [str(t.lower_) for t in ent]
        if not ent.text[:1].isupper() or any(w in spec["not_names"] for w in words):
            continue  # "defence ministry", "VOA News": not an armed group's name
        if any(t.pos_ in ("ADP", "VERB") and t.lower_ not in ("of", "al", "wal") for t in ent):
            continue  # an entity that runs past a name ("Tame in Arauca")
        kind = armed_kind(ent, spec)
        if kind is None:
            continue
        surface = text[start:end]
        info = ActorInfo(name=surface, actor_type=ActorType(kind), country=None)
        out.append(ActorMention(surface=surface, start=start, end=end, info=info))
    return out
