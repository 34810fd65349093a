"""A condition expression is tokenised once per distinct text, not once per request (12)."""

from __future__ import annotations

import collections
from typing import Any

from moto.dynamodb.comparisons import ConditionExpressionParser

_lex_condition = ConditionExpressionParser._lex_condition_expression
_LEXED: dict[str, tuple[Any, ...]] = {}
_MAX_LEXED = 512  # the service sends a few dozen expressions; clients may send more


def lex_condition(self: Any) -> Any:
    """ConditionExpressionParser's tokens of an expression, remembered by its text.

    The tokens depend on the text alone (placeholders are resolved later) and are
    immutable named tuples; the parser consumes a fresh deque of them each time. Every
    conditional write and filtered read lexed its expression again: about half of
    parsing a condition, and a transaction has several."""
    text = self.condition_expression
    found = _LEXED.get(text)
    if found is None:
        found = tuple(_lex_condition(self))
        if len(_LEXED) < _MAX_LEXED:
            _LEXED[text] = found
    return collections.deque(found)
