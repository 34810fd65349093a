"""Views of one chat message that the detection rules match against.

Chat hides instructions behind Unicode and typing tricks; each view undoes some of them,
and each rule says which view it reads (``Rule.view``):

    view      what it is                                              read by
    plain     NFKC, format/invisible characters removed, case kept,   credentials (case
              line breaks kept                                        matters: AKIA..., sk-)
    folded    plain, casefolded, accents kept                         Russian, Chinese and
                                                                      Japanese rules
    latin     plain, look-alikes mapped to Latin (UTS #39 data of     links, other Latin-
              ``confusable_homoglyphs``), casefolded, accents gone     script languages
    skeleton  latin + light leetspeak (0→o 1→i|l 3→e 4→a 5→s 7→t @ $) English instruction
              inside words + separators inside words removed          rules
              (``ig-no.re``) + spaced letters joined (``i g n o r e``)

Invariants: every view is casefolded but ``plain``; no view holds a format (Cf) or
control character but ``\\n``; a line break survives in every view so rules can anchor
fake "log lines" at ``^`` (multiline). Spaces and tabs collapse to one space. In all but
``plain`` no run of non-word characters is longer than 8, which bounds every word gap.

Before the views, Unicode tag characters (U+E0020-E007E, "ASCII smuggling": invisible,
yet read by LLM tokenizers) become the ASCII they encode (``reveal``). A right-to-left
override is removed like any format character: the views keep the order a model reads;
the order a person sees is one of ``encoded.py``'s decodings.

The look-alike table is built once, lazily, from the library's packaged data (no
network, nothing at import time): for each non-ASCII character, its first ASCII letter
look-alike (else ASCII punctuation), applied before case folding because look-alikes
depend on case (capital upsilon reads Y, small upsilon u); a lowercase letter without an
entry borrows its uppercase's (Cyrillic small ka borrows capital ka's ``k``).
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from dataclasses import dataclass
from importlib import resources

# Letters that render as nothing but are not category Cf (Hangul fillers, braille blank,
# Khmer inherent vowels): used to split a word invisibly.
INVISIBLE = frozenset("\u115f\u1160\u17b4\u17b5\u2800\u3164\uffa0")

# "1" is "i" or "l" ("a11", "prev1ous"): the skeleton spells it as a dotless i, which the
# skeleton rules accept for either (rule.py).
AMBIGUOUS_ONE = "\u0131"
_LEET = str.maketrans(
    {"0": "o", "1": AMBIGUOUS_ONE, "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"}
)
_LEET_TOKEN = re.compile(r"[a-z0-9@$]*[0-9@$][a-z0-9@$]*")
_LEET_CHARS = re.compile(r"[0-9@$]")  # without one, _LEET_TOKEN finds nothing
_HAS_LETTER = re.compile(r"[a-z]")
# Separators typed inside a word to break it up: ig.no-re, ign*ore, you're.
_IN_WORD = re.compile("(?<=[a-z])[.\\-_*~^'`\u00b4\u2019\u2018+=|]+(?=[a-z])")
_IN_WORD_SEPARATORS = re.compile("[.\\-_*~^'`\u00b4\u2019\u2018+=|]")
# Three or more single letters separated by one space or punctuation mark: i g n o r e.
# Two spaces or more between letters keep a word gap ("i g n o r e  a l l").
_SPACED = re.compile(r"\b[a-z](?:[ .\-_*,/|][a-z]\b){2,}")
_SPACED_SEP = re.compile(r"[ .\-_*,/|]")
_HSPACE = re.compile(r"[^\S\n]+")
# Runs of non-word characters are cut to at most _RUN (a line break kept): the rules'
# word gaps (\W*) then never scan far, and padding "ignore ::::::::::: all" gains nothing.
_RUN = 8
_LONG_RUN = re.compile(rf"\W{{{_RUN + 1},}}")
_VSPACE = re.compile(r"\s*\n\s*")


@dataclass(frozen=True, slots=True)
class Views:
    """One message seen four ways (see the module docstring)."""

    plain: str
    folded: str
    latin: str
    skeleton: str

    def get(self, name: str) -> str:
        """The view called ``name`` ("plain", "folded", "latin" or "skeleton")."""
        return str(getattr(self, name))


VIEW_NAMES = ("plain", "folded", "latin", "skeleton")


@functools.cache
def _lookalikes() -> dict[int, str]:
    """Non-ASCII character -> its ASCII look-alike letter, from UTS #39's confusables.

    Case-aware, applied before case folding: capital upsilon reads as Y, small upsilon
    as u. UTS #39 spells capital-I look-alikes as "l" (its prototype); a reader sees I."""
    data = resources.files("confusable_homoglyphs").joinpath("confusables.json").read_text("utf-8")
    raw: dict[str, list[dict[str, str]]] = json.loads(data)
    table: dict[int, str] = {}
    for char, glyphs in raw.items():
        if len(char) != 1 or char.isascii():
            continue
        ascii_ = [g["c"] for g in glyphs if len(g["c"]) == 1 and "!" <= g["c"] <= "~"]
        letters = [c for c in ascii_ if c.isalnum()]
        if not (letters or ascii_):
            continue
        target = (letters or ascii_)[0]
        if target == "l" and char.isupper():
            target = "i"
        table[ord(char)] = target.lower()
    for code in range(0x80, 0x2000):
        char = chr(code)
        upper = char.upper()
        if code not in table and char.islower() and len(upper) == 1 and ord(upper) in table:
            table[code] = table[ord(upper)]
    # Letters UTS #39 leaves alone and NFKD does not decompose, read by their Unicode
    # name: small capitals (ᴀ ᴛ ɢ ɴ ꜰ, "ǫᴀɪ ꜱᴛᴏᴘ"), letters with a stroke or bar (ø ł đ
    # ħ ɨ, "prëvîøus"), the ae/oe ligatures, letters as emoji (🅸🅶🅽🅾🆁🅴, 🇮 🇬 🇳).
    # Technique: spelling with near-Latin letters.
    for code in range(0x80, 0x30000):
        if code in table:
            continue
        named = _NAMED_LETTER.match(unicodedata.name(chr(code), ""))
        if named and not unicodedata.decomposition(chr(code)):
            table[code] = (named.group(1) or named.group(2)).lower()
    return table


# "LATIN SMALL LETTER O WITH STROKE", "LATIN LETTER SMALL CAPITAL A", "MODIFIER LETTER
# SMALL CAPITAL I", "LATIN SMALL LETTER AE": the Latin letter(s) a name spells.
_NAMED_LETTER = re.compile(
    # letters as emoji: "NEGATIVE SQUARED LATIN CAPITAL LETTER I" (🅸), regional indicators (🇮)
    r"(?:REGIONAL INDICATOR SYMBOL LETTER ([A-Z])$)|(?:NEGATIVE (?:SQUARED|CIRCLED) )?"
    r"(?:LATIN|MODIFIER) (?:(?:SMALL|CAPITAL) )?(?:LETTER |LIGATURE )?"
    r"(?:SMALL CAPITAL |(?:SMALL|CAPITAL) LETTER )?(?:SMALL CAPITAL )?([A-Z]|AE|OE)"
    r"(?: WITH (?:STROKE|BAR|DIAGONAL STROKE|LONG STROKE OVERLAY|STROKE THROUGH DESCENDER))?$"
)
# Tag characters (U+E0020-E007E) spell ASCII invisibly.
_TAGS = re.compile("[\U000e0020-\U000e007e]+")


def _untag(match: re.Match[str]) -> str:
    return " " + "".join(chr(ord(ch) - 0xE0000) for ch in match.group(0)) + " "


def reveal(text: str) -> str:
    """``text`` with tag characters spelled out in ASCII (see the module docstring)."""
    if any(ord(ch) >= 0xE0000 for ch in text):
        text = _TAGS.sub(_untag, text)
    return text


@functools.cache
def _deletions() -> dict[int, None]:
    """Format (Cf), surrogate and control characters but line breaks and tabs, and the
    invisible letters: the planes that have any (0-2, 14; a test scans them all)."""
    codes = [*range(0x30000), *range(0xE0000, 0xE1000)]
    table: dict[int, None] = {
        code: None for code in codes if unicodedata.category(chr(code)) in ("Cf", "Cs", "Cc")
    }
    for keep in "\n\t\r":
        del table[ord(keep)]
    table.update((ord(ch), None) for ch in INVISIBLE)
    return table


def strip_format(text: str) -> str:
    """``text`` without format (Cf), control (Cc but line breaks) or invisible letters."""
    if text.isascii() and text.isprintable():  # no ASCII control character: none to drop
        return text
    return text.translate(_deletions())


def _cut_run(match: re.Match[str]) -> str:
    run = match.group(0)
    return run[:4] + ("\n" if "\n" in run else "") + run[-3:]


def _spaces(text: str) -> str:
    if text.isascii() and text.isprintable() and "  " not in text:  # single spaces only
        return text.strip()
    return _VSPACE.sub("\n", _HSPACE.sub(" ", text)).strip()


def _bounded(text: str) -> str:
    return _LONG_RUN.sub(_cut_run, _spaces(text))


def _strip_marks(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _leet(match: re.Match[str]) -> str:
    token = match.group(0)
    return token.translate(_LEET) if _HAS_LETTER.search(token) else token


def _join_spaced(match: re.Match[str]) -> str:
    return _SPACED_SEP.sub("", match.group(0))


def to_skeleton(latin: str) -> str:
    """The skeleton view of an already ``latin`` string."""
    text = _LEET_TOKEN.sub(_leet, latin) if _LEET_CHARS.search(latin) else latin
    if _IN_WORD_SEPARATORS.search(text):
        text = _IN_WORD.sub("", text)
    return _SPACED.sub(_join_spaced, text)


@functools.lru_cache(maxsize=2048)
def views(text: str) -> Views:
    """The four views of ``text`` (cached: a player's previous messages come again)."""
    plain = strip_format(text if text.isascii() else reveal(text))
    if not plain.isascii():
        plain = unicodedata.normalize("NFKC", plain)
    plain = plain.replace("\r", "\n").replace("\t", " ")
    folded = plain.casefold()
    latin = folded
    if not plain.isascii():
        latin = _strip_marks(plain.translate(_lookalikes()).casefold()).casefold()
    # The skeleton sees the spacing as typed (two spaces keep a gap between spaced letters).
    skeleton = to_skeleton(latin)
    # Views that read alike (all of them but plain, for most ASCII lines) are bounded once.
    bounded_folded = _bounded(folded)
    bounded_latin = bounded_folded if latin == folded else _bounded(latin)
    return Views(
        plain=_spaces(plain),
        folded=bounded_folded,
        latin=bounded_latin,
        skeleton=bounded_latin if skeleton == latin else _bounded(skeleton),
    )
