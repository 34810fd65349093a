"""Relay-style connections (``edges { node cursor } pageInfo``) with opaque cursors.

Cursors are made by the service (its pages continue from them); the API wraps them,
with a count of items to skip, in versioned base64, so clients treat them as opaque and
a malformed cursor is rejected here with INVALID_INPUT before it reaches the store.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Generic, TypeAlias, TypeVar

import strawberry

from qai_graph.api.decorators import field
from qai_graph.errors import InvalidInput
from qai_graph.models import Page

T = TypeVar("T")
S = TypeVar("S")

_PREFIX = "qai1:"
MAX_PAGE_SIZE = 100
MAX_SKIP = 10 * MAX_PAGE_SIZE  # a cursor can never ask for a long walk of the table

FetchPage: TypeAlias = Callable[[int, str | None], Awaitable[Page]]
"""A service listing as ``fetch(first, after) -> Page``."""


@strawberry.type(description="Where a page sits in its list.")
class PageInfo:
    """Relay page info."""

    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type(description="A node and the cursor that continues after it.")
class Edge(Generic[T]):
    """Relay edge."""

    node: T
    cursor: str


@strawberry.type(description="A page of a list; continue with `after: pageInfo.endCursor`.")
class Connection(Generic[T]):
    """Relay connection."""

    edges: list[Edge[T]]
    page_info: PageInfo

    @field(description="The nodes of this page, without their cursors.")
    def nodes(self) -> list[T]:
        """Nodes of the page."""
        return [edge.node for edge in self.edges]


@dataclass(frozen=True)
class Position:
    """Where a page starts: ``skip`` items after the service cursor ``after``.

    Only a page's last item has a service cursor; the items before it (and pages served
    from a DataLoader's preloaded head) are addressed by how many to skip after one.
    """

    after: str | None = None
    skip: int = 0


START = Position()


def encode_cursor(position: Position) -> str:
    """An opaque cursor for clients."""
    text = _PREFIX + json.dumps({"a": position.after, "s": position.skip}, separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode()


def decode_cursor(cursor: str | None) -> Position:
    """Unwrap a client's cursor; InvalidInput if it is not one of ours."""
    if cursor is None:
        return START
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
        if not text.startswith(_PREFIX):
            raise ValueError("no prefix")
        data = json.loads(text[len(_PREFIX) :])
        after, skip = data["a"], data["s"]
        if not (after is None or isinstance(after, str)) or not isinstance(skip, int):
            raise ValueError("bad fields")
        if not 0 <= skip <= MAX_SKIP:
            raise ValueError("skip out of range")
    except (binascii.Error, UnicodeError, ValueError, KeyError, TypeError) as exc:
        raise InvalidInput("after is not a valid cursor", field="after") from exc
    return Position(after, skip)


def check_first(first: int, *, maximum: int = MAX_PAGE_SIZE) -> int:
    """Validate a page size."""
    if not 1 <= first <= maximum:
        raise InvalidInput(f"first must be between 1 and {maximum}", field="first")
    return first


async def fetch_page(
    fetch: FetchPage, first: int, position: Position
) -> tuple[list[Any], str | None]:
    """Read ``first`` items at ``position`` from a service listing; (items, next cursor)."""
    after, skip = position.after, position.skip
    while skip + first > MAX_PAGE_SIZE:
        # Too far to over-read in one page: walk the skipped head just for its cursor.
        step = min(skip, MAX_PAGE_SIZE)
        head = await fetch(step, after)
        if head.next_cursor is None:
            return [], None
        after, skip = head.next_cursor, skip - step
    page = await fetch(skip + first, after)
    return list(page.items[skip:]), page.next_cursor


async def listing(
    fetch: FetchPage, convert: Callable[[Any], T], first: int, after: str | None
) -> Connection[T]:
    """A connection over one of the service's listings: ``first`` checked, ``after``
    decoded, the page read with :func:`fetch_page` and each item converted."""
    position = decode_cursor(after)
    items, next_cursor = await fetch_page(fetch, check_first(first), position)
    return connection(items, convert, start=position, next_cursor=next_cursor)


def connection(
    items: Sequence[S],
    convert: Callable[[S], T],
    *,
    start: Position = START,
    next_cursor: str | None = None,
    has_next: bool | None = None,
) -> Connection[T]:
    """Build a connection from one page of items read at ``start``."""
    edges = [
        Edge(node=convert(item), cursor=encode_cursor(replace(start, skip=start.skip + i + 1)))
        for i, item in enumerate(items)
    ]
    if edges and next_cursor is not None:
        # The service's continuation is exact even if newer items arrive meanwhile.
        edges[-1].cursor = encode_cursor(Position(next_cursor, 0))
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=(next_cursor is not None) if has_next is None else has_next,
            has_previous_page=start != START,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
    )
