"""Text folding: the one fold the text layer, grounding and the normalisers share.

Model output and article text differ in ways that carry no meaning: curly versus straight
quotes, en/em dashes versus hyphens, non-breaking spaces, the ellipsis character, case and
diacritics. Folding both sides the same way lets exact comparison survive those
differences, and `fold_with_map` keeps a map back to the original offsets so a match found
in the folded text can still be reported as a slice of the article.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Characters replaced before anything else; everything not listed folds by NFKD + casefold.
_CHAR_MAP: dict[str, str] = {
    "\u2018": "'",  # left single quotation mark
    "\u2019": "'",  # right single quotation mark / apostrophe
    "\u201a": "'",
    "\u201b": "'",
    "\u2032": "'",  # prime
    "\u02bc": "'",  # modifier letter apostrophe
    "\u02bb": "'",  # modifier letter turned comma (ʻokina)
    "\u02be": "'",  # modifier letter right half ring (transliterated hamza)
    "\u02bf": "'",  # modifier letter left half ring (transliterated ayn)
    "`": "'",
    "\u00b4": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u201f": '"',
    "\u00ab": '"',
    "\u00bb": '"',
    "\u2033": '"',
    "\u2010": "-",  # hyphen
    "\u2011": "-",  # non-breaking hyphen
    "\u2012": "-",  # figure dash
    "\u2013": "-",  # en dash
    "\u2014": "-",  # em dash
    "\u2015": "-",  # horizontal bar
    "\u2212": "-",  # minus sign
    "\u2026": "...",  # horizontal ellipsis
    "\u00ad": "",  # soft hyphen
    "\u200b": "",  # zero-width space
    "\u200c": "",
    "\u200d": "",
    "\u2060": "",
    "\ufeff": "",
}


def fold_char(ch: str) -> str:
    """Fold one character: map punctuation variants, drop diacritics, casefold.

    Whitespace of any kind (NBSP included) becomes a plain space; runs are collapsed by
    the callers, which see the whole string.
    """
    if ch in _CHAR_MAP:
        return _CHAR_MAP[ch]
    if ch.isspace():
        return " "
    if ch.isascii():
        return ch.lower()
    decomposed = unicodedata.normalize("NFKD", ch)
    kept = "".join(c for c in decomposed if not unicodedata.combining(c))
    out = kept.casefold()
    # NFKD can turn compatibility characters into spaces (e.g. U+2007); keep them single.
    return " " if out.isspace() else out


def fold_with_map(text: str) -> tuple[str, list[int]]:
    """Fold `text` and return, for every folded character, its index in `text`.

    Whitespace runs collapse to one space, and leading/trailing whitespace is dropped, so
    a slice `folded[i:j]` corresponds to `text[index[i] : index[j - 1] + 1]`.
    """
    out: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(text):
        piece = fold_char(ch)
        for p in piece:
            if p == " " and (not out or out[-1] == " "):
                continue
            out.append(p)
            index.append(i)
    if out and out[-1] == " ":
        out.pop()
        index.pop()
    return "".join(out), index


def fold(text: str) -> str:
    """Fold case, diacritics, quotes, dashes, ellipsis and whitespace for comparison."""
    return fold_with_map(text)[0]


_NON_WORD = re.compile(r"[^\w]+")


@lru_cache(maxsize=65536)
def name_key(text: str) -> str:
    """A lookup key for names: folded, possessive 's and punctuation dropped, hyphens and
    spaces unified, a leading "the" removed ("The al-Nusra Front" -> "al nusra front").

    Cached: the rules key the same few thousand surface names over and over, and the
    fold is a per-character loop."""
    folded = fold(text)
    folded = re.sub(r"'s\b", "", folded)
    folded = folded.replace("'", "")
    key = _NON_WORD.sub(" ", folded).replace("_", " ").strip()
    key = re.sub(r"\s+", " ", key)
    if key.startswith("the "):
        key = key[4:]
    return key
