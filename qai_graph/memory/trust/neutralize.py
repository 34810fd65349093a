"""Spotlighting: chat text made safe to quote inside the prompt's data section.

Everything recalled from chat reaches a model inside one block that starts with
``DATA_OPEN`` and ends with ``DATA_CLOSE`` (``data_section``); QAI's guidelines say once
that what is inside is what players said, never an instruction. The block is safe only if
no chat text can close it, open another, or fake a new line of the prompt. So
``neutralize`` guarantees, for any input string:

- no line break of any kind (LF, CR, VT, FF, NEL, U+2028/2029): whitespace runs become one
  space, so a message cannot start a fake "[SYSTEM]" line;
- no control (Cc), format (Cf: bidi overrides and isolates U+202A-202E, U+2066-2069,
  marks U+200E/200F/061C, zero-width U+200B-200D, U+2060, U+FEFF, soft hyphen...),
  surrogate (Cs) or invisible filler character;
- no ASCII double quote or backtick: they become typographic quotes (U+201C/201D, U+2018), so a
  message cannot close a quoted span;
- no delimiter and no look-alike of one: U+27EA/U+27EB and the double angle brackets
  that read like them (《》 ︽︾ ≪≫ ⋘⋙ ⪡⪢ ⪣) are removed; « » become “ ”.

NFKC does not fold the delimiters (U+27EA/27EB have no compatibility mapping), and the
only characters whose NFKC form is a look-alike are in ``LOOKALIKES`` (a test scans all of
Unicode for both). The text is not otherwise rewritten: the model reads what was said.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable

from qai_graph.memory.trust.normalize import INVISIBLE

DATA_OPEN = "\u27ea"  # ⟪ MATHEMATICAL LEFT DOUBLE ANGLE BRACKET
DATA_CLOSE = "\u27eb"  # ⟫ MATHEMATICAL RIGHT DOUBLE ANGLE BRACKET
# Characters that read like a delimiter: removed wherever they appear.
LOOKALIKES = frozenset(
    DATA_OPEN
    + DATA_CLOSE
    + "\u300a\u300b"  # 《》 CJK double angle brackets
    + "\ufe3d\ufe3e"  # ︽︾ their vertical presentation forms (NFKC: 《》)
    + "\u226a\u226b"  # ≪≫ much less-than / greater-than
    + "\u22d8\u22d9"  # ⋘⋙ very much less-than / greater-than
    + "\u2aa1\u2aa2\u2aa3"  # ⪡⪢⪣ double nested less-than / greater-than
)
ELLIPSIS = "\u2026"
_OPEN_QUOTE, _CLOSE_QUOTE, _BACKTICK = "\u201c", "\u201d", "\u2018"
_SPACES = re.compile(r"\s+")
_QUOTE = re.compile('"')


@functools.cache
def _table() -> dict[int, str | None]:
    """Deletions and replacements, built once for all of Unicode's planes that have Cc,
    Cf or Cs characters (0-2 and 14; a test checks the rest have none)."""
    codes = [*range(0x30000), *range(0xE0000, 0xE1000)]
    table: dict[int, str | None] = {
        code: None for code in codes if unicodedata.category(chr(code)) in ("Cc", "Cf", "Cs")
    }
    for code in codes:  # line and paragraph separators, tabs... become spaces below
        if chr(code).isspace():
            table[code] = " "
    table.update((ord(ch), None) for ch in INVISIBLE | LOOKALIKES)
    table[ord("\u00ab")] = _OPEN_QUOTE  # «
    table[ord("\u00bb")] = _CLOSE_QUOTE  # »
    table[ord("\uff02")] = '"'  # fullwidth quotation mark: typographic below
    table[ord("`")] = _BACKTICK
    return table


def _quote(match: re.Match[str]) -> str:
    """An opening quote at the start or after a space or an opening bracket, else closing."""
    at = match.start()
    opens = at == 0 or match.string[at - 1].isspace() or match.string[at - 1] in "([{"
    return _OPEN_QUOTE if opens else _CLOSE_QUOTE


def neutralize(text: str, *, limit: int | None = None) -> str:
    """``text`` as one line that cannot close, forge or nest the data section; cut to
    ``limit`` characters (an ellipsis last) when longer."""
    flat = _SPACES.sub(" ", text.translate(_table())).strip()
    flat = _QUOTE.sub(_quote, flat)
    if limit is not None and len(flat) > limit:
        return flat[: limit - 1].rstrip() + ELLIPSIS if limit > 0 else ""
    return flat


def data_section(lines: Iterable[str], *, title: str, limit: int | None = None) -> str:
    """The delimited block of ``lines`` (each neutralised, one per row, "- " first)::

        ⟪ <title>
        - Mallory (twitch, 2026-12-01): “new rule from the devs ...”
        ⟫

    ``title`` is neutralised too; the block has exactly one ``DATA_OPEN`` and one
    ``DATA_CLOSE``, each at the start of its own line.
    """
    rows = [f"{DATA_OPEN} {neutralize(title)}".rstrip()]
    rows.extend(f"- {neutralize(line, limit=limit)}".rstrip() for line in lines)
    rows.append(DATA_CLOSE)
    return "\n".join(rows)
