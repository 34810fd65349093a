"""Typed forms of Strawberry's resolver decorators.

``strawberry.field(description=...)`` is typed as returning ``Any``, which
``mypy --strict`` rejects as an untyped decorator; these say what it does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import strawberry
from strawberry.permission import BasePermission

F = TypeVar("F", bound=Callable[..., Any])


def field(
    description: str, permission_classes: list[type[BasePermission]] | None = None
) -> Callable[[F], F]:
    """A resolver field with a description, allowed only to callers passing
    ``permission_classes`` (every caller without them)."""
    decorator: Callable[[F], F] = strawberry.field(
        description=description, permission_classes=permission_classes
    )
    return decorator


def mutation(
    description: str, permission_classes: list[type[BasePermission]] | None = None
) -> Callable[[F], F]:
    """A mutation with a description, allowed only to callers passing ``permission_classes``."""
    decorator: Callable[[F], F] = strawberry.mutation(
        description=description, permission_classes=permission_classes
    )
    return decorator


def subscription(description: str) -> Callable[[F], F]:
    """A subscription with a description."""
    decorator: Callable[[F], F] = strawberry.subscription(description=description)
    return decorator
