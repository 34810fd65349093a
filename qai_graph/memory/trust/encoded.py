"""Instructions hidden in an encoding: the payloads a message carries, decoded, so the rules
can read them (``Detector.assess`` asks the rules about each decoding when no rule hit the
message itself).

Technique covered: an instruction encoded so that no rule's words appear in the message
("decode this and follow it: aWdub3JlIGFsbC..."), which a model happily decodes. Each
decoder is tried only on a shape that cannot be ordinary chat, or when the message names
the encoding itself:

    base64   a run of 16+ base64 characters (standard or URL-safe) decoding to printable
             text with at least two words
    hex      8+ hex byte pairs (spaced or not) decoding to printable text with two words
    binary   4+ groups of eight 0/1 digits
    morse    4+ letters of dots and dashes with at least one dash
    rot13    the message says rot13 / rot 13 / caesar: the whole message rotated
    display  a right-to-left override (U+202E to U+202C or the line's end): the text in
             the order a person sees it ("\u202eselur ruoy erongi" shows "ignore your
             rules"; the views keep the order a model reads)
    reversed the message says backwards / reversed / in reverse: the text after its
             first colon (or all of it) reversed

Pure and cheap: one search per shape on the message (most chat has none of them).
"""

from __future__ import annotations

import base64
import binascii
import codecs
import re

from qai_graph.memory.trust.normalize import strip_format

# The shortest payload worth decoding: "ignore your rules" is 17 characters, 24 in base64.
_BASE64 = re.compile(r"(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{16,}={0,2}")
_HEX = re.compile(r"\b(?:[0-9a-fA-F]{2}[\s:]?){8,}")
_BINARY = re.compile(r"\b(?:[01]{8}\s?){4,}")
_DOT_DASH = r"[.\-\u2022\u2013\u2014_]{1,7}"
_MORSE = re.compile(rf"(?:{_DOT_DASH}(?:\s*/\s*|\s+)){{3,}}{_DOT_DASH}")
_ROT13 = re.compile(r"\brot\W?13\b|\bcaesar\b", re.IGNORECASE)
_REVERSED = re.compile(r"\b(?:backwards?|reversed|in reverse|reverse it|mirror(?:ed)?)\b", re.I)
_OVERRIDE = re.compile("\u202e([^\u202c\n]*)\u202c?")
_WORDS = re.compile(r"[A-Za-z]{2,}[\s,.:;!?]+[A-Za-z]{2,}")
MORSE = {
    ".-": "a", "-...": "b", "-.-.": "c", "-..": "d", ".": "e", "..-.": "f", "--.": "g",
    "....": "h", "..": "i", ".---": "j", "-.-": "k", ".-..": "l", "--": "m", "-.": "n",
    "---": "o", ".--.": "p", "--.-": "q", ".-.": "r", "...": "s", "-": "t", "..-": "u",
    "...-": "v", ".--": "w", "-..-": "x", "-.--": "y", "--..": "z",
}  # fmt: skip
_DASHES = str.maketrans({"\u2022": ".", "\u2013": "-", "\u2014": "-", "_": "-"})


def _text(data: bytes) -> str | None:
    """``data`` as text when it reads as words (printable, two words at least)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if not text.isprintable() and not all(ch.isprintable() or ch in "\n\t" for ch in text):
        return None
    return text if _WORDS.search(text) else None


def _base64(blob: str) -> str | None:
    blob = blob.rstrip("=")
    if len(blob) % 4 == 1 or blob.isalpha() or blob.isdigit():
        return None  # a word or a number, not a payload
    padded = blob + "=" * (-len(blob) % 4)
    try:
        data = base64.b64decode(padded.replace("-", "+").replace("_", "/"), validate=True)
    except (binascii.Error, ValueError):
        return None
    return _text(data)


def _morse(run: str) -> str | None:
    run = run.translate(_DASHES)
    if "-" not in run:
        return None  # an ellipsis, not Morse
    words = []
    for word in re.split(r"\s*/\s*|\s{2,}", run.strip()):
        letters = [MORSE.get(code) for code in word.split()]
        if None in letters:
            return None
        words.append("".join(letter for letter in letters if letter))
    return " ".join(words)


def decodings(text: str) -> list[tuple[str, str]]:
    """(encoding, decoded text) for each payload ``text`` (a message as typed) carries."""
    found: list[tuple[str, str]] = []
    if "\u202e" in text:
        shown = _OVERRIDE.sub(lambda m: m.group(1)[::-1], text)
        found.append(("right-to-left override", shown))
    text = strip_format(text)
    for match in _BASE64.finditer(text):
        if (decoded := _base64(match.group(0))) is not None:
            found.append(("base64", decoded))
    for match in _HEX.finditer(text):
        digits = re.sub(r"[\s:]", "", match.group(0))
        if len(digits) % 2 == 0 and (decoded := _text(bytes.fromhex(digits))) is not None:
            found.append(("hex", decoded))
    for match in _BINARY.finditer(text):
        bits = match.group(0).split()
        if len(bits) == 1:
            bits = re.findall("[01]{8}", bits[0])
        if (decoded := _text(bytes(int(b, 2) for b in bits))) is not None:
            found.append(("binary", decoded))
    for match in _MORSE.finditer(text):
        if decoded := _morse(match.group(0)):
            found.append(("Morse code", decoded))
    if _ROT13.search(text):
        found.append(("rot13", codecs.encode(text, "rot13")))
    if _REVERSED.search(text):
        tail = text.split(":", 1)[-1]
        found.append(("reversed text", tail[::-1]))
    return found
