"""Who may do what: roles by API key.

Keys are configured by their sha256 (``QAI_MEMORY_API_KEYS="<role>:<hex>,..."``), so the
environment never holds a usable key. HTTP sends ``Authorization: Bearer <key>``; a
WebSocket sends it in ``connection_init`` (``{"Authorization": "Bearer <key>"}``), since
browsers cannot set headers on a WebSocket handshake. With no keys configured the
service is in development mode and everyone is ``admin``.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from strawberry.permission import BasePermission
from strawberry.types import Info

from qai_graph.api.errors import Forbidden
from qai_graph.config import API_ROLES

READER, WRITER, ADMIN = API_ROLES
_RANK = {role: rank for rank, role in enumerate(API_ROLES)}


@dataclass(frozen=True)
class Principal:
    """An authenticated caller: its role and a short, loggable id of its key."""

    role: str
    key_id: str

    def can(self, role: str) -> bool:
        """True when this caller's role includes ``role``."""
        return _RANK[self.role] >= _RANK[role]


DEVELOPER = Principal(ADMIN, "development")
"""Everyone, in development mode (no keys configured)."""


def hash_key(key: str) -> str:
    """The sha256 hex of a key, as configured in QAI_MEMORY_API_KEYS."""
    return hashlib.sha256(key.encode()).hexdigest()


def new_key(role: str) -> tuple[str, str]:
    """A new random key and its ``<role>:<sha256>`` entry for QAI_MEMORY_API_KEYS."""
    if role not in _RANK:
        raise ValueError(f"role must be one of {', '.join(API_ROLES)}")
    key = "qai_" + secrets.token_urlsafe(32)
    return key, f"{role}:{hash_key(key)}"


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

    def __init__(self, roles: Mapping[str, str]) -> None:
        self._roles = dict(roles)

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
                found = Principal(role, digest[:12])
        return found

    def from_connection_params(self, params: Mapping[str, Any] | None) -> Principal | None:
        """The caller behind a WebSocket ``connection_init`` payload, or None."""
        params = params or {}
        return self.authenticate(params.get("Authorization", params.get("authorization")))


def _principal(info: Info[Any, Any]) -> Principal | None:
    principal = getattr(info.context, "principal", None)
    return principal if isinstance(principal, Principal) else None


class _RequiresRole(BasePermission):
    """Allows a field only to callers whose role includes ``role``."""

    role = ADMIN

    def has_permission(self, source: Any, info: Info[Any, Any], **kwargs: Any) -> bool:
        """True when the caller's role is enough; otherwise FORBIDDEN, nothing runs."""
        principal = _principal(info)
        if principal is None or not principal.can(self.role):
            raise Forbidden(f"this operation needs the {self.role} role")
        return True


class WriterOnly(_RequiresRole):
    """writer or admin."""

    role = WRITER


class AdminOnly(_RequiresRole):
    """admin only."""

    role = ADMIN
