"""Cursors and page walking, against a fake service listing (no network)."""

from __future__ import annotations

import pytest

from qai_graph.api.connections import (
    START,
    Position,
    connection,
    decode_cursor,
    encode_cursor,
    fetch_page,
)
from qai_graph.errors import InvalidInput
from qai_graph.models import Page

ITEMS = [f"item{i:03d}" for i in range(250)]


async def listing(first: int, after: str | None) -> Page:
    """A service-like listing whose cursor is the last item's index."""
    assert 0 <= first <= 100
    start = 0 if after is None else int(after) + 1
    items = ITEMS[start : start + first]
    more = start + first < len(ITEMS)
    return Page(items=items, next_cursor=str(start + first - 1) if more and items else None)


async def walk(first: int, use_edge: int | None = None) -> list[str]:
    """Every item, page by page, continuing from endCursor (or from edge ``use_edge``)."""
    seen: list[str] = []
    position = START
    while True:
        items, next_cursor = await fetch_page(listing, first, position)
        page = connection(items, str, start=position, next_cursor=next_cursor)
        seen += [edge.node for edge in page.edges]
        if not page.page_info.has_next_page:
            return seen
        cursor = page.page_info.end_cursor if use_edge is None else page.edges[use_edge].cursor
        assert cursor is not None
        position = decode_cursor(cursor)
        if use_edge is not None:
            seen = seen[: len(seen) - len(page.edges) + use_edge + 1]


@pytest.mark.parametrize("first", [1, 7, 100])
async def test_end_cursors_walk_every_item_once(first: int) -> None:
    assert await walk(first) == ITEMS


async def test_edge_cursors_continue_right_after_their_edge() -> None:
    assert await walk(60, use_edge=30) == ITEMS


async def test_a_far_skip_walks_in_bounded_pages() -> None:
    items, _ = await fetch_page(listing, 100, Position(None, 180))
    assert items == ITEMS[180:250]


@pytest.mark.parametrize("cursor", ["", "bm9wZQ==", "%%%", encode_cursor(Position("x", 10**6))])
def test_foreign_cursors_are_invalid_input(cursor: str) -> None:
    with pytest.raises(InvalidInput):
        decode_cursor(cursor)
