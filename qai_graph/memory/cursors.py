"""Opaque page cursors: clients pass them back unchanged and never parse them."""

from __future__ import annotations

import base64
import binascii
import json

from qai_graph.errors import InvalidInput


def encode(kind: str, position: str) -> str:
    """Cursor for ``position`` in a listing of ``kind``."""
    raw = json.dumps({"k": kind, "p": position}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(kind: str, cursor: str | None) -> str | None:
    """Position inside a cursor; InvalidInput if it is not one of ours for ``kind``."""
    if cursor is None:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if data["k"] != kind or not isinstance(data["p"], str):
            raise ValueError(kind)
        return str(data["p"])
    except (ValueError, KeyError, TypeError, binascii.Error, UnicodeDecodeError) as exc:
        raise InvalidInput("the cursor is not valid for this list", field="after") from exc
