"""Who may do what in GraphQL: role checks on fields.

Keys, roles and the Authorization parsing live in ``qai_graph.security`` (shared with the
MCP face); they are re-exported here for the GraphQL modules that import them.
"""

from __future__ import annotations

from typing import Any

from strawberry.permission import BasePermission
from strawberry.types import Info

from qai_graph.api.errors import Forbidden
from qai_graph.security import (
    ADMIN,
    DEVELOPER,
    MODERATOR,
    READER,
    WRITER,
    Authenticator,
    Principal,
    bearer_token,
    hash_key,
    new_key,
)

__all__ = [
    "ADMIN",
    "DEVELOPER",
    "MODERATOR",
    "READER",
    "WRITER",
    "AdminOnly",
    "Authenticator",
    "ModeratorOnly",
    "Principal",
    "WriterOnly",
    "bearer_token",
    "hash_key",
    "new_key",
]


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
    """writer, moderator or admin."""

    role = WRITER


class ModeratorOnly(_RequiresRole):
    """moderator or admin: hiding, releasing, forgetting memories, banning players."""

    role = MODERATOR


class AdminOnly(_RequiresRole):
    """admin only."""

    role = ADMIN
