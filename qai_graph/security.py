"""Who may do what: API keys and their roles, shared by every HTTP face (GraphQL, MCP).

Keys are configured by their sha256 (``QAI_MEMORY_API_KEYS="<role>:<hex>[:<name>],..."``),
so the environment never holds a usable key; a key's optional name is who the moderation
log says acted. HTTP sends ``Authorization: Bearer <key>``; a
WebSocket sends it in ``connection_init`` (``{"Authorization": "Bearer <key>"}``), since
browsers cannot set headers on a WebSocket handshake. With no keys configured the
service is in development mode and everyone is ``admin``. This module knows neither
GraphQL nor MCP: each face turns a missing Principal or a too-small role into its own
kind of refusal.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from qai_graph.config import api_key_entries
from qai_graph.roles import API_ROLES

READER, WRITER, MODERATOR, ADMIN = API_ROLES
_RANK = {role: rank for rank, role in enumerate(API_ROLES)}


@dataclass(frozen=True)
class Principal:
    """An authenticated caller: its role, a short, loggable id of its key, and the key's
    name when one is configured."""

    role: str
    key_id: str
    name: str | None = None

    @property
    def actor(self) -> str:
        """Who this caller is in logs and the moderation log: the key's name, else its id."""
        return self.name or f"key:{self.key_id}"

    def can(self, role: str) -> bool:
        """True when this caller's role includes ``role``."""
        return _RANK[self.role] >= _RANK[role]


DEVELOPER = Principal(ADMIN, "development", "development")
"""Everyone, in development mode (no keys configured)."""


def hash_key(key: str) -> str:
    """The sha256 hex of a key, as configured in QAI_MEMORY_API_KEYS."""
    return hashlib.sha256(key.encode()).hexdigest()


def new_key(role: str, name: str | None = None) -> tuple[str, str]:
    """A new random key and its ``<role>:<sha256>[:<name>]`` entry for QAI_MEMORY_API_KEYS."""
    if role not in _RANK:
        raise ValueError(f"role must be one of {', '.join(API_ROLES)}")
    key = "qai_" + secrets.token_urlsafe(32)
    entry = f"{role}:{hash_key(key)}" + (f":{name}" if name else "")
    api_key_entries(entry)  # the name is checked as the service will check it
    return key, entry


def bearer_token(value: object) -> str | None:
    """The key in an ``Authorization`` value (``Bearer <key>``), or None."""
    if not isinstance(value, str):
        return None
    scheme, _, token = value.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or len(token) > 512:
        return None
    return token


class Authenticator:
    """Turns an Authorization value into a Principal, or None when it is not a known key."""

    def __init__(self, roles: Mapping[str, str], names: Mapping[str, str] | None = None) -> None:
        self._roles = dict(roles)
        self._names = dict(names or {})

    @property
    def development_mode(self) -> bool:
        """No keys configured: everyone is admin."""
        return not self._roles

    def authenticate(self, authorization: object) -> Principal | None:
        """The caller behind an ``Authorization`` value, or None."""
        if self.development_mode:
            return DEVELOPER
        token = bearer_token(authorization)
        if token is None:
            return None
        digest = hash_key(token)
        # Compare every configured hash in constant time: no timing hints about keys.
        found = None
        for known, role in self._roles.items():
            if hmac.compare_digest(known, digest):
                found = Principal(role, digest[:12], self._names.get(known))
        return found

    def from_connection_params(self, params: Mapping[str, Any] | None) -> Principal | None:
        """The caller behind a WebSocket ``connection_init`` payload, or None."""
        params = params or {}
        return self.authenticate(params.get("Authorization", params.get("authorization")))
